// telehealth.test.mjs - video sessions tried as a practice would run one:
// the clinician starts the session of a telehealth appointment and gets a
// short-lived join token and a room id that is not the appointment's; the
// client joins from the portal and waits until admitted; without the
// client's telehealth consent the start is refused (403 consent_required,
// audited) and no room is opened; withdrawing the consent refuses the next
// join; nobody outside the appointment learns it exists (404); a relay
// credential is exactly what coturn computes (checked here with
// node:crypto); ending the room expires its tokens.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, now, reauth, serve, signIn, sqlite } from './harness.mjs';

let practice, srv, A, B, BI, SUP, C, C2, client, client2, tpl, people;
const db = () => `${practice.data}/confidant.db`;
const day = (d = 1) => new Date((now() + d * 86400) * 1000).toISOString().slice(0, 10);
const hour = () => new Date((now() + 600) * 1000).toISOString().slice(0, 16);

// portal(clientId, email) - a portal account for a client, signed in.
async function portal(clientId, email) {
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', { body: { email, name: 'Video Client', role: 'client', client_id: clientId } });
	assert.equal(p.status, 201, p.text);
	return as(srv, await signIn(srv.port, { email, password: p.json.one_time_password, secret: null }));
}

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Ana Video');
	const b = await addUser(srv, 'clinician', 'Ben Elsewhere');
	const biller = await addUser(srv, 'biller', 'Bill Payer');
	const sup = await addUser(srv, 'supervisor', 'Sue Cofacilitator');
	people = { a, b, biller, sup };
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	BI = as(srv, await signIn(srv.port, biller));
	SUP = as(srv, await signIn(srv.port, sup));
	client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Video Client' } })).json;
	client2 = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Unrelated Client' } })).json;
	C = await portal(client.id, 'video.client@example.org');
	C2 = await portal(client2.id, 'unrelated.client@example.org');
	await reauth(srv);
	const t = await srv.request('POST', '/api/v1/consent-templates', {
		body: { purpose: 'telehealth', title: 'Video sessions', body: 'We ask your consent to meet by video.\nNothing is recorded.', effective_from: day(0) },
	});
	assert.equal(t.status, 201, t.text);
	tpl = t.json;
});
after(async () => { await srv?.stop(); });

// book(opts) - an appointment with Ana for client, starting in ten minutes.
async function book({ telehealth = true, start = hour(), clients = [client.id], co = [] } = {}) {
	const r = await A('POST', '/api/v1/appointments', {
		body: { clinician: people.a.id, clients, co_facilitators: co, start, minutes: 50, tz: 'UTC', telehealth, override: true },
	});
	assert.equal(r.status, 201, r.text);
	return r.json.appointment.id;
}

// consent(who, clientId) - sign the telehealth consent; returns its id.
async function consent(who, clientId) {
	const req = { template: tpl.id, signed_name: 'Video Client' };
	const pv = await who('POST', `/api/v1/clients/${clientId}/consents/preview`, { body: req });
	assert.equal(pv.status, 200, pv.text);
	const r = await who('POST', `/api/v1/clients/${clientId}/consents`, { body: { ...req, text_hash: pv.json.text_hash } });
	assert.equal(r.status, 201, r.text);
	return r.json.id;
}

const start = (who, appt) => who('POST', `/api/v1/appointments/${appt}/telehealth`, { body: {} });
const rooms = () => sqlite(db(), 'SELECT count(*) AS n FROM telehealth_rooms').then((r) => Number(String(r).trim().split('\n').pop()));

async function trail(clientId) {
	const t = await srv.request('GET', `/api/v1/audit?client=${clientId}&limit=100`);
	assert.equal(t.status, 200, t.text);
	return t.json.events;
}

