// cli.test.mjs - the `confidant` command: help and usage errors, unlocking
// (passphrase, key file, permissions), init's refusals, demo data, key
// rotation under a running server, and the audit verifier.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
	assertOneLine, createClient, init, keyfileNew, listAll, rnd, run, serve, serveOutcome,
	snapshot, tmpdir,
} from './harness.mjs';

describe('help and usage', () => {
	test('confidant --help lists every command', async () => {
		const r = await run(['--help']);
		assert.equal(r.status, 0);
		assert.match(r.stdout, /^usage: confidant/m);
		for (const c of ['init', 'serve', 'backup', 'backup verify', 'restore', 'demo', 'keys rotate', 'keys retire', 'audit verify']) {
			assert.ok(r.stdout.includes(`  ${c} `), `--help does not list ${c}`);
		}
	});

	for (const cmd of ['init', 'serve', 'backup', 'backup verify', 'restore', 'demo', 'keys rotate', 'keys retire', 'audit verify']) {
		test(`confidant ${cmd} --help -> 0 and usage`, async () => {
			const r = await run([...cmd.split(' '), '--help']);
			assert.equal(r.status, 0, `${cmd} --help exited ${r.status}: ${r.stderr}`);
			assert.match(r.stdout, new RegExp(`^usage: confidant ${cmd}\\b`), `${cmd} --help: ${r.stdout}`);
			assert.match(r.stdout, /--data|--in/);
			assert.equal(r.stderr, '');
		});
	}

	test('unknown command -> exit 2, one line', async () => {
		const r = await run(['frobnicate']);
		assert.equal(r.status, 2);
		assert.match(assertOneLine(r.stderr, 'unknown command'), /frobnicate/);
		const k = await run(['keys', 'polish']);
		assert.equal(k.status, 2);
		assertOneLine(k.stderr, 'keys polish');
	});

	test('unknown option -> exit 2, one line', async () => {
		for (const args of [['init', '--bogus'], ['serve', '--data', '/nonexistent', '--bogus'], ['backup', 'verify', '--frob'], ['audit', 'verify', 'stray']]) {
			const r = await run(args);
			assert.equal(r.status, 2, `${args.join(' ')} -> ${r.status}`);
			assertOneLine(r.stderr, args.join(' '));
		}
		const m = await run(['init', '--data']);
		assert.equal(m.status, 2, 'missing option value');
		assertOneLine(m.stderr, 'init --data');
	});

	test('no command -> exit 2 with usage on stderr', async () => {
		const r = await run([]);
		assert.equal(r.status, 2);
		assert.match(r.stderr, /usage: confidant/);
	});
});

