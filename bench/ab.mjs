// ab.mjs - A/B runs of two (or more) server binaries on a shared, noisy
// machine: rounds alternate the binaries, each on a fresh copy of the same
// practice, and the figure to compare is the server's CPU time per request
// (user + system, all threads, from /proc), which swings far less than
// wall-clock rates when other jobs share the CPUs. Not part of `make bench`.
//
//   CONFIDANT_BIN=A node bench/ab.mjs DATA ROUNDS SECONDS BIN_A BIN_B [...]
//
// DATA is a data set made as scripts/bench.sh makes one (p/, key, init.txt).
// Measures, per binary and round: chart read, list page (64 connections),
// note saves (64 writers), a week view (AB_WHAT=week; AB_WEEK_DATE), and
// the server's group-commit counters. Prints
// one JSON line per run and the medians per binary. Loopback only; every
// run bounded in time.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The harness reads CONFIDANT_BIN once, when it is loaded: one instance of
// it per binary (a query string makes a separate module). AB_HARNESS:
// another copy of it (e.g. one with a longer start-up timeout for servers
// under valgrind).
const harnesses = new Map();
async function harnessFor(bin) {
	if (!harnesses.has(bin)) {
		process.env.CONFIDANT_BIN = bin;
		const url = new URL(process.env.AB_HARNESS ?? '../tests/api/harness.mjs', import.meta.url);
		url.search = `bin=${harnesses.size}`;
		harnesses.set(bin, await import(url.href));
	}
	return harnesses.get(bin);
}

const [DATA, ROUNDS_S, SECS_S, ...BINS] = process.argv.slice(2);
if (!DATA || BINS.length < 1) {
	process.stderr.write('usage: node bench/ab.mjs DATA ROUNDS SECONDS BIN...\n');
	process.exit(2);
}
const ROUNDS = Number(ROUNDS_S);
const SECS = Number(SECS_S);
const CONNS = Number(process.env.AB_CONNS ?? 64); // connections (writers) per run
const WHAT = (process.env.AB_WHAT ?? 'chart,list,notes').split(',');

function exec(cmd, args, env = process.env) {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { encoding: 'utf8', timeout: (SECS + 60) * 1000, env, maxBuffer: 64 << 20 },
			(err, stdout, stderr) => (err ? reject(new Error(`${cmd}: ${err.message}\n${stderr}`)) : resolve(stdout)));
	});
}

function cpuTicks(pid) {
	const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return Number(f[11]) + Number(f[12]);
}

async function wrk(pid, url, conns, headers, script, env) {
	const args = [`-t2`, `-c${conns}`, `-d${SECS}s`, '--latency', '--timeout', '5s'];
	for (const h of headers) args.push('-H', h);
	if (script) args.push('-s', script);
	const a = cpuTicks(pid);
	// AB_PERF=DIR: also a perf profile of the server during the run
	const prof = process.env.AB_PERF
		? exec('perf', ['record', ...(process.env.AB_PERF_ARGS ?? '-g').split(' '), '-q', '-o', path.join(process.env.AB_PERF, `${path.basename(url).replace(/\W/g, '_')}.data`),
			'-p', String(pid), '--', 'sleep', String(SECS - 1)]).catch((e) => process.stderr.write(`${e.message}\n`))
		: null;
	// AB_CALLGRIND=1 (the binaries are wrappers exec'ing valgrind --tool=callgrind):
	// instructions per request, user space only, independent of the load
	if (process.env.AB_CALLGRIND) await exec('callgrind_control', ['-z', String(pid)]);
	const out = await exec('wrk', [...args, url], { ...process.env, ...env });
	await prof;
	let ir = NaN;
	if (process.env.AB_CALLGRIND) {
		const d = await exec('callgrind_control', ['-d', String(pid)]);
		const dir = path.dirname(process.env.AB_CALLGRIND);
		const files = fs.readdirSync(dir).filter((f) => f.startsWith(`cg.${pid}.`)).sort((a, b) => Number(a.split('.').pop()) - Number(b.split('.').pop()));
		const text = fs.readFileSync(path.join(dir, files[files.length - 1]), 'utf8');
		ir = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? NaN);
		void d;
	}
	const b = cpuTicks(pid);
	const num = (re) => Number(re.exec(out)?.[1] ?? 0);
	const requests = num(/(\d+) requests in/);
	const non2xx = num(/Non-2xx or 3xx responses: (\d+)/);
	const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
	return {
		rps: Math.round((requests - non2xx) / SECS),
		cpu_us: requests ? Math.round(((b - a) * 1e4) / requests) : NaN,
		p99_ms: p99 ? Number(p99[1]) * { us: 1e-3, ms: 1, s: 1e3 }[p99[2]] : NaN,
		errors: non2xx,
		ir_per_req: requests ? Math.round(ir / requests) : NaN,
	};
}

