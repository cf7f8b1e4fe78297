// attachments.test.mjs - files in a client's chart, tried as a clinician
// would: upload a PDF, a PNG and a text file and get the same bytes back;
// types are checked by content (an EXE named .pdf, PNG declared for a PDF,
// binary declared as text are refused 415); an oversized or empty upload
// stores nothing; a 20 MiB download streams without the server's memory
// growing by the file's size; a changed, swapped or dropped chunk gives an
// integrity error and no data; who may: the treating team and the client's
// own portal account read, only the team uploads, everyone else is
// refused and audited.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, serve, signIn, sqlite } from './harness.mjs';

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

let practice, srv, db, a, b, sup, biller, sched, auditor, A, B, SUP, BI, SC, AU, P, client, other;

before(async () => {
	practice = await init(null);
	// no ASan quarantine: freed chunks must really be reusable for the
	// memory measurement below to mean anything
	const asan = [process.env.ASAN_OPTIONS, 'quarantine_size_mb=0'].filter(Boolean).join(':');
	srv = await serve(practice.data, { keyfile: practice.keyfile, env: { ASAN_OPTIONS: asan } });
	db = path.join(practice.data, 'confidant.db');
	a = await addUser(srv, 'clinician', 'Ana Treating');
	b = await addUser(srv, 'clinician', 'Ben Outside');
	sup = await addUser(srv, 'supervisor', 'Sue Supervisor');
	biller = await addUser(srv, 'biller');
	sched = await addUser(srv, 'scheduler');
	auditor = await addUser(srv, 'auditor');
	const link = await srv.request('POST', `/api/v1/users/${sup.id}/supervisees`, { body: { user_id: a.id } });
	assert.equal(link.status, 200, link.text);
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	SUP = as(srv, await signIn(srv.port, sup));
	BI = as(srv, await signIn(srv.port, biller));
	SC = as(srv, await signIn(srv.port, sched));
	AU = as(srv, await signIn(srv.port, auditor));
	const c = await A('POST', '/api/v1/clients', { body: { legal_name: 'Attached Client' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	const o = await A('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } });
	other = o.json;
	await reauth(srv);
	const portal = await srv.request('POST', '/api/v1/users', {
		body: { email: 'portal.attached@example.org', name: 'Attached Client', role: 'client', client_id: client.id },
	});
	assert.equal(portal.status, 201, portal.text);
	P = as(srv, await signIn(srv.port, { email: portal.json.email, password: portal.json.one_time_password, secret: null }));
});
after(async () => { await srv?.stop(); });

const pdf = (n) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), crypto.randomBytes(n), Buffer.from('\n%%EOF\n')]);
const pdfOf = (total) => pdf(total - 22); // a PDF of exactly total bytes
const png = (n) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(n)]);
const exe = () => Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), crypto.randomBytes(4000)]);

// upload(S, clientId, body, {type, name, desc, chunked}) - POST a file.
function upload(S, clientId, body, o = {}) {
	const headers = { 'content-type': o.type ?? 'application/pdf' };
	if (o.name !== null) headers['confidant-filename'] = encodeURIComponent(o.name ?? 'file.pdf');
	if (o.desc !== undefined) headers['confidant-description'] = encodeURIComponent(o.desc);
	return S('POST', `/api/v1/clients/${clientId ?? client.id}/attachments`, { raw: body, headers, chunked: o.chunked });
}

// download(session, id, onData) - GET the content as bytes. Resolves
// {status, headers, body, complete} (complete: as many bytes as announced).
function download(sessionOf, id, onData) {
	return new Promise((resolve, reject) => {
		const req = https.request({
			host: '127.0.0.1', port: srv.port, method: 'GET', path: `/api/v1/attachments/${id}/content`,
			servername: 'localhost', ca: srv.ca, agent: new https.Agent({ keepAlive: false, ca: srv.ca, servername: 'localhost' }),
			headers: { cookie: sessionOf.cookie },
		}, (res) => {
			const chunks = [];
			let n = 0;
			let settled = false;
			const done = () => {
				if (settled) return;
				settled = true;
				const body = Buffer.concat(chunks);
				const want = Number(res.headers['content-length'] ?? body.length);
				resolve({ status: res.statusCode, headers: res.headers, body, complete: body.length === want, text: body.toString('utf8') });
			};
			res.on('data', (c) => { chunks.push(c); n += c.length; if (onData) onData(n); });
			res.on('end', done);
			res.on('aborted', done);
			res.on('error', done);
			res.on('close', done);
		});
		req.on('error', reject);
		req.end();
	});
}

