// same_json.mjs - do two server binaries answer the hot reads with the same
// JSON, byte for byte? (Used when the answers moved from jansson trees to
// the streaming writer, core/jw.c.) Not part of `make bench` or the tests.
//
//   node bench/same_json.mjs BIN_A BIN_B
//
// Makes one practice with A (init, demo --size small, then clients, notes
// and appointments whose text holds quotes, backslashes, control
// characters, accents and emoji), then serves a fresh copy of it with each
// binary in turn and fetches: client list pages (every page), a search, the
// chart of every client on the first page and of the odd ones (as the
// owner and as a clinician on their care team), the notes list of the odd
// client, week, day and month views of every clinician, and appointments. Prints the first differing
// answer and exits 1, or prints how many answers (and bytes) were equal.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [A, B] = process.argv.slice(2);
if (!A || !B) {
	process.stderr.write('usage: node bench/same_json.mjs BIN_A BIN_B\n');
	process.exit(2);
}
// One harness (one clock, one set of identities); the binary behind its
// path is swapped between runs.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confidant-same-'));
const bin = path.join(dir, 'confidant');
const use = (b) => fs.copyFileSync(b, bin);
use(A);
process.env.CONFIDANT_BIN = bin;
const H = await import('../tests/api/harness.mjs');

const odd = {
	legal_name: 'Zoë "Q" O\'Brien \\ 日本 😀',
	preferred_name: 'Zo\u00e9 \u00a0\u2028 \u{1F600}',
	pronouns: 'they/them 🏳️‍🌈',
	address: '1 Rue de l\'Église\nApt "4" \\ back\n75001 Paris',
	email: 'zoe@example.org',
	phone: '+33 1 23 45 67 89',
	date_of_birth: '1990-02-28',
};

const p = await H.init(null);
const d = await H.run(['demo', '--data', p.data, '--keyfile', p.keyfile, '--size', 'small'], { timeout: 600_000 });
if (d.status !== 0) throw new Error(`demo: ${d.stderr}`);
let srv = await H.serve(p.data, { keyfile: p.keyfile });
const owner = H.ownerOf(p.data);
const clin = await H.addUser(srv, 'clinician', 'Clín "Ä" 😀');
let cs = await H.signIn(srv.port, clin);
let C = H.as(srv, cs);
const made = [];
for (let i = 0; i < 3; i++) {
	const r = await C('POST', '/api/v1/clients', { body: { ...odd, legal_name: `${odd.legal_name} ${i}` } });
	if (r.status !== 201) throw new Error(`client: ${r.status} ${r.text}`);
	made.push(r.json.id);
}
for (let i = 0; i < 55; i++) {
	const r = await C('POST', `/api/v1/clients/${made[0]}/notes`, {
		body: { template: 'soap', date: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`, fields: { subjective: `Said "no"\n\\ ${odd.legal_name}`, plan: 'é\u0002' } } });
	if (r.status !== 201) throw new Error(`note: ${r.status} ${r.text}`);
	if (i % 2 === 0) {
		const s = await C('POST', `/api/v1/notes/${r.json.id}/sign`, { body: {} });
		if (s.status !== 200) throw new Error(`sign: ${s.status} ${s.text}`);
	}
}
const day = new Date(H.now() * 1000).toISOString().slice(0, 10);
const appts = [];
for (let i = 0; i < 3; i++) {
	const r = await C('POST', '/api/v1/appointments', {
		body: { clinician: clin.id, clients: [made[i]], start: `${day}T1${i}:00`, minutes: 50, tz: 'UTC', override: true } });
	if (r.status !== 201) throw new Error(`appointment: ${r.status} ${r.text}`);
	appts.push(r.json.appointment.id);
}
await srv.stop();

// The same reads against a fresh copy, with binary b.
async function answers(b) {
	use(b);
	const copy = fs.mkdtempSync(path.join(dir, 'run-'));
	execFileSync('cp', ['-a', p.data, path.join(copy, 'p')]);
	srv = await H.serve(path.join(copy, 'p'), { keyfile: p.keyfile, signIn: false });
	const out = [];
	try {
		const os_ = await H.signIn(srv.port, owner);
		cs = await H.signIn(srv.port, clin);
		const O = H.as(srv, os_);
		C = H.as(srv, cs);
		const get = async (who, name, method, url, body) => {
			const r = await who(method, url, body ? { body } : {});
			out.push({ name, status: r.status, text: r.text });
			return r;
		};
		let after = '';
		const ids = [];
		for (let page = 0; page < 100; page++) {
			const r = await get(O, `list ${page}`, 'GET', `/api/v1/clients?limit=50${after}`);
			if (page === 0) ids.push(...r.json.clients.map((c) => c.id));
			if (!r.json.next) break;
			after = `&after=${r.json.next}`;
		}
		await get(O, 'list 7', 'GET', '/api/v1/clients?limit=7');
		await get(O, 'search', 'POST', '/api/v1/clients/search', { query: 'Zoë', limit: 20 });
		await get(C, 'search clin', 'POST', '/api/v1/clients/search', { query: 'Zo', limit: 20 });
		for (const id of [...ids, ...made]) await get(O, `chart ${id}`, 'GET', `/api/v1/clients/${id}`);
		for (const id of made) await get(C, `chart clin ${id}`, 'GET', `/api/v1/clients/${id}`);
		const notes = await get(C, 'notes', 'GET', `/api/v1/clients/${made[0]}/notes`);
		await get(C, 'notes 2', 'GET', `/api/v1/clients/${made[0]}/notes?before=${notes.json.next}`);
		await get(C, 'notes none', 'GET', `/api/v1/clients/${made[1]}/notes`);
		await get(C, 'list clin', 'GET', '/api/v1/clients');
		const users = await O('GET', '/api/v1/users');
		for (const u of users.json.users.filter((x) => x.role === 'clinician'))
			for (const v of ['week', 'day', 'month'])
				await get(O, `${v} ${u.id}`, 'GET', `/api/v1/schedule?view=${v}&date=${day}&tz=UTC&clinician=${u.id}`);
		await get(O, 'week NY', 'GET', `/api/v1/schedule?view=week&date=${day}&tz=America/New_York&clinician=${clin.id}`);
		for (const id of appts) {
			await get(O, `appt ${id}`, 'GET', `/api/v1/appointments/${id}`);
			await get(C, `appt clin ${id}`, 'GET', `/api/v1/appointments/${id}?tz=Asia/Kolkata`);
		}
		await get(O, 'week all', 'GET', `/api/v1/schedule?view=week&date=${day}&tz=UTC`);
	} finally {
		await srv.stop();
	}
	return out;
}

const a = await answers(A);
const b = await answers(B);
let bytes = 0;
for (let i = 0; i < Math.max(a.length, b.length); i++) {
	if (a[i]?.name !== b[i]?.name || a[i]?.status !== b[i]?.status || a[i]?.text !== b[i]?.text) {
		console.log(`DIFFERENT: ${a[i]?.name} (${a[i]?.status} vs ${b[i]?.status})\nA: ${a[i]?.text?.slice(0, 2000)}\nB: ${b[i]?.text?.slice(0, 2000)}`);
		process.exit(1);
	}
	if (a[i].status !== 200) console.log(`note: ${a[i].name} answered ${a[i].status} both times`);
	bytes += a[i].text.length;
}
const has = (re) => a.filter((x) => re.test(x.text)).length;
console.log(`same: ${a.length} answers, ${bytes} bytes (${has(/"amendments":/)} with amendments, ` +
	`${has(/"appointments":\[\{/)} views with appointments, ${has(/\\u[dD][89abAB]/)} with surrogate pairs)`);
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