describe('the consent gate', () => {
	let appt, consentId;

	test('without consent the start is refused, naming the purpose, audited, and no room is opened', async () => {
		appt = await book();
		const before = await rooms();
		const r = await start(A, appt);
		assert.equal(r.status, 403, r.text);
		assert.equal(r.json.error, 'consent_required');
		assert.match(r.json.message, /consent required: telehealth/);
		assert.equal(r.json.token, undefined);
		assert.equal(await rooms(), before, 'no room without consent');
		const ev = await trail(client.id);
		assert.ok(ev.some((e) => e.event === 'telehealth.join' && e.outcome === 'consent_required' && e.detail === 'purpose=telehealth'), 'refusal audited');
		assert.ok(!ev.some((e) => e.event === 'telehealth.join' && e.outcome === 'ok'));
		const cl = await start(C, appt);
		assert.equal(cl.status, 403, 'the client cannot join either');
	});

	test('with consent the clinician starts: a token, a room id that is not the appointment\'s, host candidates only', async () => {
		consentId = await consent(C, client.id);
		const r = await start(A, appt);
		assert.equal(r.status, 200, r.text);
		assert.match(r.json.room, /^[0-9a-f]{32}$/);
		assert.notEqual(r.json.room, appt);
		assert.equal(r.json.appointment, appt);
		assert.match(r.json.token, /^[A-Za-z0-9_-]{43}$/);
		assert.equal(r.json.role, 'host');
		assert.equal(r.json.admitted, true, 'the host is in at once');
		assert.deepEqual(r.json.ice_servers, [], 'no TURN configured: host candidates only');
		const exp = Date.parse(r.json.token_expires_at) / 1000;
		const appointment = (await A('GET', `/api/v1/appointments/${appt}`)).json;
		assert.equal(exp, Date.parse(appointment.end ?? appointment.appointment?.end) / 1000 + 300, 'the token ends 5 minutes after the appointment');
		const stored = await sqlite(db(), `SELECT hex(token_hash) FROM telehealth_participants`);
		assert.ok(!String(stored).includes(r.json.token), 'only the hash is kept');
		const ev = await trail(client.id);
		const ok = ev.find((e) => e.event === 'telehealth.join' && e.outcome === 'ok');
		assert.ok(ok, 'join audited');
		assert.equal(ok.detail, `room=${r.json.room},host=1`);
	});

	test('the client waits in the waiting room until the clinician admits them', async () => {
		const host = await start(A, appt);
		const r = await start(C, appt);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.room, host.json.room, 'one room per appointment');
		assert.equal(r.json.role, 'guest');
		assert.equal(r.json.admitted, false);
		assert.notEqual(r.json.token, host.json.token);
		const mine = await C('GET', `/api/v1/telehealth/${r.json.room}`);
		assert.equal(mine.status, 200, mine.text);
		assert.equal(mine.json.participants.length, 1, 'a guest sees only themself');
		assert.equal(mine.json.participants[0].admitted, false);
		const all = await A('GET', `/api/v1/telehealth/${r.json.room}`);
		assert.equal(all.json.participants.length, 2);
		const waiting = all.json.participants.find((p) => !p.host);
		assert.equal(waiting.id, r.json.participant);
		assert.equal(waiting.client, client.id);
		assert.equal((await C('POST', `/api/v1/telehealth/${r.json.room}/admit`, { body: { participant: r.json.participant } })).status, 403, 'a guest cannot admit');
		const bad = await A('POST', `/api/v1/telehealth/${r.json.room}/admit`, { body: { participant: 'nope' } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /participant/);
		const unknown = await A('POST', `/api/v1/telehealth/${r.json.room}/admit`, { body: { participant: '0'.repeat(32) } });
		assert.equal(unknown.status, 404);
		const ad = await A('POST', `/api/v1/telehealth/${r.json.room}/admit`, { body: { participant: r.json.participant } });
		assert.equal(ad.status, 200, ad.text);
		assert.equal(ad.json.admitted, true);
		const again = await start(C, appt);
		assert.equal(again.json.admitted, true, 'a reconnecting client stays admitted');
	});

	test('withdrawing consent refuses the next join, for the client and the clinician', async () => {
		const w = await C('POST', `/api/v1/consents/${consentId}/withdraw`, { body: {} });
		assert.equal(w.status, 200, w.text);
		const c = await start(C, appt);
		assert.equal(c.status, 403, c.text);
		assert.match(c.json.message, /consent required: telehealth/);
		const a = await start(A, appt);
		assert.equal(a.status, 403);
		consentId = await consent(A, client.id); // recorded by staff, on paper
		assert.equal((await start(C, appt)).status, 200);
	});

	test('a group session needs every client\'s consent', async () => {
		const other = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Group Member' } })).json;
		const g = await book({ clients: [client.id, other.id], start: `${day(2)}T09:00` });
		const r = await start(A, g);
		assert.equal(r.status, 403, r.text);
		const ev = await trail(other.id);
		assert.ok(ev.some((e) => e.event === 'telehealth.join' && e.outcome === 'consent_required'));
		await consent(A, other.id);
		assert.equal((await start(A, g)).status, 200);
		const joined = await trail(other.id);
		assert.ok(joined.some((e) => e.event === 'telehealth.join' && e.outcome === 'ok'), 'each client gets their event');
	});
});

