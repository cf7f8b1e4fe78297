// audit-events.test.mjs - every route that touches PHI writes its audit
// event (found by the request id the server returned), with actor, role,
// session, source, object and client ids, and never any PHI; the access
// report and the breach-impact report answer from those events.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, now, reauth, rnd, serve, signIn } from './harness.mjs';
import { wsConnect } from './wsclient.mjs';

let practice, srv, clin, clinSession;
const canary = () => `CANARY${rnd(18)}`;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	clin = await addUser(srv, 'clinician', 'Dana Reyes');
	clinSession = await signIn(srv.port, clin);
});
after(async () => { await srv?.stop(); });

// eventsFor(rid) - the events written by request rid (owner reads the trail).
async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

describe('every PHI route writes its event', () => {
	const canaries = [];
	let client;

	test('create, read, update, list, search: one event each, ids only', async () => {
		const me = as(srv, clinSession);
		const fields = { legal_name: canary(), preferred_name: canary(), email: `${canary()}@example.org`,
			phone: canary(), address: canary(), pronouns: canary(), date_of_birth: '1977-07-07' };
		canaries.push(...Object.values(fields));
		const steps = [
			['POST', '/api/v1/clients', { body: fields }, 'client.create'],
		];
		const c = await me(...steps[0].slice(0, 3));
		assert.equal(c.status, 201);
		client = c.json;
		const calls = [
			['client.create', c],
			['client.read', await me('GET', `/api/v1/clients/${client.id}`)],
			['client.update', await me('PATCH', `/api/v1/clients/${client.id}`, { body: { version: 1, phone: canary() } })],
			['client.list', await me('GET', '/api/v1/clients')],
			['client.search', await me('POST', '/api/v1/clients/search', { body: { query: fields.legal_name.slice(0, 10) } })],
		];
		for (const [event, res] of calls) {
			assert.ok(res.status < 300, `${event}: ${res.status} ${res.text}`);
			const rid = res.headers['x-request-id'];
			const evs = await eventsFor(rid);
			const ev = evs.find((e) => e.event === event);
			assert.ok(ev, `no ${event} event for request ${rid}: ${JSON.stringify(evs)}`);
			assert.equal(ev.actor, clin.id);
			assert.equal(ev.actor_role, 'clinician');
			assert.equal(ev.session.length, 32);
			assert.equal(ev.source, '127.0.0.1');
			assert.equal(ev.outcome, 'ok');
			if (event !== 'client.list' && event !== 'client.search') {
				assert.equal(ev.client, client.id);
				assert.equal(ev.object_type, 'client');
				assert.equal(ev.object_id, client.id);
			}
		}
	});

	test('a refused read is recorded as refused', async () => {
		const other = await addUser(srv, 'clinician');
		const s = await signIn(srv.port, other);
		const res = await as(srv, s)('GET', `/api/v1/clients/${client.id}`);
		assert.equal(res.status, 404);
		const evs = await eventsFor(res.headers['x-request-id']);
		assert.ok(evs.some((e) => e.event === 'client.read' && e.outcome === 'denied' && e.actor === other.id),
			JSON.stringify(evs));
	});

	test('the access report says who opened the record, with names and roles', async () => {
		const r = await srv.request('GET', `/api/v1/audit/clients/${client.id}`);
		assert.equal(r.status, 200, r.text);
		const names = new Set(r.json.events.map((e) => `${e.actor_name}|${e.actor_role}|${e.event}`));
		assert.ok(names.has('Dana Reyes|clinician|client.read'), [...names].join('\n'));
		assert.ok(names.has('Dana Reyes|clinician|client.update'));
	});

	test('the breach-impact report lists the clients a user touched, as CSV too', async () => {
		const r = await srv.request('GET', `/api/v1/audit/breach?actor=${clin.id}`);
		assert.equal(r.status, 200, r.text);
		const row = r.json.clients.find((x) => x.client === client.id);
		assert.ok(row, JSON.stringify(r.json));
		assert.ok(row.events >= 3);
		const csv = await srv.request('GET', `/api/v1/audit/breach?actor=${clin.id}&format=csv`);
		assert.equal(csv.status, 200);
		assert.match(csv.headers['content-type'], /text\/csv/);
		assert.ok(csv.text.includes(client.id));
	});

	test('no audit event carries PHI', async () => {
		const r = await srv.request('GET', '/api/v1/audit?limit=200');
		const text = JSON.stringify(r.json.events);
		for (const c of canaries) assert.ok(!text.includes(c), `audit trail contains ${c}`);
		assert.ok(!text.includes('1977-07-07'), 'audit trail contains a birth date');
	});

	test('staff other than owner and privacy officer cannot read the trail', async () => {
		const res = await as(srv, clinSession)('GET', '/api/v1/audit');
		assert.equal(res.status, 403);
	});
});