async function rows() {
	const out = await sqlite(db, 'SELECT count(*) FROM attachments; SELECT count(*) FROM attachment_chunks;');
	const [files, chunks] = out.split('\n').map(Number);
	return { files, chunks };
}

async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

// announced(session, n) - a POST that announces n bytes and sends none:
// the refusal must come from the headers alone.
function announced(session, n) {
	return new Promise((resolve, reject) => {
		const req = https.request({
			host: '127.0.0.1', port: srv.port, method: 'POST', path: `/api/v1/clients/${client.id}/attachments`,
			servername: 'localhost', ca: srv.ca, agent: new https.Agent({ keepAlive: false, ca: srv.ca, servername: 'localhost' }),
			headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/pdf',
				'confidant-filename': 'big.pdf', 'content-length': String(n) },
		}, (res) => {
			let text = '';
			res.on('data', (c) => { text += c; });
			res.on('end', () => { resolve({ status: res.statusCode, text }); req.destroy(); });
		});
		req.on('error', reject);
		req.flushHeaders();
	});
}

// The request helper keeps sessions private; sign the same users in again
// for the raw download helper.
async function sessionFor(ident) { return signIn(srv.port, ident); }

describe('uploading and downloading', () => {
	const stored = {};

	test('a PDF, a PNG and a text file come back byte for byte, with safe headers', async () => {
		const text = Buffer.from('Séance notes ✓ — première ligne\n'.repeat(5000), 'utf8'); // ~170 KiB, multi-byte characters across chunks
		const files = {
			pdf: { body: pdf(200 * 1024), type: 'application/pdf', name: 'Lettre "médicale" été.pdf', desc: 'Referral letter' },
			png: { body: png(3000), type: 'image/png', name: 'scan.png' },
			txt: { body: text, type: 'text/plain; charset=utf-8', name: 'notes.txt' },
			full: { body: pdfOf(CHUNK), type: 'application/pdf', name: 'exact-chunk.pdf' },
			two: { body: pdfOf(2 * CHUNK), type: 'application/pdf', name: 'two-chunks' },
		};
		assert.equal(files.full.body.length, CHUNK);
		assert.equal(files.two.body.length, 2 * CHUNK);
		const asA = await sessionFor(a);
		for (const [k, f] of Object.entries(files)) {
			const r = await upload(A, null, f.body, { type: f.type, name: f.name, desc: f.desc });
			assert.equal(r.status, 201, `${k}: ${r.text}`);
			assert.equal(r.json.filename, f.name);
			assert.equal(r.json.size, f.body.length);
			assert.equal(r.json.client, client.id);
			assert.equal(r.json.description, f.desc ?? null);
			assert.equal(r.headers.location, `/api/v1/attachments/${r.json.id}`);
			stored[k] = { ...f, id: r.json.id };
			const d = await download(asA, r.json.id);
			assert.equal(d.status, 200, d.text);
			assert.ok(d.body.equals(f.body), `${k}: the download differs from the upload`);
			assert.equal(d.headers['x-content-type-options'], 'nosniff');
			assert.match(d.headers['content-disposition'], /^attachment; /);
			const csp = [].concat(d.headers['content-security-policy']).join(', ');
			assert.match(csp, /sandbox/, 'a download is sandboxed');
			assert.equal(d.headers['cache-control'], 'no-store');
		}
		const d = await download(asA, stored.pdf.id);
		assert.equal(d.headers['content-type'], 'application/pdf');
		const disp = d.headers['content-disposition'];
		assert.ok(!/[\r\n]/.test(disp));
		assert.match(disp, /filename="Lettre _m_dicale_ _t_\.pdf"/, disp);
		const star = /filename\*=UTF-8''([^;]+)/.exec(disp);
		assert.equal(decodeURIComponent(star[1]), stored.pdf.name);
		assert.equal((await download(asA, stored.png.id)).headers['content-type'], 'image/png');
		assert.equal((await download(asA, stored.txt.id)).headers['content-type'], 'text/plain; charset=utf-8');
		// the extension follows the content: a PDF named without one saves as .pdf
		assert.match((await download(asA, stored.two.id)).headers['content-disposition'], /filename="two-chunks\.pdf"/);

		const list = await A('GET', `/api/v1/clients/${client.id}/attachments`);
		assert.equal(list.status, 200, list.text);
		assert.deepEqual(list.json.attachments.map((x) => x.id), Object.values(stored).map((x) => x.id).reverse());
		const one = await A('GET', `/api/v1/attachments/${stored.txt.id}`);
		assert.equal(one.status, 200);
		assert.equal(one.json.content_type, 'text/plain; charset=utf-8');
		// every chunk is sealed: no plaintext PDF header on disk
		const raw = await sqlite(db, `SELECT hex(data) FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id WHERE a.public_id = '${stored.pdf.id}' AND c.idx = 0`);
		assert.ok(raw.length > 2 * CHUNK);
		assert.ok(!raw.includes(Buffer.from('%PDF-').toString('hex').toUpperCase()));
	});

	test('uploads and downloads are audited with ids, type and size only', async () => {
		const body = png(500);
		const r = await upload(A, null, body, { type: 'image/png', name: 'secret-name.png' });
		assert.equal(r.status, 201);
		const up = await eventsFor(r.headers['x-request-id']);
		assert.equal(up.length, 1);
		assert.equal(up[0].event, 'attachment.upload');
		assert.equal(up[0].object_id, r.json.id);
		assert.equal(up[0].detail, `type=png,size=${body.length}`);
		const d = await download(await sessionFor(a), r.json.id);
		const down = await eventsFor(d.headers['x-request-id']);
		assert.deepEqual(down.map((e) => [e.event, e.outcome, e.object_id, e.purpose]), [['attachment.download', 'ok', r.json.id, 'treatment']]);
		assert.ok(!JSON.stringify([...up, ...down]).includes('secret-name'));
	});

	test('a chunked upload (no Content-Length) works too', async () => {
		const body = pdf(150 * 1024);
		const r = await upload(A, null, body, { name: 'chunked.pdf', chunked: true });
		assert.equal(r.status, 201, r.text);
		const d = await download(await sessionFor(a), r.json.id);
		assert.ok(d.body.equals(body));
	});
});

