// audit.test.mjs - the audit trail, driven through the CLI only: `audit
// verify` names the first event that was edited, deleted, forged or moved
// behind Confidant's back (with the sqlite3 CLI, triggers dropped first);
// checkpoints are signed and exported; and an older copy of the database
// restored in place of a newer one is caught by the exported checkpoints,
// though its own chain is intact.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { advance, assertOneLine, init, lines, run, sqlite, tmpdir } from './harness.mjs';

// practice(t) - a new practice and a `cli(args)` that runs a command on it.
async function practice(t) {
	const p = await init(t);
	const cli = (cmd, data = p.data, extra = []) =>
		run([...cmd, '--data', data, '--keyfile', p.keyfile, ...extra]);
	const ok = async (cmd, data, extra) => {
		const r = await cli(cmd, data, extra);
		assert.equal(r.status, 0, `confidant ${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
		return r;
	};
	// each run adds a clinician: a new seed keeps their e-mail addresses apart
	let seed = 0;
	const demo = (data) => ok(['demo'], data, ['--clinicians', '1', '--clients', '5',
		'--appointments', '5', '--notes', '0', '--seed', String(++seed)]);
	return { ...p, cli, ok, demo };
}

// copyOf(p, name) - a copy of p's data directory, and its database path.
function copyOf(t, p, name) {
	const dir = path.join(tmpdir(t), name);
	fs.cpSync(p.data, dir, { recursive: true });
	return { data: dir, db: path.join(dir, 'confidant.db') };
}

// verifyFails(p, data, re, extra) - audit verify exits 1 with one line
// matching re.
async function verifyFails(p, data, re, extra = []) {
	const r = await p.cli(['audit', 'verify'], data, extra);
	assert.equal(r.status, 1, `audit verify should fail (exit ${r.status}): ${r.stdout}${r.stderr}`);
	const line = assertOneLine(r.stderr, 'audit verify');
	assert.match(line, re);
	return line;
}

function counts(stdout) {
	const m = /audit trail intact: (\d+) events, (\d+) checkpoints/.exec(stdout);
	assert.ok(m, `no counts in: ${stdout}`);
	return { events: Number(m[1]), checkpoints: Number(m[2]) };
}

test('audit verify names the first event edited, deleted, forged or moved', async (t) => {
	const p = await practice(t);
	// events: 1 practice.init (checkpoint), 2-6 practice.demo, then a
	// minute later 7 practice.demo (checkpoint: a minute passed)
	for (let i = 0; i < 5; i++) await p.demo();
	advance(61);
	await p.demo();

	const v0 = await p.ok(['audit', 'verify']);
	assert.deepEqual(counts(v0.stdout), { events: 7, checkpoints: 2 });
	const db0 = path.join(p.data, 'confidant.db');
	assert.equal(await sqlite(db0, 'SELECT group_concat(seq) FROM audit_checkpoints;'), '1,7');
	assert.equal(await sqlite(db0, 'SELECT count(*) FROM audit_events WHERE format = 2;'), '7');

	await t.test('the database refuses edits while its triggers stand', async () => {
		const c = copyOf(t, p, 'triggers');
		await assert.rejects(sqlite(c.db, "UPDATE audit_events SET detail = 'x' WHERE seq = 3;"), /append-only/);
		await assert.rejects(sqlite(c.db, 'DELETE FROM audit_events WHERE seq = 3;'), /append-only/);
		await assert.rejects(sqlite(c.db, 'UPDATE audit_checkpoints SET at = 0;'), /append-only/);
		await assert.rejects(sqlite(c.db, 'DELETE FROM audit_keys;'), /append-only/);
	});

	await t.test('an edited event', async () => {
		const c = copyOf(t, p, 'edit');
		const before = await sqlite(c.db, 'SELECT detail FROM audit_events WHERE seq = 4;');
		assert.match(before, /^clients=5 /);
		await sqlite(c.db, `DROP TRIGGER audit_events_no_update;
			UPDATE audit_events SET detail = replace(detail, 'clients=5', 'clients=6') WHERE seq = 4;`);
		const after = await sqlite(c.db, 'SELECT detail FROM audit_events WHERE seq = 4;');
		assert.notEqual(after, before, 'the edit did not happen (test is broken)');
		await verifyFails(p, c.data, /the audit trail was altered at event 4\b/);
	});

	await t.test('a deleted event', async () => {
		const c = copyOf(t, p, 'delete');
		await sqlite(c.db, 'DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 5;');
		assert.equal(await sqlite(c.db, 'SELECT count(*) FROM audit_events WHERE seq = 5;'), '0',
			'the delete did not happen (test is broken)');
		await verifyFails(p, c.data, /the audit trail was altered at event 5\b/);
	});

	await t.test('a forged event appended, linked to the last one', async () => {
		const c = copyOf(t, p, 'forge');
		await sqlite(c.db, `INSERT INTO audit_events(seq, at, actor, event, client_id, outcome, request_id,
				detail, prev_hash, hash, format)
			SELECT 8, at, 'system', 'backup.write', NULL, 'ok', '', '', hash, randomblob(32), 2
			FROM audit_events WHERE seq = 7;`);
		assert.equal(await sqlite(c.db, 'SELECT count(*) FROM audit_events;'), '8',
			'the insert did not happen (test is broken)');
		await verifyFails(p, c.data, /the audit trail was altered at event 8\b/);
	});

	await t.test('two events swapped (reordered)', async () => {
		const c = copyOf(t, p, 'reorder');
		const h3 = await sqlite(c.db, 'SELECT hex(hash) FROM audit_events WHERE seq = 3;');
		await sqlite(c.db, `DROP TRIGGER audit_events_no_update;
			UPDATE audit_events SET seq = -1 WHERE seq = 3;
			UPDATE audit_events SET seq = 3 WHERE seq = 6;
			UPDATE audit_events SET seq = 6 WHERE seq = -1;`);
		assert.equal(await sqlite(c.db, 'SELECT hex(hash) FROM audit_events WHERE seq = 6;'), h3,
			'the swap did not happen (test is broken)');
		await verifyFails(p, c.data, /the audit trail was altered at event 3\b/);
	});

	await t.test('the newest events deleted, under a signed checkpoint', async () => {
		const c = copyOf(t, p, 'tail');
		await sqlite(c.db, 'DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq >= 6;');
		assert.equal(await sqlite(c.db, 'SELECT max(seq) FROM audit_events;'), '5');
		await verifyFails(p, c.data, /the audit trail ends at event 5 but its checkpoint covers event 7/);
	});

	await t.test('a checkpoint whose signature was changed', async () => {
		const c = copyOf(t, p, 'signature');
		await sqlite(c.db, `DROP TRIGGER audit_checkpoints_no_update;
			UPDATE audit_checkpoints SET at = at + 1 WHERE seq = 7;`);
		await verifyFails(p, c.data, /checkpoint for event 7 is not validly signed/);
	});

	await t.test('the untouched original still verifies', async () => {
		const r = await p.ok(['audit', 'verify']);
		assert.deepEqual(counts(r.stdout), { events: 7, checkpoints: 2 });
	});
});

test('exported checkpoints catch an older copy restored over a newer one', async (t) => {
	const p = await practice(t);
	const dir = tmpdir(t);
	const oldBackup = path.join(dir, 'old.cbk');
	const exported = path.join(dir, 'checkpoints.jsonl');

	// 1 init (checkpoint), 2 demo, 3 backup.write: the backup holds 1-3
	await p.demo();
	await p.ok(['backup'], p.data, ['--out', oldBackup]);
	// the practice moves on: 4-5 demo, 6 audit.checkpoint (signed)
	await p.demo();
	await p.demo();
	const cp = await p.ok(['audit', 'checkpoint']);
	assert.match(cp.stdout, /checkpoint signed at event 6\b/);
	const ex = await p.ok(['audit', 'export-checkpoints'], p.data, ['--out', exported]);
	assert.match(ex.stdout, /^2 checkpoints written/);

	const rows = lines(fs.readFileSync(exported, 'utf8')).map((l) => JSON.parse(l));
	assert.deepEqual(rows.map((r) => r.seq), [1, 6]);
	for (const r of rows) {
		assert.deepEqual(Object.keys(r).sort(), ['at', 'head', 'public_key', 'seq', 'signature']);
		assert.match(r.head, /^[0-9a-f]{64}$/);
		assert.match(r.signature, /^[0-9a-f]{128}$/);
		assert.equal(r.public_key, rows[0].public_key);
	}

	const good = await p.ok(['audit', 'verify'], p.data, ['--checkpoints', exported]);
	assert.deepEqual(counts(good.stdout), { events: 6, checkpoints: 2 });
	assert.match(good.stdout, /2 exported checkpoints match/);

	// Restore the older backup into a new directory: its own chain is
	// intact (restore appends backup.restore as event 4)...
	const restored = path.join(tmpdir(t), 'restored');
	const rr = await run(['restore', '--in', oldBackup, '--data', restored, '--keyfile', p.keyfile]);
	assert.equal(rr.status, 0, `restore: ${rr.stderr}`);
	const rdb = path.join(restored, 'confidant.db');
	assert.equal(await sqlite(rdb, 'SELECT max(seq) FROM audit_events;'), '4',
		'the restored copy is not the older one (test is broken)');
	assert.equal(await sqlite(rdb, 'SELECT event FROM audit_events WHERE seq = 4;'), 'backup.restore');
	const alone = await p.ok(['audit', 'verify'], restored);
	assert.deepEqual(counts(alone.stdout).events, 4);

	// ...but the checkpoints exported from the newer trail show what it lost.
	await verifyFails(p, restored,
		/the audit trail ends at event 4 but an exported checkpoint covers event 6: the database was truncated or an older copy was restored/,
		['--checkpoints', exported]);

	await t.test('export refuses to overwrite checkpoints the database does not match', async () => {
		const before = fs.readFileSync(exported, 'utf8');
		const r = await p.cli(['audit', 'export-checkpoints'], restored, ['--out', exported]);
		assert.equal(r.status, 1, `export over newer checkpoints: ${r.stdout}${r.stderr}`);
		assert.match(assertOneLine(r.stderr, 'export'), /ends at event 4 but an exported checkpoint covers event 6/);
		assert.equal(fs.readFileSync(exported, 'utf8'), before, 'the exported file was changed');
	});

	await t.test('an exported file that was edited', async () => {
		const edited = path.join(dir, 'edited.jsonl');
		const text = fs.readFileSync(exported, 'utf8').replace(/"at":(\d+)/, (_, n) => `"at":${Number(n) + 1}`);
		assert.notEqual(text, fs.readFileSync(exported, 'utf8'), 'the edit did not happen (test is broken)');
		fs.writeFileSync(edited, text);
		await verifyFails(p, p.data, /exported checkpoint for event 1 in .* is not validly signed/,
			['--checkpoints', edited]);
		fs.writeFileSync(edited, 'not json\n');
		await verifyFails(p, p.data, /line 1 of .* is not an exported checkpoint/, ['--checkpoints', edited]);
	});

	await t.test('checkpoints exported from another practice', async () => {
		const q = await practice(t);
		const other = path.join(dir, 'other.jsonl');
		await q.ok(['audit', 'export-checkpoints'], q.data, ['--out', other]);
		const r = await run(['audit', 'verify', '--data', p.data, '--keyfile', p.keyfile, '--checkpoints', other]);
		assert.equal(r.status, 1, `verify against another practice's checkpoints: ${r.stdout}`);
		assert.match(assertOneLine(r.stderr, 'verify'),
			/checkpoint for event 1 was signed by a key this practice does not hold/);
	});

	await t.test('the newer practice still verifies against its export', async () => {
		const r = await p.ok(['audit', 'verify'], p.data, ['--checkpoints', exported]);
		assert.match(r.stdout, /2 exported checkpoints match/);
	});
});