describe('init', () => {
	test('prints a one-time password once; it is not in the database or the server log', async (t) => {
		const p = await init(t);
		const pwLines = p.stdout.split('\n').filter((l) => /password/i.test(l));
		assert.equal(pwLines.length, 1, `password lines: ${pwLines}`);
		const m = /One-time password[^:]*:\s*(\S+)\s*$/.exec(pwLines[0]);
		assert.ok(m, `no password on the line: ${pwLines[0]}`);
		const pw = m[1];
		assert.ok(pw.length >= 12, `one-time password of ${pw.length} characters`);
		assert.equal(p.stdout.split(pw).length - 1, 1, 'password printed more than once');
		assert.ok(!p.stderr.includes(pw));
		const srv = await serve(p.data, { keyfile: p.keyfile });
		await createClient(srv, { legal_name: 'Someone' });
		await srv.stop();
		for (const f of fs.readdirSync(p.data, { recursive: true })) {
			const full = path.join(p.data, f);
			if (!fs.statSync(full).isFile()) continue;
			const bytes = fs.readFileSync(full);
			assert.equal(bytes.indexOf(Buffer.from(pw)), -1, `password found in ${f}`);
			assert.equal(bytes.indexOf(Buffer.from(pw, 'utf16le')), -1, `password found (UTF-16) in ${f}`);
		}
		assert.ok(!srv.stderr().includes(pw) && !srv.stdout().includes(pw), 'password in the server log');
		// two practices get different passwords
		const p2 = await init(t);
		assert.ok(!p2.stdout.includes(pw));
	});

	test('files are private: data dir 0700, db/key/key file 0600', async (t) => {
		const p = await init(t);
		assert.equal(fs.statSync(p.data).mode & 0o777, 0o700);
		for (const f of ['confidant.db', 'tls/key.pem']) {
			assert.equal(fs.statSync(path.join(p.data, f)).mode & 0o077, 0, `${f} readable by others`);
		}
		assert.equal(fs.statSync(p.keyfile).mode & 0o777, 0o600);
		assert.match(fs.readFileSync(p.keyfile, 'utf8'), /^[0-9a-f]{64}\n$/);
	});

	test('into a non-empty dir -> refused, dir unchanged, nothing left beside it', async (t) => {
		const dir = tmpdir(t);
		const data = path.join(dir, 'p');
		fs.mkdirSync(data);
		fs.writeFileSync(path.join(data, 'precious.txt'), 'do not touch\n');
		const before = snapshot(data);
		const r = await run(['init', '--data', data, '--keyfile', path.join(dir, 'k'), '--no-passphrase']);
		assert.notEqual(r.status, 0);
		assert.match(assertOneLine(r.stderr, 'init non-empty'), /new directory|not empty|already/i);
		assert.deepEqual(snapshot(data), before);
		assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('p.')), [], 'temporary dir left beside it');
	});

	test('a passphrase shorter than 12 characters -> refused, nothing created', async (t) => {
		const dir = tmpdir(t);
		const data = path.join(dir, 'p');
		const r = await run(['init', '--data', data], { env: { CONFIDANT_PASSPHRASE: 'short-pass1' } });
		assert.notEqual(r.status, 0, 'an 11-character passphrase was accepted');
		assert.match(assertOneLine(r.stderr, 'short passphrase'), /12/);
		assert.ok(!fs.existsSync(data), 'init left a directory after refusing');
		assert.deepEqual(fs.readdirSync(dir), []);
		const ok = await run(['init', '--data', data], { env: { CONFIDANT_PASSPHRASE: 'exactly-12ch' } });
		assert.equal(ok.status, 0, `a 12-character passphrase was refused: ${ok.stderr}`);
	});

	test('no passphrase and no terminal -> refused (does not hang)', async (t) => {
		const dir = tmpdir(t);
		const r = await run(['init', '--data', path.join(dir, 'p')]);
		assert.notEqual(r.status, 0);
		assertOneLine(r.stderr, 'init without a secret');
		assert.ok(!fs.existsSync(path.join(dir, 'p')));
	});
});

describe('unlocking serve', () => {
	test('wrong passphrase -> non-zero, one line mentioning the passphrase', async (t) => {
		const pass = `a long passphrase ${rnd(6)}`;
		const p = await init(t, { passphrase: pass, keyfile: false });
		const r = await serveOutcome(p.data, { env: { CONFIDANT_PASSPHRASE: `${pass}!` } });
		assert.equal(r.served, false, 'served with a wrong passphrase');
		assert.notEqual(r.status, 0);
		assert.match(assertOneLine(r.stderr, 'wrong passphrase'), /passphrase/i);
		// the right one works
		const srv = await serve(p.data, { env: { CONFIDANT_PASSPHRASE: pass } });
		await srv.stop();
	});

	test('another valid key file -> refused', async (t) => {
		const p = await init(t);
		const other = keyfileNew(p.dir);
		const r = await serveOutcome(p.data, { keyfile: other });
		assert.equal(r.served, false, 'served with the wrong key file');
		assert.notEqual(r.status, 0);
		assert.match(assertOneLine(r.stderr, 'wrong key file'), /key file/i);
	});

	test('key file readable by others (0644) -> refused with a message about permissions', async (t) => {
		const p = await init(t);
		fs.chmodSync(p.keyfile, 0o644);
		const r = await serveOutcome(p.data, { keyfile: p.keyfile });
		assert.equal(r.served, false, 'served with a world-readable key file');
		assert.notEqual(r.status, 0);
		assert.match(assertOneLine(r.stderr, 'key file 0644'), /chmod|permission|readable by others/i);
		fs.chmodSync(p.keyfile, 0o640);
		const r2 = await serveOutcome(p.data, { keyfile: p.keyfile });
		assert.equal(r2.served, false, 'served with a group-readable key file');
		fs.chmodSync(p.keyfile, 0o600);
		const srv = await serve(p.data, { keyfile: p.keyfile });
		await srv.stop();
	});

	test('serve --insecure-dev is gone: no route serves records without a session', async (t) => {
		const p = await init(t);
		const r = await serveOutcome(p.data, { keyfile: p.keyfile, args: ['--insecure-dev'] });
		assert.equal(r.served, false, '--insecure-dev was accepted');
		assert.equal(r.status, 2);
		assert.match(assertOneLine(r.stderr, '--insecure-dev'), /unknown option/);
	});

	test('serve on a practice that does not exist -> one line, non-zero', async (t) => {
		const dir = tmpdir(t);
		const r = await serveOutcome(path.join(dir, 'none'), { keyfile: keyfileNew(dir) });
		assert.notEqual(r.status, 0);
		assert.match(assertOneLine(r.stderr, 'missing practice'), /init/);
	});
});

