// research.test.mjs - the de-identified research export as a practice owner
// would use it: only clients whose research consent is in force go in, a
// withdrawn or restricted one stays out, a cohort under five exports
// nothing, and no row carries a name, an exact date, free text or a record
// id; each included client has a research.include event in the audit trail,
// which the trail refuses for anyone the consent gate did not pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, now, reauth, serve, signIn } from './harness.mjs';

let practice, srv, A, BI, tpl, service, ana;
const people = [];
const today = () => new Date(now() * 1000).toISOString().slice(0, 10);

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	ana = await addUser(srv, 'clinician', 'Ana Research');
	const bill = await addUser(srv, 'biller', 'Bill Research');
	A = as(srv, await signIn(srv.port, ana));
	BI = as(srv, await signIn(srv.port, bill));
	await reauth(srv);
	let r = await srv.request('POST', '/api/v1/consent-templates', {
		body: { purpose: 'research', title: 'Research use', body: 'Your de-identified data may be used for research.', effective_from: today() },
	});
	assert.equal(r.status, 201, r.text);
	tpl = r.json;
	r = await srv.request('POST', '/api/v1/services', { body: { name: 'Psychotherapy, 45 min', cpt_code: '90834', minutes: 50 } });
	assert.equal(r.status, 201, r.text);
	service = r.json;
	for (let i = 0; i < 7; i++) {
		r = await A('POST', '/api/v1/clients', {
			body: { legal_name: `Researchable Person${i} Quixotic`, date_of_birth: i === 0 ? '1930-02-03' : `19${80 + i}-06-15`, phone: `555 01${i}${i}`, address: `${i} Canary Lane` },
		});
		assert.equal(r.status, 201, r.text);
		people.push(r.json);
	}
});
after(async () => { await srv?.stop(); });

