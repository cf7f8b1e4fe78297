// psychotherapy-notes.test.mjs - HIPAA 164.501 psychotherapy notes, tried
// as the people around them would: clinician A writes one; a colleague on
// the same care team, the owner, the biller, the scheduler, the auditor and
// the client's own portal account all get an audited 404; A shares it with
// A's supervisor, who reads it until A unshares; after a server restart A
// must re-authenticate before the note opens; a password change keeps it
// readable; after an owner resets A's password only a recovery code opens
// it again; the text never shows up in search, the record, the notes list
// or the audit trail; ciphertext moved between two notes fails to open.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, reauth, request, rnd, serve, signIn, sqlite, totp } from './harness.mjs';

let practice, srv, a, b, sup, biller, sched, auditor, portal, client;
let A, B, S, BI, SC, AU, CL;
let note; // A's first note
const canary = () => `PSYCANARY${rnd(16)}`;
const texts = [];

// login(ident, code) - a raw sign-in; resolves {status, session, json}.
async function login(ident, code) {
	advance(30);
	const body = { email: ident.email, password: ident.password };
	if (code) body.code = code;
	const r = await request(srv.port, 'POST', '/api/v1/auth/login', { body, session: null });
	const session = r.status === 200
		? { cookie: /^([^;]+)/.exec(r.headers['set-cookie'][0])[1], csrf: r.json.csrf_token }
		: null;
	return { status: r.status, json: r.json, session };
}

// refusals(actor) - psychotherapy-note events refused for an actor.
async function refusals(actor) {
	const r = await srv.request('GET', `/api/v1/audit?actor=${actor}&limit=200`);
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.event.startsWith('psychotherapy_note.') && e.outcome !== 'ok');
}

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	a = await addUser(srv, 'clinician', 'Ana Author');
	b = await addUser(srv, 'clinician', 'Ben Colleague');
	sup = await addUser(srv, 'supervisor', 'Sue Supervisor');
	biller = await addUser(srv, 'biller');
	sched = await addUser(srv, 'scheduler');
	auditor = await addUser(srv, 'auditor');
	const link = await srv.request('POST', `/api/v1/users/${sup.id}/supervisees`, { body: { user_id: a.id } });
	assert.equal(link.status, 200, link.text);
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	S = as(srv, await signIn(srv.port, sup));
	BI = as(srv, await signIn(srv.port, biller));
	SC = as(srv, await signIn(srv.port, sched));
	AU = as(srv, await signIn(srv.port, auditor));
	const c = await A('POST', '/api/v1/clients', { body: { legal_name: 'Private Client' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	const ct = await srv.request('POST', `/api/v1/clients/${client.id}/care-team`, { body: { user_id: b.id } });
	assert.equal(ct.status, 200, ct.text);
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', {
		body: { email: `portal.${rnd(8).toLowerCase()}@example.org`, name: 'Private Client', role: 'client', client_id: client.id },
	});
	assert.equal(p.status, 201, p.text);
	portal = { email: p.json.email, password: p.json.one_time_password, secret: null };
	CL = as(srv, await signIn(srv.port, portal));
});
after(async () => { await srv?.stop(); });

