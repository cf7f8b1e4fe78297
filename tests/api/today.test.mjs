// today.test.mjs - GET /api/v1/me/notes, the list behind a clinician's
// today view: my drafts, and notes awaiting my co-signature; never another
// clinician's, never a note whose client I no longer reach, never text;
// every list audited with its count and no PHI.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, ownerOf, rnd, serve, signIn } from './harness.mjs';

let practice, srv, a, b, sup, A, B, S, client, other;
const SECRET = `TODAYCANARY${rnd(12)}`;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	a = await addUser(srv, 'clinician', 'Ana Author');
	b = await addUser(srv, 'clinician', 'Ben Other');
	sup = await addUser(srv, 'supervisor', 'Sue Supervisor');
	const link = await srv.request('POST', `/api/v1/users/${sup.id}/supervisees`, { body: { user_id: a.id } });
	assert.equal(link.status, 200, link.text);
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	S = as(srv, await signIn(srv.port, sup));
	client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Today Client' } })).json;
	other = (await B('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } })).json;
});
after(async () => { await srv?.stop(); });

async function note(who, c, date) {
	const r = await who('POST', `/api/v1/clients/${c.id}/notes`,
		{ body: { template: 'dap', date, fields: { data: SECRET } } });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

describe('GET /api/v1/me/notes', () => {
	test('drafts: mine only, newest change first, without text', async () => {
		const n1 = await note(A, client, '2026-11-01');
		const n2 = await note(A, client, '2026-11-02');
		await note(B, other, '2026-11-03');
		const r = await A('GET', '/api/v1/me/notes?status=draft');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.notes.map((n) => n.id).sort(), [n1.id, n2.id].sort());
		for (const n of r.json.notes) {
			assert.equal(n.status, 'draft');
			assert.equal(n.client, client.id);
			assert.equal(n.template, 'dap');
			assert.equal(n.fields, undefined);
		}
		assert.ok(!r.text.includes(SECRET));
		assert.ok(!r.text.includes('Today Client'));
		const s = await A('POST', `/api/v1/notes/${n1.id}/sign`, { body: {} });
		assert.equal(s.status, 200, s.text);
		const again = await A('GET', '/api/v1/me/notes?status=draft');
		assert.deepEqual(again.json.notes.map((n) => n.id), [n2.id]);
	});

	test('awaiting co-signature: the supervisor sees their supervisee\'s signed note until co-signed', async () => {
		const n = await note(A, client, '2026-11-05');
		assert.equal((await A('POST', `/api/v1/notes/${n.id}/sign`, { body: {} })).json.status, 'awaiting_cosign');
		const r = await S('GET', '/api/v1/me/notes?status=awaiting_cosign');
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.notes.some((x) => x.id === n.id && x.status === 'awaiting_cosign' && x.signed_at));
		assert.deepEqual((await B('GET', '/api/v1/me/notes?status=awaiting_cosign')).json.notes, [], 'not their supervisee');
		assert.equal((await S('POST', `/api/v1/notes/${n.id}/cosign`, { body: {} })).status, 200);
		const after2 = await S('GET', '/api/v1/me/notes?status=awaiting_cosign');
		assert.ok(!after2.json.notes.some((x) => x.id === n.id));
	});

	test('a draft whose client the author no longer reaches is left out (break-glass ended)', async () => {
		const g = await B('POST', `/api/v1/clients/${client.id}/break-glass`, { body: { reason: 'covering an emergency' } });
		assert.equal(g.status, 201, g.text);
		const d = await note(B, client, '2026-11-06');
		assert.ok((await B('GET', '/api/v1/me/notes?status=draft')).json.notes.some((x) => x.id === d.id));
		advance(2 * 3600); // past the grant (and the session)
		B = as(srv, await signIn(srv.port, b));
		const r = await B('GET', '/api/v1/me/notes?status=draft');
		assert.equal(r.status, 200, r.text);
		assert.ok(!r.json.notes.some((x) => x.id === d.id), 'a draft outside my reach was listed');
		assert.ok(r.json.notes.every((x) => x.client === other.id));
		A = as(srv, await signIn(srv.port, a));
		S = as(srv, await signIn(srv.port, sup));
		srv.session = await signIn(srv.port, ownerOf(srv.data));
	});

	test('bad status is a 400 naming the field; the owner is refused', async () => {
		const r = await A('GET', '/api/v1/me/notes?status=signed');
		assert.equal(r.status, 400);
		assert.match(r.json.message, /^status/);
		assert.equal((await A('GET', '/api/v1/me/notes')).status, 400);
		assert.equal((await srv.request('GET', '/api/v1/me/notes?status=draft')).status, 403);
	});

	test('each list is audited as note.list with its count, no PHI', async () => {
		const r = await srv.request('GET', `/api/v1/audit?actor=${a.id}&limit=200`);
		assert.equal(r.status, 200, r.text);
		const lists = r.json.events.filter((e) => e.event === 'note.list' && e.detail.startsWith('mine='));
		assert.ok(lists.length >= 2, JSON.stringify(r.json.events.map((e) => e.event)));
		assert.ok(lists.some((e) => e.detail === 'mine=draft count=1'));
		assert.ok(!r.text.includes(SECRET));
	});
});