describe('sign-in and administration are audited', () => {
	test('failed and successful sign-ins, user creation', async () => {
		advance(30);
		await as(srv, null)('POST', '/api/v1/auth/login', { body: { email: clin.email, password: 'wrong wrong wrong' } });
		await reauth(srv);
		const u = await srv.request('POST', '/api/v1/users', { body: { email: `x${rnd(6)}@example.org`, name: 'New Person', role: 'biller' } });
		assert.equal(u.status, 201);
		const r = await srv.request('GET', '/api/v1/audit?limit=200');
		const evs = r.json.events;
		assert.ok(evs.some((e) => e.event === 'auth.login_failed' && e.actor === clin.id));
		assert.ok(evs.some((e) => e.event === 'auth.login' && e.actor === clin.id && e.outcome === 'ok'));
		assert.ok(evs.some((e) => e.event === 'user.create' && e.object_id === u.json.id));
		assert.ok(evs.some((e) => e.event === 'auth.mfa_enrol' && e.actor === clin.id));
	});
});

describe('the right of access is audited', () => {
	test('export, access request, its listing and extension: one event each, ids and counts only', async () => {
		const me = as(srv, await signIn(srv.port, clin)); // the export needs a recent sign-in
		const c = await me('POST', '/api/v1/clients', { body: { legal_name: canary() } });
		assert.equal(c.status, 201, c.text);
		const id = c.json.id;
		const reason = canary();
		const ar = await me('POST', `/api/v1/clients/${id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa' } });
		assert.equal(ar.status, 201, ar.text);
		const calls = [
			['access_request.create', ar, 'access_request', ar.json.id],
			['access_request.read', await me('GET', `/api/v1/clients/${id}/access-requests`), 'access_request', ''],
			['access_request.extend', await me('POST', `/api/v1/access-requests/${ar.json.id}/extend`, { body: { reason } }), 'access_request', ar.json.id],
		];
		const ex = await me('GET', `/api/v1/clients/${id}/export?request=${ar.json.id}`);
		calls.push(['record.export', ex, 'export', ex.json?.id], ['access_request.fulfil', ex, 'access_request', ar.json.id]);
		for (const [event, res, type, object] of calls) {
			assert.ok(res.status < 300, `${event}: ${res.status} ${res.text}`);
			const ev = (await eventsFor(res.headers['x-request-id'])).find((e) => e.event === event);
			assert.ok(ev, `no ${event} event`);
			assert.equal(ev.actor, clin.id);
			assert.equal(ev.actor_role, 'clinician');
			assert.equal(ev.client, id);
			assert.equal(ev.object_type, type);
			assert.equal(ev.object_id, object);
			assert.equal(ev.outcome, 'ok');
			assert.ok(!JSON.stringify(ev).includes(reason), `${event} carries the extension's reason`);
			if (event === 'record.export') assert.match(ev.detail, /^fhir notes=0 .* request=[0-9a-f]{32}$/);
		}
	});
});

// Routes that write no audit event, and why. Every other route must
// declare one in the routes table (and its own tests check it is written):
// a new route that touches a client's data cannot be added silently.
const UNAUDITED = {
	'GET /api/v1/health': 'public liveness check',
	'GET /api/v1/auth/session': 'the caller\'s own session',
	'GET /api/v1/users': 'staff accounts, no client data',
	'GET /api/v1/settings': 'practice settings',
	'GET /api/v1/settings/chart': 'which optional fields the practice collects',
	'GET /api/v1/note-templates': 'template definitions',
	'GET /api/v1/icd10': 'the public code list',
	'GET /api/v1/services': 'practice services',
	'GET /api/v1/clinicians': 'names of active clinicians, for choosing one',
	'GET /api/v1/rooms': 'practice rooms',
	'GET /api/v1/clinicians/{id}/working-hours': 'a clinician\'s hours',
	'GET /api/v1/clinicians/{id}/feed': 'whether a clinician has a feed (no token, no events)',
	'GET /api/v1/consent-templates': 'practice documents',
	'GET /api/v1/consent-templates/{id}': 'a practice document',
	'POST /api/v1/clients/{id}/consents/preview': 'renders a template with the caller\'s own input; reads no record (a refusal is audited)',
	'GET /api/v1/processing-record': 'generated from settings',
	'GET /api/v1/privacy-notice': 'public notice',
};

describe('audit coverage', () => {
	test('every route declares its audit event, except a short list of routes that touch no client data', async () => {
		const { run } = await import('./harness.mjs');
		const r = await run(['routes']);
		assert.equal(r.status, 0);
		const none = r.stdout.trim().split('\n').map((l) => l.split('\t'))
			.filter((f) => f[4] === 'none').map((f) => `${f[0]} ${f[1]}`);
		for (const k of none) assert.ok(k in UNAUDITED, `${k} writes no audit event and is not on the list of routes that need none`);
		for (const k of Object.keys(UNAUDITED)) assert.ok(none.includes(k), `${k} is listed as unaudited but now declares an event: remove it from the list`);
		const record = /\/(clients|notes|diagnoses|plans|psychotherapy-notes|attachments|amendments|appointments)\/\{id\}/;
		for (const k of none.filter((x) => !x.endsWith('/consents/preview'))) assert.doesNotMatch(k, record, `${k} names a client's record`);
	});
});

