// export.mjs - issue 8's "a client's full export (10 years of weekly
// sessions): time per client". A fresh practice; one client with 520
// signed SOAP notes (ten years, weekly), 520 appointments, diagnoses, a
// signed plan and consents; then the right-of-access export is timed,
// FHIR and HTML, as the server measures it (its request log) and as a
// client sees it (wall time, a new TLS connection each).
//
// Runs alone:   CONFIDANT_BIN=build/release/confidant node bench/export.mjs
// or from bench/run.mjs (exportBench()). BENCH_ROUNDS exports per format
// (default 20). Loopback only; the practice is removed afterwards.
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import fs from 'node:fs';

import { addUser, as, init, now, reauth, run, serve, signIn, sqlite } from '../tests/api/harness.mjs';

const WEEKS = 520;

function pct(xs, p) {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN;
}

async function must(res, status, what) {
	if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
	return res.json;
}

// cpuMs(pid) - user + system CPU time of a process so far, in ms
// (USER_HZ 100): what the exports cost the server, whatever else runs.
function cpuMs(pid) {
	const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(f[11]) + Number(f[12])) * 10;
}

// serverMs(srv, from) - the export route's server times (ms) logged after
// byte offset from of its stderr.
function serverMs(srv, from) {
	const out = [];
	for (const m of srv.stderr().slice(from).matchAll(/route=\/api\/v1\/clients\/\{id\}\/export status=200 us=(\d+)/g))
		out.push(Number(m[1]) / 1000);
	return out;
}

// onReady({practice, client}) is called once the record is written (profiling).
export async function exportBench({ rounds = Number(process.env.BENCH_ROUNDS ?? 20), log = () => {}, onReady } = {}) {
	const practice = await init(null);
	const srv = await serve(practice.data, { keyfile: practice.keyfile });
	try {
		const clin = await addUser(srv, 'clinician', 'Bench Clinician');
		let A = as(srv, await signIn(srv.port, clin));
		const c = await must(await A('POST', '/api/v1/clients', { body: { legal_name: 'Bench Tenyears', date_of_birth: '1980-04-05', phone: '555 0100' } }), 201, 'client');
		log(`writing ${WEEKS} signed notes (ten years, weekly)`);
		const start = Date.UTC(2020, 0, 6) / 1000;
		let next = 0;
		await Promise.all(Array.from({ length: 8 }, async () => {
			while (next < WEEKS) {
				const k = next++;
				const date = new Date((start + k * 604800) * 1000).toISOString().slice(0, 10);
				const fields = { subjective: `Week ${k}: reports sleep improving, work stress ${crypto.randomBytes(24).toString('hex')}.`,
					objective: 'Engaged, affect congruent, speech normal rate.', assessment: 'Generalised anxiety, improving; PHQ-9 7.',
					plan: 'Continue weekly CBT; practise exposure hierarchy steps 3-4.', risk_suicidal: 'denies' };
				const n = await must(await A('POST', `/api/v1/clients/${c.id}/notes`, { body: { template: 'soap', date, fields } }), 201, 'note');
				await must(await A('POST', `/api/v1/notes/${n.id}/sign`, { body: {} }), 200, 'sign');
			}
		}));
		await must(await A('POST', `/api/v1/clients/${c.id}/diagnoses`, { body: { code: 'F41.1', onset: '2020-01-06', primary: true } }), 201, 'dx');
		await must(await A('POST', `/api/v1/clients/${c.id}/diagnoses`, { body: { code: 'F32.1' } }), 201, 'dx');
		await must(await A('POST', `/api/v1/clients/${c.id}/plans`, { body: { title: 'Anxiety plan', review_date: '2030-01-01', problems: [{ problem: 'Worry',
			goals: [{ goal: 'Less worry', objectives: [{ what: 'GAD-7', measure: 'GAD-7', target: 'below 5' }], interventions: [{ what: 'CBT', frequency: 'weekly' }] }] }] } }), 201, 'plan');
		await sqlite(path.join(practice.data, 'confidant.db'),
			`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ${WEEKS - 1}) ` +
			'INSERT INTO appointments(clinician_id, client_id, starts_at, ends_at, status) ' +
			`SELECT u.id, c.id, ${start} + 36000 + i * 604800, ${start} + 39000 + i * 604800, 4 FROM k, users u, clients c ` +
			`WHERE u.public_id = '${clin.id}' AND c.public_id = '${c.id}'`);
		if (onReady) await onReady({ practice, client: c.id });
		await reauth(srv);
		A = as(srv, await signIn(srv.port, clin)); // the export wants a recent sign-in
		const out = {};
		for (const format of ['fhir', 'html']) {
			log(`${rounds} exports, ${format}`);
			const q = format === 'html' ? '?format=html' : '';
			await must(await A('GET', `/api/v1/clients/${c.id}/export${q}`), 200, 'warm-up');
			const from = srv.stderr().length;
			const cpu0 = cpuMs(srv.proc.pid);
			const wall = [];
			let bytes = 0;
			for (let r = 0; r < rounds; r++) {
				const t = process.hrtime.bigint();
				const res = await A('GET', `/api/v1/clients/${c.id}/export${q}`);
				wall.push(Number(process.hrtime.bigint() - t) / 1e6);
				if (res.status !== 200) throw new Error(`export: ${res.status} ${res.text}`);
				bytes = Buffer.byteLength(res.text);
				if (format === 'fhir' && res.json.entry.filter((e) => e.resource.resourceType === 'DocumentReference').length !== WEEKS)
					throw new Error('the export lacks notes');
			}
			const server = serverMs(srv, from);
			out[format] = { bytes, cpu_ms: (cpuMs(srv.proc.pid) - cpu0) / rounds, wall_p50_ms: pct(wall, 0.5), wall_p99_ms: pct(wall, 0.99),
				server_p50_ms: pct(server, 0.5), server_p99_ms: pct(server, 0.99), n: server.length };
		}
		// the same export from the shell: no TLS or HTTP, a process start and a file
		const cli = [];
		for (let r = 0; r < Math.min(rounds, 5); r++) {
			const file = path.join(practice.dir, `export-${r}.json`);
			const t = process.hrtime.bigint();
			const x = await run(['export', '--data', practice.data, '--keyfile', practice.keyfile, '--client', c.id, '--out', file]);
			cli.push(Number(process.hrtime.bigint() - t) / 1e6);
			if (x.status !== 0) throw new Error(`confidant export: ${x.stderr}`);
			fs.rmSync(file);
		}
		out.cli = { p50_ms: pct(cli, 0.5), n: cli.length };
		return { notes: WEEKS, appointments: WEEKS, rounds, at: now(), ...out };
	} finally {
		await srv.stop();
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const r = await exportBench({ log: (m) => process.stderr.write(`export bench: ${m}\n`) });
	for (const f of ['fhir', 'html']) {
		const x = r[f];
		console.log(`full export (${r.notes} notes, ${r.appointments} appointments), ${f}: server p50 ${x.server_p50_ms.toFixed(1)} ms ` +
			`p99 ${x.server_p99_ms.toFixed(1)} ms, cpu ${x.cpu_ms.toFixed(1)} ms; client p50 ${x.wall_p50_ms.toFixed(1)} ms; ${(x.bytes / 1e6).toFixed(2)} MB`);
	}
	console.log(`confidant export (CLI, fhir, to a file): p50 ${r.cli.p50_ms.toFixed(1)} ms`);
}
