// record-amendments.test.mjs - amendment requests about a diagnosis or a
// chart field travel with the item: once denied, the denial, the client's
// statement of disagreement and the rebuttal appear in the diagnosis list
// and the client record (as they already do with a note and a plan), for
// the treating team and the client on their own record; the owner, the
// front desk and the biller read the record without them (and without a
// refusal in the audit trail); the audit events carry counts only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, rnd, serve, signIn } from './harness.mjs';

let practice, srv, client, dx, dx2;
const who = {};
const idents = {};

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	for (const [name, role] of [['a', 'clinician'], ['biller', 'biller'], ['sched', 'scheduler']])
		idents[name] = await addUser(srv, role, `${name} person`);
	for (const [name, ident] of Object.entries(idents)) who[name] = as(srv, await signIn(srv.port, ident));
	const c = await who.a('POST', '/api/v1/clients', { body: { legal_name: 'Disputing Client', date_of_birth: '1990-01-02' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	await reauth(srv);
	const email = `portal.${rnd(8)}@example.org`;
	const u = await srv.request('POST', '/api/v1/users', { body: { email, name: 'Disputing Client', role: 'client', client_id: client.id } });
	assert.equal(u.status, 201, u.text);
	idents.client = { email, password: u.json.one_time_password, secret: null };
	who.client = as(srv, await signIn(srv.port, idents.client));
	dx = (await who.a('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F32.1' } })).json;
	dx2 = (await who.a('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1' } })).json;
	assert.ok(dx?.id && dx2?.id);
});
after(async () => { await srv?.stop(); });

// denied(body) - a request by the client, denied, disagreed with, rebutted.
async function denied(body) {
	const r = await who.client('POST', `/api/v1/clients/${client.id}/amendments`, { body: { ...body, reason: 'it is wrong' } });
	assert.equal(r.status, 201, r.text);
	const id = r.json.id;
	let s = await who.a('POST', `/api/v1/amendments/${id}/deny`, { body: { reason: 'the record is accurate', basis: 'accurate_complete' } });
	assert.equal(s.status, 200, s.text);
	s = await who.client('POST', `/api/v1/amendments/${id}/disagreement`, { body: { text: 'I still disagree' } });
	assert.equal(s.status, 200, s.text);
	s = await who.a('POST', `/api/v1/amendments/${id}/rebuttal`, { body: { text: 'noted' } });
	assert.equal(s.status, 200, s.text);
	return id;
}

describe('a denied request about a diagnosis', () => {
	test('appears with that diagnosis (and only that one) in the list', async () => {
		const id = await denied({ target_type: 'diagnosis', target_id: dx.id, change: 'I do not have depression' });
		const r = await who.a('GET', `/api/v1/clients/${client.id}/diagnoses`);
		assert.equal(r.status, 200, r.text);
		const mine = r.json.diagnoses.find((d) => d.id === dx.id);
		const other = r.json.diagnoses.find((d) => d.id === dx2.id);
		assert.equal(mine.amendments.length, 1);
		assert.equal(mine.amendments[0].id, id);
		assert.equal(mine.amendments[0].status, 'denied');
		assert.equal(mine.amendments[0].disagreement.text, 'I still disagree');
		assert.equal(mine.amendments[0].rebuttal.text, 'noted');
		assert.deepEqual(other.amendments, []);
	});
	test('the biller reads the diagnoses without requests, and no refusal is recorded', async () => {
		const r = await who.biller('GET', `/api/v1/clients/${client.id}/diagnoses`);
		assert.equal(r.status, 200, r.text);
		assert.ok(r.json.diagnoses.length >= 2);
		for (const d of r.json.diagnoses) assert.equal(d.amendments, undefined);
		await reauth(srv);
		const a = await srv.request('GET', `/api/v1/audit?client=${client.id}&event=amendment.read`);
		assert.equal(a.status, 200, a.text);
		for (const ev of a.json.events) assert.equal(ev.outcome, 'ok', JSON.stringify(ev));
	});
});

describe('a denied request about a chart field', () => {
	test('appears with the client record for the clinician and the client', async () => {
		const id = await denied({ target_type: 'chart', field: 'date_of_birth', change: 'born in 1991' });
		for (const name of ['a', 'client']) {
			const r = await who[name]('GET', `/api/v1/clients/${client.id}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(Array.isArray(r.json.amendments), name);
			const am = r.json.amendments.find((x) => x.id === id);
			assert.ok(am, `${name} sees the request`);
			assert.deepEqual(am.target, { type: 'chart', field: 'date_of_birth' });
			assert.equal(am.disagreement.text, 'I still disagree');
			assert.ok(!r.json.amendments.some((x) => x.target.type !== 'chart'), 'only chart requests');
		}
	});
	test('the front desk and the owner read the record without requests', async () => {
		for (const req of [who.sched, srv.request]) {
			const r = await req('GET', `/api/v1/clients/${client.id}`);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.json.amendments, undefined);
			assert.equal(r.json.legal_name, 'Disputing Client');
		}
	});
	test('the audit events name the kind and count, never the text', async () => {
		await reauth(srv);
		const a = await srv.request('GET', `/api/v1/audit?client=${client.id}&event=amendment.read`);
		assert.equal(a.status, 200, a.text);
		const about = a.json.events.filter((e) => /^about=/.test(e.detail));
		assert.ok(about.some((e) => e.detail === 'about=chart,count=1'), JSON.stringify(about));
		assert.ok(about.some((e) => e.detail === 'about=diagnosis,count=1'));
		assert.ok(!JSON.stringify(a.json).includes('disagree'));
	});
});
