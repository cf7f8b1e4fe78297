// week.mjs - the week view of one clinician (GET /api/v1/schedule?view=week
// &clinician=...), timed by the server itself (its request log's us=
// field), the figure `make bench` quotes for the scheduling issue.
//
// Used two ways:
//  - by bench/run.mjs: weekViewUrl() finds a clinician and the demo's week,
//    and the run times it with wrk on the large data set;
//  - standalone, quick, on a practice it makes itself:
//      CONFIDANT_BIN=build/release/confidant node bench/week.mjs [small|medium] [N]
//    (init, demo --size SIZE, serve, N sequential week views; prints the
//    server's p50/p99 and the rows per view).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// weekViewUrl(request, port, session, date) - the path of a week view of
// the first clinician with appointments that week (owner session).
export async function weekViewUrl(request, port, session, date) {
	const users = await request(port, 'GET', '/api/v1/users', { session });
	if (users.status !== 200) throw new Error(`users: ${users.status} ${users.text}`);
	for (const u of users.json.users.filter((x) => x.role === 'clinician')) {
		const url = `/api/v1/schedule?view=week&date=${date}&tz=UTC&clinician=${u.id}`;
		const r = await request(port, 'GET', url, { session });
		if (r.status !== 200) throw new Error(`week view: ${r.status} ${r.text}`);
		if (r.json.appointments.length > 0) return { url, rows: r.json.appointments.length };
	}
	throw new Error('no clinician has appointments that week');
}

function pct(xs, p) {
	const s = [...xs].sort((a, b) => a - b);
	return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))] : NaN;
}

async function standalone() {
	const { init, now, request, run, serve, signIn, ownerOf } = await import('../tests/api/harness.mjs');
	const size = process.argv[2] ?? 'small';
	const n = Number(process.argv[3] ?? 300);
	const p = await init(null);
	const t0 = Date.now();
	const d = await run(['demo', '--data', p.data, '--keyfile', p.keyfile, '--size', size], { timeout: 900_000 });
	if (d.status !== 0) throw new Error(`demo: ${d.stderr}`);
	const demoS = (Date.now() - t0) / 1000;
	const srv = await serve(p.data, { keyfile: p.keyfile, signIn: false });
	const session = await signIn(srv.port, ownerOf(p.data));
	// the demo spreads appointments around its own "now": the harness clock
	const date = new Date(now() * 1000).toISOString().slice(0, 10);
	const { url, rows } = await weekViewUrl(request, srv.port, session, date);
	const before = srv.stderr().length;
	for (let i = 0; i < n; i++) {
		const r = await request(srv.port, 'GET', url, { session });
		if (r.status !== 200) throw new Error(`week view: ${r.status}`);
	}
	// the same number of chart reads (one client, audited like the view),
	// for scale on a busy machine
	const page = await request(srv.port, 'GET', '/api/v1/clients?limit=1', { session });
	for (let i = 0; i < n; i++) await request(srv.port, 'GET', `/api/v1/clients/${page.json.clients[0].id}`, { session });
	await srv.stop();
	const log = srv.stderr().slice(before);
	const times = (re) => [...log.matchAll(re)].map((m) => Number(m[1]) / 1000);
	const us = times(/route=\/api\/v1\/schedule status=200 us=(\d+)/g);
	const chart = times(/route=\/api\/v1\/clients\/\{id\} status=200 us=(\d+)/g);
	console.log(JSON.stringify({ size, demo_seconds: demoS, views: us.length, rows_per_view: rows,
		server_p50_ms: pct(us, 0.5), server_p99_ms: pct(us, 0.99),
		chart_read_p50_ms: pct(chart, 0.5), chart_read_p99_ms: pct(chart, 0.99) }));
	fs.rmSync(p.dir, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	await standalone();
}
