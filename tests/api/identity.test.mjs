// identity.test.mjs - sign-in, MFA, sessions, roles and care teams, tried
// the way the people who use Confidant would: the owner signs in with the
// printed password, enrols TOTP, adds staff; each role sees only what its
// job needs. Time moves through the controllable clock, never by sleeping.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
	addUser, advance, as, createClient, init, ownerOf, reauth, request, run, serve, signIn, totp,
} from './harness.mjs';

let practice, srv;
const people = {};
const sessions = {};

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	for (const role of ['clinician', 'clinician2', 'supervisor', 'biller', 'scheduler', 'auditor']) {
		people[role] = await addUser(srv, role === 'clinician2' ? 'clinician' : role);
	}
	for (const who of Object.keys(people)) sessions[who] = await signIn(srv.port, people[who]);
});
after(async () => { await srv?.stop(); });

const call = (who) => as(srv, sessions[who]);

// fresh() - sign everyone in again (tests move the clock by hours, which
// rightly ends idle sessions).
async function fresh() {
	srv.session = await signIn(srv.port, ownerOf(srv.data));
	for (const who of Object.keys(people)) sessions[who] = await signIn(srv.port, people[who]);
}

describe('first sign-in', () => {
	test('a new user must change the one-time password and enrol TOTP before anything else', async () => {
		const ident = await addUser(srv, 'clinician');
		advance(30);
		const r = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: ident.email, password: ident.password }, session: null });
		assert.equal(r.status, 200);
		assert.equal(r.json.must_change_password, true);
		assert.equal(r.json.must_enrol_mfa, true);
		const session = { cookie: /^([^;]+)/.exec(r.headers['set-cookie'][0])[1], csrf: r.json.csrf_token };
		assert.match(r.headers['set-cookie'][0], /HttpOnly/);
		assert.match(r.headers['set-cookie'][0], /Secure/);
		assert.match(r.headers['set-cookie'][0], /SameSite=Strict/);
		const l = await request(srv.port, 'GET', '/api/v1/clients', { session });
		assert.equal(l.status, 403);
		assert.match(l.json.message, /password/);
		const weak = await request(srv.port, 'POST', '/api/v1/auth/password',
			{ body: { current: ident.password, new: 'password1234' }, session });
		assert.equal(weak.status, 400);
		assert.match(weak.json.message, /common/);
		const short = await request(srv.port, 'POST', '/api/v1/auth/password',
			{ body: { current: ident.password, new: 'short pw' }, session });
		assert.equal(short.status, 400);
		const ok = await request(srv.port, 'POST', '/api/v1/auth/password',
			{ body: { current: ident.password, new: 'a quiet harbour at six' }, session });
		assert.equal(ok.status, 200, ok.text);
		const l2 = await request(srv.port, 'GET', '/api/v1/clients', { session });
		assert.equal(l2.status, 403, 'staff without MFA can do nothing but enrol');
		assert.match(l2.json.message, /two-step/);
		const en = await request(srv.port, 'POST', '/api/v1/auth/mfa/enrol', { body: {}, session });
		assert.equal(en.status, 200);
		assert.match(en.json.otpauth_uri, /^otpauth:\/\/totp\//);
		assert.match(en.json.qr_svg, /^<svg[^>]*viewBox/);
	});
});