describe('telehealth is audited', () => {
	test('a video session: join (per client), read, admit and end carry ids only', async () => {
		const me = as(srv, clinSession);
		const name = canary();
		const c = (await me('POST', '/api/v1/clients', { body: { legal_name: name } })).json;
		await reauth(srv);
		const t = await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'telehealth', title: 'Video', body: 'Video sessions.', effective_from: new Date(now() * 1000).toISOString().slice(0, 10) } });
		assert.equal(t.status, 201, t.text);
		const req = { template: t.json.id, signed_name: name };
		const pv = await me('POST', `/api/v1/clients/${c.id}/consents/preview`, { body: req });
		assert.equal((await me('POST', `/api/v1/clients/${c.id}/consents`, { body: { ...req, text_hash: pv.json.text_hash } })).status, 201);
		const start = new Date((now() + 600) * 1000).toISOString().slice(0, 16);
		const b = await me('POST', '/api/v1/appointments', { body: { clinician: clin.id, clients: [c.id], start, minutes: 50, tz: 'UTC', telehealth: true, override: true } });
		assert.equal(b.status, 201, b.text);
		const j = await me('POST', `/api/v1/appointments/${b.json.appointment.id}/telehealth`, { body: {} });
		assert.equal(j.status, 200, j.text);
		const calls = [
			['telehealth.join', j, 'appointment', b.json.appointment.id],
			['telehealth.read', await me('GET', `/api/v1/telehealth/${j.json.room}`), 'telehealth_room', j.json.room],
			['telehealth.admit', await me('POST', `/api/v1/telehealth/${j.json.room}/admit`, { body: { participant: j.json.participant } }), 'telehealth_participant', j.json.participant],
			['telehealth.end', await me('POST', `/api/v1/telehealth/${j.json.room}/end`, { body: {} }), 'telehealth_room', j.json.room],
		];
		for (const [event, res, type, object] of calls) {
			assert.equal(res.status, 200, `${event}: ${res.text}`);
			const ev = (await eventsFor(res.headers['x-request-id'])).find((e) => e.event === event);
			assert.ok(ev, `no ${event} event`);
			assert.equal(ev.actor, clin.id);
			assert.equal(ev.client, c.id);
			assert.equal(ev.object_type, type);
			assert.equal(ev.object_id, object);
			assert.equal(ev.outcome, 'ok');
			const text = JSON.stringify(ev);
			assert.ok(!text.includes(name) && !text.includes(j.json.token), `${event} carries a name or the token`);
		}
	});
});

describe('telehealth signaling is audited', () => {
	test('the join on the signaling socket writes telehealth.signal with ids only, under the upgrade\'s request id', async () => {
		// a client whose only event of interest is the signal: the video set-up of the test above is not repeated
		const me = as(srv, clinSession);
		const name = canary();
		const c = (await me('POST', '/api/v1/clients', { body: { legal_name: name } })).json;
		const j = await videoSession(me, c, name);
		const ws = await wsConnect(srv.port, `/api/v1/telehealth/${j.json.room}/signal`, { ca: srv.ca, cookie: clinSession.cookie });
		ws.send({ type: 'join', token: j.json.token });
		assert.equal((await ws.next()).type, 'joined');
		ws.close();
		const ev = (await eventsFor(ws.requestId)).find((e) => e.event === 'telehealth.signal');
		assert.ok(ev, 'no telehealth.signal event');
		assert.equal(ev.actor, clin.id);
		assert.equal(ev.client, c.id);
		assert.equal(ev.object_type, 'telehealth_participant');
		assert.equal(ev.object_id, j.json.participant);
		assert.equal(ev.outcome, 'ok');
		assert.equal(ev.detail, `room=${j.json.room},host=1,admitted=1`);
		const text = JSON.stringify(ev);
		assert.ok(!text.includes(name) && !text.includes(j.json.token), 'a name or the token in the event');
	});
});

// videoSession(me, c, name) - the telehealth consent for client c (signed
// as name), a video appointment with the clinician now, and its start.
async function videoSession(me, c, name) {
	await reauth(srv);
	const t = await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'telehealth', title: 'Video', body: 'Video sessions.', effective_from: new Date(now() * 1000).toISOString().slice(0, 10) } });
	assert.equal(t.status, 201, t.text);
	const req = { template: t.json.id, signed_name: name };
	const pv = await me('POST', `/api/v1/clients/${c.id}/consents/preview`, { body: req });
	assert.equal((await me('POST', `/api/v1/clients/${c.id}/consents`, { body: { ...req, text_hash: pv.json.text_hash } })).status, 201);
	const start = new Date((now() + 600) * 1000).toISOString().slice(0, 16);
	const b = await me('POST', '/api/v1/appointments', { body: { clinician: clin.id, clients: [c.id], start, minutes: 50, tz: 'UTC', telehealth: true, override: true } });
	assert.equal(b.status, 201, b.text);
	const j = await me('POST', `/api/v1/appointments/${b.json.appointment.id}/telehealth`, { body: {} });
	assert.equal(j.status, 200, j.text);
	return j;
}
