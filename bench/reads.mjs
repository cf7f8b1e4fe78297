// reads.mjs - authenticated, audited reads of one client over HTTPS
// keep-alive at 64 connections with wrk, next to nginx serving a small
// static file over HTTPS on the same machine (the HTTP limit).
//   CONFIDANT_BIN=build/release/confidant node bench/reads.mjs [seconds]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';

import { init, serve, tmpdir } from '../tests/api/harness.mjs';

const secs = String(process.argv[2] ?? 10);

// wrk runs asynchronously: the server's log pipe must keep draining meanwhile,
// or a full pipe stalls the server and the figure measures the pipe.
async function wrk(url, headers = []) {
	const args = ['-t2', '-c64', `-d${secs}s`, '--latency'];
	for (const h of headers) args.push('-H', h);
	const { stdout: out } = await promisify(execFile)('wrk', [...args, url], { encoding: 'utf8' });
	const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
	const p50 = /\s50%\s+([\d.]+\w+)/.exec(out)[1];
	const p99 = /\s99%\s+([\d.]+\w+)/.exec(out)[1];
	const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
	return { rps: Math.round(rps), p50, p99, non2xx: Number(non2xx) };
}

// nginx: the same certificate, a 1 KB static file.
const p = await init(null);
const dir = tmpdir(null);
fs.writeFileSync(path.join(dir, 'index.html'), 'x'.repeat(1024));
fs.chmodSync(dir, 0o755);
fs.chmodSync(path.join(dir, 'index.html'), 0o644);
fs.writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off;
  server { listen 127.0.0.1:18443 ssl; ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${p.data}/tls/cert.pem; ssl_certificate_key ${p.data}/tls/key.pem;
    root ${dir}; } }`);
const ng = spawn('nginx', ['-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500)); // benchmark set-up only, not a test
const nginx = await wrk('https://127.0.0.1:18443/index.html');
ng.kill('SIGTERM');

const srv = await serve(p.data, { keyfile: p.keyfile });
const c = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Bench Reader', date_of_birth: '1980-01-01' } });
const read = await wrk(`https://127.0.0.1:${srv.port}/api/v1/clients/${c.json.id}`, [`Cookie: ${srv.session.cookie}`]);
const audited = Number(execFileSync('sqlite3', [path.join(p.data, 'confidant.db'), "SELECT count(*) FROM audit_events WHERE event='client.read'"], { encoding: 'utf8' }));
await srv.stop();
console.log(JSON.stringify({ seconds: Number(secs), connections: 64, nginx_static: nginx, audited_read: read,
	ratio: +(read.rps / nginx.rps).toFixed(2), read_events_in_trail: audited }));