describe('only the author', () => {
	test('A writes a psychotherapy note and reads it back', async () => {
		const text = `Session thoughts ${canary()} and ${canary()}`;
		texts.push(text);
		const r = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: text } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.body, text);
		assert.equal(r.json.author, a.id);
		assert.deepEqual(r.json.shared_with, []);
		note = r.json;
		const g = await A('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.status, 200, g.text);
		assert.equal(g.json.body, text);
		const l = await A('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
		assert.equal(l.status, 200);
		assert.deepEqual(l.json.psychotherapy_notes.map((n) => n.id), [note.id]);
		assert.ok(!l.text.includes(text.slice(17)), 'the list carries text');
	});

	test('a colleague on the care team, the owner, biller, scheduler, auditor and the client get 404, audited', async () => {
		const who = { colleague: [B, b.id], owner: [srv.request, null], biller: [BI, biller.id],
			scheduler: [SC, sched.id], auditor: [AU, auditor.id], client: [CL, null] };
		for (const [name, [call]] of Object.entries(who)) {
			const g = await call('GET', `/api/v1/psychotherapy-notes/${note.id}`);
			assert.equal(g.status, 404, `${name} read it: ${g.status} ${g.text}`);
			assert.ok(!g.text.includes('PSYCANARY'));
			const u = await call('PUT', `/api/v1/psychotherapy-notes/${note.id}`, { body: { version: 1, body: 'overwritten' } });
			assert.equal(u.status, 404, `${name} changed it: ${u.status}`);
			const sh = await call('POST', `/api/v1/psychotherapy-notes/${note.id}/share`, { body: { user_id: sup.id } });
			assert.equal(sh.status, 404, `${name} shared it: ${sh.status}`);
			const l = await call('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
			if (name === 'colleague') {
				assert.equal(l.status, 200);
				assert.deepEqual(l.json.psychotherapy_notes, [], 'a colleague sees the author\'s note in the list');
			} else {
				assert.equal(l.status, 404, `${name} listed them: ${l.status}`);
			}
			if (name !== 'colleague') {
				const c = await call('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: 'x' } });
				assert.equal(c.status, 404, `${name} wrote one: ${c.status}`);
			}
		}
		const g = await A('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.json.body, texts[0], 'a refused change changed the note');
		for (const [name, id] of [['colleague', b.id], ['biller', biller.id], ['auditor', auditor.id], ['scheduler', sched.id]]) {
			const ev = await refusals(id);
			assert.ok(ev.some((e) => e.event === 'psychotherapy_note.read' && e.outcome === 'denied'),
				`${name}'s refused read was not audited`);
		}
		const ownerEv = await srv.request('GET', '/api/v1/audit?limit=200');
		const ownerId = srv.session.user.id;
		assert.ok(ownerEv.json.events.some((e) => e.actor === ownerId && e.event === 'psychotherapy_note.read' && e.outcome === 'denied'));
		assert.ok(!ownerEv.text.includes('PSYCANARY'), 'note text in the audit trail');
	});

	test('the client\'s access report does not reveal the notes; the owner\'s does', async () => {
		const mine = await CL('GET', `/api/v1/audit/clients/${client.id}?limit=200`);
		assert.equal(mine.status, 200, mine.text);
		assert.ok(mine.json.events.length > 0);
		assert.ok(!mine.json.events.some((e) => e.event.startsWith('psychotherapy_note.')), 'the portal shows psychotherapy notes exist');
		const owner = await srv.request('GET', `/api/v1/audit/clients/${client.id}?limit=200`);
		assert.ok(owner.json.events.some((e) => e.event === 'psychotherapy_note.create' && e.object_id === note.id));
	});

	test('bad input gets a clear 4xx and changes nothing', async () => {
		const empty = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: '' } });
		assert.equal(empty.status, 400);
		assert.match(empty.json.message, /body/);
		const big = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: 'x'.repeat(70_000) } });
		assert.equal(big.status, 413);
		const extra = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: 'x', title: 'y' } });
		assert.equal(extra.status, 400);
		const noVersion = await A('PUT', `/api/v1/psychotherapy-notes/${note.id}`, { body: { body: 'y' } });
		assert.equal(noVersion.status, 400);
		assert.match(noVersion.json.message, /version/);
		const stale = await A('PUT', `/api/v1/psychotherapy-notes/${note.id}`, { body: { version: 7, body: 'y' } });
		assert.equal(stale.status, 409);
		const l = await A('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
		assert.equal(l.json.psychotherapy_notes.length, 1);
		assert.equal(l.json.psychotherapy_notes[0].version, 1);
	});

	test('A edits the note; the version moves on', async () => {
		const text = `Revised ${canary()}`;
		texts.push(text);
		const u = await A('PUT', `/api/v1/psychotherapy-notes/${note.id}`, { body: { version: 1, body: text } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.version, 2);
		const g = await A('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.json.body, text);
		note = g.json;
	});
});

