// canary.test.mjs - no PHI at rest in plaintext. Clients whose every PHI
// field holds a unique random canary are created, updated and searched; a
// backup is taken while the server runs; then every byte the practice left
// on disk (database, WAL, SHM, tls/, tmp/), the backup file, the server's
// stderr and the CLI's output are searched for each canary in several
// encodings. A positive control proves the search finds what it looks for.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { createClient, execTool, init, rnd, run, serve, tmpdir, walk } from './harness.mjs';
import { addUser } from './harness.mjs';

// variants - the encodings of s to look for, by name.
function variants(s) {
	const buf = Buffer.from(s, 'utf8');
	const v = {
		plain: buf,
		lower: Buffer.from(s.toLowerCase(), 'utf8'),
		hexLower: Buffer.from(buf.toString('hex'), 'latin1'),
		hexUpper: Buffer.from(buf.toString('hex').toUpperCase(), 'latin1'),
		utf16le: Buffer.from(s, 'utf16le'),
	};
	// base64 at the three byte alignments: encode pad+s and keep only the
	// characters that depend on s alone (drop those touched by the pad at
	// the start and the last 4, which depend on what follows).
	for (let k = 0; k < 3; k++) {
		const b64 = Buffer.concat([Buffer.alloc(k, 'x'), buf]).toString('base64');
		const skip = Math.ceil((k * 8) / 6);
		const core = b64.slice(skip, b64.length - 4);
		v[`base64@${k}`] = Buffer.from(core, 'latin1');
		v[`base64url@${k}`] = Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_'), 'latin1');
	}
	return v;
}

// findAll - every (needle name, variant, place) hit in the haystacks.
function findAll(needles, haystacks) {
	const hits = [];
	for (const [name, s] of Object.entries(needles)) {
		for (const [vn, vb] of Object.entries(variants(s))) {
			for (const [place, data] of haystacks) {
				if (data.indexOf(vb) !== -1) hits.push(`${name} as ${vn} in ${place}`);
			}
		}
	}
	return hits;
}

// zstdFrames - try to decompress zstd frames found anywhere in buf (a
// compressed-but-unencrypted payload would hide canaries from a byte search).
async function zstdFrames(buf, scratch) {
	const out = [];
	const magic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
	let at = buf.indexOf(magic);
	for (let tries = 0; at !== -1 && tries < 8; tries++) {
		const f = path.join(scratch, `frame-${tries}.zst`);
		fs.writeFileSync(f, buf.subarray(at));
		const r = await execTool('zstd', ['-dcq', '--no-check', f]).catch(() => null);
		if (r && r.stdoutBuf.length > 0) out.push([`zstd frame at ${at}`, r.stdoutBuf]);
		fs.rmSync(f);
		at = buf.indexOf(magic, at + 1);
	}
	return out;
}

