// erasure.test.mjs - the right to erasure by crypto-shredding (GDPR 17,
// Washington MHMDA), under retention rules and legal holds, and the erasure
// ledger that keeps an erased client from coming back with an old backup.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	addUser, advance, as, init, now, ownerOf, reauth, rnd, run, serve, serveOutcome, signIn, sqlite, tmpdir, totp,
} from './harness.mjs';

const YEAR = 365 * 86400;

let p;
let srv;
before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
});
after(async () => { await srv?.stop(); });

// setRule(code, adult, majority, minor) - the practice's retention rule for
// a jurisdiction (the default rule "ZZ" came from the old settings).
async function setRule(code, adult_years, majority_age = 18, minor_years = 7, extra = {}) {
	await reauth(srv);
	const r = await srv.request('PUT', `/api/v1/retention-rules/${code}`,
		{ body: { adult_years, majority_age, minor_years, ...extra } });
	assert.ok(r.status === 200 || r.status === 201, r.text);
	return r.json;
}

async function newClient(extra = {}) {
	const name = `Erasable ${rnd(8)}`;
	const r = await srv.request('POST', '/api/v1/clients', {
		body: { legal_name: name, date_of_birth: '1980-05-05', address: `1 Canary Lane ${rnd(8)}`, ...extra },
	});
	assert.equal(r.status, 201, r.text);
	return r.json;
}

async function erase(who, id, body = {}) {
	return who('POST', `/api/v1/clients/${id}/erasure-requests`, { body });
}

// owner - the owner's request function, after a re-authentication (the
// erasure route asks for one).
async function owner() {
	await reauth(srv);
	return srv.request;
}

// fresh - sign the owner in again (after the clock moved past the session's life).
async function fresh() {
	srv.session = await signIn(srv.port, ownerOf(p.data));
}

// waitDone(id) - the request's status once serve's timer (a pass every
// second) has carried it out, or the last status seen after ~10 s. It waits
// on the request's state, read through the API, not on a fixed delay.
async function waitDone(id) {
	let status = '';
	for (let i = 0; i < 200 && status !== 'done'; i++) {
		const g = await srv.request('GET', `/api/v1/erasure-requests/${id}`);
		assert.equal(g.status, 200, g.text);
		status = g.json.status;
		if (status !== 'done') await new Promise((res) => setTimeout(res, 50));
	}
	return status;
}

// bytesIn(file, hex) - does the file hold these bytes?
function bytesIn(file, hex) {
	if (!fs.existsSync(file)) return false;
	return fs.readFileSync(file).includes(Buffer.from(hex, 'hex'));
}

function textIn(file, s) {
	if (!fs.existsSync(file)) return false;
	return fs.readFileSync(file).includes(Buffer.from(s, 'utf8'));
}