async function consent(client) {
	const request = { template: tpl.id, signed_name: client.legal_name };
	const pv = await A('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: request });
	assert.equal(pv.status, 200, pv.text);
	const r = await A('POST', `/api/v1/clients/${client.id}/consents`, { body: { ...request, text_hash: pv.json.text_hash } });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

async function exportNow() {
	await reauth(srv);
	return srv.request('POST', '/api/v1/research-exports', { body: {} });
}

describe('research export', () => {
	let given;

	test('fewer than five consenting clients: nothing is exported, and the refusal is audited', async () => {
		given = [];
		for (const p of people.slice(0, 4)) given.push(await consent(p));
		const r = await exportNow();
		assert.equal(r.status, 409, r.text);
		assert.match(r.json.message, /fewer than 5 clients/);
		assert.equal(r.json.rows, undefined);
		const trail = await srv.request('GET', '/api/v1/audit?limit=50');
		assert.ok(trail.json.events.some((e) => e.event === 'research.export' && e.outcome === 'conflict' && e.detail === 'cohort=4 min=5'), trail.text);
		assert.ok(!trail.json.events.some((e) => e.event === 'research.include'), 'an include was recorded for an export that did not happen');
	});

	test('only consenting clients, de-identified: age bands, codes with years, sessions per year; no identifier', async () => {
		for (const p of people.slice(4, 6)) given.push(await consent(p)); // six consented; people[6] never did
		let r = await A('POST', `/api/v1/clients/${people[1].id}/diagnoses`, { body: { code: 'F41.1', onset: '2024-05-17', primary: true } });
		assert.equal(r.status, 201, r.text);
		r = await A('POST', `/api/v1/clients/${people[1].id}/diagnoses`, { body: { code: 'F32.1' } });
		assert.equal(r.status, 201, r.text);
		const appt = await A('POST', '/api/v1/appointments', {
			body: { clinician: ana.id, clients: [people[1].id], service: service.id, start: '2026-03-10T10:00', tz: 'UTC', telehealth: true },
		});
		assert.equal(appt.status, 201, appt.text);
		const done = await A('POST', `/api/v1/appointments/${appt.json.appointment.id}/status`, { body: { version: appt.json.appointment.version, status: 'completed' } });
		assert.equal(done.status, 200, done.text);
		// one consent withdrawn: that client leaves the cohort
		const w = await A('POST', `/api/v1/consents/${given[5].id}/withdraw`, { body: {} });
		assert.equal(w.status, 200, w.text);

		r = await exportNow();
		assert.equal(r.status, 200, r.text);
		const x = r.json;
		assert.equal(x.cohort, 5);
		assert.equal(x.rows.length, 5);
		assert.deepEqual(x.left_out, { not_in_force: 1, restricted: 0 });
		assert.equal(x.generated_on, today());
		assert.deepEqual(x.rows.map((row) => row.pid), x.rows.map((row) => row.pid).sort(), 'rows ordered by pseudonym');
		assert.ok(x.rows.every((row) => /^[0-9a-f]{16}$/.test(row.pid)));
		const bands = x.rows.map((row) => row.age_band).sort();
		assert.ok(bands.includes('90+'), `someone born in 1930 is 90+: ${bands}`);
		const sick = x.rows.find((row) => row.diagnoses.length === 2);
		assert.ok(sick, JSON.stringify(x.rows));
		assert.deepEqual(sick.diagnoses.map((d) => [d.code, d.onset_year]).sort(), [['F32.1', null], ['F41.1', 2024]]);
		assert.deepEqual(sick.sessions_by_year, { 2026: 1 });
		assert.equal(sick.status, 'active');
		for (const row of x.rows) assert.deepEqual(Object.keys(row).sort(), ['age_band', 'diagnoses', 'pid', 'sessions_by_year', 'status']);
		const text = r.text;
		for (const p of people) {
			assert.ok(!text.includes(p.id), 'a record id is in the export');
			assert.ok(!text.includes(p.legal_name.split(' ')[1]), 'a name is in the export');
		}
		for (const bad of ['Quixotic', 'Canary', '555 01', '2024-05-17', '1930-02-03', '2026-03-10', 'Ana Research'])
			assert.ok(!text.includes(bad), `${bad} is in the export`);

		const trail = (await srv.request('GET', '/api/v1/audit?limit=200')).json.events;
		const included = trail.filter((e) => e.event === 'research.include' && e.outcome === 'ok');
		assert.equal(included.length, 5);
		assert.ok(included.every((e) => e.object_id === x.id));
		const ids = new Set(included.map((e) => e.client));
		assert.ok(!ids.has(people[5].id) && !ids.has(people[6].id), 'a client without consent in force was included');
		assert.ok(trail.some((e) => e.event === 'research.export' && e.outcome === 'ok' && e.detail === 'cohort=5'));
		// two exports cannot be joined on the pseudonym
		const again = await exportNow();
		assert.equal(again.status, 200);
		assert.equal(again.json.rows.filter((row) => x.rows.some((o) => o.pid === row.pid)).length, 0);
	});

	test('a restricted client stays out (GDPR 18), and is counted as such', async () => {
		await reauth(srv);
		const rs = await srv.request('POST', `/api/v1/clients/${people[2].id}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(rs.status, 200, rs.text);
		const r = await exportNow();
		assert.equal(r.status, 409, 'four left: below the cohort minimum');
		await consent(people[6]);
		const ok = await exportNow();
		assert.equal(ok.status, 200, ok.text);
		assert.deepEqual(ok.json.left_out, { not_in_force: 1, restricted: 1 });
		assert.equal(ok.json.cohort, 5);
	});

	test('the owner must have re-entered password and code in the last five minutes', async () => {
		const { advance } = await import('./harness.mjs');
		advance(301);
		const r = await srv.request('POST', '/api/v1/research-exports', { body: {} });
		assert.equal(r.status, 401, r.text);
		assert.equal(r.json.rows, undefined);
		await reauth(srv);
		assert.equal((await srv.request('POST', '/api/v1/research-exports', { body: {} })).status, 200);
	});

	test('only the owner may export; others are refused and nothing is recorded as included', async () => {
		const before = (await srv.request('GET', '/api/v1/audit?limit=200')).json.events.filter((e) => e.event === 'research.include').length;
		for (const who of [A, BI]) {
			const r = await who('POST', '/api/v1/research-exports', { body: {} });
			assert.equal(r.status, 403, r.text);
		}
		const bad = await srv.request('POST', '/api/v1/research-exports', { body: { clients: 'all' } });
		assert.equal(bad.status, 400, 'an unknown member is refused');
		const after = (await srv.request('GET', '/api/v1/audit?limit=200')).json.events.filter((e) => e.event === 'research.include').length;
		assert.equal(after, before);
	});
});