describe('sharing with a supervisor', () => {
	test('A shares with A\'s supervisor, who reads it (only reads it) until A unshares', async () => {
		const before1 = await S('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(before1.status, 404, 'the supervisor read an unshared note');
		const wrong = await A('POST', `/api/v1/psychotherapy-notes/${note.id}/share`, { body: { user_id: b.id } });
		assert.equal(wrong.status, 400, 'shared with a colleague who is not a supervisor');
		assert.match(wrong.json.message, /supervisor/);
		const sh = await A('POST', `/api/v1/psychotherapy-notes/${note.id}/share`, { body: { user_id: sup.id } });
		assert.equal(sh.status, 200, sh.text);
		const g = await S('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.status, 200, g.text);
		assert.equal(g.json.body, note.body);
		assert.equal(g.json.shared_with, undefined, 'a supervisor sees the share list');
		const l = await S('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
		assert.deepEqual(l.json.psychotherapy_notes.map((n) => n.id), [note.id]);
		const mine = await A('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.deepEqual(mine.json.shared_with, [sup.id]);
		const w = await S('PUT', `/api/v1/psychotherapy-notes/${note.id}`, { body: { version: note.version, body: 'sup edit' } });
		assert.equal(w.status, 404, 'a supervisor changed a shared note');
		const passOn = await S('POST', `/api/v1/psychotherapy-notes/${note.id}/share`, { body: { user_id: sup.id } });
		assert.equal(passOn.status, 404);
		const still = await B('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(still.status, 404);
		const un = await A('POST', `/api/v1/psychotherapy-notes/${note.id}/unshare`, { body: { user_id: sup.id } });
		assert.equal(un.status, 200, un.text);
		const gone = await S('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(gone.status, 404, 'unsharing left access');
		const again = await A('POST', `/api/v1/psychotherapy-notes/${note.id}/unshare`, { body: { user_id: sup.id } });
		assert.equal(again.status, 404);
		const l2 = await S('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
		assert.deepEqual(l2.json.psychotherapy_notes, []);
	});
});

describe('the text stays out of everything else', () => {
	test('not in client search, the record, the regular notes list or a regular note', async () => {
		const word = texts[0].match(/PSYCANARY[a-z0-9]{16}/i)[0];
		const s = await A('POST', '/api/v1/clients/search', { body: { query: word } });
		assert.equal(s.status, 200, s.text);
		assert.deepEqual(s.json.clients, []);
		const reg = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'ordinary' } } });
		assert.equal(reg.status, 201, reg.text);
		const places = [
			await A('GET', `/api/v1/clients/${client.id}/notes`),
			await A('GET', `/api/v1/notes/${reg.json.id}`),
			await A('GET', `/api/v1/clients/${client.id}`),
			await A('GET', '/api/v1/clients'),
			await srv.request('GET', '/api/v1/audit?limit=200'),
		];
		for (const r of places) {
			assert.equal(r.status, 200, r.text);
			for (const t of texts) for (const part of t.match(/PSYCANARY[a-z0-9]{16}/gi)) {
				assert.ok(!r.text.includes(part), 'psychotherapy note text leaked');
			}
			assert.ok(!r.text.includes(note.id) || r.text.includes('"events"'), 'a psychotherapy note id in the record');
		}
	});
});

describe('keys follow the author, not the server', () => {
	test('after a restart the note answers 403 until A re-authenticates', async () => {
		const aSess = await signIn(srv.port, a);
		await srv.stop();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		const A2 = as(srv, aSess);
		const l = await A2('GET', `/api/v1/clients/${client.id}/psychotherapy-notes`);
		assert.equal(l.status, 200, 'the session itself survives the restart');
		const g = await A2('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.status, 403, g.text);
		assert.match(g.json.message, /re-authenticate/i);
		assert.match(g.json.message, /\/api\/v1\/auth\/reauth/);
		assert.ok(!g.text.includes('PSYCANARY'));
		const w = await A2('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: 'while locked' } });
		assert.equal(w.status, 403);
		advance(30);
		const ra = await A2('POST', '/api/v1/auth/reauth', { body: { password: a.password, code: totp(a.secret) } });
		assert.equal(ra.status, 200, ra.text);
		const g2 = await A2('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g2.status, 200, g2.text);
		assert.equal(g2.json.body, note.body);
		A = A2;
		B = as(srv, await signIn(srv.port, b));
		S = as(srv, await signIn(srv.port, sup));
	});

	test('a password change keeps the note readable', async () => {
		const s = await signIn(srv.port, a);
		const next = `pnotes-${rnd(16)}`;
		const r = await as(srv, s)('POST', '/api/v1/auth/password', { body: { current: a.password, new: next } });
		assert.equal(r.status, 200, r.text);
		a.password = next;
		const fresh = await signIn(srv.port, a);
		const g = await as(srv, fresh)('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.status, 200, g.text);
		assert.equal(g.json.body, note.body);
		A = as(srv, fresh);
	});

	test('after an owner resets A\'s password, only a recovery code opens the notes', async () => {
		await reauth(srv);
		const reset = await srv.request('POST', `/api/v1/users/${a.id}/reset-password`, { body: {} });
		assert.equal(reset.status, 200, reset.text);
		assert.equal((await A('GET', '/api/v1/auth/session')).status, 401, 'the reset left A signed in');
		// A signs in with the one-time password and a TOTP code, sets a password
		a.password = reset.json.one_time_password;
		const li = await login(a, totp(a.secret));
		assert.equal(li.status, 200, JSON.stringify(li.json));
		assert.equal(li.json.must_change_password, true);
		const next = `after-reset-${rnd(12)}`;
		const pc = await as(srv, li.session)('POST', '/api/v1/auth/password', { body: { current: a.password, new: next } });
		assert.equal(pc.status, 200, pc.text);
		a.password = next;
		const locked = await as(srv, li.session)('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(locked.status, 403, 'the owner\'s reset opened the author\'s notes');
		advance(30);
		const bad = await as(srv, li.session)('POST', '/api/v1/auth/reauth', { body: { password: a.password, code: totp(a.secret) } });
		assert.equal(bad.status, 200);
		const still = await as(srv, li.session)('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(still.status, 403, 'a TOTP code opened what needs a recovery code');
		const code = a.recovery[0];
		const ra = await as(srv, li.session)('POST', '/api/v1/auth/reauth', { body: { password: a.password, code } });
		assert.equal(ra.status, 200, ra.text);
		const open = await as(srv, li.session)('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(open.status, 200, open.text);
		assert.equal(open.json.body, note.body);
		// the key is under the new password again: a plain sign-in opens it
		const fresh = await signIn(srv.port, a);
		const g = await as(srv, fresh)('GET', `/api/v1/psychotherapy-notes/${note.id}`);
		assert.equal(g.status, 200, g.text);
		A = as(srv, fresh);
		const used = await login(a, code);
		assert.equal(used.status, 401, 'a used recovery code worked again');
	});
});

// SWAP - exchange the sealed columns of the (two) notes.
const SWAP = `PRAGMA wal_checkpoint(TRUNCATE);
	CREATE TEMP TABLE t AS SELECT id, nk_wrap, body_sealed FROM psychotherapy_notes;
	UPDATE psychotherapy_notes SET
		nk_wrap = (SELECT nk_wrap FROM t WHERE t.id <> psychotherapy_notes.id LIMIT 1),
		body_sealed = (SELECT body_sealed FROM t WHERE t.id <> psychotherapy_notes.id LIMIT 1);`;

describe('integrity', () => {
	test('ciphertext moved between two psychotherapy notes fails to open', async () => {
		const second = `Second ${canary()}`;
		const r = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: second } });
		assert.equal(r.status, 201, r.text);
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		await sqlite(db, SWAP);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		A = as(srv, await signIn(srv.port, a));
		for (const id of [note.id, r.json.id]) {
			const g = await A('GET', `/api/v1/psychotherapy-notes/${id}`);
			assert.equal(g.status, 500, g.text);
			assert.equal(g.json.error, 'integrity');
			assert.ok(!g.text.includes('PSYCANARY') && !g.text.includes('Second'));
		}
		// swap back: both open again (the refusal was the seal, not the row)
		await srv.stop();
		await sqlite(db, SWAP);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		A = as(srv, await signIn(srv.port, a));
		const ok = await A('GET', `/api/v1/psychotherapy-notes/${r.json.id}`);
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.body, second);
	});
});