describe('types are checked by content', () => {
	test('refusals are 415 with a clear message and store nothing', async () => {
		const before0 = await rows();
		const bad = [
			['an EXE renamed .pdf', exe(), { type: 'application/pdf', name: 'report.pdf' }],
			['PDF content declared image/png', pdf(1000), { type: 'image/png', name: 'x.png' }],
			['PNG content declared as PDF', png(1000), { type: 'application/pdf', name: 'x.pdf' }],
			['an EXE declared as text', exe(), { type: 'text/plain', name: 'x.txt' }],
			['text that is not UTF-8', Buffer.from('caf\xe9 au lait\n', 'latin1'), { type: 'text/plain', name: 'x.txt' }],
			['text with a NUL', Buffer.from('abc\x00def'), { type: 'text/plain', name: 'x.txt' }],
			// bad UTF-8 only in the third chunk: two chunks were stored, then removed
			['text gone bad after 130 KiB', Buffer.concat([Buffer.from('a'.repeat(130 * 1024)), Buffer.from([0xc3, 0x28]), Buffer.from('b'.repeat(70 * 1024))]), { type: 'text/plain', name: 'late.txt' }],
			['a type that is not accepted', Buffer.from('PK\x03\x04zip', 'latin1'), { type: 'application/zip', name: 'x.zip' }],
			['no type at all', pdf(100), { type: 'application/octet-stream', name: 'x.pdf' }],
			['text in another charset', Buffer.from('abc'), { type: 'text/plain; charset=iso-8859-1', name: 'x.txt' }],
		];
		for (const [what, body, o] of bad) {
			const r = await upload(A, null, body, o);
			assert.equal(r.status, 415, `${what}: ${r.status} ${r.text}`);
			assert.equal(r.json.error, 'unsupported_media_type', what);
			assert.ok(r.json.message.length > 20, what);
		}
		assert.deepEqual(await rows(), before0, 'a refused upload left rows behind');
		const ev = await srv.request('GET', '/api/v1/audit?event=attachment.upload&limit=50');
		assert.ok(ev.json.events.some((e) => e.outcome === 'unsupported_media_type'), 'refused uploads are audited');
	});

	test('bad names, empty files and oversized files are refused and store nothing', async () => {
		const before0 = await rows();
		let r = await upload(A, null, Buffer.alloc(0), { name: 'empty.pdf' });
		assert.equal(r.status, 400, r.text);
		assert.match(r.json.message, /empty/);
		r = await upload(A, null, pdf(10), { name: null });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /Confidant-Filename/);
		for (const name of ['', 'a/b.pdf', 'x\ny.pdf', 'é'.repeat(200)]) {
			r = await upload(A, null, pdf(10), { name });
			assert.equal(r.status, 400, `name ${JSON.stringify(name)}: ${r.text}`);
		}
		r = await upload(A, null, pdf(10), { name: 'ok.pdf', desc: 'x'.repeat(1001) });
		assert.equal(r.status, 400);
		// declared too large: refused before a byte is read
		const big = Buffer.alloc(25 * MIB + 1, 0x20);
		big.write('%PDF-1.7\n');
		r = await announced(await sessionFor(a), 25 * MIB + 1);
		assert.equal(r.status, 413, r.text);
		// too large with no length announced: refused once it grows past the limit
		r = await upload(A, null, big, { name: 'big.pdf', chunked: true });
		assert.equal(r.status, 413, r.text);
		assert.deepEqual(await rows(), before0, 'a refused upload left rows behind');
		// exactly the limit is fine
		r = await upload(A, null, big.subarray(0, 25 * MIB), { name: 'limit.pdf' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.size, 25 * MIB);
	});
});