describe('sign-in failures look the same', () => {
	test('unknown user, wrong password and wrong code get one generic answer', async () => {
		const c = people.clinician;
		advance(30);
		const bodies = [
			{ email: 'nobody@example.org', password: 'whatever whatever', code: '123456' },
			{ email: c.email, password: 'not the password at all', code: totp(c.secret) },
			{ email: c.email, password: c.password, code: '000000' },
		];
		const answers = [];
		for (const body of bodies) {
			const r = await request(srv.port, 'POST', '/api/v1/auth/login', { body, session: null });
			answers.push([r.status, r.json.error, r.json.message]);
		}
		assert.deepEqual(answers[0], answers[1]);
		assert.deepEqual(answers[1], answers[2]);
		assert.equal(answers[0][0], 401);
		advance(3600); // let the throttle lapse for later tests
	});

	test('a replayed TOTP code is refused', async () => {
		const b = people.biller;
		advance(30);
		const code = totp(b.secret);
		const first = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: b.email, password: b.password, code }, session: null });
		assert.equal(first.status, 200, first.text);
		const again = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: b.email, password: b.password, code }, session: null });
		assert.equal(again.status, 401, 'the same code worked twice');
	});

	test('repeated failures throttle the account, even with the right password', async () => {
		const s = people.scheduler;
		advance(3600);
		for (let i = 0; i < 10; i++) {
			await request(srv.port, 'POST', '/api/v1/auth/login',
				{ body: { email: s.email, password: `wrong password ${i}` }, session: null });
		}
		advance(30);
		const r = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: s.email, password: s.password, code: totp(s.secret) }, session: null });
		assert.equal(r.status, 401, 'throttled account signed in');
		advance(3600);
		const later = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: s.email, password: s.password, code: totp(s.secret) }, session: null });
		assert.equal(later.status, 200, `after the lock: ${later.text}`);
		sessions.scheduler = { cookie: /^([^;]+)/.exec(later.headers['set-cookie'][0])[1], csrf: later.json.csrf_token };
	});
});

