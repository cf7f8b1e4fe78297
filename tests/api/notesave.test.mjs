// notesave.test.mjs - note saves that arrive together share write
// transactions (domain_note_create: sealed before the write lock, inserted
// as a member of a group commit). Many concurrent saves by two clinicians
// to two clients, with refused saves of a clinician off the care team and
// of a restricted record mixed in: every accepted note exists exactly once,
// with its text, one kept version and one note.create event; every refusal
// is a 404 (409 for the restriction) audited on its own, and rolled back
// nobody else's note; `confidant audit verify` passes afterwards.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { addUser, as, init, rnd, run, serve, signIn, sqlite } from './harness.mjs';

const SAVES = 48; // per clinician
let practice, srv, A, B, OUT, mine, theirs, locked;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Ana Author');
	const b = await addUser(srv, 'clinician', 'Ben Busy');
	const o = await addUser(srv, 'clinician', 'Olga Outside');
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	OUT = as(srv, await signIn(srv.port, o));
	const mk = async (who, name) => {
		const r = await who('POST', '/api/v1/clients', { body: { legal_name: name } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	mine = await mk(A, `Batch One ${rnd(6)}`);
	theirs = await mk(B, `Batch Two ${rnd(6)}`);
	locked = await mk(A, `Batch Locked ${rnd(6)}`);
	const r = await srv.request('POST', `/api/v1/clients/${locked.id}/restriction`, { body: { basis: 'accuracy' } });
	assert.equal(r.status, 200, r.text);
});
after(async () => { await srv?.stop(); });

const body = (who, i) => ({ template: 'soap', date: '2026-11-20',
	fields: { subjective: `${who} save ${i} ${rnd(8)}`, plan: 'next week', risk_suicidal: 'denies' } });

test('concurrent saves: each exactly once with its event; refusals touch nobody else', async () => {
	const db = path.join(practice.data, 'confidant.db');
	const before = Number(await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'note.create' AND outcome = 'ok';"));
	const jobs = [];
	const post = (who, S, c, i) => {
		const b = body(who, i);
		jobs.push(S('POST', `/api/v1/clients/${c.id}/notes`, { body: b }).then((r) => ({ who, i, b, r })));
	};
	for (let i = 0; i < SAVES; i++) {
		post('A', A, mine, i);
		post('B', B, theirs, i);
		if (i % 8 === 0) {
			post('OUT', OUT, mine, i);
			post('LOCKED', A, locked, i);
		}
	}
	const done = await Promise.all(jobs);
	const saved = done.filter((d) => d.who === 'A' || d.who === 'B');
	for (const d of saved) {
		assert.equal(d.r.status, 201, `${d.who} ${d.i}: ${d.r.text}`);
		assert.deepEqual(d.r.json.fields, d.b.fields);
	}
	for (const d of done.filter((x) => x.who === 'OUT')) assert.equal(d.r.status, 404, d.r.text);
	for (const d of done.filter((x) => x.who === 'LOCKED')) assert.equal(d.r.status, 409, d.r.text);
	const ids = saved.map((d) => d.r.json.id);
	assert.equal(new Set(ids).size, ids.length, 'two saves got the same note id');

	// Each note once in its client's list, with its own text.
	for (const [who, c, S] of [['A', mine, A], ['B', theirs, B]]) {
		const want = saved.filter((d) => d.who === who).map((d) => d.r.json.id).sort();
		let got = [];
		let cursor = '';
		for (;;) {
			const l = await S('GET', `/api/v1/clients/${c.id}/notes${cursor}`);
			assert.equal(l.status, 200, l.text);
			got = got.concat(l.json.notes.map((n) => n.id));
			if (!l.json.next) break;
			cursor = `?before=${l.json.next}`;
		}
		assert.deepEqual(got.sort(), want);
	}
	const one = saved[saved.length - 1];
	const g = await (one.who === 'A' ? A : B)('GET', `/api/v1/notes/${one.r.json.id}`);
	assert.equal(g.status, 200, g.text);
	assert.deepEqual(g.json.fields, one.r.json.fields);

	// One event per note, one kept version per note, none for refusals.
	const events = (await sqlite(db, "SELECT object_id FROM audit_events WHERE event = 'note.create' AND outcome = 'ok';")).split('\n').filter(Boolean);
	assert.equal(events.length - before, ids.length);
	for (const id of ids) assert.equal(events.filter((e) => e === id).length, 1, `note ${id}: events`);
	const versions = await sqlite(db, `SELECT count(*), count(DISTINCT note_id) FROM note_versions WHERE note_id IN (SELECT id FROM notes WHERE client_id IN (SELECT id FROM clients WHERE public_id IN ('${mine.id}', '${theirs.id}', '${locked.id}')));`);
	assert.equal(versions, `${ids.length}|${ids.length}`);
	assert.equal(await sqlite(db, `SELECT count(*) FROM notes n JOIN clients c ON c.id = n.client_id WHERE c.public_id = '${locked.id}';`), '0');
	const refusals = await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'note.create' AND outcome <> 'ok';");
	assert.ok(Number(refusals) >= done.filter((x) => x.who === 'OUT').length, `refusals audited: ${refusals}`);
	const restricted = await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'restriction.refuse';");
	assert.ok(Number(restricted) >= done.filter((x) => x.who === 'LOCKED').length, `restriction refusals audited: ${restricted}`);

	const v = await run(['audit', 'verify', '--data', practice.data, '--keyfile', practice.keyfile]);
	assert.equal(v.status, 0, `audit verify: ${v.stdout}${v.stderr}`);
	assert.match(v.stdout, /audit trail intact/);
});

test('a new draft answers with the same members and text as reading it back', async () => {
	const fields = { subjective: 'quote " backslash \\ tab \t line\nend \u0001 é ✓ 😀 </script>', plan: 'x', risk_suicidal: 'passive' };
	const r = await A('POST', `/api/v1/clients/${mine.id}/notes`, { body: { template: 'soap', date: '2026-11-21', fields } });
	assert.equal(r.status, 201, r.text);
	assert.deepEqual(r.json.fields, fields);
	assert.deepEqual(Object.keys(r.json).sort(), ['author', 'author_name', 'client', 'created_at', 'date', 'fields', 'id',
		'status', 'template', 'updated_at', 'version']);
	assert.equal(r.json.client, mine.id);
	assert.equal(r.json.status, 'draft');
	assert.equal(r.json.version, 1);
	assert.match(r.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	const g = await A('GET', `/api/v1/notes/${r.json.id}`);
	assert.equal(g.status, 200, g.text);
	for (const k of ['id', 'client', 'template', 'date', 'status', 'version', 'created_at', 'updated_at', 'fields'])
		assert.deepEqual(g.json[k], r.json[k], k);
});