describe('downloads stream', () => {
	test('a 20 MiB file downloads intact and the server does not grow by its size', async (t) => {
		const body = pdfOf(20 * MIB);
		const r = await upload(A, null, body, { name: 'big-scan.pdf' });
		assert.equal(r.status, 201, r.text);
		const status = () => fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8');
		const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status())[1]);
		const asA = await sessionFor(a);
		await download(asA, r.json.id); // warm up: the pool's connections, caches
		const rss0 = kb('VmRSS');
		let peak = rss0;
		let next = 0;
		const d = await download(asA, r.json.id, (n) => {
			if (n >= next) { peak = Math.max(peak, kb('VmRSS')); next = n + MIB; }
		});
		peak = Math.max(peak, kb('VmRSS'));
		assert.equal(d.status, 200);
		assert.ok(d.complete);
		assert.ok(crypto.createHash('sha256').update(d.body).digest().equals(crypto.createHash('sha256').update(body).digest()), 'the 20 MiB download differs');
		const grew = (peak - rss0) / 1024;
		t.diagnostic(`server RSS ${(rss0 / 1024).toFixed(1)} MiB before, peak +${grew.toFixed(1)} MiB while streaming 20 MiB`);
		assert.ok(grew < 8, `the server grew by ${grew.toFixed(1)} MiB while sending a 20 MiB file`);
	});
});

describe('integrity', () => {
	// tamper(sql) - change stored chunks as someone with the file could (the
	// schema's triggers would refuse; an attacker drops them).
	async function tamper(sql) {
		await sqlite(db, `DROP TRIGGER IF EXISTS attachment_chunks_no_update; DROP TRIGGER IF EXISTS attachment_chunks_no_delete; ${sql}`);
	}
	const idOf = (pid) => `(SELECT id FROM attachments WHERE public_id = '${pid}')`;

	test('a flipped byte, swapped chunks or a dropped last chunk give an integrity error, not data', async () => {
		const asA = await sessionFor(a);
		const files = [];
		for (let i = 0; i < 3; i++) {
			const r = await upload(A, null, pdf(3 * CHUNK), { name: `t${i}.pdf` });
			assert.equal(r.status, 201);
			files.push(r.json.id);
			assert.equal((await download(asA, r.json.id)).status, 200);
		}
		const hex = await sqlite(db, `SELECT hex(data) FROM attachment_chunks WHERE attachment_id = ${idOf(files[0])} AND idx = 2`);
		const flipped = hex.slice(0, 200) + (hex[200] === '0' ? '1' : '0') + hex.slice(201);
		await tamper(`UPDATE attachment_chunks SET data = X'${flipped}' WHERE attachment_id = ${idOf(files[0])} AND idx = 2;`);
		await tamper(`UPDATE attachment_chunks SET idx = idx + 100 WHERE attachment_id = ${idOf(files[1])} AND idx IN (0, 1);
			UPDATE attachment_chunks SET idx = 1 WHERE attachment_id = ${idOf(files[1])} AND idx = 100;
			UPDATE attachment_chunks SET idx = 0 WHERE attachment_id = ${idOf(files[1])} AND idx = 101;`);
		await tamper(`DELETE FROM attachment_chunks WHERE attachment_id = ${idOf(files[2])} AND idx = 3;
			DROP TRIGGER IF EXISTS attachments_frozen; UPDATE attachments SET chunks = 3, size = ${3 * CHUNK} WHERE id = ${idOf(files[2])};`);
		for (const id of files) {
			const d = await download(asA, id);
			assert.equal(d.status, 500, `tampered file ${id}: ${d.status}`);
			assert.equal(JSON.parse(d.text).error, 'integrity');
			assert.ok(!d.text.includes('%PDF'), 'data was released');
			const ev = await eventsFor(d.headers['x-request-id']);
			assert.deepEqual(ev.map((e) => [e.event, e.outcome]), [['attachment.download', 'integrity']]);
		}
	});
});

