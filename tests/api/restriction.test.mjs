// restriction.test.mjs - GDPR Art. 18: a restricted record may only be
// stored, or used by the owner or privacy officer for legal claims. Every
// staff path that reads or writes it is refused with 409 "restricted" (and
// audited), except those; the client keeps their right of access; lifting
// restores everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, now, reauth, request, rnd, run, serve, signIn } from './harness.mjs';

let p;
let srv;
let client;  // restricted in the tests
let other;   // never restricted
let note;
let C;       // clinician on both care teams
let B;       // biller
let S;       // scheduler
let A;       // auditor
let X;       // clinician on no care team
let P;       // the client's portal session
let clin;    // the clinician C's identity

before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
	const mk = async (name) => {
		const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1985-02-03' } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	client = await mk(`Restricted ${rnd(6)}`);
	other = await mk(`Unrestricted ${rnd(6)}`);
	clin = await addUser(srv, 'clinician');
	for (const c of [client, other]) {
		const t = await srv.request('POST', `/api/v1/clients/${c.id}/care-team`, { body: { user_id: clin.id } });
		assert.equal(t.status, 200, t.text);
	}
	C = as(srv, await signIn(srv.port, clin));
	const n = await C('POST', `/api/v1/clients/${client.id}/notes`,
		{ body: { template: 'soap', date: '2026-11-20', fields: { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' } } });
	assert.equal(n.status, 201, n.text);
	note = n.json;
	assert.equal((await C('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1' } })).status, 201);
	B = as(srv, await signIn(srv.port, await addUser(srv, 'biller')));
	S = as(srv, await signIn(srv.port, await addUser(srv, 'scheduler')));
	A = as(srv, await signIn(srv.port, await addUser(srv, 'auditor')));
	X = as(srv, await signIn(srv.port, await addUser(srv, 'clinician')));
	await reauth(srv);
	const email = `portal.${rnd(8)}@example.org`;
	const u = await srv.request('POST', '/api/v1/users', { body: { email, name: 'Portal Restricted', role: 'client', client_id: client.id } });
	assert.equal(u.status, 201, u.text);
	P = as(srv, await signIn(srv.port, { email, password: u.json.one_time_password, secret: null }));
});
after(async () => { await srv?.stop(); });

function restricted(r, what) {
	assert.equal(r.status, 409, `${what}: ${r.status} ${r.text}`);
	assert.equal(r.json.error, 'restricted', what);
	assert.match(r.json.message, /restricted/i, what);
}

describe('restriction of processing', () => {
	test('only the owner or auditor may restrict, with a valid basis', async () => {
		assert.equal((await C('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } })).status, 403);
		const bad = await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'whim' } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /basis/);
		const nf = await srv.request('POST', `/api/v1/clients/${'0'.repeat(32)}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(nf.status, 404);
		// Not yet restricted: the clinician works normally.
		assert.equal((await C('GET', `/api/v1/notes/${note.id}`)).status, 200);
	});

	test('restricted: staff reads and writes are refused on every path', async () => {
		const r = await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.restricted, true);
		assert.equal((await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } })).status, 409);

		restricted(await C('GET', `/api/v1/clients/${client.id}`), 'clinician reads the chart');
		restricted(await C('GET', `/api/v1/clients/${client.id}/notes`), 'clinician lists notes');
		restricted(await C('GET', `/api/v1/notes/${note.id}`), 'clinician reads a note');
		restricted(await C('POST', `/api/v1/clients/${client.id}/notes`,
			{ body: { template: 'soap', date: '2026-11-21', fields: { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' } } }),
		'clinician writes a note');
		restricted(await C('GET', `/api/v1/clients/${client.id}/diagnoses`), 'clinician reads diagnoses');
		restricted(await C('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F32.1' } }), 'clinician adds a diagnosis');
		restricted(await C('GET', `/api/v1/clients/${client.id}/plans`), 'clinician lists plans');
		restricted(await B('GET', `/api/v1/clients/${client.id}/diagnoses`), 'biller reads diagnoses');
		restricted(await S('GET', `/api/v1/clients/${client.id}`), 'scheduler reads contact details');
		restricted(await S('PATCH', `/api/v1/clients/${client.id}`, { body: { version: 1, legal_name: 'Changed' } }), 'scheduler edits');
		restricted(await srv.request('PATCH', `/api/v1/clients/${client.id}`, { body: { version: 1, legal_name: 'Changed' } }), 'owner edits');

		// Someone with no access still learns nothing: 404, not 409.
		assert.equal((await X('GET', `/api/v1/clients/${client.id}`)).status, 404);

		// Legal claims: the owner and the auditor may read; the client keeps access.
		const o = await srv.request('GET', `/api/v1/clients/${client.id}`);
		assert.equal(o.status, 200, o.text);
		assert.equal((await A('GET', `/api/v1/clients/${client.id}`)).status, 200);
		assert.equal((await P('GET', `/api/v1/clients/${client.id}`)).status, 200);

		// Other clients are untouched; the clinician's to-do list still works.
		assert.equal((await C('GET', `/api/v1/clients/${other.id}`)).status, 200);
		assert.equal((await C('GET', '/api/v1/me/notes?status=draft')).status, 200);

		// Refusals are audited (ids only); the owner's reads are labelled legal claims.
		const ev = await srv.request('GET', '/api/v1/audit?event=restriction.refuse&limit=100');
		assert.equal(ev.status, 200, ev.text);
		assert.ok(ev.json.events.length >= 10, `refusals audited: ${ev.json.events.length}`);
		assert.ok(ev.json.events.every((e) => e.outcome === 'restricted' && e.client === client.id));
		const reads = await srv.request('GET', `/api/v1/audit?event=client.read&client=${client.id}&limit=20`);
		assert.ok(reads.json.events.some((e) => e.purpose === 'legal-claims'));
		const set = await srv.request('GET', '/api/v1/audit?event=restriction.set');
		assert.equal(set.json.events[0].detail, 'basis=accuracy');
	});

	test('lifting the restriction restores processing', async () => {
		assert.equal((await C('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} })).status, 403);
		const r = await A('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.restricted, false);
		assert.equal((await A('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} })).status, 409);
		assert.equal((await C('GET', `/api/v1/notes/${note.id}`)).status, 200);
		assert.equal((await B('GET', `/api/v1/clients/${client.id}/diagnoses`)).status, 200);
		assert.equal((await S('GET', `/api/v1/clients/${client.id}`)).status, 200);
		const lift = await srv.request('GET', '/api/v1/audit?event=restriction.lift');
		assert.equal(lift.json.events.filter((e) => e.outcome === 'ok').length, 1);
		assert.equal(lift.json.events.filter((e) => e.outcome === 'denied').length, 1, 'the clinician\'s try');
	});
});

// ---- every route, by a table ----------------------------------------------
// What each route may do with a restricted record. A route missing here
// fails the test, so a new route must decide.
//   '-'      not about one client's record (or a list: see the lists test)
//   'list'   a list across clients: restricted clients are left out
//   ['refuse', who, body]   processing: 409 "restricted" for who
//   ['allow', who, body]    storage, the client's rights, legal claims, audit
const d = (days) => new Date((now() + days * 86400) * 1000).toISOString().slice(0, 10);
const soap = { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' };
const plan = () => ({ title: 'Plan', start_date: '2026-11-01', review_date: '2027-02-01',
	problems: [{ problem: 'p', goals: [{ goal: 'g', target_date: '2027-01-31', objectives: [{ what: 'w', measure: 'm', target: 't' }] }] }] });
const TABLE = {
	'GET /api/v1/health': '-',
	'POST /api/v1/auth/login': '-',
	'POST /api/v1/auth/logout': '-',
	'GET /api/v1/auth/session': '-',
	'POST /api/v1/auth/password': '-',
	'POST /api/v1/auth/mfa/enrol': '-',
	'POST /api/v1/auth/mfa/confirm': '-',
	'POST /api/v1/auth/reauth': '-',
	'GET /api/v1/users': '-',
	'POST /api/v1/users': '-',
	'PATCH /api/v1/users/{id}': '-',
	'POST /api/v1/users/{id}/reset-mfa': '-',
	'POST /api/v1/users/{id}/supervisees': '-',
	'POST /api/v1/users/{id}/reset-password': '-',
	'GET /api/v1/settings': '-',
	'PATCH /api/v1/settings': '-',
	'GET /api/v1/settings/chart': '-',
	'POST /api/v1/clients': '-',
	'GET /api/v1/clients': 'list',
	'POST /api/v1/clients/search': 'list',
	'GET /api/v1/clients/{id}': ['refuse', 'C'],
	'PATCH /api/v1/clients/{id}': ['refuse', 'S', () => ({ version: 1, phone: '555 0101' })],
	'POST /api/v1/clients/{id}/care-team': ['refuse', 'O', () => ({ user_id: fx.other.id })],
	'POST /api/v1/clients/{id}/break-glass': ['refuse', 'X', () => ({ reason: 'covering for a colleague' })],
	'GET /api/v1/break-glass': 'list',
	'GET /api/v1/note-templates': '-',
	'POST /api/v1/note-templates': '-',
	'POST /api/v1/note-templates/{name}/retire': '-',
	'POST /api/v1/clients/{id}/notes': ['refuse', 'C', () => ({ template: 'soap', date: '2026-11-22', fields: soap })],
	'GET /api/v1/clients/{id}/notes': ['refuse', 'C'],
	'GET /api/v1/notes/{id}': ['refuse', 'C'],
	'PATCH /api/v1/notes/{id}': ['refuse', 'C', () => ({ version: fx.note.version, fields: soap })],
	'POST /api/v1/notes/{id}/sign': ['refuse', 'C', () => ({})],
	'POST /api/v1/notes/{id}/cosign': ['refuse', 'SV', () => ({}), () => fx.signed.id],
	'POST /api/v1/notes/{id}/addenda': ['refuse', 'C', () => ({ text: 'addendum' }), () => fx.signed.id],
	'GET /api/v1/me/notes': 'list',
	'GET /api/v1/icd10': '-',
	'GET /api/v1/clients/{id}/diagnoses': ['refuse', 'C'],
	'POST /api/v1/clients/{id}/diagnoses': ['refuse', 'C', () => ({ code: 'F32.1' })],
	'PATCH /api/v1/diagnoses/{id}': ['refuse', 'C', () => ({ version: 1, primary: true })],
	'GET /api/v1/clients/{id}/history': ['refuse', 'S'],
	'GET /api/v1/notes/{id}/history': ['refuse', 'C'],
	'GET /api/v1/clients/{id}/guardians': ['refuse', 'S'],
	'POST /api/v1/clients/{id}/guardians': ['refuse', 'S', () => ({ name: 'Pat Parent' })],
	'PATCH /api/v1/guardians/{id}': ['refuse', 'S', () => ({ version: 1, phone: '555 0102' })],
	'DELETE /api/v1/guardians/{id}': ['refuse', 'S'],
	'GET /api/v1/clients/{id}/care-team': ['refuse', 'S'],
	'GET /api/v1/clients/{id}/psychotherapy-notes': ['refuse', 'C'],
	'POST /api/v1/clients/{id}/psychotherapy-notes': ['refuse', 'C', () => ({ body: 'process note' })],
	'GET /api/v1/psychotherapy-notes/{id}': ['refuse', 'C'],
	'PUT /api/v1/psychotherapy-notes/{id}': ['refuse', 'C', () => ({ version: 1, body: 'changed' })],
	'POST /api/v1/psychotherapy-notes/{id}/share': ['refuse', 'C', () => ({ user_id: fx.sv.id })],
	'POST /api/v1/psychotherapy-notes/{id}/unshare': ['refuse', 'C', () => ({ user_id: fx.sv.id })],
	'POST /api/v1/clients/{id}/attachments': ['refuse', 'C', null, null, { raw: Buffer.from('%PDF-1.7\nx\n%%EOF\n'), headers: { 'content-type': 'application/pdf', 'confidant-filename': 'f.pdf' } }],
	'GET /api/v1/clients/{id}/attachments': ['refuse', 'C'],
	'GET /api/v1/attachments/{id}': ['refuse', 'C'],
	'GET /api/v1/attachments/{id}/content': ['refuse', 'C'],
	'GET /api/v1/clients/{id}/plans': ['refuse', 'C'],
	'POST /api/v1/clients/{id}/plans': ['refuse', 'C', plan],
	'GET /api/v1/plans/{id}': ['refuse', 'C'],
	'PUT /api/v1/plans/{id}': ['refuse', 'C', () => ({ ...plan(), version: 1 })],
	'GET /api/v1/plans/{id}/versions': ['refuse', 'C'],
	'POST /api/v1/plans/{id}/sign': ['refuse', 'C', () => ({ version: 1, name: 'Clinician' })],
	'GET /api/v1/clients/{id}/amendments': ['refuse', 'C'],
	'POST /api/v1/clients/{id}/amendments': ['allow', 'PW', () => ({ target_type: 'chart', field: 'phone', change: '555 0199', reason: 'moved' })],
	'GET /api/v1/amendments/{id}': ['refuse', 'C'],
	'POST /api/v1/amendments/{id}/extend': ['refuse', 'C', () => ({ reason: 'need records' })],
	'POST /api/v1/amendments/{id}/accept': ['refuse', 'C', () => ({ text: 'corrected' })],
	'POST /api/v1/amendments/{id}/deny': ['refuse', 'C', () => ({ reason: 'accurate', basis: 'accurate_complete' })],
	'POST /api/v1/amendments/{id}/disagreement': ['refuse', 'C', () => ({ text: 'I disagree' })],
	'POST /api/v1/amendments/{id}/rebuttal': ['refuse', 'C', () => ({ text: 'rebuttal' })],
	'GET /api/v1/services': '-',
	'POST /api/v1/services': '-',
	'GET /api/v1/rooms': '-',
	'POST /api/v1/rooms': '-',
	'GET /api/v1/clinicians/{id}/working-hours': '-',
	'PUT /api/v1/clinicians/{id}/working-hours': '-',
	'POST /api/v1/clinicians/{id}/time-off': '-',
	'GET /api/v1/clinicians/{id}/free-slots': '-',
	'POST /api/v1/appointments': ['refuse', 'S', () => ({ clinician: clin.id, clients: [fx.w.id], start: `${d(11)}T10:00`, minutes: 50, tz: 'UTC', override: true }), '-'],
	'GET /api/v1/appointments/{id}': ['refuse', 'S'],
	'PATCH /api/v1/appointments/{id}': ['refuse', 'S', () => ({ version: 1, minutes: 45 })],
	'POST /api/v1/appointments/{id}/status': ['refuse', 'S', () => ({ version: 1, status: 'cancelled_by_client', reason: 'client' })],
	'GET /api/v1/clinicians': '-',
	'GET /api/v1/schedule': 'list',
	'POST /api/v1/waitlist': ['refuse', 'S', () => ({ client: fx.w.id, clinician: clin.id, days: ['tue'], earliest: '09:00', latest: '12:00', telehealth: 'either' }), '-'],
	'GET /api/v1/waitlist': 'list',
	'POST /api/v1/waitlist/{id}/remove': ['refuse', 'S', () => ({})],
	'POST /api/v1/booking-requests': ['refuse', 'PW', () => ({ client: fx.w.id, clinician: clin.id, start: `${d(13)}T14:00`, tz: 'UTC', minutes: 50 }), '-'],
	'GET /api/v1/booking-requests': 'list',
	'GET /api/v1/booking-requests/{id}': ['refuse', 'S'],
	'POST /api/v1/booking-requests/{id}/approve': ['refuse', 'O', () => ({ version: 1 })],
	'POST /api/v1/booking-requests/{id}/decline': ['refuse', 'O', () => ({ version: 1, reason: 'full' })],
	'GET /api/v1/clinicians/{id}/time-off': '-',
	'DELETE /api/v1/time-off/{id}': '-',
	'POST /api/v1/appointments/{id}/telehealth': ['refuse', 'C'],
	'GET /api/v1/telehealth/{room}': '-',
	'POST /api/v1/telehealth/{room}/admit': '-',
	'POST /api/v1/telehealth/{room}/end': '-',
	'GET /api/v1/telehealth/{room}/signal': '-',
	'POST /api/v1/research-exports': 'list',
	'POST /api/v1/appointments/{id}/reminders/email': ['refuse', 'S', () => ({})],
	'POST /api/v1/appointments/{id}/reminders/sms': ['refuse', 'S', () => ({})],
	'GET /api/v1/appointments/{id}/reminders': ['refuse', 'S'],
	'PUT /api/v1/integration-secrets/{id}': '-',
	'POST /api/v1/clinicians/{id}/feed': '-',
	'GET /api/v1/clinicians/{id}/feed': '-',
	'DELETE /api/v1/clinicians/{id}/feed': '-',
	'GET /api/v1/feeds/{file}': '-',
	'GET /api/v1/reports/risk': 'list',
	'GET /api/v1/audit': '-',
	'GET /api/v1/audit/clients/{id}': ['allow', 'PW'],
	'GET /api/v1/audit/breach': '-',
	'GET /api/v1/consent-templates': '-',
	'POST /api/v1/consent-templates': '-',
	'GET /api/v1/consent-templates/{id}': '-',
	'POST /api/v1/clients/{id}/consents/preview': ['refuse', 'S', () => ({ template: fx.tplEmail.id, signed_name: 'Walked' })],
	'POST /api/v1/clients/{id}/consents': ['refuse', 'S', () => ({ template: fx.tplEmail.id, signed_name: 'Walked', text_hash: 'ab'.repeat(32) })],
	'GET /api/v1/clients/{id}/consents': ['allow', 'PW'],
	'POST /api/v1/consents/{id}/withdraw': ['allow', 'PW', () => ({})],
	'POST /api/v1/clients/{id}/disclosures': ['refuse', 'C', () => ({ authorization: fx.roi.id })],
	'GET /api/v1/clients/{id}/disclosures': ['allow', 'PW'],
	'GET /api/v1/clients/{id}/privacy': ['allow', 'PW'],
	'GET /api/v1/processing-record': '-',
	'GET /api/v1/privacy-notice': '-',
	'GET /api/v1/clients/{id}/export': ['allow', 'O'],
	'POST /api/v1/clients/{id}/access-requests': ['allow', 'PW', () => ({ kind: 'portability', jurisdiction: 'gdpr' })],
	'GET /api/v1/clients/{id}/access-requests': ['allow', 'A'],
	'GET /api/v1/access-requests': '-',
	'POST /api/v1/access-requests/{id}/extend': ['allow', 'A', () => ({ reason: 'a large record' })],
	'POST /api/v1/clients/{id}/erasure-requests': ['allow', 'O', () => ({ basis: 'gdpr-17' })],
	'GET /api/v1/erasure-requests': '-',
	'GET /api/v1/erasure-requests/{id}': '-',
	'POST /api/v1/clients/{id}/legal-holds': ['allow', 'A', () => ({ reason: 'claim expected' })],
	'GET /api/v1/clients/{id}/legal-holds': ['allow', 'A'],
	'POST /api/v1/legal-holds/{id}/release': ['allow', 'A', () => ({ reason: 'settled' })],
	'POST /api/v1/clients/{id}/restriction': '-', // the restriction itself: the tests above
	'POST /api/v1/clients/{id}/restriction/lift': 'last',
	'POST /api/v1/breaches': '-',
	'GET /api/v1/breaches': '-',
	'GET /api/v1/breaches/{id}/letters': '-',
	'GET /api/v1/retention-rules': '-',
	'PUT /api/v1/retention-rules/{code}': '-',
	'DELETE /api/v1/retention-rules/{code}': '-',
};

const fx = {};

describe('every client route under restriction', () => {
	let who;
	const ok = (r, what) => { assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`); return r.json; };

	before(async () => {
		const O = srv.request;
		await reauth(srv);
		ok(await O('PATCH', '/api/v1/settings', { body: { collect_guardians: 1 } }), 'guardians collected');
		fx.w = ok(await O('POST', '/api/v1/clients', { body: { legal_name: `Walked ${rnd(6)}`, date_of_birth: '1990-01-01', email: 'walked@example.org' } }), 'client');
		ok(await O('POST', `/api/v1/clients/${fx.w.id}/care-team`, { body: { user_id: clin.id } }), 'care team');
		fx.other = await addUser(srv, 'clinician');
		fx.sv = await addUser(srv, 'supervisor');
		ok(await O('POST', `/api/v1/users/${fx.sv.id}/supervisees`, { body: { user_id: clin.id } }), 'supervision');
		await reauth(srv);
		const u = ok(await O('POST', '/api/v1/users', { body: { email: `walked.${rnd(8)}@example.org`, name: 'Walked Portal', role: 'client', client_id: fx.w.id } }), 'portal');
		const PW = as(srv, await signIn(srv.port, { email: u.email, password: u.one_time_password, secret: null }));
		const SV = as(srv, await signIn(srv.port, fx.sv));
		who = { C, S, A, X, PW, SV, O };
		fx.note = ok(await C('POST', `/api/v1/clients/${fx.w.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: soap } }), 'note');
		fx.signed = ok(await C('POST', `/api/v1/clients/${fx.w.id}/notes`, { body: { template: 'soap', date: '2026-11-21', fields: soap } }), 'note 2');
		ok(await C('POST', `/api/v1/notes/${fx.signed.id}/sign`, { body: {} }), 'sign');
		fx.dx = ok(await C('POST', `/api/v1/clients/${fx.w.id}/diagnoses`, { body: { code: 'F41.1' } }), 'diagnosis');
		fx.plan = ok(await C('POST', `/api/v1/clients/${fx.w.id}/plans`, { body: plan() }), 'plan');
		fx.pnote = ok(await C('POST', `/api/v1/clients/${fx.w.id}/psychotherapy-notes`, { body: { body: 'process' } }), 'pnote');
		fx.guardian = ok(await O('POST', `/api/v1/clients/${fx.w.id}/guardians`, { body: { name: 'Pat Parent' } }), 'guardian');
		const appt = ok(await O('POST', '/api/v1/appointments', { body: { clinician: clin.id, clients: [fx.w.id], start: `${d(10)}T10:00`, minutes: 50, tz: 'UTC', override: true } }), 'appointment');
		fx.appt = appt.appointment;
		await reauth(srv);
		const tpl = async (purpose) => ok(await O('POST', '/api/v1/consent-templates', {
			body: { purpose, title: `${purpose} consent`, body: `We ask your consent for ${purpose}.`, effective_from: '2026-01-01' } }), `template ${purpose}`);
		fx.tplEmail = await tpl('email');
		const tplRelease = await tpl('release');
		const give = async (body) => {
			const pv = ok(await O('POST', `/api/v1/clients/${fx.w.id}/consents/preview`, { body }), 'preview');
			return ok(await O('POST', `/api/v1/clients/${fx.w.id}/consents`, { body: { ...body, text_hash: pv.text_hash } }), 'consent');
		};
		fx.consent = await give({ template: fx.tplEmail.id, signed_name: 'Walked' });
		fx.roi = await give({ template: tplRelease.id, signed_name: 'Walked', recipient: 'Dr. Rivera', description: 'Diagnoses',
			release_purpose: 'Coordination of care', expires_on: d(90), scope: 'demographics,diagnoses' });
		fx.amend = ok(await PW('POST', `/api/v1/clients/${fx.w.id}/amendments`, { body: { target_type: 'chart', field: 'phone', change: '555 0100', reason: 'wrong' } }), 'amendment');
		fx.att = ok(await C('POST', `/api/v1/clients/${fx.w.id}/attachments`, { raw: Buffer.from('%PDF-1.7\nfile\n%%EOF\n'), headers: { 'content-type': 'application/pdf', 'confidant-filename': 'a.pdf' } }), 'attachment');
		fx.br = ok(await PW('POST', '/api/v1/booking-requests', { body: { client: fx.w.id, clinician: clin.id, start: `${d(12)}T14:00`, tz: 'UTC', minutes: 50 } }), 'booking request');
		fx.wl = ok(await O('POST', '/api/v1/waitlist', { body: { client: fx.w.id, clinician: clin.id, days: ['mon'], earliest: '09:00', latest: '13:00', telehealth: 'either' } }), 'waitlist');
		fx.hold = ok(await O('POST', `/api/v1/clients/${fx.w.id}/legal-holds`, { body: { reason: 'litigation' } }), 'hold');
		fx.ar = ok(await PW('POST', `/api/v1/clients/${fx.w.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'gdpr' } }), 'access request');
		ok(await O('POST', `/api/v1/clients/${fx.w.id}/restriction`, { body: { basis: 'objection' } }), 'restrict');
	});

	// url(key, override) - the route's path with the walked client's objects.
	const ids = () => ({
		clients: fx.w.id, notes: fx.note.id, diagnoses: fx.dx.id, plans: fx.plan.id, 'psychotherapy-notes': fx.pnote.id,
		amendments: fx.amend.id, guardians: fx.guardian.id, appointments: fx.appt.id, consents: fx.consent.id,
		attachments: fx.att.id, 'booking-requests': fx.br.id, waitlist: fx.wl.id, 'legal-holds': fx.hold.id,
		'access-requests': fx.ar.id,
	});
	function url(path, override) {
		const m = /\/([a-z-]+)\/\{id\}/.exec(path);
		if (!m) return path;
		return path.replace('{id}', override ? override() : ids()[m[1]]);
	}

	test('the table names every route, and each client route is refused or allowed as it says', async () => {
		const r = await run(['routes']);
		assert.equal(r.status, 0);
		const keys = r.stdout.trim().split('\n').map((l) => { const [m, pth] = l.split('\t'); return `${m} ${pth}`; });
		for (const k of keys) assert.ok(k in TABLE, `route ${k} has no restriction rule in this test's TABLE`);
		for (const k of Object.keys(TABLE)) assert.ok(keys.includes(k), `TABLE names ${k}, which is not served`);
		const wrong = [];
		let walked = 0;
		for (const [k, rule] of Object.entries(TABLE)) {
			if (!Array.isArray(rule)) continue;
			const [want, as_, body, override, raw] = rule;
			const [method, path] = k.split(' ');
			if (as_ === 'O') await reauth(srv);
			const opts = raw ?? (method === 'GET' || method === 'DELETE' ? {} : { body: body ? body() : {} });
			const res = await who[as_](method, url(path, typeof override === 'function' ? override : null), opts);
			const isRestricted = res.status === 409 && res.json?.error === 'restricted';
			if (want === 'refuse' && !isRestricted) wrong.push(`${k} as ${as_}: want restricted, got ${res.status} ${res.text.slice(0, 160)}`);
			if (want === 'allow' && (isRestricted || res.status >= 400)) wrong.push(`${k} as ${as_}: want allowed, got ${res.status} ${res.text.slice(0, 160)}`);
			walked++;
		}
		assert.deepEqual(wrong, []);
		assert.ok(walked >= 70, `walked ${walked}`);
	});

	test('lists, search, the schedule and reports leave a restricted client out; the owner and the auditor see it flagged', async () => {
		const inList = async (f, pth) => (await f('GET', pth)).json.clients.map((c) => c.id);
		assert.ok(!(await inList(C, '/api/v1/clients?limit=200')).includes(fx.w.id), 'clinician list');
		assert.ok(!(await inList(S, '/api/v1/clients?limit=200')).includes(fx.w.id), 'front desk list');
		const ol = (await srv.request('GET', '/api/v1/clients?limit=200')).json.clients.find((c) => c.id === fx.w.id);
		assert.equal(ol?.restricted, true, 'the owner sees it, flagged');
		const al = (await A('GET', '/api/v1/clients?limit=200')).json.clients.find((c) => c.id === fx.w.id);
		assert.equal(al?.restricted, true, 'the auditor sees it, flagged');
		const others = (await srv.request('GET', '/api/v1/clients?limit=200')).json.clients.filter((c) => c.id !== fx.w.id);
		assert.ok(others.every((c) => c.restricted === false));
		// A page of one keeps paging past the restricted client.
		let after = '';
		const seen = [];
		for (let i = 0; i < 50; i++) {
			const pg = await S('GET', `/api/v1/clients?limit=1${after}`);
			seen.push(...pg.json.clients.map((c) => c.id));
			if (!pg.json.next) break;
			after = `&after=${pg.json.next}`;
		}
		assert.ok(!seen.includes(fx.w.id));
		assert.ok(seen.includes(other.id), 'paging reached the clients after it');
		const search = async (f) => (await f('POST', '/api/v1/clients/search', { body: { query: fx.w.legal_name } })).json.clients.map((c) => c.id);
		assert.deepEqual(await search(C), []);
		assert.deepEqual(await search(S), []);
		assert.deepEqual(await search(srv.request), [fx.w.id]);
		// The calendar keeps the slot (so it is not double-booked) but not who.
		const week = await C('GET', `/api/v1/schedule?view=week&date=${d(10)}&tz=UTC&clinician=${clin.id}`);
		assert.equal(week.status, 200, week.text);
		const slot = week.json.appointments.find((a) => a.id === fx.appt.id);
		assert.ok(slot, 'the slot is still busy');
		assert.ok(!JSON.stringify(slot).includes(fx.w.id) && !JSON.stringify(week.json).includes(fx.w.legal_name), 'but anonymous');
		const sw = await S('GET', `/api/v1/schedule?view=week&date=${d(10)}&tz=UTC&clinician=${clin.id}`);
		assert.ok(!JSON.stringify(sw.json).includes(fx.w.legal_name), 'the front desk sees no name either');
		const risk = await C('GET', '/api/v1/reports/risk?since=2026-01-01');
		assert.equal(risk.status, 200, risk.text);
		const ev = await srv.request('GET', '/api/v1/audit?event=report.risk&limit=5');
		assert.ok(!ev.json.events.some((e) => e.client === fx.w.id), 'the report did not read the restricted record');
		for (const [f, pth, key] of [[S, '/api/v1/waitlist', 'waitlist'], [S, '/api/v1/booking-requests', 'requests']]) {
			const l = await f('GET', pth);
			assert.equal(l.status, 200, l.text);
			assert.ok(!JSON.stringify(l.json).includes(fx.w.id), `${pth} leaves it out`);
			assert.ok(Array.isArray(l.json[key]) || typeof l.json === 'object', key);
		}
		assert.equal((await C('GET', '/api/v1/me/notes?status=draft')).json.notes.some((n) => n.id === fx.note.id), false, 'the to-do list');
		// The clinician's calendar feed keeps the slot, without even the client's id.
		const feed = await C('POST', `/api/v1/clinicians/${clin.id}/feed`, { body: {} });
		assert.equal(feed.status, 201, feed.text);
		const ics = await request(srv.port, 'GET', feed.json.path, { session: null });
		assert.equal(ics.status, 200, ics.text);
		assert.ok(ics.text.includes('SUMMARY:Appointment\r\n'), 'the slot is there, unnamed');
		assert.ok(!ics.text.includes(`C-${fx.w.id.slice(0, 8)}`), 'not even the internal id');
	});

	test('lifting the restriction (the last row) restores processing', async () => {
		assert.equal(TABLE['POST /api/v1/clients/{id}/restriction/lift'], 'last');
		const r = await A('POST', `/api/v1/clients/${fx.w.id}/restriction/lift`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal((await C('GET', `/api/v1/clients/${fx.w.id}`)).status, 200);
		assert.ok((await C('GET', '/api/v1/clients?limit=200')).json.clients.some((c) => c.id === fx.w.id));
	});
});