test('no canary reaches the disk, the backup, the logs or the CLI output', async (t) => {
	const p = await init(t);
	const outputs = [['init stdout', Buffer.from(p.stdout)], ['init stderr', Buffer.from(p.stderr)]];
	const srv = await serve(p.data, { keyfile: p.keyfile });
	let stopped = false;
	t.after(async () => { if (!stopped) await srv.stop().catch(() => {}); });

	const canary = () => `CANARY${rnd(20)}`;
	const needles = {}; // name -> string that must not appear anywhere
	const dates = ['1963-04-17', '1977-08-29', '1988-12-03', '1995-06-21'];
	const made = [];
	const streets = ['Road', 'Lane', 'Close', 'Row'];
	for (let i = 0; i < 4; i++) {
		const c = {
			legal_name: `${canary()} ${canary()}`,
			preferred_name: canary(),
			pronouns: canary(),
			date_of_birth: dates[i],
			email: `${canary()}@example.org`,
			phone: canary(),
			address: `${canary()} ${streets[i]}\n${canary()}`,
		};
		for (const [f, v] of Object.entries(c)) {
			if (f === 'date_of_birth') {
				needles[`client${i}.dob`] = v;
				continue;
			}
			for (const part of v.match(/CANARY[a-z0-9]{20}/g)) needles[`client${i}.${f}.${part.slice(6, 10)}`] = part;
		}
		const r = await createClient(srv, c);
		made.push({ id: r.id, fields: c });
	}
	// update one (a new canary in every field) and keep both old and new
	const upd = { legal_name: canary(), preferred_name: canary(), pronouns: canary(), phone: canary(), address: canary(), email: `${canary()}@example.net`, date_of_birth: '1971-02-14' };
	for (const [f, v] of Object.entries(upd)) {
		if (f === 'date_of_birth') needles['updated.dob'] = v;
		else needles[`updated.${f}`] = v.match(/CANARY[a-z0-9]{20}/)[0];
	}
	const u = await srv.request('PATCH', `/api/v1/clients/${made[1].id}`, { body: { version: 1, ...upd } });
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.legal_name, upd.legal_name);
	// search for one (by its legal name's second word) and by date
	const word = made[2].fields.legal_name.split(' ')[1];
	const s = await srv.request('POST', '/api/v1/clients/search', { body: { query: word } });
	assert.equal(s.status, 200, s.text);
	assert.deepEqual(s.json.clients.map((c) => c.id), [made[2].id], 'search by a canary name found the client');
	const s2 = await srv.request('POST', '/api/v1/clients/search', { body: { query: dates[3] } });
	assert.equal(s2.status, 200);
	assert.ok(s2.json.clients.some((c) => c.id === made[3].id));
	// a failed request carrying a canary (validation error) must not log it
	const failed = canary();
	needles.failedRequest = failed;
	const bad = await srv.request('POST', '/api/v1/clients', { body: { legal_name: failed, date_of_birth: 'not-a-date' } });
	assert.equal(bad.status, 400);
	assert.ok(!bad.text.includes(failed), 'an error body echoed PHI');
	const unk = canary();
	needles.unknownPath = unk;
	const nf = await srv.request('GET', `/api/v1/clients/${unk}`);
	assert.equal(nf.status, 404);
	const st404 = await srv.request('GET', `/${unk}.html`);
	assert.equal(st404.status, 404);

	// an appointment's memo and a cancellation reason (sealed under the
	// client's key); the week view and the appointment read open them
	const clin = await addUser(srv, 'clinician');
	const memo = canary();
	const reason = canary();
	needles.appointmentMemo = memo;
	needles.statusReason = reason;
	const ap = await srv.request('POST', '/api/v1/appointments', {
		body: { clinician: clin.id, clients: [made[0].id], start: '2031-02-04T10:00', minutes: 50, tz: 'UTC', memo },
	});
	assert.equal(ap.status, 201, ap.text);
	const st = await srv.request('POST', `/api/v1/appointments/${ap.json.appointment.id}/status`,
		{ body: { version: 1, status: 'cancelled_by_client', reason } });
	assert.equal(st.status, 200, st.text);
	const got = await srv.request('GET', `/api/v1/appointments/${ap.json.appointment.id}`);
	assert.equal(got.json.memo, memo);
	assert.equal(got.json.history[1].reason, reason);
	const wk = await srv.request('GET', '/api/v1/schedule?view=week&date=2031-02-04&tz=UTC');
	assert.equal(wk.status, 200, wk.text);

	// backup while the server runs
	const bdir = tmpdir(t);
	const bfile = path.join(bdir, 'practice.backup');
	const b = await run(['backup', '--data', p.data, '--out', bfile, '--keyfile', p.keyfile]);
	outputs.push(['backup stdout', Buffer.from(b.stdout)], ['backup stderr', Buffer.from(b.stderr)]);
	assert.equal(b.status, 0, `backup failed: ${b.stderr}`);
	assert.ok(fs.statSync(bfile).size > 0);

	// the files as they are while the server runs (the -wal and -shm exist
	// only now; they are checkpointed and removed at shutdown)
	const live = walk(p.data).map((f) => [`live:${f}`, fs.readFileSync(f)]);
	assert.ok(live.some(([f]) => f.endsWith('-wal')), 'expected a WAL file while the server runs');

	await srv.stop();
	stopped = true;
	outputs.push(['server stderr', Buffer.from(srv.stderr())], ['server stdout', Buffer.from(srv.stdout())]);

	// the backup's temporary snapshot is gone
	const leftovers = walk(path.join(p.data, 'tmp'));
	assert.deepEqual(leftovers, [], `files left in the data dir's tmp/: ${leftovers}`);

	// positive control: a scratch tree holding one canary in every encoding,
	// walked by the same code; each variant must be found.
	const scratch = tmpdir(t);
	const control = Object.values(needles)[0];
	for (const [vn, vb] of Object.entries(variants(control))) {
		fs.writeFileSync(path.join(scratch, `control-${vn}`), Buffer.concat([Buffer.from('junk\x00\x01'), vb, Buffer.from('\xff\xfe junk')]));
	}
	// base64 of the canary embedded in a longer base64 text, as a log would have it
	for (let k = 0; k < 3; k++) {
		const text = Buffer.concat([Buffer.alloc(k + 5, 'q'), Buffer.from(control), Buffer.from('tail!!')]).toString('base64');
		fs.writeFileSync(path.join(scratch, `control-embedded-b64-${k}`), `id=7 payload=${text} end`);
	}

	const haystacks = [];
	const dataFiles = walk(p.data);
	assert.ok(dataFiles.some((f) => f.endsWith('confidant.db')), 'no database file found');
	for (const f of [...dataFiles, bfile, ...walk(scratch)]) haystacks.push([f, fs.readFileSync(f)]);
	haystacks.push(...live, ...outputs);
	haystacks.push(...(await zstdFrames(fs.readFileSync(bfile), scratch)));

	const hits = findAll(needles, haystacks);
	const controlHits = hits.filter((h) => h.includes(scratch));
	const realHits = hits.filter((h) => !h.includes(scratch));

	// every control file was found by its own variant
	for (const vn of Object.keys(variants(control))) {
		assert.ok(controlHits.some((h) => h.endsWith(path.join(scratch, `control-${vn}`)) && h.includes(` as ${vn} in `)),
			`positive control: ${vn} not found (the search is broken)`);
	}
	for (let k = 0; k < 3; k++) {
		assert.ok(controlHits.some((h) => h.endsWith(`control-embedded-b64-${k}`)),
			`positive control: embedded base64 at offset ${k} not found`);
	}
	assert.deepEqual(realHits, [], `PHI found in plaintext:\n${realHits.join('\n')}`);
	// the search was not vacuous: it looked at real data
	const total = haystacks.reduce((n, [, d]) => n + d.length, 0);
	assert.ok(total > 50_000, `only ${total} bytes searched`);
	assert.ok(Object.keys(needles).length >= 40, `${Object.keys(needles).length} canaries`);
});