describe('demo, key rotation, audit', () => {
	test('demo (small) -> 40 clients', async (t) => {
		const p = await init(t);
		const d = await run(['demo', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(d.status, 0, `demo: ${d.stderr}`);
		const srv = await serve(p.data, { keyfile: p.keyfile });
		try {
			const all = await listAll(srv, 7);
			assert.equal(all.length, 40);
			assert.equal(new Set(all.map((c) => c.id)).size, 40);
			for (const c of all) assert.ok(c.legal_name && c.legal_name.length > 2, 'a demo client without a name');
		} finally {
			await srv.stop();
		}
		const a = await run(['audit', 'verify', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(a.status, 0, a.stderr);
	});

	test('keys rotate under a running server, keys retire, restart; audit verify', async (t) => {
		const p = await init(t);
		let srv = await serve(p.data, { keyfile: p.keyfile });
		let running = true;
		t.after(async () => { if (running) await srv.stop().catch(() => {}); });
		const before = await createClient(srv, { legal_name: 'Rotated Rosa', email: 'rosa@example.org', date_of_birth: '1966-06-06' });

		const rot = await run(['keys', 'rotate', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(rot.status, 0, `keys rotate: ${rot.stderr}`);
		assert.match(rot.stdout, /version 2/);

		// the running server follows the rotation
		const g = await srv.request('GET', `/api/v1/clients/${before.id}`);
		assert.equal(g.status, 200, `read after rotation: ${g.text}`);
		assert.deepEqual(g.json, before);
		const after1 = await createClient(srv, { legal_name: 'New After Rotation' });
		const s = await srv.request('POST', '/api/v1/clients/search', { body: { query: 'rosa' } });
		assert.deepEqual(s.json.clients.map((c) => c.id), [before.id], 'search after rotation');

		const ret = await run(['keys', 'retire', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(ret.status, 0, `keys retire: ${ret.stderr}`);
		// the server still serves after retire (it adopted the new key already)
		assert.equal((await srv.request('GET', `/api/v1/clients/${after1.id}`)).status, 200);
		const after2 = await createClient(srv, { legal_name: 'New After Retire' });
		await srv.stop();
		running = false;

		srv = await serve(p.data, { keyfile: p.keyfile });
		running = true;
		const all = await listAll(srv);
		const ids = new Set(all.map((c) => c.id));
		for (const c of [before, after1, after2]) assert.ok(ids.has(c.id), `${c.legal_name} missing after restart`);
		assert.deepEqual((await srv.request('GET', `/api/v1/clients/${before.id}`)).json, before);
		await srv.stop();
		running = false;

		const a = await run(['audit', 'verify', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(a.status, 0, `audit verify: ${a.stderr}`);
		const m = /(\d+) events/.exec(a.stdout);
		assert.ok(m && Number(m[1]) > 0, `audit verify reports no count: ${a.stdout}`);
	});

	test('a second rotation while a server lags two versions behind', async (t) => {
		const p = await init(t);
		const srv = await serve(p.data, { keyfile: p.keyfile });
		try {
			const c = await createClient(srv, { legal_name: 'Twice Rotated' });
			for (let i = 0; i < 2; i++) {
				const r = await run(['keys', 'rotate', '--data', p.data, '--keyfile', p.keyfile]);
				assert.equal(r.status, 0, r.stderr);
			}
			const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
			assert.equal(g.status, 200, `read two rotations later: ${g.text}`);
			assert.deepEqual(g.json, c);
		} finally {
			await srv.stop();
		}
	});

	test('passphrase practice: rotate keeps the passphrase working', async (t) => {
		const pass = `rotate me please ${rnd(4)}`;
		const p = await init(t, { passphrase: pass, keyfile: false });
		const env = { CONFIDANT_PASSPHRASE: pass };
		let srv = await serve(p.data, { env });
		const c = await createClient(srv, { legal_name: 'Pass Rotation' });
		await srv.stop();
		const r = await run(['keys', 'rotate', '--data', p.data], { env });
		assert.equal(r.status, 0, r.stderr);
		const wrong = await run(['keys', 'rotate', '--data', p.data], { env: { CONFIDANT_PASSPHRASE: 'not the passphrase' } });
		assert.notEqual(wrong.status, 0);
		srv = await serve(p.data, { env });
		try {
			assert.deepEqual((await srv.request('GET', `/api/v1/clients/${c.id}`)).json, c);
		} finally {
			await srv.stop();
		}
	});
});
