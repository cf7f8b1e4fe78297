// notes.test.mjs - progress notes tried as a clinician would: a SOAP draft,
// edits, sign-and-lock (409 afterwards), an addendum, a supervisee's note
// waiting for co-signature; only the treating team reads note text; bad
// input changes nothing; note text is sealed on disk and bound to its row.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, rnd, serve, signIn, sqlite, walk } from './harness.mjs';

let practice, srv, a, b, sup, biller, client, A, B, S, BI;
const canary = () => `NOTECANARY${rnd(16)}`;
const canaries = [];

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	a = await addUser(srv, 'clinician', 'Ana Author');
	b = await addUser(srv, 'clinician', 'Ben Other');
	sup = await addUser(srv, 'supervisor', 'Sue Supervisor');
	biller = await addUser(srv, 'biller', 'Bill Biller');
	const link = await srv.request('POST', `/api/v1/users/${sup.id}/supervisees`, { body: { user_id: a.id } });
	assert.equal(link.status, 200, link.text);
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	S = as(srv, await signIn(srv.port, sup));
	BI = as(srv, await signIn(srv.port, biller));
	const c = await A('POST', '/api/v1/clients', { body: { legal_name: 'Noted Client' } });
	assert.equal(c.status, 201);
	client = c.json;
});
after(async () => { await srv?.stop(); });

describe('a note from draft to signed', () => {
	let note;

	test('templates are listed; a SOAP draft is written and edited', async () => {
		const t = await A('GET', '/api/v1/note-templates');
		assert.deepEqual(t.json.templates.map((x) => x.name), ['soap', 'dap', 'birp', 'intake', 'discharge']);
		const fields = { subjective: canary(), objective: canary(), assessment: canary(), plan: canary(),
			risk_suicidal: 'denies', safety_plan: canary() };
		canaries.push(...Object.values(fields).filter((v) => v.startsWith('NOTECANARY')));
		const r = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.status, 'draft');
		assert.deepEqual(r.json.fields, fields);
		note = r.json;
		const plan = canary();
		canaries.push(plan);
		const u = await A('PATCH', `/api/v1/notes/${note.id}`, { body: { version: note.version, fields: { ...fields, plan } } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.fields.plan, plan);
		const stale = await A('PATCH', `/api/v1/notes/${note.id}`, { body: { version: note.version, fields } });
		assert.equal(stale.status, 409, 'a stale draft edit was accepted');
		note = u.json;
	});

	test('signing locks it; a supervisee\'s note waits for co-signature', async () => {
		const s = await A('POST', `/api/v1/notes/${note.id}/sign`, { body: {} });
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json.status, 'awaiting_cosign');
		assert.match(s.json.content_hash, /^[0-9a-f]{64}$/);
		const edit = await A('PATCH', `/api/v1/notes/${note.id}`, { body: { version: s.json.version, fields: { plan: 'changed' } } });
		assert.equal(edit.status, 409);
		assert.match(edit.json.message, /addendum/);
		assert.equal((await B('POST', `/api/v1/notes/${note.id}/cosign`, { body: {} })).status, 403, 'a clinician co-signed');
		const co = await S('POST', `/api/v1/notes/${note.id}/cosign`, { body: {} });
		assert.equal(co.status, 200, co.text);
		const g = await A('GET', `/api/v1/notes/${note.id}`);
		assert.equal(g.json.status, 'signed');
		assert.ok(g.json.cosigned_at);
	});

	test('corrections are signed addenda; the note itself is unchanged', async () => {
		const text = canary();
		canaries.push(text);
		const ad = await A('POST', `/api/v1/notes/${note.id}/addenda`, { body: { text } });
		assert.equal(ad.status, 201, ad.text);
		const g = await A('GET', `/api/v1/notes/${note.id}`);
		assert.equal(g.json.addenda.length, 1);
		assert.equal(g.json.addenda[0].text, text);
		assert.equal(g.json.addenda[0].author_name, 'Ana Author');
		assert.equal(g.json.fields.plan, note.fields.plan);
		const list = await A('GET', `/api/v1/clients/${client.id}/notes`);
		assert.equal(list.json.notes.length, 1);
		assert.equal(list.json.notes[0].fields, undefined, 'the list carries note text');
	});

	test('only the treating team reads note text', async () => {
		assert.equal((await B('GET', `/api/v1/notes/${note.id}`)).status, 404);
		assert.equal((await B('GET', `/api/v1/clients/${client.id}/notes`)).status, 404);
		assert.equal((await S('GET', `/api/v1/notes/${note.id}`)).status, 200, 'the supervisor reviews');
		assert.equal((await srv.request('GET', `/api/v1/notes/${note.id}`)).status, 403, 'the owner read a note');
		assert.equal((await BI('GET', `/api/v1/notes/${note.id}`)).status, 403, 'billing read a note');
	});

	test('bad input gets a clear 4xx and changes nothing', async () => {
		const base = `/api/v1/clients/${client.id}/notes`;
		const cases = [
			[{ template: 'poem', date: '2026-11-20', fields: {} }, 400],
			[{ template: 'soap', date: '20-11-2026', fields: {} }, 400],
			[{ template: 'soap', date: '2026-11-20', fields: { mood: 'x' } }, 400],
			[{ template: 'soap', date: '2026-11-20', fields: { plan: 5 } }, 400],
			[{ template: 'soap', date: '2026-11-20', fields: { plan: 'x'.repeat(21 * 1024) } }, 400],
			[{ template: 'soap', date: '2026-11-20', fields: { plan: 'x'.repeat(300 * 1024) } }, 413],
		];
		for (const [body, status] of cases) {
			const r = await A('POST', base, { body });
			assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)} -> ${r.status} ${r.text.slice(0, 200)}`);
		}
		const list = await A('GET', base);
		assert.equal(list.json.notes.length, 1, 'a refused note was stored');
	});
});

describe('note text at rest', () => {
	test('sealed: no canary on disk in any form', async () => {
		const files = walk(practice.data);
		for (const f of files) {
			const buf = fs.readFileSync(f);
			for (const c of canaries) {
				for (const form of [c, Buffer.from(c).toString('base64').slice(0, -4), Buffer.from(c).toString('hex')]) {
					assert.ok(!buf.includes(form), `${c} found in ${path.basename(f)}`);
				}
			}
		}
	});

	test('note text swapped between two notes fails to open', async () => {
		const fields = { subjective: 'second note', plan: 'p' };
		const r = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-21', fields } });
		assert.equal(r.status, 201);
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		await sqlite(db, `PRAGMA wal_checkpoint(TRUNCATE);
			DROP TRIGGER notes_signed_are_locked;
			CREATE TEMP TABLE t AS SELECT id, body_sealed FROM notes;
			UPDATE notes SET body_sealed = (SELECT body_sealed FROM t WHERE t.id <> notes.id LIMIT 1);`);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		A = as(srv, await signIn(srv.port, a));
		const g = await A('GET', `/api/v1/notes/${r.json.id}`);
		assert.equal(g.status, 500);
		assert.equal(g.json.error, 'integrity');
		assert.ok(!g.text.includes('NOTECANARY'));
	});
});
