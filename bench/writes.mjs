// writes.mjs - durable, audited client creates at C concurrent writers
// against a real server: prints creates/s. Used by make bench; also run by
// hand: CONFIDANT_BIN=build/release/confidant node bench/writes.mjs [C] [N]
import { init, serve } from '../tests/api/harness.mjs';

const conc = Number(process.argv[2] ?? 64);
const total = Number(process.argv[3] ?? 3000);
const p = await init(null);
const srv = await serve(p.data, { keyfile: p.keyfile, args: ['--threads', process.env.THREADS ?? '16'], env: { CONFIDANT_GROUP_COMMIT: process.env.CONFIDANT_GROUP_COMMIT } });
let next = 0;
const t0 = process.hrtime.bigint();
const lat = [];
async function worker() {
	while (next < total) {
		next++;
		const a = process.hrtime.bigint();
		const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: `Bench Client ${next}` } });
		if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
		lat.push(Number(process.hrtime.bigint() - a) / 1e6);
	}
}
await Promise.all(Array.from({ length: conc }, worker));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
await srv.stop();
lat.sort((x, y) => x - y);
const syncs = /syncs=(\d+)/.exec(srv.stderr())?.[1] ?? 'n/a';
console.log(JSON.stringify({ writers: conc, creates: total, per_second: Math.round(total / secs),
	p50_ms: lat[Math.floor(lat.length * 0.5)].toFixed(1), p99_ms: lat[Math.floor(lat.length * 0.99)].toFixed(1),
	group_commit: process.env.CONFIDANT_GROUP_COMMIT !== 'off', fsyncs: syncs }));
