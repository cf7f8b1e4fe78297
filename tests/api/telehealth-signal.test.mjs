// telehealth-signal.test.mjs - the signaling WebSocket of a video session,
// tried as two browsers would use it: the clinician and the client each
// start/join over HTTPS, open GET /api/v1/telehealth/{room}/signal and send
// their join token as the first message; the server relays offer, answer
// and ICE candidates between the room's participants only. Nothing reaches
// a socket with a wrong token, with the token in the URL, or still in the
// waiting room; an oversized message or a flood closes the sender; a
// withdrawn telehealth consent closes the client's socket and ending the
// room closes them all; the audit trail holds telehealth.signal with ids.
// Ordering, not sleeps: the hub answers each socket in order, so a message
// that was not relayed would arrive before the next one we expect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, now, reauth, serve, signIn } from './harness.mjs';
import { wsConnect } from './wsclient.mjs';

let practice, srv, A, C, B, sA, sC, sB, client, tpl, people;
const day = (d = 1) => new Date((now() + d * 86400) * 1000).toISOString().slice(0, 10);
const hour = () => new Date((now() + 600) * 1000).toISOString().slice(0, 16);

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Ana Signal');
	const b = await addUser(srv, 'clinician', 'Ben Outside');
	people = { a, b };
	sA = await signIn(srv.port, a);
	sB = await signIn(srv.port, b);
	A = as(srv, sA);
	B = as(srv, sB);
	client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Signal Client' } })).json;
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', { body: { email: 'signal.client@example.org', name: 'Signal Client', role: 'client', client_id: client.id } });
	assert.equal(p.status, 201, p.text);
	sC = await signIn(srv.port, { email: 'signal.client@example.org', password: p.json.one_time_password, secret: null });
	C = as(srv, sC);
	await reauth(srv);
	const t = await srv.request('POST', '/api/v1/consent-templates', {
		body: { purpose: 'telehealth', title: 'Video sessions', body: 'We meet by video.\nNothing is recorded.', effective_from: day(0) },
	});
	assert.equal(t.status, 201, t.text);
	tpl = t.json;
});
after(async () => {
	await srv?.stop();
	assert.doesNotMatch(srv.stderr(), /upgraded|ERROR: (Address|Leak)Sanitizer/, 'sockets closed before the daemon stopped');
});

async function book() {
	const r = await A('POST', '/api/v1/appointments', {
		body: { clinician: people.a.id, clients: [client.id], start: hour(), minutes: 50, tz: 'UTC', telehealth: true, override: true },
	});
	assert.equal(r.status, 201, r.text);
	return r.json.appointment.id;
}