describe('roles see what their job needs', () => {
	let mine, theirs;
	before(async () => {
		advance(3600);
		await fresh();
		const r1 = await call('clinician')('POST', '/api/v1/clients', { body: { legal_name: 'Mine Client', email: 'mine@example.org' } });
		assert.equal(r1.status, 201, r1.text);
		mine = r1.json;
		const r2 = await call('clinician2')('POST', '/api/v1/clients', { body: { legal_name: 'Theirs Client' } });
		assert.equal(r2.status, 201, r2.text);
		theirs = r2.json;
	});

	test("a clinician cannot open another clinician's client (404, no data)", async () => {
		const r = await call('clinician')('GET', `/api/v1/clients/${theirs.id}`);
		assert.equal(r.status, 404);
		assert.ok(!r.text.includes('Theirs'));
		const p = await call('clinician')('PATCH', `/api/v1/clients/${theirs.id}`, { body: { version: 1, legal_name: 'X' } });
		assert.equal(p.status, 404);
		const l = await call('clinician')('GET', '/api/v1/clients?limit=200');
		assert.ok(l.json.clients.some((c) => c.id === mine.id));
		assert.ok(!l.json.clients.some((c) => c.id === theirs.id), 'list shows another team\'s client');
		const s = await call('clinician')('POST', '/api/v1/clients/search', { body: { query: 'client' } });
		assert.ok(!s.json.clients.some((c) => c.id === theirs.id), 'search shows another team\'s client');
	});

	test('care team and supervision open a client', async () => {
		const before1 = await call('supervisor')('GET', `/api/v1/clients/${mine.id}`);
		assert.equal(before1.status, 404);
		const sv = await srv.request('POST', `/api/v1/users/${people.supervisor.id}/supervisees`, { body: { user_id: people.clinician.id } });
		assert.equal(sv.status, 200, sv.text);
		const after1 = await call('supervisor')('GET', `/api/v1/clients/${mine.id}`);
		assert.equal(after1.status, 200);
		const w = await call('supervisor')('PATCH', `/api/v1/clients/${mine.id}`, { body: { version: 1, phone: '1' } });
		assert.equal(w.status, 403, 'supervisors review; they do not edit demographics');
		const ct = await srv.request('POST', `/api/v1/clients/${theirs.id}/care-team`, { body: { user_id: people.clinician.id } });
		assert.equal(ct.status, 200, ct.text);
		const now = await call('clinician')('GET', `/api/v1/clients/${theirs.id}`);
		assert.equal(now.status, 200);
	});

	test('billing reads demographics but cannot register or change clients', async () => {
		assert.equal((await call('biller')('GET', `/api/v1/clients/${mine.id}`)).status, 200);
		assert.equal((await call('biller')('POST', '/api/v1/clients', { body: { legal_name: 'B' } })).status, 403);
		assert.equal((await call('biller')('PATCH', `/api/v1/clients/${mine.id}`, { body: { version: 1 } })).status, 403);
		assert.equal((await call('biller')('GET', '/api/v1/users')).status, 403);
	});

	test('front desk registers clients but cannot manage users', async () => {
		const r = await call('scheduler')('POST', '/api/v1/clients', { body: { legal_name: 'Desk Registered' } });
		assert.equal(r.status, 201);
		assert.equal((await call('scheduler')('GET', '/api/v1/users')).status, 403);
		assert.equal((await call('scheduler')('POST', '/api/v1/users', { body: { email: 'a@b.c', name: 'n', role: 'owner' } })).status, 403);
	});

	test('a client account sees only its own record', async () => {
		await (await import('./harness.mjs')).reauth(srv);
		const r = await srv.request('POST', '/api/v1/users', {
			body: { email: 'portal.mine@example.org', name: 'Mine Client', role: 'client', client_id: mine.id },
		});
		assert.equal(r.status, 201, r.text);
		const ident = { email: 'portal.mine@example.org', password: r.json.one_time_password, secret: null };
		const session = await signIn(srv.port, ident);
		const me = as(srv, session);
		const own = await me('GET', `/api/v1/clients/${mine.id}`);
		assert.equal(own.status, 200);
		assert.equal(own.json.legal_name, 'Mine Client');
		assert.equal((await me('GET', `/api/v1/clients/${theirs.id}`)).status, 404);
		const l = await me('GET', '/api/v1/clients');
		assert.deepEqual(l.json.clients.map((c) => c.id), [mine.id]);
		assert.equal((await me('POST', '/api/v1/clients/search', { body: { query: 'client' } })).status, 403);
		assert.equal((await me('PATCH', `/api/v1/clients/${mine.id}`, { body: { version: 1 } })).status, 403);
		// who looked at my record: my own access report, nobody else's
		const rep = await me('GET', `/api/v1/audit/clients/${mine.id}`);
		assert.equal(rep.status, 200, rep.text);
		assert.ok(rep.json.events.some((e) => e.event === 'client.create' && e.actor_role === 'clinician'), rep.text);
		assert.ok(rep.json.events.some((e) => e.event === 'client.read' && e.actor_role === 'supervisor'), rep.text);
		const other = await me('GET', `/api/v1/audit/clients/${theirs.id}`);
		assert.ok(other.status === 404 || other.status === 403, `other client's report: ${other.status}`);
	});
});

