// harness.mjs - shared helpers for the API integration tests: temporary
// practices, a real `confidant serve` over loopback HTTPS (certificate
// verification on), requests, and running the CLI.
//
// Rules kept here: no sleeps for synchronisation (we wait on events: the
// "serving" line, process exit); every temporary directory is removed; no
// secret from the caller's environment leaks into a child.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

export const BIN = process.env.CONFIDANT_BIN;
if (!BIN) throw new Error('CONFIDANT_BIN is not set (run scripts/test-api.sh BIN)');

const SERVE_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 90_000;

// ---------------------------------------------------------------- clock

// One controllable clock per test process: servers and the CLI read it from
// CONFIDANT_CLOCK_FILE on every use, so tests move time without sleeping.
const CLOCK_FILE = path.join(os.tmpdir(), `confidant-clock-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
let clockNow = 1_900_000_000;
fs.writeFileSync(CLOCK_FILE, String(clockNow));
process.on('exit', () => { try { fs.rmSync(CLOCK_FILE, { force: true }); } catch { /* gone */ } });

// now() - the servers' current time; advance(s) - move it forward.
export function now() { return clockNow; }
export function advance(seconds) {
	clockNow += seconds;
	fs.writeFileSync(CLOCK_FILE, String(clockNow));
	return clockNow;
}

// ---------------------------------------------------------------- TOTP

function base32Decode(s) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, value = 0;
	const out = [];
	for (const ch of s.replace(/=+$/, '').toUpperCase()) {
		const i = alphabet.indexOf(ch);
		if (i < 0) throw new Error(`bad base32: ${ch}`);
		value = (value << 5) | i;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// totp(secret, t) - the RFC 6238 code (SHA-1, 6 digits, 30 s) at time t.
export function totp(secret, t = clockNow) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
	const h = crypto.createHmac('sha1', secret).update(msg).digest();
	const o = h[19] & 15;
	const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
	return String(n).padStart(6, '0');
}

// secretOf(uri) - the secret of an otpauth:// URI.
export function secretOf(uri) {
	return base32Decode(new URL(uri).searchParams.get('secret'));
}

// ---------------------------------------------------------------- tmp dirs

const tmpDirs = new Set();
const children = new Set();

process.on('exit', () => {
	for (const c of children) {
		try { c.kill('SIGKILL'); } catch { /* already gone */ }
	}
	for (const d of tmpDirs) {
		try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort */ }
	}
});

// tmpdir(t) - a new directory under os.tmpdir(); removed when t ends (if
// given) and in any case when the process exits.
export function tmpdir(t) {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-api-'));
	tmpDirs.add(d);
	const rm = () => {
		fs.rmSync(d, { recursive: true, force: true });
		tmpDirs.delete(d);
	};
	if (t && typeof t.after === 'function') t.after(rm);
	return d;
}

// ---------------------------------------------------------------- processes

// childEnv - the environment for a child: ours minus secrets, plus extra.
export function childEnv(extra = {}) {
	const env = { ...process.env };
	delete env.CONFIDANT_PASSPHRASE;
	env.CONFIDANT_CLOCK_FILE = CLOCK_FILE;
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined || v === null) delete env[k];
		else env[k] = v;
	}
	return env;
}

// run(args, {env, input, cwd, timeout}) - run the CLI to completion with
// stdin a pipe (never a TTY). Resolves {status, signal, stdout, stderr}.
export function run(args, opts = {}) {
	return new Promise((resolve, reject) => {
		const p = spawn(BIN, args, {
			env: childEnv(opts.env),
			cwd: opts.cwd,
			stdio: ['pipe', 'pipe', 'pipe'],
			detached: true, // own session: no controlling terminal, so no prompt can hang
		});
		children.add(p);
		let stdout = '';
		let stderr = '';
		p.stdout.setEncoding('utf8');
		p.stderr.setEncoding('utf8');
		p.stdout.on('data', (d) => { stdout += d; });
		p.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => {
			p.kill('SIGKILL');
			reject(new Error(`confidant ${args.join(' ')}: no exit after ${opts.timeout ?? RUN_TIMEOUT_MS} ms\n${stderr}`));
		}, opts.timeout ?? RUN_TIMEOUT_MS);
		p.on('error', (e) => { clearTimeout(timer); reject(e); });
		p.on('close', (status, signal) => {
			clearTimeout(timer);
			children.delete(p);
			resolve({ status, signal, stdout, stderr });
		});
		p.stdin.on('error', () => { /* child may exit before reading */ });
		p.stdin.end(opts.input ?? '');
	});
}

// lines - the non-empty lines of a text.
export function lines(text) {
	return text.split('\n').filter((l) => l.trim() !== '');
}

// ---------------------------------------------------------------- init

// The owner of each practice, by its certificate (a restored practice keeps
// its certificate, so it keeps its owner): email, current password, TOTP
// secret once enrolled.
const identities = new Map();
export function ownerOf(data) {
	return identities.get(fs.readFileSync(path.join(data, 'tls', 'cert.pem'), 'utf8'));
}

// signIn(port, ident) - sign in as ident ({email, password, secret}),
// changing a one-time password and enrolling TOTP when asked, as a new user
// would. Updates ident. Resolves the session {cookie, csrf, user}.
export async function signIn(port, ident) {
	advance(30); // a fresh TOTP step: codes are refused if reused
	const body = { email: ident.email, password: ident.password };
	if (ident.secret) body.code = totp(ident.secret);
	let r = await request(port, 'POST', '/api/v1/auth/login', { body, session: null });
	assert.equal(r.status, 200, `sign-in as ${ident.email}: ${r.status} ${r.text}`);
	const cookie = /^([^;]+)/.exec(r.headers['set-cookie'][0])[1];
	const session = { cookie, csrf: r.json.csrf_token, user: r.json.user };
	if (r.json.must_change_password) {
		const next = `pw-${crypto.randomBytes(12).toString('base64url')}`;
		r = await request(port, 'POST', '/api/v1/auth/password',
			{ body: { current: ident.password, new: next }, session });
		assert.equal(r.status, 200, `password change: ${r.status} ${r.text}`);
		ident.password = next;
	}
	if (r.json?.must_enrol_mfa !== false && !ident.secret) {
		r = await request(port, 'POST', '/api/v1/auth/mfa/enrol', { body: {}, session });
		if (r.status === 200) {
			const secret = secretOf(r.json.otpauth_uri);
			r = await request(port, 'POST', '/api/v1/auth/mfa/confirm',
				{ body: { code: totp(secret) }, session });
			assert.equal(r.status, 200, `mfa confirm: ${r.status} ${r.text}`);
			ident.secret = secret;
			ident.recovery = r.json.recovery_codes;
		}
	}
	return session;
}

// init(t, {passphrase, keyfile = true, noPassphrase, args}) - a new practice.
// Key-file only by default (fast); with passphrase: CONFIDANT_PASSPHRASE
// (and a key file too unless keyfile === false).
export async function init(t, opts = {}) {
	const dir = tmpdir(t);
	const data = path.join(dir, 'p');
	const useKeyfile = opts.keyfile !== false;
	const keyfile = useKeyfile ? path.join(dir, 'key') : undefined;
	const args = ['init', '--data', data];
	if (useKeyfile) args.push('--keyfile', keyfile);
	if (useKeyfile && !opts.passphrase) args.push('--no-passphrase');
	if (opts.args) args.push(...opts.args);
	const env = opts.passphrase ? { CONFIDANT_PASSPHRASE: opts.passphrase } : {};
	const r = await run(args, { env });
	assert.equal(r.status, 0, `init failed: ${r.stderr}`);
	const m = /One-time password[^:]*: (\S+)/.exec(r.stdout);
	assert.ok(m, `init printed no one-time password:\n${r.stdout}`);
	const ca = fs.readFileSync(path.join(data, 'tls', 'cert.pem'), 'utf8');
	identities.set(ca, { email: 'owner@localhost', password: m[1], secret: null });
	return { dir, data, keyfile, passphrase: opts.passphrase, stdout: r.stdout, stderr: r.stderr,
		otp: m[1] };
}

// ---------------------------------------------------------------- serve

const caByPort = new Map();

// serve(data, {keyfile, env, dev = true, listen, args}) - start a server and
// wait for its "serving https://localhost:PORT/" line.
export function serve(data, opts = {}) {
	const signInOwner = opts.signIn ?? opts.dev ?? true;
	const args = ['serve', '--data', data, '--listen', opts.listen ?? '127.0.0.1:0'];
	if (opts.keyfile) args.push('--keyfile', opts.keyfile);
	if (opts.args) args.push(...opts.args);
	const ca = fs.readFileSync(path.join(data, 'tls', 'cert.pem'));
	const proc = spawn(BIN, args, { env: childEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
	children.add(proc);
	proc.stdin.end();
	let stderr = '';
	let stdout = '';
	let exited = null; // {code, signal} once the process ended
	const exitP = new Promise((resolve) => {
		proc.on('close', (code, signal) => {
			exited = { code, signal };
			children.delete(proc);
			resolve(exited);
		});
	});
	proc.stderr.setEncoding('utf8');
	proc.stdout.setEncoding('utf8');
	proc.stderr.on('data', (d) => { stderr += d; });

	return new Promise((resolve, reject) => {
		let done = false;
		const timer = setTimeout(() => {
			if (done) return;
			done = true;
			proc.kill('SIGKILL');
			reject(new Error(`serve: no "serving" line within ${SERVE_TIMEOUT_MS} ms\nstderr:\n${stderr}`));
		}, SERVE_TIMEOUT_MS);
		proc.stdout.on('data', (d) => {
			stdout += d;
			if (done) return;
			// complete lines only; the first that matches
			const complete = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
			let m = null;
			for (const l of complete.split('\n')) {
				m = /serving https:\/\/localhost:(\d+)\//.exec(l);
				if (m) break;
			}
			if (!m) return;
			done = true;
			clearTimeout(timer);
			const port = Number(m[1]);
			caByPort.set(port, ca);
			const srv = {
				port,
				data,
				proc,
				ca,
				stderr: () => stderr,
				stdout: () => stdout,
				exited: () => exited,
				session: null, // the owner's, once signed in
				request: (method, p, o) => request(port, method, p,
					{ ...(o ?? {}), session: o && 'session' in o ? o.session : srv.session }),
				// stop - SIGTERM, await exit, assert a clean exit (0).
				async stop() {
					if (!exited) proc.kill('SIGTERM');
					const guard = setTimeout(() => proc.kill('SIGKILL'), SERVE_TIMEOUT_MS);
					const r = await exitP;
					clearTimeout(guard);
					caByPort.delete(port);
					assert.equal(r.signal, null, `server died by signal ${r.signal}\nstderr:\n${stderr}`);
					assert.equal(r.code, 0, `server exited ${r.code}\nstderr:\n${stderr}`);
					return r;
				},
			};
			if (!signInOwner) {
				resolve(srv);
				return;
			}
			const ident = identities.get(ca.toString('utf8'));
			if (!ident) {
				reject(new Error('serve: no owner known for this practice (made by init()?)'));
				return;
			}
			signIn(port, ident).then((sess) => {
				srv.session = sess;
				resolve(srv);
			}, reject);
		});
		exitP.then((r) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			reject(new Error(`serve exited (code ${r.code}, signal ${r.signal}) before serving\nstderr:\n${stderr}`));
		});
		proc.on('error', (e) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			reject(e);
		});
	});
}

// serveOutcome(data, opts) - start a server expected to refuse: resolves
// {status, stderr, stdout} once it exits, or the server if it served
// (caller asserts). Never hangs: SERVE_TIMEOUT_MS guard.
export function serveOutcome(data, opts = {}) {
	const args = ['serve', '--data', data, '--listen', opts.listen ?? '127.0.0.1:0'];
	if (opts.args) args.push(...opts.args);
	if (opts.keyfile) args.push('--keyfile', opts.keyfile);
	return new Promise((resolve, reject) => {
		const proc = spawn(BIN, args, { env: childEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
		children.add(proc);
		proc.stdin.end();
		let stdout = '';
		let stderr = '';
		let served = false;
		proc.stdout.setEncoding('utf8');
		proc.stderr.setEncoding('utf8');
		proc.stdout.on('data', (d) => {
			stdout += d;
			if (!served && /serving https:/.test(stdout)) {
				served = true; // it should not have: stop it, report
				proc.kill('SIGTERM');
			}
		});
		proc.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => {
			proc.kill('SIGKILL');
			reject(new Error(`serve did not exit within ${SERVE_TIMEOUT_MS} ms\n${stderr}`));
		}, SERVE_TIMEOUT_MS);
		proc.on('close', (status, signal) => {
			clearTimeout(timer);
			children.delete(proc);
			resolve({ status, signal, stdout, stderr, served });
		});
	});
}

// ---------------------------------------------------------------- requests

// request(port, method, path, {body, headers, raw, ca, chunked}) - one HTTPS request
// to 127.0.0.1 with SNI/verification name "localhost" against the
// practice's own certificate. body: an object (sent as JSON) or a string /
// Buffer sent as is (raw). Resolves {status, headers, text, json, bytes}.
// Rejects only if no response arrived (connection refused / reset first).
export function request(port, method, p, opts = {}) {
	const ca = opts.ca ?? caByPort.get(port);
	assert.ok(ca, `no CA known for port ${port}`);
	let payload;
	const headers = { ...(opts.headers ?? {}) };
	if (opts.session) {
		headers.cookie = opts.session.cookie;
		if (method !== 'GET' && method !== 'HEAD' && !('x-csrf-token' in headers))
			headers['x-csrf-token'] = opts.session.csrf;
	}
	if (opts.raw !== undefined) {
		payload = Buffer.isBuffer(opts.raw) ? opts.raw : Buffer.from(opts.raw);
	} else if (opts.body !== undefined) {
		payload = Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
	}
	if (payload !== undefined) {
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
			headers['content-type'] = 'application/json';
		if (opts.chunked) headers['transfer-encoding'] = 'chunked';
		else headers['content-length'] = String(payload.length);
	}
	return new Promise((resolve, reject) => {
		let settled = false;
		const finish = (fn, v) => {
			if (settled) return;
			settled = true;
			fn(v);
		};
		const req = https.request({
			host: '127.0.0.1',
			port,
			method,
			path: p,
			servername: 'localhost',
			ca,
			agent: new https.Agent({ keepAlive: false, ca, servername: 'localhost' }),
			headers,
			timeout: 20_000,
		}, (res) => {
			const chunks = [];
			const done = () => {
				const body = Buffer.concat(chunks);
				const text = body.toString('utf8');
				let json;
				try { json = JSON.parse(text); } catch { json = undefined; }
				finish(resolve, { status: res.statusCode, headers: res.headers, text, json, body });
			};
			res.on('data', (c) => chunks.push(c));
			res.on('end', done);
			res.on('aborted', done);
			res.on('error', done);
			res.on('close', done);
		});
		req.on('timeout', () => req.destroy(new Error(`request ${method} ${p} timed out`)));
		req.on('error', (e) => finish(reject, e));
		if (payload !== undefined && opts.chunked) {
			// several chunks, so the server sees a body of unknown length grow
			for (let i = 0; i < payload.length; i += 4096) req.write(payload.subarray(i, i + 4096), () => {});
		} else if (payload !== undefined) {
			req.write(payload, () => {});
		}
		req.end();
	});
}

// ---------------------------------------------------------------- API helpers

// create(srv, fields) - POST a client, assert 201, return it.
export async function createClient(srv, fields) {
	const r = await srv.request('POST', '/api/v1/clients', { body: fields });
	assert.equal(r.status, 201, `create: ${r.status} ${r.text}`);
	return r.json;
}

// listAll(srv, limit) - every client, following "next" cursors.
export async function listAll(srv, limit = 200) {
	const all = [];
	let after = null;
	for (let i = 0; i < 10_000; i++) {
		const q = after ? `?limit=${limit}&after=${after}` : `?limit=${limit}`;
		const r = await srv.request('GET', `/api/v1/clients${q}`);
		assert.equal(r.status, 200, `list: ${r.status} ${r.text}`);
		all.push(...r.json.clients);
		if (r.json.next === null) return all;
		after = r.json.next;
	}
	throw new Error('list never ended');
}

export async function countClients(srv) {
	return (await listAll(srv)).length;
}

// ---------------------------------------------------------------- misc

export function rnd(n = 20) {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
	const b = crypto.randomBytes(n);
	let s = '';
	for (let i = 0; i < n; i++) s += alphabet[b[i] % alphabet.length];
	return s;
}

// keyfileNew(dir) - a valid, unrelated key file (64 hex digits, 0600).
export function keyfileNew(dir, name = 'other.key') {
	const f = path.join(dir, name);
	fs.writeFileSync(f, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
	return f;
}

// walk(root) - every regular file under root (or root itself if a file).
export function walk(root) {
	const out = [];
	const st = fs.lstatSync(root);
	if (st.isFile()) return [root];
	if (!st.isDirectory()) return out;
	for (const e of fs.readdirSync(root, { withFileTypes: true })) {
		const p = path.join(root, e.name);
		if (e.isDirectory()) out.push(...walk(p));
		else if (e.isFile()) out.push(p);
	}
	return out;
}

// snapshot(dir) - a map of relative path -> sha256 of every file, plus the
// directory list, to show a directory was left unchanged.
export function snapshot(dir) {
	const m = {};
	if (!fs.existsSync(dir)) return null;
	for (const f of walk(dir)) {
		m[path.relative(dir, f)] = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
	}
	return m;
}

// sqlite(db, sql) - run the sqlite3 CLI; returns stdout (trimmed).
export function sqlite(db, sql) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', ['-batch', db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '';
		let err = '';
		p.stdout.on('data', (d) => { out += d; });
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => {
			if (code !== 0) reject(new Error(`sqlite3 failed (${code}): ${err}\nSQL: ${sql}`));
			else resolve(out.trim());
		});
		p.stdin.end(sql + '\n');
	});
}

// execTool(cmd, args, input) - run any tool; {status, stdout, stderr}.
export function execTool(cmd, args, { input = '', timeout = 20_000 } = {}) {
	return new Promise((resolve, reject) => {
		const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
		let stdout = Buffer.alloc(0);
		let stderr = '';
		p.stdout.on('data', (d) => { stdout = Buffer.concat([stdout, d]); });
		p.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => p.kill('SIGKILL'), timeout);
		p.on('error', (e) => { clearTimeout(timer); reject(e); });
		p.on('close', (status, signal) => {
			clearTimeout(timer);
			resolve({ status, signal, stdout: stdout.toString('latin1'), stdoutBuf: stdout, stderr });
		});
		p.stdin.on('error', () => {});
		p.stdin.end(input);
	});
}

// flipByte(file, offset) - XOR one byte of a file in place.
export function flipByte(file, offset, mask = 0x01) {
	const fd = fs.openSync(file, 'r+');
	try {
		const b = Buffer.alloc(1);
		assert.equal(fs.readSync(fd, b, 0, 1, offset), 1, `no byte at ${offset} in ${file}`);
		b[0] ^= mask;
		fs.writeSync(fd, b, 0, 1, offset);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

// writeBytes(file, offset, buf) - overwrite bytes in place.
export function writeBytes(file, offset, buf) {
	const fd = fs.openSync(file, 'r+');
	try {
		fs.writeSync(fd, buf, 0, buf.length, offset);
		fs.fsyncSync(fd);
	} finally {
		fs.closeSync(fd);
	}
}

// assertOneLine(text, what) - a failure message is one line.
export function assertOneLine(text, what) {
	const ls = lines(text);
	assert.equal(ls.length, 1, `${what}: expected one line on stderr, got ${ls.length}:\n${text}`);
	return ls[0];
}

// ---------------------------------------------------------------- identity helpers

// reauth(srv) - confirm the owner's password and code (for user management).
export async function reauth(srv) {
	const ident = ownerOf(srv.data);
	advance(30);
	const r = await srv.request('POST', '/api/v1/auth/reauth',
		{ body: { password: ident.password, code: totp(ident.secret) } });
	assert.equal(r.status, 200, `reauth: ${r.status} ${r.text}`);
}

// addUser(srv, role, name) - the owner creates a user; returns the identity
// {email, password (one-time), secret: null, id, role}.
export async function addUser(srv, role, name = `${role} ${rnd(6)}`) {
	await reauth(srv);
	const email = `${role}.${rnd(8).toLowerCase()}@example.org`;
	const r = await srv.request('POST', '/api/v1/users', { body: { email, name, role } });
	assert.equal(r.status, 201, `add ${role}: ${r.status} ${r.text}`);
	return { email, password: r.json.one_time_password, secret: null, id: r.json.id, role };
}

// as(srv, session) - a request function acting with another session.
export function as(srv, session) {
	return (method, p, o = {}) => request(srv.port, method, p, { ...o, session });
}