async function consent() {
	const req = { template: tpl.id, signed_name: 'Signal Client' };
	const pv = await C('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: req });
	assert.equal(pv.status, 200, pv.text);
	const r = await C('POST', `/api/v1/clients/${client.id}/consents`, { body: { ...req, text_hash: pv.json.text_hash } });
	assert.equal(r.status, 201, r.text);
	return r.json.id;
}

const start = async (who, appt) => {
	const r = await who('POST', `/api/v1/appointments/${appt}/telehealth`, { body: {} });
	assert.equal(r.status, 200, r.text);
	return r.json;
};
const open = (session, room, extra = '') =>
	wsConnect(srv.port, `/api/v1/telehealth/${room}/signal${extra}`, { ca: srv.ca, cookie: session.cookie, origin: `https://localhost:${srv.port}` });

// joinAs - open and send the join; resolves [socket, first answer].
async function joinAs(session, j) {
	const ws = await open(session, j.room);
	ws.send({ type: 'join', token: j.token });
	return [ws, await ws.next()];
}

async function trail() {
	const t = await srv.request('GET', `/api/v1/audit?client=${client.id}&limit=200`);
	assert.equal(t.status, 200, t.text);
	return t.json.events;
}

describe('signaling', () => {
	let consentId;
	before(async () => { consentId = await consent(); });

	test('host and admitted guest exchange offer, answer and ICE through the relay; outsiders get nothing', async () => {
		const appt = await book();
		const host = await start(A, appt);
		const guest = await start(C, appt);
		assert.equal(guest.admitted, false);

		const [h, hj] = await joinAs(sA, host);
		assert.deepEqual(hj, { type: 'joined', self: host.participant, peers: [] });

		// a guest still in the waiting room joins but hears nothing
		const [g, gw] = await joinAs(sC, guest);
		assert.deepEqual(gw, { type: 'waiting' });
		h.send({ type: 'offer', sdp: 'v=0 early' });

		// a wrong token, and a real token of someone else, are refused and closed
		const bad = await open(sC, guest.room);
		bad.send({ type: 'join', token: 'x'.repeat(43) });
		assert.deepEqual(await bad.next(), { type: 'error', error: 'not_found' });
		assert.equal((await bad.next()).close, 1008);
		const thief = await open(sB, guest.room);
		thief.send({ type: 'join', token: guest.token });
		assert.deepEqual(await thief.next(), { type: 'error', error: 'not_found' });
		assert.equal((await thief.next()).close, 1008);
		// anything but a join first is refused too
		const early = await open(sC, guest.room);
		early.send({ type: 'offer', sdp: 'v=0' });
		assert.equal((await early.next()).type, 'error');

		// the token never goes in the URL
		await assert.rejects(open(sC, guest.room, `?token=${guest.token}`), (e) => e.status === 400);
		// another site's page cannot open the socket with the user's cookie
		await assert.rejects(wsConnect(srv.port, `/api/v1/telehealth/${guest.room}/signal`, { ca: srv.ca, cookie: sC.cookie, origin: 'https://evil.example' }), (e) => e.status === 403);
		// no session, no socket
		await assert.rejects(wsConnect(srv.port, `/api/v1/telehealth/${guest.room}/signal`, { ca: srv.ca }), (e) => e.status === 401);

		// admitted: the next thing the guest hears is the admission (the early offer never came)
		const ad = await A('POST', `/api/v1/telehealth/${host.room}/admit`, { body: { participant: guest.participant } });
		assert.equal(ad.status, 200, ad.text);
		assert.deepEqual(await g.next(), { type: 'admitted' });
		g.send({ type: 'join', token: guest.token });
		assert.deepEqual(await g.next(), { type: 'joined', self: guest.participant, peers: [host.participant] });
		assert.deepEqual(await h.next(), { type: 'peer', from: guest.participant });

		h.send({ type: 'offer', sdp: 'v=0 offer' });
		assert.deepEqual(await g.next(), { type: 'offer', sdp: 'v=0 offer', from: host.participant });
		g.send({ type: 'answer', sdp: 'v=0 answer', to: host.participant });
		assert.deepEqual(await h.next(), { type: 'answer', sdp: 'v=0 answer', from: guest.participant });
		const cand = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
		g.send({ type: 'ice', candidate: cand });
		assert.deepEqual(await h.next(), { type: 'ice', candidate: cand, from: guest.participant });
		h.send({ type: 'ice', candidate: null });
		assert.deepEqual(await g.next(), { type: 'ice', candidate: null, from: host.participant });

		// an unknown type or field is answered, not relayed
		h.send({ type: 'chat', text: 'hello' });
		assert.deepEqual(await h.next(), { type: 'error', error: 'invalid' });
		h.send({ type: 'offer', sdp: 'v=0', note: 'x' });
		assert.deepEqual(await h.next(), { type: 'error', error: 'invalid' });
		h.send({ type: 'bye' });
		assert.deepEqual(await g.next(), { type: 'bye', from: host.participant }, 'nothing invalid came before');
		assert.equal(bad.pending() + thief.pending(), 0);

		// ending the room closes every socket in it
		const end = await A('POST', `/api/v1/telehealth/${host.room}/end`, { body: {} });
		assert.equal(end.status, 200, end.text);
		assert.deepEqual(await h.next(), { type: 'closed', reason: 'ended' });
		assert.equal((await h.next()).close, 1000);
		assert.deepEqual(await g.next(), { type: 'closed', reason: 'ended' });
		assert.equal((await g.next()).close, 1000);
		// and its tokens no longer join
		const late = await open(sA, host.room);
		late.send({ type: 'join', token: host.token });
		assert.deepEqual(await late.next(), { type: 'error', error: 'not_found' });

		const ev = await trail();
		const sig = ev.filter((e) => e.event === 'telehealth.signal');
		assert.ok(sig.some((e) => e.outcome === 'ok' && e.detail === `room=${host.room},host=1,admitted=1`), 'host signal audited');
		assert.ok(sig.some((e) => e.outcome === 'ok' && e.detail === `room=${host.room},host=0,admitted=0`), 'waiting guest audited');
		assert.ok(sig.some((e) => e.outcome === 'ok' && e.detail === `room=${host.room},host=0,admitted=1`), 'admitted guest audited');
		for (const e of sig) {
			// the event carries ids and flags (names are the audit reader's lookup)
			assert.match(e.detail, /^(room=[0-9a-f]{32},host=[01],admitted=[01])?$/, 'ids only, never a body');
			assert.ok(e.object_id === undefined || e.object_id === null || /^[0-9a-f]{32}$/.test(e.object_id));
			assert.ok(!JSON.stringify(e).includes(host.token) && !JSON.stringify(e).includes(guest.token));
			assert.doesNotMatch(JSON.stringify(e), /v=0|candidate:/);
		}
	});

	test('an oversized message and a flood close the sender', async () => {
		const appt = await book();
		const host = await start(A, appt);
		const [h] = await joinAs(sA, host);
		h.send({ type: 'offer', sdp: 'x'.repeat(70 * 1024) });
		assert.equal((await h.next()).close, 1009, 'larger than 64 KiB');

		const [h2, j2] = await joinAs(sA, await start(A, appt));
		assert.equal(j2.type, 'joined');
		for (let i = 0; i < 60; i++) h2.send({ type: 'bye' });
		assert.deepEqual(await h2.next(), { type: 'error', error: 'too_many' });
		assert.equal((await h2.next()).close, 1008);
		// left open on purpose: the server's stop closes it (after() asserts a clean exit)
		const [, j3] = await joinAs(sA, await start(A, appt));
		assert.equal(j3.type, 'joined');
	});

	test('withdrawing the telehealth consent closes the client\'s socket', async () => {
		const appt = await book();
		const host = await start(A, appt);
		const guest = await start(C, appt);
		const [h] = await joinAs(sA, host);
		const [g, gw] = await joinAs(sC, guest);
		assert.equal(gw.type, 'waiting');
		const w = await C('POST', `/api/v1/consents/${consentId}/withdraw`, { body: {} });
		assert.equal(w.status, 200, w.text);
		assert.deepEqual(await g.next(), { type: 'closed', reason: 'consent' });
		assert.equal((await g.next()).close, 1000);
		// the host's socket of that room closes as well: no session without consent
		assert.deepEqual(await h.next(), { type: 'closed', reason: 'consent' });
		// and a join now is refused by the gate
		const again = await open(sA, host.room);
		again.send({ type: 'join', token: host.token });
		assert.deepEqual(await again.next(), { type: 'error', error: 'consent_required' });
		const ev = await trail();
		assert.ok(ev.some((e) => e.event === 'telehealth.signal' && e.outcome === 'consent_required'), 'refusal audited');
	});
});