describe('sessions end when they should', () => {
	before(async () => {
		advance(3600);
		await fresh();
	});
	test('logout ends the session on the server: the old cookie is refused', async () => {
		const ident = people.auditor;
		const session = await signIn(srv.port, ident);
		assert.equal((await as(srv, session)('GET', '/api/v1/auth/session')).status, 200);
		const out = await as(srv, session)('POST', '/api/v1/auth/logout', { body: {} });
		assert.equal(out.status, 200);
		assert.match(out.headers['set-cookie'][0], /Max-Age=0/);
		assert.equal((await as(srv, session)('GET', '/api/v1/auth/session')).status, 401);
	});

	test('a missing or wrong CSRF token is refused on state-changing requests', async () => {
		const s = sessions.clinician;
		const none = await request(srv.port, 'POST', '/api/v1/clients',
			{ body: { legal_name: 'No Csrf' }, session: s, headers: { 'x-csrf-token': '' } });
		assert.equal(none.status, 403);
		const wrong = await request(srv.port, 'POST', '/api/v1/clients',
			{ body: { legal_name: 'Wrong Csrf' }, session: s, headers: { 'x-csrf-token': sessions.biller.csrf } });
		assert.equal(wrong.status, 403);
	});

	test('an idle session times out (15 minutes), an active one does not', async () => {
		const ident = people.clinician2;
		const session = await signIn(srv.port, ident);
		const me = as(srv, session);
		advance(14 * 60);
		assert.equal((await me('GET', '/api/v1/auth/session')).status, 200);
		advance(14 * 60);
		assert.equal((await me('GET', '/api/v1/auth/session')).status, 200, 'activity keeps it alive');
		advance(15 * 60 + 1);
		assert.equal((await me('GET', '/api/v1/auth/session')).status, 401, 'idle session still valid');
		await fresh();
	});

	test('disabling a user or changing their role takes effect on the next request', async () => {
		const ident = await addUser(srv, 'biller');
		const session = await signIn(srv.port, ident);
		const me = as(srv, session);
		assert.equal((await me('POST', '/api/v1/clients', { body: { legal_name: 'Nope' } })).status, 403);
		await (await import('./harness.mjs')).reauth(srv);
		const role = await srv.request('PATCH', `/api/v1/users/${ident.id}`, { body: { role: 'scheduler' } });
		assert.equal(role.status, 200, role.text);
		// a role change ends the user's sessions: they sign in again as a scheduler
		assert.equal((await me('GET', '/api/v1/auth/session')).status, 401);
		const s2 = await signIn(srv.port, ident);
		assert.equal((await as(srv, s2)('POST', '/api/v1/clients', { body: { legal_name: 'Now Allowed' } })).status, 201);
		await (await import('./harness.mjs')).reauth(srv);
		const dis = await srv.request('PATCH', `/api/v1/users/${ident.id}`, { body: { disabled: true } });
		assert.equal(dis.status, 200);
		assert.equal((await as(srv, s2)('GET', '/api/v1/auth/session')).status, 401);
		advance(30);
		const back = await request(srv.port, 'POST', '/api/v1/auth/login',
			{ body: { email: ident.email, password: ident.password, code: totp(ident.secret) }, session: null });
		assert.equal(back.status, 401, 'a disabled user signed in');
	});

	test('user management needs a recent re-authentication', async () => {
		await fresh();
		advance(10 * 60);
		const r = await srv.request('POST', '/api/v1/users', { body: { email: 'late@example.org', name: 'Late', role: 'biller' } });
		assert.equal(r.status, 401);
		assert.match(r.json.message, /Confirm your password/);
	});
});

describe('break the glass', () => {
	test('a clinician opens another team\'s client only with a reason, for a while, in view of reviewers', async () => {
		advance(3600);
		await fresh();
		const c = await call('clinician2')('POST', '/api/v1/clients', { body: { legal_name: 'Emergency Client' } });
		assert.equal(c.status, 201);
		const id = c.json.id;
		const me = call('clinician');
		assert.equal((await me('GET', `/api/v1/clients/${id}`)).status, 404);
		const noReason = await me('POST', `/api/v1/clients/${id}/break-glass`, { body: { reason: 'x' } });
		assert.equal(noReason.status, 400);
		const bg = await me('POST', `/api/v1/clients/${id}/break-glass`,
			{ body: { reason: 'on call: client phoned the crisis line' } });
		assert.equal(bg.status, 201, bg.text);
		assert.equal((await me('GET', `/api/v1/clients/${id}`)).status, 200);
		// the client's own clinician and the owner see it in the review list
		const own = await call('clinician2')('GET', '/api/v1/break-glass');
		assert.equal(own.status, 200);
		const g = own.json.grants.find((x) => x.client_id === id);
		assert.ok(g, 'grant missing from the client clinician\'s review list');
		assert.equal(g.user_id, people.clinician.id);
		assert.match(g.reason, /crisis line/);
		const owner = await srv.request('GET', '/api/v1/break-glass');
		assert.ok(owner.json.grants.some((x) => x.client_id === id));
		assert.equal((await call('biller')('GET', '/api/v1/break-glass')).status, 403);
		// time-boxed: an hour later the door is shut again
		advance(61 * 60);
		sessions.clinician = await signIn(srv.port, people.clinician);
		assert.equal((await call('clinician')('GET', `/api/v1/clients/${id}`)).status, 404);
	});
});

