// backup.test.mjs - online backups: taken while clients are being written,
// verified, restored into a new directory with every acknowledged client
// intact; damaged, truncated and wrongly-keyed backups are refused, and a
// restore never touches a non-empty directory.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
	assertOneLine, createClient, flipByte, init, keyfileNew, listAll, rnd, run, serve,
	snapshot, tmpdir, walk,
} from './harness.mjs';

function byId(cs) {
	return new Map(cs.map((c) => [c.id, c]));
}

describe('key-file practice', () => {
	test('backup under concurrent writes, verify, restore, tampering refused', async (t) => {
		const p = await init(t);
		const work = tmpdir(t);
		const srv = await serve(p.data, { keyfile: p.keyfile });
		let running = true;
		t.after(async () => { if (running) await srv.stop().catch(() => {}); });

		const acked = [];
		for (let i = 0; i < 5; i++) {
			acked.push(await createClient(srv, {
				legal_name: `Before ${rnd(6)} Backup`, date_of_birth: `198${i}-0${i + 1}-1${i}`,
				email: `b${i}@example.org`, address: `${i} Quay Street\nGalway`, pronouns: 'she/her',
			}));
		}

		// writer: POST clients one after another until told to stop
		let stopWriter = false;
		let writerErr = null;
		let warmed;
		const warm = new Promise((r) => { warmed = r; });
		const writer = (async () => {
			let i = 0;
			while (!stopWriter) {
				const r = await srv.request('POST', '/api/v1/clients', {
					body: { legal_name: `Writer ${i++} ${rnd(6)}`, phone: `555-${String(i).padStart(4, '0')}` },
				});
				if (r.status !== 201) {
					writerErr = new Error(`writer POST -> ${r.status} ${r.text}`);
					break;
				}
				acked.push(r.json);
				if (acked.length >= 8) warmed();
			}
			warmed();
		})();

		const bfile = path.join(work, 'p.backup');
		let nBefore = 0;
		let ackedDuring = 0;
		const backup = (async () => {
			await warm; // the writer is running
			nBefore = acked.length; // acknowledged before the command starts
			const r = await run(['backup', '--data', p.data, '--out', bfile, '--keyfile', p.keyfile]);
			ackedDuring = acked.length - nBefore;
			stopWriter = true;
			return r;
		})();
		const [, b] = await Promise.all([writer, backup]);
		assert.equal(writerErr, null, writerErr?.message);
		assert.equal(b.status, 0, `backup: ${b.stderr}`);
		assert.ok(ackedDuring >= 1, 'no write was acknowledged while the backup ran (not concurrent)');
		assert.ok(fs.statSync(bfile).size > 1000);
		assert.equal((fs.statSync(bfile).mode & 0o077), 0, 'backup file is readable by group/others');
		assert.deepEqual(walk(path.join(p.data, 'tmp')), [], 'backup left files in tmp/');
		assert.ok(!fs.existsSync(`${bfile}.tmp`), 'backup left a .tmp file');
		const total = acked.length;
		const beforeBackup = acked.slice(0, nBefore);
		await srv.stop();
		running = false;

		await t.test('verify -> 0', async () => {
			const v = await run(['backup', 'verify', '--in', bfile, '--keyfile', p.keyfile]);
			assert.equal(v.status, 0, `verify: ${v.stderr}`);
			assert.match(v.stdout, /intact/);
		});

		await t.test('restore into a new dir: every client acknowledged before the backup is there, identical', async () => {
			const dest = path.join(work, 'restored');
			const r = await run(['restore', '--in', bfile, '--data', dest, '--keyfile', p.keyfile]);
			assert.equal(r.status, 0, `restore: ${r.stderr}`);
			// restored files are as private as the originals
			assert.equal(fs.statSync(dest).mode & 0o077, 0, 'restored dir is open to group/others');
			for (const f of walk(dest)) {
				assert.equal(fs.statSync(f).mode & 0o077, 0, `restored ${path.relative(dest, f)} is readable by group/others`);
			}
			assert.ok(fs.readFileSync(path.join(dest, 'tls', 'key.pem')).equals(fs.readFileSync(path.join(p.data, 'tls', 'key.pem'))),
				'TLS key not restored');
			const rs = await serve(dest, { keyfile: p.keyfile });
			try {
				const all = await listAll(rs);
				const m = byId(all);
				for (const c of beforeBackup) {
					assert.ok(m.has(c.id), `client ${c.legal_name} (acknowledged before the backup) is missing`);
					assert.deepEqual(m.get(c.id), c, `client ${c.legal_name} differs after restore`);
				}
				assert.ok(all.length >= nBefore && all.length <= total,
					`restored ${all.length} clients; expected between ${nBefore} and ${total}`);
				const ackedIds = new Set(acked.map((c) => c.id));
				for (const c of all) assert.ok(ackedIds.has(c.id), `restored an unknown client ${c.id}`);
				// search works in the restored practice (blind index came along)
				const word = beforeBackup[0].legal_name.split(' ')[1];
				const s = await rs.request('POST', '/api/v1/clients/search', { body: { query: word } });
				assert.deepEqual(s.json.clients.map((c) => c.id), [beforeBackup[0].id]);
				// and it takes new writes
				await createClient(rs, { legal_name: 'After Restore' });
			} finally {
				await rs.stop();
			}
			const a = await run(['audit', 'verify', '--data', dest, '--keyfile', p.keyfile]);
			assert.equal(a.status, 0, `audit verify of the restored practice: ${a.stderr}`);
		});

		await t.test('a flipped byte anywhere -> verify fails, restore writes nothing', async () => {
			const size = fs.statSync(bfile).size;
			const positions = [0, 8, 20, 40, 100, Math.floor(size / 3), Math.floor(size / 2), size - 20, size - 1];
			for (const pos of positions) {
				const copy = path.join(work, `flip-${pos}.backup`);
				fs.copyFileSync(bfile, copy);
				flipByte(copy, pos, 0x04);
				const v = await run(['backup', 'verify', '--in', copy, '--keyfile', p.keyfile]);
				assert.notEqual(v.status, 0, `verify accepted a backup with byte ${pos} of ${size} flipped`);
				assertOneLine(v.stderr, `verify of flip-${pos}`);
				const dest = path.join(work, `restore-flip-${pos}`);
				const r = await run(['restore', '--in', copy, '--data', dest, '--keyfile', p.keyfile]);
				assert.notEqual(r.status, 0, `restore accepted a backup with byte ${pos} flipped`);
				const left = fs.existsSync(dest) ? fs.readdirSync(dest) : [];
				assert.deepEqual(left, [], `restore of a damaged backup left files in ${dest}`);
				const siblings = fs.readdirSync(work).filter((f) => f.startsWith(`restore-flip-${pos}`) && f !== `restore-flip-${pos}`);
				assert.deepEqual(siblings, [], 'restore left a temporary directory behind');
			}
		});

		await t.test('truncated or extended copies -> verify fails', async () => {
			const whole = fs.readFileSync(bfile);
			for (const [name, bytes] of [
				['minus1', whole.subarray(0, whole.length - 1)],
				['half', whole.subarray(0, Math.floor(whole.length / 2))],
				['header', whole.subarray(0, 64)],
				['magic', whole.subarray(0, 16)],
				['empty', Buffer.alloc(0)],
				['plus1', Buffer.concat([whole, Buffer.from([0])])],
				['doubled', Buffer.concat([whole, whole])],
			]) {
				const copy = path.join(work, `trunc-${name}.backup`);
				fs.writeFileSync(copy, bytes);
				const v = await run(['backup', 'verify', '--in', copy, '--keyfile', p.keyfile]);
				assert.notEqual(v.status, 0, `verify accepted the ${name} copy`);
				assert.ok(v.status !== null, `verify crashed on the ${name} copy (signal ${v.signal})`);
			}
		});

		await t.test('restore into a non-empty dir -> non-zero, dir unchanged', async () => {
			const dest = path.join(work, 'occupied');
			fs.mkdirSync(path.join(dest, 'sub'), { recursive: true });
			fs.writeFileSync(path.join(dest, 'notes.txt'), 'keep me\n');
			fs.writeFileSync(path.join(dest, 'sub', 'confidant.db'), 'not a database\n');
			const before = snapshot(dest);
			const r = await run(['restore', '--in', bfile, '--data', dest, '--keyfile', p.keyfile]);
			assert.notEqual(r.status, 0, 'restore into a non-empty dir succeeded');
			assertOneLine(r.stderr, 'restore into non-empty');
			assert.deepEqual(snapshot(dest), before, 'the non-empty dir was changed');
			// the live practice itself is also "non-empty"
			const live = snapshot(p.data);
			const r2 = await run(['restore', '--in', bfile, '--data', p.data, '--keyfile', p.keyfile]);
			assert.notEqual(r2.status, 0);
			assert.deepEqual(snapshot(p.data), live, 'restore over the live practice changed it');
		});

		await t.test('verify with the wrong key file -> non-zero, one clear line', async () => {
			const other = keyfileNew(work);
			const v = await run(['backup', 'verify', '--in', bfile, '--keyfile', other]);
			assert.notEqual(v.status, 0);
			const line = assertOneLine(v.stderr, 'wrong key file');
			assert.match(line, /key file/i);
			assert.match(line, /does not unlock|wrong|not the key/i);
			const dest = path.join(work, 'wrong-key-restore');
			const r = await run(['restore', '--in', bfile, '--data', dest, '--keyfile', other]);
			assert.notEqual(r.status, 0);
			assert.ok(!fs.existsSync(dest) || fs.readdirSync(dest).length === 0);
		});

		await t.test('backup refuses to overwrite an existing file', async () => {
			const before = fs.readFileSync(bfile);
			const r = await run(['backup', '--data', p.data, '--out', bfile, '--keyfile', p.keyfile]);
			assert.notEqual(r.status, 0);
			assert.ok(before.equals(fs.readFileSync(bfile)), 'backup overwrote an existing file');
		});
	});
});

