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

import { addUser, as, createClient, execTool, init, reauth, rnd, run, serve, signIn, tmpdir, walk } from './harness.mjs';

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
	// the practice collects every optional chart field, so each can hold a canary
	await reauth(srv);
	const set = await srv.request('PATCH', '/api/v1/settings', { body: { collect_emergency_contact: 1,
		collect_guardians: 1, collect_intake_date: 1, collect_referral_source: 1 } });
	assert.equal(set.status, 200, set.text);
	const intakes = ['2019-03-27', '2018-10-11', '2017-05-30', '2016-02-08'];
	for (let i = 0; i < 4; i++) {
		const c = {
			legal_name: `${canary()} ${canary()}`,
			preferred_name: canary(),
			pronouns: canary(),
			date_of_birth: dates[i],
			email: `${canary()}@example.org`,
			phone: canary(),
			address: `${canary()} ${streets[i]}\n${canary()}`,
			emergency_name: canary(),
			emergency_relationship: canary(),
			emergency_phone: canary(),
			alt_address: `${canary()} ${streets[i]}\n${canary()}`,
			alt_phone: canary(),
			alt_email: `${canary()}@example.com`,
			intake_date: intakes[i],
			referral_source: canary(),
		};
		for (const [f, v] of Object.entries(c)) {
			if (f === 'date_of_birth' || f === 'intake_date') {
				needles[`client${i}.${f}`] = v;
				continue;
			}
			for (const part of v.match(/CANARY[a-z0-9]{20}/g)) needles[`client${i}.${f}.${part.slice(6, 10)}`] = part;
		}
		const r = await createClient(srv, { ...c, may_email: true, may_text: false });
		made.push({ id: r.id, fields: c });
		// a guardian whose every field is a canary, then changed (the history keeps both)
		const g = { name: canary(), relationship: canary(), phone: canary(), email: `${canary()}@example.edu` };
		for (const [f, v] of Object.entries(g)) needles[`guardian${i}.${f}`] = v.match(/CANARY[a-z0-9]{20}/)[0];
		const gr = await srv.request('POST', `/api/v1/clients/${r.id}/guardians`, { body: { ...g, scopes: ['scheduling'] } });
		assert.equal(gr.status, 201, gr.text);
		const gu = { name: canary(), phone: canary() };
		for (const [f, v] of Object.entries(gu)) needles[`guardian${i}.updated.${f}`] = v;
		const gp = await srv.request('PATCH', `/api/v1/guardians/${gr.json.id}`, { body: { version: 1, ...gu } });
		assert.equal(gp.status, 200, gp.text);
	}
	// update one (a new canary in every field) and keep both old and new
	const upd = { legal_name: canary(), preferred_name: canary(), pronouns: canary(), phone: canary(), address: canary(), email: `${canary()}@example.net`, date_of_birth: '1971-02-14' };
	Object.assign(upd, { emergency_name: canary(), emergency_relationship: canary(), emergency_phone: canary(),
		alt_address: canary(), alt_phone: canary(), alt_email: `${canary()}@example.net`, referral_source: canary(),
		intake_date: '2015-09-19' });
	for (const [f, v] of Object.entries(upd)) {
		if (f === 'intake_date') needles['updated.intake_date'] = v;
		else if (f === 'date_of_birth') needles['updated.dob'] = v;
		else needles[`updated.${f}`] = v.match(/CANARY[a-z0-9]{20}/)[0];
	}
	const u = await srv.request('PATCH', `/api/v1/clients/${made[1].id}`, { body: { version: 1, ...upd } });
	assert.equal(u.status, 200, u.text);
	assert.equal(u.json.legal_name, upd.legal_name);
	// the history holds both versions (sealed): read it, so its path runs too
	const hist = await srv.request('GET', `/api/v1/clients/${made[1].id}/history`);
	assert.equal(hist.status, 200, hist.text);
	assert.equal(hist.json.versions.at(-1).values.alt_phone, upd.alt_phone);
	// a note draft saved twice: every version is kept (note_versions), sealed
	const doc = await addUser(srv, 'clinician', 'Canary Clinician');
	const D = as(srv, await signIn(srv.port, doc));
	const nc = await D('POST', '/api/v1/clients', { body: { legal_name: canary() } });
	needles.noteClient = nc.json.legal_name;
	const nf1 = { subjective: canary(), plan: canary() };
	const note = await D('POST', `/api/v1/clients/${nc.json.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: nf1 } });
	assert.equal(note.status, 201, note.text);
	const nf2 = { subjective: canary(), plan: canary() };
	const nu = await D('PATCH', `/api/v1/notes/${note.json.id}`, { body: { version: 1, fields: nf2 } });
	assert.equal(nu.status, 200, nu.text);
	Object.assign(needles, { note1s: nf1.subjective, note1p: nf1.plan, note2s: nf2.subjective, note2p: nf2.plan });
	const nh = await D('GET', `/api/v1/notes/${note.json.id}/history`);
	assert.equal(nh.json.versions[0].content.plan, nf1.plan);
	// search for one (by its legal name's second word) and by date
	const word = made[2].fields.legal_name.split(' ')[1];
	const s = await srv.request('POST', '/api/v1/clients/search', { body: { query: word } });
	assert.equal(s.status, 200, s.text);
	assert.deepEqual(s.json.clients.map((c) => c.id), [made[2].id], 'search by a canary name found the client');
	const s2 = await srv.request('POST', '/api/v1/clients/search', { body: { query: dates[3] } });
	assert.equal(s2.status, 200);
	assert.ok(s2.json.clients.some((c) => c.id === made[3].id));
	// attachments: the file's name, its description and its content are
	// sealed (a text file whose every line is a canary; a refused upload's
	// canaries must not linger either)
	const clin = await addUser(srv, 'clinician', 'Canary Clinician');
	const ct = await srv.request('POST', `/api/v1/clients/${made[0].id}/care-team`, { body: { user_id: clin.id } });
	assert.equal(ct.status, 200, ct.text);
	const C = as(srv, await signIn(srv.port, clin));
	const fileName = canary(), fileDesc = canary(), fileBody = canary();
	needles['attachment.filename'] = fileName;
	needles['attachment.description'] = fileDesc;
	needles['attachment.content'] = fileBody;
	const fileBytes = Buffer.from(`${fileBody}\n`.repeat(5000)); // several chunks
	const up = await C('POST', `/api/v1/clients/${made[0].id}/attachments`, {
		raw: fileBytes,
		headers: { 'content-type': 'text/plain', 'confidant-filename': `${fileName}.txt`, 'confidant-description': fileDesc },
	});
	assert.equal(up.status, 201, up.text);
	assert.equal(up.json.filename, `${fileName}.txt`);
	const got = await C('GET', `/api/v1/attachments/${up.json.id}/content`);
	assert.equal(got.status, 200);
	assert.equal(got.text, fileBytes.toString());
	const refusedName = canary(), refusedBody = canary();
	needles['attachment.refused.filename'] = refusedName;
	needles['attachment.refused.content'] = refusedBody;
	const refused = await C('POST', `/api/v1/clients/${made[0].id}/attachments`, {
		raw: Buffer.concat([Buffer.from(`${refusedBody}\n`.repeat(3000)), Buffer.from([0])]),
		headers: { 'content-type': 'text/plain', 'confidant-filename': refusedName },
	});
	assert.equal(refused.status, 415, refused.text);
	assert.ok(!refused.text.includes(refusedName));

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

	// a psychotherapy note (written, changed, read) by a clinician on the team
	const pc = await addUser(srv, 'clinician');
	const PC = as(srv, await signIn(srv.port, pc));
	const team = await srv.request('POST', `/api/v1/clients/${made[0].id}/care-team`, { body: { user_id: pc.id } });
	assert.equal(team.status, 200, team.text);
	needles.pnote = canary();
	needles.pnoteEdit = canary();
	const pn = await PC('POST', `/api/v1/clients/${made[0].id}/psychotherapy-notes`, { body: { body: `thinking ${needles.pnote}` } });
	assert.equal(pn.status, 201, pn.text);
	const pu = await PC('PUT', `/api/v1/psychotherapy-notes/${pn.json.id}`, { body: { version: 1, body: `revised ${needles.pnoteEdit}` } });
	assert.equal(pu.status, 200, pu.text);
	const pg = await PC('GET', `/api/v1/psychotherapy-notes/${pn.json.id}`);
	assert.equal(pg.json.body, `revised ${needles.pnoteEdit}`);
	// treatment plans and amendment requests: every text they seal is a canary
	{
		const keep = (name) => (needles[name] = canary());
		const C = as(srv, await signIn(srv.port, await addUser(srv, 'clinician')));
		const cl = await C('POST', '/api/v1/clients', { body: { legal_name: keep('planClient.legal_name') } });
		assert.equal(cl.status, 201, cl.text);
		const plan = {
			title: keep('plan.title'), review_date: '2027-01-01',
			problems: [{ problem: keep('plan.problem'), goals: [{ goal: keep('plan.goal'),
				objectives: [{ what: keep('plan.objective.what'), measure: keep('plan.objective.measure'), target: keep('plan.objective.target') }],
				interventions: [{ what: keep('plan.intervention.what'), frequency: keep('plan.intervention.frequency') }] }] }],
		};
		const pl = await C('POST', `/api/v1/clients/${cl.json.id}/plans`, { body: plan });
		assert.equal(pl.status, 201, pl.text);
		const pv = await C('PUT', `/api/v1/plans/${pl.json.id}`, { body: { ...plan, title: keep('plan.title.v2'), version: 1 } });
		assert.equal(pv.status, 200, pv.text);
		const sg = await C('POST', `/api/v1/plans/${pl.json.id}/sign`, { body: { version: 2, name: keep('plan.signer_name') } });
		assert.equal(sg.status, 200, sg.text);
		const badPlan = await C('POST', `/api/v1/clients/${cl.json.id}/plans`, { body: { ...plan, notes: keep('plan.refused') } });
		assert.equal(badPlan.status, 400);
		const nt = await C('POST', `/api/v1/clients/${cl.json.id}/notes`, { body: { template: 'dap', date: '2026-11-02', fields: { data: keep('amend.note.data') } } });
		assert.equal((await C('POST', `/api/v1/notes/${nt.json.id}/sign`, { body: {} })).status, 200);
		const amend = async (target, decision) => {
			const r = await C('POST', `/api/v1/clients/${cl.json.id}/amendments`,
				{ body: { ...target, change: keep(`amend.${target.target_type}.change`), reason: keep(`amend.${target.target_type}.reason`) } });
			assert.equal(r.status, 201, r.text);
			const step = (s, b) => C('POST', `/api/v1/amendments/${r.json.id}/${s}`, { body: b });
			assert.equal((await step('extend', { reason: keep(`amend.${target.target_type}.extension`) })).status, 200);
			if (decision === 'accept') {
				assert.equal((await step('accept', { text: keep(`amend.${target.target_type}.amended`) })).status, 200);
				return;
			}
			assert.equal((await step('deny', { reason: keep(`amend.${target.target_type}.denial`) })).status, 200);
			assert.equal((await step('disagreement', { text: keep(`amend.${target.target_type}.disagreement`) })).status, 200);
			assert.equal((await step('rebuttal', { text: keep(`amend.${target.target_type}.rebuttal`) })).status, 200);
		};
		await amend({ target_type: 'plan', target_id: pl.json.id }, 'deny');
		await amend({ target_type: 'note', target_id: nt.json.id }, 'accept');
		await amend({ target_type: 'chart', field: 'phone' }, 'accept');
	}
	// an appointment's memo and a cancellation reason (sealed under the
	// client's key); the week view and the appointment read open them
	{
		const apClin = await addUser(srv, 'clinician');
		const memo = canary();
		const reason = canary();
		needles.appointmentMemo = memo;
		needles.statusReason = reason;
		const ap = await srv.request('POST', '/api/v1/appointments', {
			body: { clinician: apClin.id, clients: [made[0].id], start: '2031-02-04T10:00', minutes: 50, tz: 'UTC', memo },
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
	}
	// a waitlist note, a booking request's message and a decline reason
	// (sealed under the client's key), and an integration secret (sealed
	// under the secrets subkey)
	{
		const wlClin = await addUser(srv, 'clinician');
		needles.waitlistNote = canary();
		needles.bookingMessage = canary();
		needles.declineReason = canary();
		needles.smsToken = canary();
		const wl = await srv.request('POST', '/api/v1/waitlist', { body: { client: made[0].id, note: needles.waitlistNote } });
		assert.equal(wl.status, 201, wl.text);
		assert.equal((await srv.request('GET', '/api/v1/waitlist')).json.waitlist.find((x) => x.id === wl.json.id).note, needles.waitlistNote);
		const br = await srv.request('POST', '/api/v1/booking-requests', {
			body: { client: made[0].id, clinician: wlClin.id, start: '2031-03-04T10:00', tz: 'UTC', minutes: 50, message: needles.bookingMessage },
		});
		assert.equal(br.status, 201, br.text);
		const dc = await srv.request('POST', `/api/v1/booking-requests/${br.json.id}/decline`, { body: { version: 1, reason: needles.declineReason } });
		assert.equal(dc.status, 200, dc.text);
		assert.equal((await srv.request('GET', `/api/v1/booking-requests/${br.json.id}`)).json.reason, needles.declineReason);
		await reauth(srv);
		assert.equal((await srv.request('PUT', '/api/v1/integration-secrets/sms_gateway_token', { body: { value: needles.smsToken } })).status, 200);
	}

	// an access request's extension reason (sealed), and a whole-record export that
	// must leave nothing of the record on disk or in the logs
	{
		const keep = (name) => (needles[name] = canary());
		const X = as(srv, await signIn(srv.port, await addUser(srv, 'clinician')));
		const cl = await X('POST', '/api/v1/clients', { body: { legal_name: keep('exportClient.legal_name') } });
		assert.equal(cl.status, 201, cl.text);
		const ar = await X('POST', `/api/v1/clients/${cl.json.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'gdpr' } });
		assert.equal(ar.status, 201, ar.text);
		assert.equal((await X('POST', `/api/v1/access-requests/${ar.json.id}/extend`, { body: { reason: keep('access.extension') } })).status, 200);
		const ex = await X('GET', `/api/v1/clients/${cl.json.id}/export?request=${ar.json.id}&format=html`);
		assert.equal(ex.status, 200, ex.text);
		assert.ok(ex.text.includes(needles['exportClient.legal_name']));
	}

	// a diagnosis (code and onset sealed), a consent and a release (the
	// typed name, source and every element of the release sealed), and a
	// disclosure made under it; the diagnosis code is one no other row
	// holds, the onset a date nothing else uses
	{
		const dx = await C('POST', `/api/v1/clients/${made[0].id}/diagnoses`, { body: { code: 'F50.82', onset: '2003-07-19' } });
		assert.equal(dx.status, 201, dx.text);
		needles['diagnosis.code'] = 'F50.82';
		needles['diagnosis.onset'] = '2003-07-19';
		await reauth(srv);
		const tp = await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'release', title: 'Release', body: 'Release of information.', effective_from: '2026-01-01' } });
		assert.equal(tp.status, 201, tp.text);
		const rel = { template: tp.json.id, signed_name: canary(), recipient: canary(), description: canary(), release_purpose: canary(), expiry_event: canary(), scope: 'demographics,diagnoses' };
		for (const k of ['signed_name', 'recipient', 'description', 'release_purpose', 'expiry_event']) needles[`consent.${k}`] = rel[k];
		const pv = await C('POST', `/api/v1/clients/${made[0].id}/consents/preview`, { body: rel });
		assert.equal(pv.status, 200, pv.text);
		const sg = await C('POST', `/api/v1/clients/${made[0].id}/consents`, { body: { ...rel, text_hash: pv.json.text_hash } });
		assert.equal(sg.status, 201, sg.text);
		const ds = await C('POST', `/api/v1/clients/${made[0].id}/disclosures`, { body: { authorization: sg.json.id } });
		assert.equal(ds.status, 201, ds.text);
		assert.equal((await C('GET', `/api/v1/clients/${made[0].id}/disclosures`)).json.disclosures[0].recipient, rel.recipient);
	}

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