async function one(bin, round) {
	const { now, request, serve, signIn } = await harnessFor(bin);
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-ab-'));
	const practice = path.join(work, 'p');
	await exec('cp', ['-a', path.join(DATA, 'p'), practice]);
	fs.copyFileSync(path.join(DATA, 'key'), path.join(work, 'key'));
	fs.chmodSync(path.join(work, 'key'), 0o600);
	const initOut = fs.readFileSync(path.join(DATA, 'init.txt'), 'utf8');
	const owner = { email: 'owner@localhost', password: /One-time password[^:]*: (\S+)/.exec(initOut)[1], secret: null };
	const add = await exec(bin, ['user', 'add', '--data', practice, '--keyfile', path.join(work, 'key'),
		'--email', 'ab.clin@example.org', '--name', 'AB Clin', '--role', 'clinician']);
	const clin = { email: 'ab.clin@example.org', password: /: (\S+)\s*$/m.exec(add)?.[1], secret: null };
	const fixed = now() + 30;
	const srv = await serve(practice, { keyfile: path.join(work, 'key'), signIn: false,
		env: { CONFIDANT_CLOCK_FILE: null, CONFIDANT_FAKE_NOW: String(fixed) } });
	const pid = srv.proc.pid;
	const out = { bin: path.basename(bin), round, exe: path.basename(fs.readlinkSync(`/proc/${pid}/exe`)) };
	try {
		const sess = await signIn(srv.port, owner);
		const cookie = `Cookie: ${sess.cookie}`;
		const base = `https://127.0.0.1:${srv.port}/api/v1`;
		const page = await request(srv.port, 'GET', '/api/v1/clients?limit=50', { session: sess });
		const chartId = page.json.clients[Math.floor(page.json.clients.length / 2)].id;
		if (WHAT.includes('chart')) out.chart = await wrk(pid, `${base}/clients/${chartId}`, CONNS, [cookie]);
		if (WHAT.includes('list')) out.list = await wrk(pid, `${base}/clients?limit=50`, CONNS, [cookie]);
		if (WHAT.includes('week')) {
			// a clinician's week view in a week the data set has appointments
			// (AB_WEEK_DATE, YYYY-MM-DD; default: the fixed clock's date)
			const { weekViewUrl } = await import('./week.mjs');
			const date = process.env.AB_WEEK_DATE ?? new Date(fixed * 1000).toISOString().slice(0, 10);
			const { url } = await weekViewUrl(request, srv.port, sess, date);
			out.week = await wrk(pid, `https://127.0.0.1:${srv.port}${url}`, CONNS, [cookie]);
		}
		if (WHAT.includes('notes')) {
			// a clinician (added by the CLI before the server started) who
			// registers a client is on its care team
			const cs = await signIn(srv.port, clin);
			const r = await request(srv.port, 'POST', '/api/v1/clients',
				{ body: { legal_name: 'AB Notewriter', date_of_birth: '1984-05-06' }, session: cs });
			if (r.status !== 201) throw new Error(`client ${r.status} ${r.text}`);
			out.notes = await wrk(pid, `${base}/clients/${r.json.id}/notes`, CONNS, [], path.resolve('bench/note.lua'),
				{ BENCH_COOKIE: cs.cookie, BENCH_CSRF: cs.csrf });
		}
	} finally {
		await srv.stop();
		const m = /store group commit commits=(\d+) syncs=(\d+) batches=(\d+) batched=(\d+)/.exec(srv.stderr());
		if (m) out.gc = { commits: Number(m[1]), syncs: Number(m[2]), batches: Number(m[3]), batched: Number(m[4]) };
		fs.rmSync(work, { recursive: true, force: true });
	}
	console.log(JSON.stringify(out));
	return out;
}

const all = [];
for (let r = 0; r < ROUNDS; r++)
	for (const bin of BINS) all.push(await one(bin, r));

const med = (xs) => {
	const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
	return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
for (const bin of BINS) {
	const xs = all.filter((x) => x.bin === path.basename(bin));
	const row = { bin: path.basename(bin) };
	for (const k of WHAT)
		row[k] = { ir: med(xs.map((x) => x[k]?.ir_per_req)), cpu_us: med(xs.map((x) => x[k]?.cpu_us)), rps: med(xs.map((x) => x[k]?.rps)), p99_ms: med(xs.map((x) => x[k]?.p99_ms)) };
	console.log('median', JSON.stringify(row));
}