describe('passphrase practice', () => {
	test('backup, verify, restore with CONFIDANT_PASSPHRASE; wrong passphrase refused', async (t) => {
		const pass = `correct horse ${rnd(8)}`;
		const p = await init(t, { passphrase: pass, keyfile: false });
		const env = { CONFIDANT_PASSPHRASE: pass };
		const work = tmpdir(t);
		const srv = await serve(p.data, { env });
		let c;
		try {
			c = await createClient(srv, { legal_name: 'Passphrase Person', date_of_birth: '1970-01-01' });
		} finally {
			await srv.stop();
		}
		const bfile = path.join(work, 'pp.backup');
		const b = await run(['backup', '--data', p.data, '--out', bfile], { env });
		assert.equal(b.status, 0, `backup: ${b.stderr}`);
		const v = await run(['backup', 'verify', '--in', bfile], { env });
		assert.equal(v.status, 0, `verify: ${v.stderr}`);

		const wrong = { CONFIDANT_PASSPHRASE: `${pass}x` };
		const vw = await run(['backup', 'verify', '--in', bfile], { env: wrong });
		assert.notEqual(vw.status, 0, 'verify accepted a wrong passphrase');
		assert.match(assertOneLine(vw.stderr, 'wrong passphrase verify'), /passphrase/i);
		const destWrong = path.join(work, 'wrong');
		const rw = await run(['restore', '--in', bfile, '--data', destWrong], { env: wrong });
		assert.notEqual(rw.status, 0, 'restore accepted a wrong passphrase');
		assert.ok(!fs.existsSync(destWrong) || fs.readdirSync(destWrong).length === 0);
		// no passphrase at all, stdin not a terminal: refused, not hung
		const none = await run(['backup', 'verify', '--in', bfile]);
		assert.notEqual(none.status, 0);

		const dest = path.join(work, 'restored');
		const r = await run(['restore', '--in', bfile, '--data', dest], { env });
		assert.equal(r.status, 0, `restore: ${r.stderr}`);
		const rs = await serve(dest, { env });
		try {
			const g = await rs.request('GET', `/api/v1/clients/${c.id}`);
			assert.equal(g.status, 200, g.text);
			assert.deepEqual(g.json, c);
		} finally {
			await rs.stop();
		}
	});
});