describe('erasure with no obligation', () => {
	test('shreds the client: keys and rows gone from the database, the WAL, new backups and restored old ones', async (t) => {
		// serve made the (empty) ledger at start, so it can be copied off-site at once.
		assert.equal(fs.readFileSync(path.join(p.data, 'erasure-ledger'), 'utf8'), 'confidant-erasure-ledger 1\n');
		await setRule('ZZ', 0);
		const victim = await newClient();
		const bystander = await newClient();
		const db = path.join(p.data, 'confidant.db');

		// A clinician writes a note with a canary; a diagnosis; a hold set and released.
		const clin = await addUser(srv, 'clinician');
		assert.equal((await srv.request('POST', `/api/v1/clients/${victim.id}/care-team`, { body: { user_id: clin.id } })).status, 200);
		const C = as(srv, await signIn(srv.port, clin));
		const canary = `ERASECANARY${rnd(12)}`;
		const fields = { subjective: canary, objective: 'o', assessment: 'a', plan: 'p' };
		const n = await C('POST', `/api/v1/clients/${victim.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields } });
		assert.equal(n.status, 201, n.text);
		assert.equal((await C('POST', `/api/v1/clients/${victim.id}/diagnoses`, { body: { code: 'F41.1' } })).status, 201);
		const hold = await srv.request('POST', `/api/v1/clients/${victim.id}/legal-holds`, { body: { reason: `subpoena ${canary}` } });
		assert.equal(hold.status, 201, hold.text);
		assert.equal((await srv.request('POST', `/api/v1/legal-holds/${hold.json.id}/release`, { body: { reason: 'case closed' } })).status, 200);

		const rowId = await sqlite(db, `SELECT id FROM clients WHERE public_id = '${victim.id}'`);
		const wrapped = (await sqlite(db, `SELECT hex(wrapped) FROM client_keys WHERE client_id = ${rowId}`)).split('\n');
		const noteCt = await sqlite(db, `SELECT hex(body_sealed) FROM notes WHERE client_id = ${rowId}`);
		assert.ok(wrapped.length >= 1 && wrapped[0].length > 40, 'the client has a wrapped key');
		assert.ok(noteCt.length > 40, 'the note is sealed');
		assert.ok(bytesIn(db, wrapped[0]) || bytesIn(`${db}-wal`, wrapped[0]), 'the wrap is on disk before erasure');

		// A backup taken before the erasure.
		const dir = tmpdir(t);
		const oldBackup = path.join(dir, 'before.cbk');
		let r = await run(['backup', '--data', p.data, '--out', oldBackup, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, r.stderr);

		// Bad input first: nothing changes.
		const O = await owner();
		const bad = await erase(O, victim.id, { basis: 'because' });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /basis/);
		assert.equal((await O('GET', `/api/v1/clients/${victim.id}`)).status, 200);

		const done = await erase(O, victim.id, { basis: 'gdpr-17' });
		assert.equal(done.status, 201, done.text);
		assert.equal(done.json.status, 'done');
		assert.deepEqual(done.json.blocked_by, []);
		assert.equal(done.json.not_before, null);

		assert.equal((await srv.request('GET', `/api/v1/clients/${victim.id}`)).status, 404);
		assert.equal((await srv.request('GET', `/api/v1/clients/${bystander.id}`)).status, 200);
		assert.equal((await C('GET', `/api/v1/notes/${n.json.id}`)).status, 404);

		// Every row of theirs is gone but the audit trail (ids only) and the ledger.
		for (const [table, col] of [['clients', 'id'], ['client_keys', 'client_id'], ['notes', 'client_id'],
			['client_diagnoses', 'client_id'], ['care_team', 'client_id'], ['client_search', 'client_id'],
			['client_versions', 'client_id'], ['legal_holds', 'client_id']]) {
			assert.equal(await sqlite(db, `SELECT count(*) FROM ${table} WHERE ${col} = ${rowId}`), '0', table);
		}
		assert.ok(Number(await sqlite(db, `SELECT count(*) FROM audit_events WHERE client_id = ${rowId}`)) > 0);
		assert.equal(await sqlite(db, `SELECT count(*) FROM erasure_ledger WHERE client_public_id = '${victim.id}'`), '1');
		const ledger = fs.readFileSync(path.join(p.data, 'erasure-ledger'), 'utf8');
		assert.ok(ledger.includes(victim.id), 'the ledger file names the client');
		assert.ok(!ledger.includes(canary));
		assert.equal(fs.statSync(path.join(p.data, 'erasure-ledger')).mode & 0o777, 0o600);

		// The list of requests shows it done.
		const list = await srv.request('GET', '/api/v1/erasure-requests');
		assert.equal(list.status, 200);
		assert.ok(list.json.requests.some((x) => x.id === done.json.id && x.status === 'done'));

		// No canary, wrapped key or ciphertext of theirs in the database or the WAL.
		await sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE);');
		for (const f of [db, `${db}-wal`]) {
			for (const w of wrapped) assert.ok(!bytesIn(f, w), `a wrapped key of the erased client is in ${path.basename(f)}`);
			assert.ok(!bytesIn(f, noteCt), `the note's ciphertext is in ${path.basename(f)}`);
			assert.ok(!textIn(f, canary), `the canary is in ${path.basename(f)}`);
		}

		// The audit chain still verifies.
		r = await run(['audit', 'verify', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, `audit verify after erasure: ${r.stdout}${r.stderr}`);

		// A backup taken after the erasure holds nothing of theirs.
		const newBackup = path.join(dir, 'after.cbk');
		r = await run(['backup', '--data', p.data, '--out', newBackup, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		const restoredNew = path.join(dir, 'restored-new');
		r = await run(['restore', '--in', newBackup, '--data', restoredNew, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		for (const f of fs.readdirSync(restoredNew).map((x) => path.join(restoredNew, x)).filter((x) => fs.statSync(x).isFile())) {
			for (const w of wrapped) assert.ok(!bytesIn(f, w), `a wrapped key is in the new backup (${f})`);
			assert.ok(!bytesIn(f, noteCt));
		}

		// Restoring the old backup with the ledger: the client does not come back.
		const restoredOld = path.join(dir, 'restored-old');
		r = await run(['restore', '--in', oldBackup, '--data', restoredOld, '--keyfile', p.keyfile,
			'--ledger', path.join(p.data, 'erasure-ledger')]);
		assert.equal(r.status, 0, r.stderr);
		const rdb = path.join(restoredOld, 'confidant.db');
		assert.equal(await sqlite(rdb, `SELECT count(*) FROM clients WHERE public_id = '${victim.id}'`), '0');
		assert.equal(await sqlite(rdb, `SELECT count(*) FROM client_keys WHERE client_id = ${rowId}`), '0');
		assert.equal(await sqlite(rdb, `SELECT count(*) FROM clients WHERE public_id = '${bystander.id}'`), '1');
		for (const f of [rdb, `${rdb}-wal`]) {
			for (const w of wrapped) assert.ok(!bytesIn(f, w), `a wrapped key came back with the old backup (${path.basename(f)})`);
			assert.ok(!bytesIn(f, noteCt), 'the note ciphertext came back with the old backup');
		}
		assert.ok(fs.readFileSync(path.join(restoredOld, 'erasure-ledger'), 'utf8').includes(victim.id),
			'the restored practice carries the ledger on');
		r = await run(['audit', 'verify', '--data', restoredOld, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, `audit verify of the restored practice: ${r.stdout}${r.stderr}`);

		// The restored practice serves without them.
		const rs = await serve(restoredOld, { keyfile: p.keyfile });
		try {
			assert.equal((await rs.request('GET', `/api/v1/clients/${victim.id}`)).status, 404);
			assert.equal((await rs.request('GET', `/api/v1/clients/${bystander.id}`)).status, 200);
		} finally {
			await rs.stop();
		}

		// Restored without the ledger, the client is back until the ledger
		// is put in place: then `erasure run-due` (or serve) shreds them again.
		const bare = path.join(dir, 'restored-bare');
		r = await run(['restore', '--in', oldBackup, '--data', bare, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stderr, /no --ledger given/);
		const bdb = path.join(bare, 'confidant.db');
		assert.equal(await sqlite(bdb, `SELECT count(*) FROM clients WHERE public_id = '${victim.id}'`), '1');
		fs.copyFileSync(path.join(p.data, 'erasure-ledger'), path.join(bare, 'erasure-ledger'));
		r = await run(['erasure', 'run-due', '--data', bare, '--keyfile', p.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		assert.equal(await sqlite(bdb, `SELECT count(*) FROM clients WHERE public_id = '${victim.id}'`), '0');

		// A ledger that was edited is refused, and nothing is restored.
		const forged = path.join(dir, 'forged-ledger');
		fs.writeFileSync(forged, ledger.replace(victim.id, bystander.id), { mode: 0o600 });
		const refused = path.join(dir, 'restored-forged');
		r = await run(['restore', '--in', oldBackup, '--data', refused, '--keyfile', p.keyfile, '--ledger', forged]);
		assert.equal(r.status, 1);
		assert.match(r.stderr, /ledger/);
		assert.ok(!fs.existsSync(path.join(refused, 'confidant.db')), 'nothing restored');
	});

	test('a client may ask for their own erasure; other roles may not ask', async () => {
		await setRule('ZZ', 0);
		const c = await newClient();
		await reauth(srv);
		const email = `portal.${rnd(8)}@example.org`;
		const u = await srv.request('POST', '/api/v1/users', { body: { email, name: 'Portal Erasable', role: 'client', client_id: c.id } });
		assert.equal(u.status, 201, u.text);
		const ident = { email, password: u.json.one_time_password, secret: null };
		const sess = await signIn(srv.port, ident);
		const P = as(srv, sess);

		const sched = await addUser(srv, 'scheduler');
		const S = as(srv, await signIn(srv.port, sched));
		assert.equal((await erase(S, c.id)).status, 403);
		assert.equal((await srv.request('GET', `/api/v1/clients/${c.id}`)).status, 200);

		advance(30);
		const ra = await P('POST', '/api/v1/auth/reauth', { body: { password: ident.password, code: totp(ident.secret) } });
		assert.equal(ra.status, 200, ra.text);
		const r = await erase(P, c.id, { basis: 'mhmda' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.status, 'done');
		assert.equal(r.json.requested_via, 'portal');
		assert.equal((await srv.request('GET', `/api/v1/clients/${c.id}`)).status, 404);
		// Their portal account is closed with the record.
		assert.equal((await P('GET', '/api/v1/auth/session')).status, 401);
	});
});

describe('erasure under obligations', () => {
	test('a retention rule: refused with the date, carried out by serve once the date passes', async () => {
		await setRule('ZZ', 7, 18, 7);
		const adult = await newClient();
		const minor = await newClient({ date_of_birth: '2020-01-01' });
		const O = await owner();
		const r = await erase(O, adult.id, { basis: 'gdpr-17' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.status, 'scheduled');
		assert.deepEqual(r.json.blocked_by, ['retention']);
		assert.equal(r.json.retention.rule, 'adult');
		const notBefore = Date.parse(r.json.not_before) / 1000;
		assert.ok(Math.abs(notBefore - (now() + 7 * YEAR)) < 3 * 86400, `not_before ${r.json.not_before}`);
		assert.match(r.json.message, /retention/);
		assert.equal((await srv.request('GET', `/api/v1/clients/${adult.id}`)).status, 200);

		// Asking again gives the same request back.
		const again = await erase(await owner(), adult.id);
		assert.equal(again.json.id, r.json.id);

		// A minor at last contact: kept until majority plus the years set.
		const m = await erase(await owner(), minor.id);
		assert.equal(m.json.status, 'scheduled');
		assert.equal(m.json.retention.rule, 'minor');
		assert.equal(m.json.not_before.slice(0, 10), '2045-01-01');

		// The CLI finds nothing due yet.
		let cli = await run(['erasure', 'run-due', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(cli.status, 0, cli.stderr);
		assert.match(cli.stdout, /0 carried out/);

		// Past the date, serve's timer carries it out by itself.
		advance(notBefore - now() + 86400);
		await fresh();
		assert.equal(await waitDone(r.json.id), 'done', 'serve carried the erasure out once its date passed');
		assert.equal((await srv.request('GET', `/api/v1/clients/${adult.id}`)).status, 404);
		// The minor's date has not come.
		assert.equal((await srv.request('GET', `/api/v1/clients/${minor.id}`)).status, 200);
		const g = await srv.request('GET', `/api/v1/erasure-requests/${m.json.id}`);
		assert.equal(g.json.status, 'scheduled');
	});

	test('a legal hold blocks until it is released', async () => {
		await setRule('ZZ', 0);
		const c = await newClient();
		const h = await srv.request('POST', `/api/v1/clients/${c.id}/legal-holds`, { body: { reason: 'litigation' } });
		assert.equal(h.status, 201, h.text);
		const missing = await srv.request('POST', `/api/v1/clients/${c.id}/legal-holds`, { body: {} });
		assert.equal(missing.status, 400);
		assert.match(missing.json.message, /reason/);

		const r = await erase(await owner(), c.id);
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.status, 'scheduled');
		assert.deepEqual(r.json.blocked_by, ['legal_hold']);
		assert.match(r.json.message, /legal hold/);

		let cli = await run(['erasure', 'run-due', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(cli.status, 0, cli.stderr);
		assert.match(cli.stdout, /0 carried out, \d+ waiting/);
		assert.equal((await srv.request('GET', `/api/v1/clients/${c.id}`)).status, 200);

		const holds = await srv.request('GET', `/api/v1/clients/${c.id}/legal-holds`);
		assert.equal(holds.status, 200);
		assert.equal(holds.json.holds.length, 1);
		assert.equal(holds.json.holds[0].reason, 'litigation');
		assert.equal(holds.json.holds[0].active, true);

		const clin = await addUser(srv, 'clinician');
		const C = as(srv, await signIn(srv.port, clin));
		assert.equal((await C('POST', `/api/v1/legal-holds/${h.json.id}/release`, { body: { reason: 'x' } })).status, 403);

		// A hold on a client with no pending erasure: released once, then 409.
		const other = await newClient();
		const h2 = await srv.request('POST', `/api/v1/clients/${other.id}/legal-holds`, { body: { reason: 'audit' } });
		assert.equal(h2.status, 201, h2.text);
		assert.equal((await srv.request('POST', `/api/v1/legal-holds/${h2.json.id}/release`, { body: { reason: 'done' } })).status, 200);
		const twice = await srv.request('POST', `/api/v1/legal-holds/${h2.json.id}/release`, { body: { reason: 'done' } });
		assert.equal(twice.status, 409);
		assert.match(twice.json.message, /released already/);

		// Released: serve carries the erasure out by itself on its next pass.
		const rel = await srv.request('POST', `/api/v1/legal-holds/${h.json.id}/release`, { body: { reason: 'settled' } });
		assert.equal(rel.status, 200, rel.text);
		assert.equal(await waitDone(r.json.id), 'done');
		assert.equal((await srv.request('GET', `/api/v1/clients/${c.id}`)).status, 404);
		cli = await run(['erasure', 'run-due', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(cli.status, 0, cli.stderr);
		assert.match(cli.stdout, /^erasure run-due: 0 carried out/, 'nothing left to do twice');

		// Every step is in the trail, with ids only.
		const a = await srv.request('GET', '/api/v1/audit?event=erasure.done');
		assert.equal(a.status, 200);
		assert.ok(a.json.events.length >= 1);
		const ah = await srv.request('GET', '/api/v1/audit?event=legal_hold.release');
		assert.ok(ah.json.events.length >= 1);
		assert.ok(!JSON.stringify(ah.json).includes('settled'));
	});
});

describe('confidant erasure run-due', () => {
	test('carries out a due erasure by itself (no server running)', async () => {
		const q = await init();
		const s2 = await serve(q.data, { keyfile: q.keyfile });
		let c;
		let req;
		try {
			c = (await s2.request('POST', '/api/v1/clients', { body: { legal_name: 'Due Later', date_of_birth: '1970-01-01' } })).json;
			const ident = ownerOf(q.data);
			advance(30);
			const ra = await s2.request('POST', '/api/v1/auth/reauth', { body: { password: ident.password, code: totp(ident.secret) } });
			assert.equal(ra.status, 200, ra.text);
			req = await s2.request('POST', `/api/v1/clients/${c.id}/erasure-requests`, { body: {} });
			assert.equal(req.status, 201, req.text);
			assert.equal(req.json.status, 'scheduled');
		} finally {
			await s2.stop();
		}
		const db = path.join(q.data, 'confidant.db');
		let r = await run(['erasure', 'run-due', '--data', q.data, '--keyfile', q.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^erasure run-due: 0 carried out, 0 waiting/);
		assert.equal(await sqlite(db, `SELECT count(*) FROM clients WHERE public_id = '${c.id}'`), '1');
		advance(Date.parse(req.json.not_before) / 1000 - now() + 60);
		r = await run(['erasure', 'run-due', '--data', q.data, '--keyfile', q.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /^erasure run-due: 1 carried out, 0 waiting/);
		assert.equal(await sqlite(db, `SELECT count(*) FROM clients WHERE public_id = '${c.id}'`), '0');
		assert.equal(await sqlite(db, `SELECT status FROM erasure_requests WHERE public_id = '${req.json.id}'`), 'done');
		// An edited ledger stops the practice: serve and run-due refuse, saying why.
		const lf = path.join(q.data, 'erasure-ledger');
		const good = fs.readFileSync(lf, 'utf8');
		assert.ok(good.includes(c.id));
		fs.writeFileSync(lf, good.replace(c.id, 'a'.repeat(32)));
		const out = await serveOutcome(q.data, { keyfile: q.keyfile });
		assert.equal(out.served, false);
		assert.equal(out.status, 1);
		assert.match(out.stderr, /erasure ledger was altered/);
		r = await run(['erasure', 'run-due', '--data', q.data, '--keyfile', q.keyfile]);
		assert.equal(r.status, 1);
		fs.writeFileSync(lf, good);
		r = await run(['erasure', 'run-due', '--data', q.data, '--keyfile', q.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		r = await run(['erasure', 'run-due', '--help']);
		assert.equal(r.status, 0);
		assert.match(r.stdout, /^usage: confidant erasure run-due/);
	});
});
