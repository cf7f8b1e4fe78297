// backup_image.test.mjs - `confidant backup` reads the live database file in
// place under a pinned read transaction; when the pin cannot be had (another
// process holds an older read snapshot throughout, so the checkpoint cannot
// copy the WAL into the file) it falls back to a staged snapshot. Either way the restored database passes
// integrity_check and holds exactly the committed rows of its moment.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { init, run, sqlite, tmpdir } from './harness.mjs';

// holdRead(db) - a sqlite3 process inside a read transaction; resolves once
// it holds its snapshot, with end() to finish it.
function holdRead(db) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-batch', db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '';
		p.on('error', reject);
		p.stdout.setEncoding('utf8');
		p.stdout.on('data', (d) => {
			out += d;
			if (out.includes('pinned')) {
				resolve({
					end: () => new Promise((done) => {
						p.on('close', done);
						p.stdin.end('COMMIT;\n.quit\n');
					}),
				});
			}
		});
		p.stdin.write("BEGIN;\nSELECT count(*) FROM meta;\nSELECT 'pinned';\n");
	});
}

async function backupAndRestore(p, work, name) {
	const file = path.join(work, `${name}.backup`);
	const b = await run(['backup', '--data', p.data, '--out', file, '--keyfile', p.keyfile]);
	assert.equal(b.status, 0, b.stderr);
	const into = path.join(work, name);
	const r = await run(['restore', '--in', file, '--data', into, '--keyfile', p.keyfile]);
	assert.equal(r.status, 0, r.stderr);
	return path.join(into, 'confidant.db');
}

test('the live file streamed in place restores intact with the rows of its moment', async (t) => {
	const p = await init(t);
	const work = tmpdir(t);
	const live = path.join(p.data, 'confidant.db');
	const users = await sqlite(live, 'SELECT count(*) FROM users');
	const db = await backupAndRestore(p, work, 'inplace');
	assert.equal(await sqlite(db, 'PRAGMA integrity_check'), 'ok');
	assert.equal(await sqlite(db, 'SELECT count(*) FROM users'), users);
	// The backup's own audit event is in it (committed before the pin).
	assert.equal(await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'backup.write'"),
		await sqlite(live, "SELECT count(*) FROM audit_events WHERE event = 'backup.write'"));
	assert.notEqual(await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'backup.write'"),
		'0');
});

test('with an older read snapshot held throughout it falls back to a staged snapshot', async (t) => {
	const p = await init(t);
	const work = tmpdir(t);
	const live = path.join(p.data, 'confidant.db');
	const backups = await sqlite(live, "SELECT count(*) FROM audit_events WHERE event = 'backup.write'");
	// The backup's audit event lands in the WAL after this snapshot: no
	// checkpoint can copy it into the file while the snapshot is held.
	const holder = await holdRead(live);
	let db;
	try {
		db = await backupAndRestore(p, work, 'staged');
	} finally {
		await holder.end();
	}
	assert.equal(await sqlite(db, 'PRAGMA integrity_check'), 'ok');
	assert.equal(await sqlite(db, "SELECT count(*) FROM audit_events WHERE event = 'backup.write'"),
		String(Number(backups) + 1));
});
