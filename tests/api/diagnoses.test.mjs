// diagnoses.test.mjs - diagnoses tried as a clinician would: find a code in
// the ICD-10-CM list, add diagnoses (one primary at a time), resolve one;
// an invalid code gets a 400 and stores nothing; billing reads codes, the
// front desk and the owner read none, a clinician outside the care team
// gets 404; the code is sealed on disk; every step is audited without the
// code in the trail.
//
// Needs the routes proposed in the diagnoses report (GET /api/v1/icd10,
// GET/POST /api/v1/clients/{id}/diagnoses, PATCH /api/v1/diagnoses/{id}).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, serve, signIn, sqlite } from './harness.mjs';

let practice, srv, a, b, biller, sched, client, A, B, BI, SC;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	a = await addUser(srv, 'clinician', 'Ana Treating');
	b = await addUser(srv, 'clinician', 'Ben Outside');
	biller = await addUser(srv, 'biller', 'Bill Biller');
	sched = await addUser(srv, 'scheduler', 'Sam Scheduler');
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	BI = as(srv, await signIn(srv.port, biller));
	SC = as(srv, await signIn(srv.port, sched));
	const c = await A('POST', '/api/v1/clients', { body: { legal_name: 'Diagnosed Client' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
});
after(async () => { await srv?.stop(); });

const base = () => `/api/v1/clients/${client.id}/diagnoses`;
const primaries = (list) => list.filter((d) => d.primary).map((d) => d.code);

// eventsFor(rid) - the events written by request rid (the owner reads the trail).
async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

describe('the code list', () => {
	test('search by words and by code prefix; the X12 form comes along', async () => {
		const w = await A('GET', '/api/v1/icd10?q=generalized%20anxiety');
		assert.equal(w.status, 200, w.text);
		assert.deepEqual(w.json.codes, [{ code: 'F41.1', x12: 'F411', title: 'Generalized anxiety disorder' }]);
		const p = await A('GET', '/api/v1/icd10?q=f43.1');
		assert.deepEqual(p.json.codes.map((x) => x.code), ['F43.10', 'F43.11', 'F43.12']);
		const lim = await A('GET', '/api/v1/icd10?q=F&limit=3');
		assert.equal(lim.json.codes.length, 3);
		assert.equal((await BI('GET', '/api/v1/icd10?q=F41')).status, 200, 'billing searches codes too');
	});

	test('a search without a query, or with a bad limit, is a 400', async () => {
		assert.equal((await A('GET', '/api/v1/icd10')).status, 400);
		assert.equal((await A('GET', '/api/v1/icd10?q=')).status, 400);
		assert.equal((await A('GET', '/api/v1/icd10?q=anxiety&limit=0')).status, 400);
		assert.equal((await A('GET', '/api/v1/icd10?q=anxiety&limit=51')).status, 400);
		assert.equal((await A('GET', `/api/v1/icd10?q=${'a'.repeat(101)}`)).status, 400);
	});
});

describe('a client\'s diagnoses', () => {
	let gad, mdd;

	test('an invalid code or date gets a 400 and nothing is stored', async () => {
		const cases = [
			{ code: 'F41.11' },            // not a code
			{ code: 'F41' },               // a category, not billable
			{ code: 'XYZ' },
			{ code: '' },
			{ code: 5 },
			{},
			{ code: 'F41.1', onset: '2026-02-30' },
			{ code: 'F41.1', onset: '2099-01-01' }, // in the future
			{ code: 'F41.1', onset: '01/02/2026' },
			{ code: 'F41.1', primary: 'yes' },
			{ code: 'F41.1', severity: 'mild' }, // unknown field
		];
		for (const body of cases) {
			const r = await A('POST', base(), { body });
			assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
			assert.ok(!r.text.includes('F41.11') && !r.text.includes('XYZ'), 'the error echoes input');
		}
		const list = await A('GET', base());
		assert.equal(list.status, 200, list.text);
		assert.deepEqual(list.json.diagnoses, [], 'a refused diagnosis was stored');
	});

	test('added in any spelling, stored in the list\'s; one primary at a time', async () => {
		const r1 = await A('POST', base(), { body: { code: 'F41.1', onset: '2026-01-15', primary: true } });
		assert.equal(r1.status, 201, r1.text);
		assert.equal(r1.json.code, 'F41.1');
		assert.equal(r1.json.x12, 'F411');
		assert.equal(r1.json.title, 'Generalized anxiety disorder');
		assert.equal(r1.json.onset, '2026-01-15');
		assert.equal(r1.json.primary, true);
		assert.equal(r1.json.resolved, false);
		assert.equal(r1.json.resolved_on, null);
		assert.equal(r1.headers.location, `/api/v1/diagnoses/${r1.json.id}`);
		gad = r1.json;
		const r2 = await A('POST', base(), { body: { code: 'f331', primary: true } });
		assert.equal(r2.status, 201, r2.text);
		assert.equal(r2.json.code, 'F33.1');
		assert.equal(r2.json.onset, null);
		mdd = r2.json;
		const list = (await A('GET', base())).json.diagnoses;
		assert.equal(list.length, 2);
		assert.deepEqual(primaries(list), ['F33.1'], 'two primary diagnoses');
		assert.equal(list[0].code, 'F33.1', 'the primary comes first');
		gad = list.find((d) => d.code === 'F41.1');
		assert.ok(gad.version > 1, 'clearing the old primary did not move its version');
	});

	test('changing the primary: a stale version is a 409, the current one works', async () => {
		const stale = await A('PATCH', `/api/v1/diagnoses/${gad.id}`, { body: { version: 1, primary: true } });
		assert.equal(stale.status, 409, stale.text);
		const ok = await A('PATCH', `/api/v1/diagnoses/${gad.id}`, { body: { version: gad.version, primary: true } });
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.primary, true);
		gad = ok.json;
		const list = (await A('GET', base())).json.diagnoses;
		assert.deepEqual(primaries(list), ['F41.1']);
		mdd = list.find((d) => d.code === 'F33.1');
	});

	test('resolve with a date: it stops being primary and cannot be made primary', async () => {
		const noDate = await A('PATCH', `/api/v1/diagnoses/${gad.id}`, { body: { version: gad.version, resolved: true } });
		assert.equal(noDate.status, 400, noDate.text);
		const early = await A('PATCH', `/api/v1/diagnoses/${gad.id}`,
			{ body: { version: gad.version, resolved: true, resolved_on: '2025-12-31' } });
		assert.equal(early.status, 400, 'resolved before its onset');
		const r = await A('PATCH', `/api/v1/diagnoses/${gad.id}`,
			{ body: { version: gad.version, resolved: true, resolved_on: '2026-06-30' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.resolved, true);
		assert.equal(r.json.resolved_on, '2026-06-30');
		assert.equal(r.json.primary, false);
		gad = r.json;
		const again = await A('PATCH', `/api/v1/diagnoses/${gad.id}`, { body: { version: gad.version, primary: true } });
		assert.equal(again.status, 409, again.text);
		const list = (await A('GET', base())).json.diagnoses;
		assert.deepEqual(primaries(list), []);
		assert.equal(list[list.length - 1].code, 'F41.1', 'resolved diagnoses come last');
		const m = await A('PATCH', `/api/v1/diagnoses/${mdd.id}`, { body: { version: mdd.version, primary: true } });
		assert.equal(m.status, 200, m.text);
	});

	test('billing reads the codes; the front desk, the owner and other clinicians do not', async () => {
		const bl = await BI('GET', base());
		assert.equal(bl.status, 200, bl.text);
		assert.deepEqual(bl.json.diagnoses.map((d) => d.x12).sort(), ['F331', 'F411']);
		assert.equal((await BI('POST', base(), { body: { code: 'F43.10' } })).status, 403, 'billing added a diagnosis');
		assert.equal((await BI('PATCH', `/api/v1/diagnoses/${mdd.id}`, { body: { version: 1, primary: false } })).status, 403);
		assert.equal((await SC('GET', base())).status, 403, 'the front desk read diagnoses');
		assert.equal((await srv.request('GET', base())).status, 403, 'the owner read diagnoses');
		assert.equal((await B('GET', base())).status, 404, 'a clinician outside the care team read diagnoses');
		assert.equal((await B('POST', base(), { body: { code: 'F43.10' } })).status, 404);
		const p = await B('PATCH', `/api/v1/diagnoses/${mdd.id}`, { body: { version: 1, primary: false } });
		assert.equal(p.status, 404);
		assert.equal((await A('GET', base())).json.diagnoses.length, 2, 'a refused add was stored');
	});

	test('every step is audited, and the trail never holds the code', async () => {
		const add = await A('POST', base(), { body: { code: 'Z63.0' } });
		assert.equal(add.status, 201);
		const read = await BI('GET', base());
		const upd = await A('PATCH', `/api/v1/diagnoses/${add.json.id}`, { body: { version: 1, primary: true } });
		assert.equal(upd.status, 200);
		const refused = await B('GET', base());
		for (const [event, res, outcome] of [['diagnosis.add', add, 'ok'], ['diagnosis.read', read, 'ok'],
			['diagnosis.update', upd, 'ok'], ['diagnosis.read', refused, 'denied']]) {
			const evs = await eventsFor(res.headers['x-request-id']);
			const ev = evs.find((e) => e.event === event);
			assert.ok(ev, `no ${event} event: ${JSON.stringify(evs)}`);
			assert.equal(ev.outcome, outcome);
			assert.equal(ev.client, client.id);
			if (event !== 'diagnosis.read') {
				assert.equal(ev.object_type, 'diagnosis');
				assert.equal(ev.object_id, add.json.id);
			}
		}
		const readEv = (await eventsFor(read.headers['x-request-id'])).find((e) => e.event === 'diagnosis.read');
		assert.equal(readEv.actor_role, 'biller');
		assert.equal(readEv.purpose, 'payment');
		const all = JSON.stringify((await srv.request('GET', '/api/v1/audit?limit=200')).json.events);
		for (const c of ['F41.1', 'F411', 'F33.1', 'Z63.0', 'anxiety', '2026-01-15'])
			assert.ok(!all.includes(c), `the audit trail holds ${c}`);
	});
});

describe('diagnoses at rest', () => {
	test('the code is sealed: F41.1 is nowhere in the database or its WAL', async () => {
		const db = path.join(practice.data, 'confidant.db');
		const rows = await sqlite(db, 'SELECT count(*), sum(length(code_sealed) > 16) FROM client_diagnoses;');
		assert.equal(rows, '3|3', 'the diagnoses are not all there, sealed');
		const files = fs.readdirSync(practice.data)
			.filter((f) => /^confidant\.db(-wal)?$/.test(f))
			.map((f) => path.join(practice.data, f));
		assert.ok(files.some((f) => f.endsWith('.db')), `no database in ${practice.data}`);
		for (const f of files) {
			const buf = fs.readFileSync(f);
			for (const s of ['F41.1', 'F411', 'F33.1', 'Generalized anxiety', '2026-01-15', '2026-06-30'])
				assert.ok(!buf.includes(s), `${s} found in ${path.basename(f)}`);
		}
	});

	test('a code swapped onto another diagnosis fails to open', async () => {
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		await sqlite(db, `PRAGMA wal_checkpoint(TRUNCATE);
			CREATE TEMP TABLE t AS SELECT id, code_sealed FROM client_diagnoses;
			UPDATE client_diagnoses SET code_sealed = (SELECT code_sealed FROM t WHERE t.id <> client_diagnoses.id LIMIT 1);`);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		A = as(srv, await signIn(srv.port, a));
		const g = await A('GET', base());
		assert.equal(g.status, 500, g.text);
		assert.equal(g.json.error, 'integrity');
		assert.ok(!g.text.includes('F41') && !g.text.includes('F33'));
	});
});
