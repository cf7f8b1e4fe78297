// recovery-codes.test.mjs - recovery codes are stretched with Argon2id
// under a per-user salt (docs/decisions.md, "Recovery codes are stretched
// with Argon2id"): enrolment stores a salt and cost for the user and ten
// hashes none of which is the fast BLAKE2b of a code; a code still signs
// in once, and not twice.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { addUser, init, request, serve, signIn, sqlite } from './harness.mjs';

let practice, srv, ident;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	ident = await addUser(srv, 'clinician', 'Code Person');
	await signIn(srv.port, ident);
	assert.equal(ident.recovery.length, 10);
});
after(async () => { await srv?.stop(); });

test('enrolment stores a per-user salt and Argon2id cost, and no fast hash of any code', async () => {
	const db = path.join(practice.data, 'confidant.db');
	const uid = `(SELECT id FROM users WHERE public_id = '${ident.id}')`;
	const salt = await sqlite(db, `SELECT hex(salt), opslimit, memlimit FROM recovery_salts WHERE user_id = ${uid}`);
	const [hex, ops, mem] = salt.split('|');
	assert.equal(hex.length, 32);
	assert.equal(Number(ops), 2);
	assert.equal(Number(mem), 19 * 1024 * 1024);
	const stored = (await sqlite(db, `SELECT hex(hash) FROM recovery_codes WHERE user_id = ${uid}`)).split('\n').map((h) => h.toLowerCase());
	assert.equal(stored.length, 10);
	// BLAKE2b-256 of the normalised code, as codes were stored before.
	for (const code of ident.recovery) {
		const norm = code.replaceAll('-', '');
		const fast = crypto.createHash('blake2b512').update(norm).digest('hex');
		assert.ok(!stored.some((h) => fast.startsWith(h)), 'no truncated fast hash either');
	}
	const wraps = await sqlite(db, `SELECT count(*) FROM author_key_recovery WHERE user_id = ${uid}`);
	assert.equal(Number(wraps), 10, 'the author key is wrapped under each code');
	const found = await sqlite(db, `SELECT count(*) FROM author_key_recovery a JOIN recovery_codes r ON r.user_id = a.user_id AND r.hash = a.code_hash WHERE a.user_id = ${uid}`);
	assert.equal(Number(found), 10, 'each wrap is found by its code\'s stored hash');
});

test('a recovery code signs in once, and not twice', async () => {
	const code = ident.recovery[3];
	const body = { email: ident.email, password: ident.password, code };
	const r = await request(srv.port, 'POST', '/api/v1/auth/login', { body, session: null });
	assert.equal(r.status, 200, r.text);
	const again = await request(srv.port, 'POST', '/api/v1/auth/login', { body, session: null });
	assert.equal(again.status, 401);
	const wrong = await request(srv.port, 'POST', '/api/v1/auth/login', { body: { ...body, code: 'aaaa-bbbb-cccc' }, session: null });
	assert.equal(wrong.status, 401);
});