// The expected access rule of every route. `confidant routes` must list
// exactly these: a route added without a rule here fails this test.
const ALL = ['owner', 'clinician', 'supervisor', 'biller', 'scheduler', 'client', 'auditor'];
const STAFF = ALL.filter((r) => r !== 'client');
const EXPECT = {
	'GET /api/v1/health': 'public',
	'POST /api/v1/auth/login': 'public',
	'POST /api/v1/auth/logout': ALL,
	'GET /api/v1/auth/session': ALL,
	'POST /api/v1/auth/password': ALL,
	'POST /api/v1/auth/mfa/enrol': ALL,
	'POST /api/v1/auth/mfa/confirm': ALL,
	'POST /api/v1/auth/reauth': ALL,
	'GET /api/v1/users': ['owner'],
	'POST /api/v1/users': ['owner'],
	'PATCH /api/v1/users/{id}': ['owner'],
	'POST /api/v1/users/{id}/reset-mfa': ['owner'],
	'POST /api/v1/users/{id}/supervisees': ['owner'],
	'GET /api/v1/settings': ['owner'],
	'PATCH /api/v1/settings': ['owner'],
	'GET /api/v1/settings/chart': ALL,
	'POST /api/v1/clients': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/clients': ALL,
	'POST /api/v1/clients/search': STAFF,
	'GET /api/v1/clients/{id}': ALL,
	'PATCH /api/v1/clients/{id}': ['owner', 'clinician', 'scheduler'],
	'POST /api/v1/clients/{id}/care-team': ['owner'],
	'POST /api/v1/clients/{id}/break-glass': ['clinician', 'supervisor'],
	'GET /api/v1/break-glass': ['owner', 'clinician', 'supervisor', 'auditor'],
	'GET /api/v1/note-templates': ['clinician', 'supervisor'],
	'GET /api/v1/me/notes': ['clinician', 'supervisor'],
	'GET /api/v1/icd10': ['clinician', 'supervisor', 'biller'],
	'GET /api/v1/clients/{id}/diagnoses': ['clinician', 'supervisor', 'biller'],
	'POST /api/v1/clients/{id}/diagnoses': ['clinician', 'supervisor'],
	'PATCH /api/v1/diagnoses/{id}': ['clinician', 'supervisor'],
	'GET /api/v1/clients/{id}/psychotherapy-notes': ALL,
	'POST /api/v1/clients/{id}/psychotherapy-notes': ALL,
	'GET /api/v1/psychotherapy-notes/{id}': ALL,
	'PUT /api/v1/psychotherapy-notes/{id}': ALL,
	'POST /api/v1/psychotherapy-notes/{id}/share': ALL,
	'POST /api/v1/psychotherapy-notes/{id}/unshare': ALL,
	'POST /api/v1/users/{id}/reset-password': ['owner'],
	'POST /api/v1/clients/{id}/notes': ['clinician', 'supervisor'],
	'GET /api/v1/clients/{id}/notes': ['clinician', 'supervisor'],
	'GET /api/v1/notes/{id}': ['clinician', 'supervisor'],
	'PATCH /api/v1/notes/{id}': ['clinician', 'supervisor'],
	'POST /api/v1/notes/{id}/sign': ['clinician', 'supervisor'],
	'POST /api/v1/notes/{id}/cosign': ['supervisor'],
	'POST /api/v1/notes/{id}/addenda': ['clinician', 'supervisor'],
	'GET /api/v1/clients/{id}/history': ALL,
	'GET /api/v1/notes/{id}/history': ['clinician', 'supervisor'],
	'GET /api/v1/clients/{id}/guardians': ALL,
	'POST /api/v1/clients/{id}/guardians': ['owner', 'clinician', 'scheduler'],
	'PATCH /api/v1/guardians/{id}': ['owner', 'clinician', 'scheduler'],
	'DELETE /api/v1/guardians/{id}': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/clients/{id}/care-team': ALL,
	'POST /api/v1/clients/{id}/attachments': ['clinician', 'supervisor'],
	'GET /api/v1/clients/{id}/attachments': ['clinician', 'supervisor', 'client'],
	'GET /api/v1/attachments/{id}': ['clinician', 'supervisor', 'client'],
	'GET /api/v1/attachments/{id}/content': ['clinician', 'supervisor', 'client'],
	'GET /api/v1/clients/{id}/plans': ['clinician', 'supervisor', 'client'],
	'POST /api/v1/clients/{id}/plans': ['clinician', 'supervisor'],
	'GET /api/v1/plans/{id}': ['clinician', 'supervisor', 'client'],
	'PUT /api/v1/plans/{id}': ['clinician', 'supervisor'],
	'GET /api/v1/plans/{id}/versions': ['clinician', 'supervisor', 'client'],
	'POST /api/v1/plans/{id}/sign': ['clinician', 'supervisor', 'client'],
	'GET /api/v1/clients/{id}/amendments': ['clinician', 'supervisor', 'client'],
	'POST /api/v1/clients/{id}/amendments': ['clinician', 'supervisor', 'client'],
	'GET /api/v1/amendments/{id}': ['clinician', 'supervisor', 'client'],
	'POST /api/v1/amendments/{id}/extend': ['clinician', 'supervisor'],
	'POST /api/v1/amendments/{id}/accept': ['clinician', 'supervisor'],
	'POST /api/v1/amendments/{id}/deny': ['clinician', 'supervisor'],
	'POST /api/v1/amendments/{id}/disagreement': ['clinician', 'supervisor', 'client'],
	'POST /api/v1/amendments/{id}/rebuttal': ['clinician', 'supervisor'],
	'GET /api/v1/services': ['owner', 'clinician', 'supervisor', 'biller', 'scheduler'],
	'POST /api/v1/services': ['owner'],
	'GET /api/v1/rooms': ['owner', 'clinician', 'supervisor', 'biller', 'scheduler'],
	'POST /api/v1/rooms': ['owner'],
	'GET /api/v1/clinicians/{id}/working-hours': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'PUT /api/v1/clinicians/{id}/working-hours': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'POST /api/v1/clinicians/{id}/time-off': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'GET /api/v1/clinicians/{id}/time-off': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'DELETE /api/v1/time-off/{id}': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'GET /api/v1/clinicians/{id}/free-slots': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'POST /api/v1/appointments': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/appointments/{id}': ['owner', 'clinician', 'supervisor', 'biller', 'scheduler'],
	'PATCH /api/v1/appointments/{id}': ['owner', 'clinician', 'scheduler'],
	'POST /api/v1/appointments/{id}/status': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/clinicians': ['owner', 'clinician', 'supervisor', 'biller', 'scheduler'],
	'GET /api/v1/schedule': ['owner', 'clinician', 'supervisor', 'biller', 'scheduler'],
	'GET /api/v1/audit': ['owner', 'auditor'],
	'GET /api/v1/audit/clients/{id}': ['owner', 'auditor', 'client'],
	'GET /api/v1/audit/breach': ['owner', 'auditor'],
	'GET /api/v1/consent-templates': ALL,
	'POST /api/v1/consent-templates': ['owner'],
	'POST /api/v1/note-templates': ['owner'],
	'POST /api/v1/note-templates/{name}/retire': ['owner'],
	'GET /api/v1/reports/risk': ['clinician', 'supervisor'],
	'GET /api/v1/consent-templates/{id}': ALL,
	'POST /api/v1/clients/{id}/consents/preview': ['owner', 'clinician', 'scheduler', 'client'],
	'POST /api/v1/clients/{id}/consents': ['owner', 'clinician', 'scheduler', 'client'],
	'GET /api/v1/clients/{id}/consents': ALL,
	'POST /api/v1/consents/{id}/withdraw': ['owner', 'clinician', 'scheduler', 'client'],
	'POST /api/v1/clients/{id}/disclosures': ['owner', 'clinician'],
	'GET /api/v1/clients/{id}/disclosures': ALL,
	'GET /api/v1/clients/{id}/privacy': ALL,
	'GET /api/v1/processing-record': ['owner', 'auditor'],
	'GET /api/v1/privacy-notice': 'public',
	'GET /api/v1/clients/{id}/export': ['owner', 'clinician', 'client'],
	'POST /api/v1/clients/{id}/access-requests': ['owner', 'clinician', 'client', 'auditor'],
	'GET /api/v1/clients/{id}/access-requests': ['owner', 'clinician', 'client', 'auditor'],
	'GET /api/v1/access-requests': ['owner', 'auditor', 'clinician', 'supervisor'],
	'POST /api/v1/access-requests/{id}/extend': ['owner', 'clinician', 'auditor'],
	'POST /api/v1/clients/{id}/erasure-requests': ['owner', 'auditor', 'client'],
	'GET /api/v1/erasure-requests': ['owner', 'auditor'],
	'GET /api/v1/erasure-requests/{id}': ['owner', 'auditor'],
	'POST /api/v1/clients/{id}/legal-holds': ['owner', 'auditor'],
	'GET /api/v1/clients/{id}/legal-holds': ['owner', 'auditor'],
	'POST /api/v1/legal-holds/{id}/release': ['owner', 'auditor'],
	'POST /api/v1/clients/{id}/restriction': ['owner', 'auditor'],
	'POST /api/v1/clients/{id}/restriction/lift': ['owner', 'auditor'],
	'POST /api/v1/breaches': ['owner', 'auditor'],
	'GET /api/v1/breaches': ['owner', 'auditor'],
	'GET /api/v1/breaches/{id}/letters': ['owner', 'auditor'],
	'POST /api/v1/research-exports': ['owner'],
	'POST /api/v1/waitlist': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/waitlist': ['owner', 'clinician', 'scheduler'],
	'POST /api/v1/waitlist/{id}/remove': ['owner', 'clinician', 'scheduler'],
	'POST /api/v1/booking-requests': ['owner', 'clinician', 'scheduler', 'client'],
	'GET /api/v1/booking-requests': ['owner', 'clinician', 'scheduler', 'client'],
	'GET /api/v1/booking-requests/{id}': ['owner', 'clinician', 'scheduler', 'client'],
	'POST /api/v1/booking-requests/{id}/approve': ['owner', 'clinician'],
	'POST /api/v1/booking-requests/{id}/decline': ['owner', 'clinician'],
	'POST /api/v1/appointments/{id}/reminders/email': ['owner', 'clinician', 'scheduler'],
	'POST /api/v1/appointments/{id}/reminders/sms': ['owner', 'clinician', 'scheduler'],
	'GET /api/v1/appointments/{id}/reminders': ['owner', 'clinician', 'supervisor', 'scheduler'],
	'PUT /api/v1/integration-secrets/{id}': ['owner'],
	'POST /api/v1/clinicians/{id}/feed': ['owner', 'clinician', 'supervisor'],
	'GET /api/v1/clinicians/{id}/feed': ['owner', 'clinician', 'supervisor'],
	'DELETE /api/v1/clinicians/{id}/feed': ['owner', 'clinician', 'supervisor'],
	'GET /api/v1/feeds/{file}': 'public',
	// Telehealth: membership of the appointment decides (an audited 404 for everyone else).
	'POST /api/v1/appointments/{id}/telehealth': ALL,
	'GET /api/v1/telehealth/{room}': ALL,
	'POST /api/v1/telehealth/{room}/admit': ['clinician', 'supervisor'],
	'POST /api/v1/telehealth/{room}/end': ['clinician', 'supervisor'],
	'GET /api/v1/retention-rules': ['owner', 'auditor'],
	'PUT /api/v1/retention-rules/{code}': ['owner'],
	'DELETE /api/v1/retention-rules/{code}': ['owner'],
	'GET /api/v1/telehealth/{room}/signal': ALL,
};

