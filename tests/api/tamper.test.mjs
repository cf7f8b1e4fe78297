// tamper.test.mjs - sealed fields and the audit chain detect changes made
// behind the server's back: a flipped ciphertext byte, ciphertexts moved
// between rows or columns, an edited audit event.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { assertOneLine, createClient, flipByte, init, run, serve, sqlite, writeBytes } from './harness.mjs';

function assertIntegrity(r, what) {
	assert.notEqual(r.status, 200, `${what}: served 200 from tampered data: ${r.text}`);
	assert.equal(r.status, 500, `${what}: status ${r.status} ${r.text}`);
	assert.equal(r.json?.error, 'integrity', `${what}: error ${r.text}`);
	assert.deepEqual(Object.keys(r.json).sort(), ['error', 'message', 'request_id']);
}

// onlyIndex - the one offset of needle in hay (asserting it is unique).
function onlyIndex(hay, needle, what) {
	const i = hay.indexOf(needle);
	assert.notEqual(i, -1, `${what}: bytes not found in the database file`);
	assert.equal(hay.indexOf(needle, i + 1), -1, `${what}: bytes found twice in the database file`);
	return i;
}

test('tampered ciphertexts and audit events are detected', async (t) => {
	const p = await init(t);
	const db = path.join(p.data, 'confidant.db');
	const auditVerify = () => run(['audit', 'verify', '--data', p.data, '--keyfile', p.keyfile]);

	let srv = await serve(p.data, { keyfile: p.keyfile });
	let running = true;
	t.after(async () => { if (running) await srv.stop().catch(() => {}); });
	const A = await createClient(srv, { legal_name: 'Alma Flipped-Byte', phone: '555-0101' });
	const B = await createClient(srv, { legal_name: 'Bruno Untouched', email: 'bruno@example.org', date_of_birth: '1982-03-04' });
	const C = await createClient(srv, { legal_name: 'Cora Swapped' });
	const D = await createClient(srv, { legal_name: 'Dario Swapped' });
	const E = await createClient(srv, { legal_name: 'Edda Columns', preferred_name: 'Eddie' });
	const list = await srv.request('GET', '/api/v1/clients');
	assert.equal(list.status, 200);
	assert.equal(list.json.clients.length, 5);
	await srv.stop();
	running = false;

	// the audit trail is intact before anything is changed
	const v0 = await auditVerify();
	assert.equal(v0.status, 0, `audit verify on an untouched practice: ${v0.stderr}`);
	assert.match(v0.stdout, /\b\d+ events\b/);

	await t.test('one flipped ciphertext byte -> 500 integrity; the other client still reads', async () => {
		await sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE);');
		const hex = await sqlite(db, `SELECT hex(legal_name_sealed) FROM clients WHERE public_id='${A.id}';`);
		assert.match(hex, /^[0-9A-F]{80,}$/, 'sealed legal name of A');
		const sealed = Buffer.from(hex, 'hex');
		const at = onlyIndex(fs.readFileSync(db), sealed, 'A.legal_name_sealed');
		flipByte(db, at + Math.floor(sealed.length / 2), 0x20);
		const after = await sqlite(db, `SELECT hex(legal_name_sealed) FROM clients WHERE public_id='${A.id}';`);
		assert.notEqual(after, hex, 'the flip did not reach the row (test is broken)');
		assert.equal(after.length, hex.length);
	});

	await t.test('sealed values swapped between rows, or between columns of one row -> integrity', async () => {
		const q = (id, col) => sqlite(db, `SELECT hex(${col}) FROM clients WHERE public_id='${id}';`);
		const [c0, d0, el0, ep0] = [await q(C.id, 'legal_name_sealed'), await q(D.id, 'legal_name_sealed'),
			await q(E.id, 'legal_name_sealed'), await q(E.id, 'preferred_name_sealed')];
		await sqlite(db, `
			CREATE TEMP TABLE saved AS SELECT public_id, legal_name_sealed FROM clients
				WHERE public_id IN ('${C.id}', '${D.id}');
			UPDATE clients SET legal_name_sealed = (SELECT s.legal_name_sealed FROM saved s
				WHERE s.public_id = CASE clients.public_id WHEN '${C.id}' THEN '${D.id}' ELSE '${C.id}' END)
			WHERE public_id IN ('${C.id}', '${D.id}');
			UPDATE clients SET legal_name_sealed = preferred_name_sealed, preferred_name_sealed = legal_name_sealed
			WHERE public_id = '${E.id}';
			PRAGMA wal_checkpoint(TRUNCATE);`);
		assert.equal(await q(C.id, 'legal_name_sealed'), d0, 'swap C<-D did not happen (test is broken)');
		assert.equal(await q(D.id, 'legal_name_sealed'), c0, 'swap D<-C did not happen (test is broken)');
		assert.equal(await q(E.id, 'legal_name_sealed'), ep0, 'column swap did not happen (test is broken)');
		assert.equal(await q(E.id, 'preferred_name_sealed'), el0, 'column swap did not happen (test is broken)');
	});

	srv = await serve(p.data, { keyfile: p.keyfile });
	running = true;

	await t.test('reads after tampering', async () => {
		assertIntegrity(await srv.request('GET', `/api/v1/clients/${A.id}`), 'GET flipped A');
		assertIntegrity(await srv.request('GET', '/api/v1/clients'), 'list with A in it');
		const b = await srv.request('GET', `/api/v1/clients/${B.id}`);
		assert.equal(b.status, 200, `untouched B: ${b.text}`);
		assert.deepEqual(b.json, B, 'untouched B reads back identical');
		assertIntegrity(await srv.request('GET', `/api/v1/clients/${C.id}`), 'GET C (swapped with D)');
		assertIntegrity(await srv.request('GET', `/api/v1/clients/${D.id}`), 'GET D (swapped with C)');
		assertIntegrity(await srv.request('GET', `/api/v1/clients/${E.id}`), 'GET E (legal/preferred swapped)');
		// an update must not launder tampered data either
		const pa = await srv.request('PATCH', `/api/v1/clients/${A.id}`, { body: { version: 1, phone: '555-0199' } });
		assertIntegrity(pa, 'PATCH flipped A');
		// and the server is still healthy
		assert.equal((await srv.request('GET', '/api/v1/health')).status, 200);
		assert.equal((await srv.request('GET', `/api/v1/clients/${B.id}`)).status, 200);
		// nothing about the failure leaks into the log beyond the error kind
		assert.ok(!srv.stderr().includes('Alma') && !srv.stderr().includes('Cora'), 'log holds PHI');
	});
	await srv.stop();
	running = false;

	await t.test('audit verify: 0 when intact, 1 naming the event after one detail byte changes', async () => {
		const ok = await auditVerify();
		assert.equal(ok.status, 0, `audit verify before tampering the audit trail: ${ok.stderr}`);
		const m = /(\d+) events/.exec(ok.stdout);
		assert.ok(m && Number(m[1]) > 5, `event count: ${ok.stdout}`);
		// the refused reads of tampered records are themselves in the trail
		const refusals = await sqlite(db, "SELECT count(*) FROM audit_events WHERE outcome = 'integrity';");
		assert.ok(Number(refusals) >= 1, `no audit event records the integrity failures (outcomes: ${await sqlite(db, 'SELECT DISTINCT outcome FROM audit_events;')})`);

		await sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE);');
		const row = await sqlite(db, "SELECT seq, detail, hex(prev_hash) FROM audit_events WHERE detail LIKE 'count=%' ORDER BY seq LIMIT 1;");
		assert.ok(row, 'no audit event with a detail to alter');
		const [seq, detail, prevHex] = row.split('|');
		// detail is stored right before prev_hash in the row's record
		const needle = Buffer.concat([Buffer.from(detail), Buffer.from(prevHex, 'hex')]);
		const at = onlyIndex(fs.readFileSync(db), needle, `audit event ${seq}`);
		const changed = Buffer.from(detail.replace(/\d$/, (d) => String((Number(d) + 1) % 10)));
		assert.equal(changed.length, detail.length);
		writeBytes(db, at, changed);
		const now = await sqlite(db, `SELECT detail FROM audit_events WHERE seq=${seq};`);
		assert.equal(now, changed.toString(), 'the edit did not reach the audit row (test is broken)');

		const bad = await auditVerify();
		assert.equal(bad.status, 1, `audit verify after tampering exited ${bad.status}: ${bad.stdout}${bad.stderr}`);
		const line = assertOneLine(bad.stderr, 'audit verify');
		assert.match(line, new RegExp(`\\bevent ${seq}\\b`), `message does not name event ${seq}: ${line}`);
	});
});