describe('who may join', () => {
	test('another clinician, billing, an unrelated client and the owner get an audited 404', async () => {
		const appt = await book({ start: `${day(3)}T09:00` });
		for (const [who, name] of [[B, 'other clinician'], [BI, 'biller'], [C2, 'unrelated client'], [(m, p, o) => srv.request(m, p, o), 'owner']]) {
			const r = await start(who, appt);
			assert.equal(r.status, 404, `${name}: ${r.text}`);
		}
		const ev = await trail(client.id);
		assert.ok(ev.filter((e) => e.event === 'telehealth.join' && e.outcome === 'denied').length >= 4, 'refusals audited');
		assert.equal((await start(A, '0'.repeat(32))).status, 404);
		assert.equal((await start(A, 'not-an-id')).status, 404);
	});

	test('a co-facilitator hosts; outsiders cannot read, admit or end the room', async () => {
		const appt = await book({ start: `${day(4)}T09:00`, co: [people.sup.id] });
		const r = await start(SUP, appt);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.role, 'host');
		for (const who of [B, C2, BI]) assert.equal((await who('GET', `/api/v1/telehealth/${r.json.room}`)).status, 404);
		assert.equal((await B('POST', `/api/v1/telehealth/${r.json.room}/admit`, { body: { participant: r.json.participant } })).status, 404);
		assert.equal((await B('POST', `/api/v1/telehealth/${r.json.room}/end`, { body: {} })).status, 404);
		assert.equal((await BI('POST', `/api/v1/telehealth/${r.json.room}/end`, { body: {} })).status, 403);
		assert.equal((await A('GET', `/api/v1/telehealth/${'0'.repeat(32)}`)).status, 404);
	});

	test('an in-person appointment, a cancelled one and one long over are 409', async () => {
		const inPerson = await book({ telehealth: false, start: `${day(5)}T09:00` });
		const r = await start(A, inPerson);
		assert.equal(r.status, 409, r.text);
		assert.match(r.json.message, /not a telehealth appointment/);
		const cancelled = await book({ start: `${day(5)}T11:00` });
		const appt = (await A('GET', `/api/v1/appointments/${cancelled}`)).json;
		const version = appt.version ?? appt.appointment?.version;
		const s = await A('POST', `/api/v1/appointments/${cancelled}/status`, { body: { status: 'cancelled_by_client', version } });
		assert.equal(s.status, 200, s.text);
		assert.equal((await start(A, cancelled)).status, 409);
		const past = await book({ start: new Date((now() - 3 * 3600) * 1000).toISOString().slice(0, 16) });
		const p = await start(A, past);
		assert.equal(p.status, 409);
		assert.match(p.json.message, /ended/);
		const extra = await A('POST', `/api/v1/appointments/${inPerson}/telehealth`, { body: { record: true } });
		assert.equal(extra.status, 400, 'no other fields (and no recording)');
	});
});