describe('the routes table, for every role', () => {
	test('every route has the expected rule, and the server enforces it for each role', async () => {
		const r = await run(['routes']);
		assert.equal(r.status, 0);
		const table = r.stdout.trim().split('\n').map((l) => {
			const [method, path, roles] = l.split('\t');
			return { key: `${method} ${path}`, method, path, roles: roles === 'public' ? 'public' : roles.split(',') };
		});
		const got = Object.fromEntries(table.map((t) => [t.key, t.roles]));
		for (const k of Object.keys(got)) assert.ok(k in EXPECT, `route ${k} has no expected rule in this test`);
		for (const k of Object.keys(EXPECT)) assert.ok(k in got, `expected route ${k} is not served`);
		for (const [k, want] of Object.entries(EXPECT)) {
			assert.deepEqual(want === 'public' ? want : [...got[k]].sort(), want === 'public' ? want : [...want].sort(), k);
		}

		advance(3600);
		await fresh();
		await reauth(srv);
		const c = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Walk Client' } });
		const portal = await srv.request('POST', '/api/v1/users', {
			body: { email: `walk.${Date.now()}@example.org`, name: 'Walk Client', role: 'client', client_id: c.json.id },
		});
		assert.equal(portal.status, 201, portal.text);
		const byRole = {
			owner: srv.session,
			clinician: sessions.clinician,
			supervisor: sessions.supervisor,
			biller: sessions.biller,
			scheduler: sessions.scheduler,
			auditor: sessions.auditor,
			client: await signIn(srv.port, { email: portal.json.email, password: portal.json.one_time_password, secret: null }),
		};
		const none = '0'.repeat(32);
		let checked = 0;
		for (const t of table) {
			if (t.roles === 'public' || t.key === 'POST /api/v1/auth/logout') continue;
			const p = t.path.replaceAll('{id}', none);
			for (const role of ALL) {
				const opts = t.method === 'GET' || t.method === 'DELETE' ? {} : { body: {} };
				const res = await as(srv, byRole[role])(t.method, p, opts);
				const roleRefusal = res.status === 403 && /role does not allow/.test(res.json?.message ?? '');
				if (t.roles.includes(role))
					assert.ok(!roleRefusal, `${role} refused on ${t.key} (${res.status} ${res.text})`);
				else
					assert.ok(roleRefusal, `${role} not refused on ${t.key}: ${res.status} ${res.text}`);
				assert.ok(res.status !== 200 || t.roles.includes(role));
				checked++;
			}
		}
		assert.ok(checked >= 100, `only ${checked} route x role checks ran`);
	});
});

describe('practice settings', () => {
	test('the owner shortens the idle timeout; out-of-range values change nothing', async () => {
		advance(3600);
		await fresh();
		const before1 = await srv.request('GET', '/api/v1/settings');
		assert.equal(before1.json.require_mfa, 1);
		assert.equal(before1.json.session_idle_seconds, 900);
		const noReauth = await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 300 } });
		assert.equal(noReauth.status, 200, 'the owner just signed in, which counts as a re-authentication');
		const bad = await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 5, require_mfa: 0 } });
		assert.equal(bad.status, 400);
		const after1 = await srv.request('GET', '/api/v1/settings');
		assert.equal(after1.json.session_idle_seconds, 300);
		assert.equal(after1.json.require_mfa, 1, 'a refused change was partly applied');
		const s = sessions.biller;
		advance(301);
		assert.equal((await as(srv, s)('GET', '/api/v1/auth/session')).status, 401);
		srv.session = await signIn(srv.port, ownerOf(srv.data)); // the owner's session idled out too
		const reset = await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 900 } });
		assert.equal(reset.status, 200, reset.text);
	});
});
