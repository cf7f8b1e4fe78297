// backup_stage.test.mjs - where `confidant backup` stages its database
// snapshot: in a private 0700 directory under /dev/shm when that is a tmpfs
// with room (else DIR/tmp), removed when done; a staging directory left by
// a backup that died is removed by the next one, and the backup restores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { init, run, tmpdir } from './harness.mjs';

const SHM = '/dev/shm';
const PREFIX = 'confidant-backup-';

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code !== 'ESRCH';
	}
}

test('the staged snapshot is removed, a dead backup\'s staging is swept, the backup restores', async (t) => {
	const p = await init(t);
	const work = tmpdir(t);
	const shm = fs.existsSync(SHM) && fs.statSync(SHM).isDirectory();
	let stale = null;
	if (shm) {
		// A process that has exited: its pid names a backup that died.
		const dead = spawnSync('true').pid;
		assert.equal(alive(dead), false);
		stale = path.join(SHM, `${PREFIX}${dead}-test${process.pid}`);
		fs.mkdirSync(stale, { mode: 0o700 });
		fs.writeFileSync(path.join(stale, 'confidant.db'), 'left by a backup that died');
		t.after(() => fs.rmSync(stale, { recursive: true, force: true }));
	}

	const file = path.join(work, 'p.backup');
	const b = await run(['backup', '--data', p.data, '--out', file, '--keyfile', p.keyfile]);
	assert.equal(b.status, 0, b.stderr);
	if (shm) {
		assert.equal(fs.existsSync(stale), false, 'the dead backup\'s staging directory was swept');
		// Whatever staging directories remain belong to backups still running.
		for (const name of fs.readdirSync(SHM).filter((n) => n.startsWith(PREFIX))) {
			const pid = Number(/^confidant-backup-(\d+)-/.exec(name)?.[1]);
			assert.ok(alive(pid), `${name} left behind by a finished backup`);
		}
	}
	// Nothing left in DIR/tmp either.
	const tmp = path.join(p.data, 'tmp');
	assert.deepEqual(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], []);

	const v = await run(['backup', 'verify', '--in', file, '--keyfile', p.keyfile]);
	assert.equal(v.status, 0, v.stderr);
	const into = path.join(work, 'restored');
	const r = await run(['restore', '--in', file, '--data', into, '--keyfile', p.keyfile]);
	assert.equal(r.status, 0, r.stderr);
	const db = fs.statSync(path.join(into, 'confidant.db'));
	assert.equal(db.mode & 0o777, 0o600);
	assert.ok(db.size > 0);
});