describe('ending and relaying', () => {
	test('ending the room: the next start opens a new room; the old one is closed', async () => {
		const appt = await book({ start: `${day(6)}T09:00` });
		const r = await start(A, appt);
		assert.equal(r.status, 200, r.text);
		const end = await A('POST', `/api/v1/telehealth/${r.json.room}/end`, { body: {} });
		assert.equal(end.status, 200, end.text);
		assert.equal((await A('POST', `/api/v1/telehealth/${r.json.room}/end`, { body: {} })).status, 409);
		const st = await A('GET', `/api/v1/telehealth/${r.json.room}`);
		assert.equal(st.json.open, false);
		const left = await sqlite(db(), `SELECT count(*) FROM telehealth_participants p JOIN telehealth_rooms r ON r.id = p.room_id WHERE r.public_id = '${r.json.room}' AND p.token_expires_at > ${now()}`);
		assert.equal(Number(String(left).trim()), 0, 'every token of the room expired');
		const again = await start(A, appt);
		assert.equal(again.status, 200);
		assert.notEqual(again.json.room, r.json.room);
		const ev = await trail(client.id);
		assert.ok(ev.some((e) => e.event === 'telehealth.end' && e.object_id === r.json.room));
	});

	test('with a TURN secret, a coturn REST credential (HMAC-SHA1) that lives at most an hour', async () => {
		await reauth(srv);
		const secret = 'north-relay-shared-secret-7Qz';
		const s1 = await srv.request('PUT', '/api/v1/integration-secrets/turn_secret', { body: { value: secret } });
		assert.equal(s1.status, 200, s1.text);
		await reauth(srv);
		const s2 = await srv.request('PATCH', '/api/v1/settings', { body: { turn_urls: 'turn:relay.example.org:3478?transport=udp, turns:relay.example.org:5349, https://not-a-relay' } });
		assert.equal(s2.status, 200, s2.text);
		// the public privacy notice now names the relay as in use
		const notice = await srv.request('GET', '/api/v1/privacy-notice');
		assert.equal(notice.json.integrations.find((i) => i.name === 'turn')?.configured, true, notice.text);
		const appt = await book({ start: `${day(7)}T09:00` });
		const r = await start(A, appt);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.ice_servers.length, 1);
		const ice = r.json.ice_servers[0];
		assert.deepEqual(ice.urls, ['turn:relay.example.org:3478?transport=udp', 'turns:relay.example.org:5349']);
		const m = /^(\d+):([0-9a-f]{16})$/.exec(ice.username);
		assert.ok(m, ice.username);
		const expiry = Number(m[1]);
		assert.ok(expiry > now() && expiry <= now() + 3600, 'at most an hour');
		assert.equal(Date.parse(r.json.ice_expires_at) / 1000, expiry);
		const want = crypto.createHmac('sha1', secret).update(ice.username).digest('base64');
		assert.equal(ice.credential, want);
		assert.ok(!JSON.stringify(r.json).includes(secret), 'the secret never leaves');
		await reauth(srv);
		await srv.request('PATCH', '/api/v1/settings', { body: { turn_ttl_seconds: 600 } });
		const short = await start(A, appt);
		const exp2 = Number(short.json.ice_servers[0].username.split(':')[0]);
		assert.equal(exp2, now() + 600);
		assert.notEqual(short.json.ice_servers[0].username, ice.username, 'a fresh credential per join');
		await reauth(srv);
		const bad = await srv.request('PATCH', '/api/v1/settings', { body: { turn_ttl_seconds: 7200 } });
		assert.equal(bad.status, 400, 'never longer than an hour');
	});
});