describe('who may', () => {
	let file;
	before(async () => {
		const r = await upload(A, null, png(100), { type: 'image/png', name: 'who.png' });
		assert.equal(r.status, 201);
		file = r.json.id;
	});

	test('the treating team uploads, lists and downloads; the supervisor too', async () => {
		assert.equal((await A('GET', `/api/v1/clients/${client.id}/attachments`)).status, 200);
		assert.equal((await SUP('GET', `/api/v1/attachments/${file}`)).status, 200);
		assert.equal((await download(await sessionFor(sup), file)).status, 200);
		const r = await upload(SUP, null, png(10), { type: 'image/png', name: 'by-supervisor.png' });
		assert.equal(r.status, 201, r.text);
	});

	test('a clinician outside the team gets 404 everywhere, audited', async () => {
		const calls = [
			await B('GET', `/api/v1/clients/${client.id}/attachments`),
			await B('GET', `/api/v1/attachments/${file}`),
			await download(await sessionFor(b), file),
			await upload(B, null, png(10), { type: 'image/png', name: 'x.png' }),
		];
		for (const r of calls) {
			assert.equal(r.status, 404, r.text);
			const ev = await eventsFor(r.headers['x-request-id']);
			assert.ok(ev.some((e) => e.outcome === 'denied' && e.event.startsWith('attachment.')), `refusal not audited: ${JSON.stringify(ev)}`);
		}
	});

	test('billing, the front desk, the privacy officer and the owner are refused by role, audited', async () => {
		for (const [S, role] of [[BI, 'biller'], [SC, 'scheduler'], [AU, 'auditor'], [srv.request, 'owner']]) {
			const calls = [
				await S('GET', `/api/v1/clients/${client.id}/attachments`),
				await S('GET', `/api/v1/attachments/${file}`),
				await S('GET', `/api/v1/attachments/${file}/content`),
				await upload(S, null, png(10), { type: 'image/png', name: 'x.png' }),
			];
			for (const r of calls) {
				assert.equal(r.status, 403, `${role}: ${r.status} ${r.text}`);
				const ev = await eventsFor(r.headers['x-request-id']);
				assert.ok(ev.some((e) => e.outcome === 'denied'), `${role}: refusal not audited`);
			}
		}
	});

	test('the client reads their own files (purpose access), cannot upload, and sees no one else\'s', async () => {
		const list = await P('GET', `/api/v1/clients/${client.id}/attachments`);
		assert.equal(list.status, 200, list.text);
		assert.ok(list.json.attachments.some((x) => x.id === file));
		const g = await P('GET', `/api/v1/attachments/${file}/content`);
		assert.equal(g.status, 200);
		const ev = await eventsFor(g.headers['x-request-id']);
		assert.deepEqual(ev.map((e) => [e.event, e.purpose]), [['attachment.download', 'access']]);
		assert.equal((await upload(P, null, png(10), { type: 'image/png', name: 'x.png' })).status, 403);
		const o = await upload(A, other.id, png(10), { type: 'image/png', name: 'other.png' });
		assert.equal(o.status, 201);
		assert.equal((await P('GET', `/api/v1/clients/${other.id}/attachments`)).status, 404);
		assert.equal((await P('GET', `/api/v1/attachments/${o.json.id}`)).status, 404);
		assert.equal((await P('GET', `/api/v1/attachments/${o.json.id}/content`)).status, 404);
	});

	test('unknown and malformed ids are 404', async () => {
		assert.equal((await A('GET', `/api/v1/attachments/${'0'.repeat(32)}`)).status, 404);
		assert.equal((await A('GET', '/api/v1/attachments/nothex/content')).status, 404);
		assert.equal((await upload(A, '0'.repeat(32), png(10), { type: 'image/png', name: 'x.png' })).status, 404);
	});
});
