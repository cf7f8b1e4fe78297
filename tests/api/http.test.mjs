// http.test.mjs - the HTTP layer as a client sees it: security headers on
// every response, the JSON error body, and refusals (400/404/405/413/415,
// oversized headers) that change nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { countClients, createClient, init, serve } from './harness.mjs';

const WEB_INDEX = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'index.html');

let practice;
let srv;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	await createClient(srv, { legal_name: 'Harriet Baseline' });
});

after(async () => {
	if (srv) await srv.stop();
	fs.rmSync(practice.dir, { recursive: true, force: true });
});

// assertSecurityHeaders - what every response carries.
function assertSecurityHeaders(r, what) {
	const csp = r.headers['content-security-policy'];
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.ok(csp.includes("default-src 'self'"), `${what}: CSP lacks default-src 'self': ${csp}`);
	assert.ok(csp.includes("frame-ancestors 'none'"), `${what}: CSP lacks frame-ancestors 'none': ${csp}`);
	assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
	assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
	assert.match(r.headers['strict-transport-security'] ?? '', /max-age=\d+/, `${what}: Strict-Transport-Security`);
}

function assertApiHeaders(r, what) {
	assertSecurityHeaders(r, what);
	assert.match(r.headers['cache-control'] ?? '', /no-store/, `${what}: Cache-Control no-store`);
}

// assertErrorBody - exactly {error, message, request_id}, id echoed in
// X-Request-Id, and nothing internal in it.
function assertErrorBody(r, status, code, what) {
	assert.equal(r.status, status, `${what}: status ${r.status} body ${r.text}`);
	assert.ok(r.json && typeof r.json === 'object', `${what}: body is not JSON: ${r.text}`);
	assert.deepEqual(Object.keys(r.json).sort(), ['error', 'message', 'request_id'], `${what}: keys of ${r.text}`);
	if (code) assert.equal(r.json.error, code, `${what}: error code`);
	assert.equal(typeof r.json.message, 'string');
	assert.ok(r.json.message.length > 0, `${what}: empty message`);
	assert.match(r.json.request_id, /^[0-9a-f]{16}$/, `${what}: request_id`);
	assert.equal(r.headers['x-request-id'], r.json.request_id, `${what}: X-Request-Id header`);
	assert.match(r.headers['content-type'] ?? '', /^application\/json/, `${what}: content-type`);
	assertNoInternals(r.text, what);
}

function assertNoInternals(text, what) {
	assert.doesNotMatch(text, /sqlite/i, `${what}: mentions sqlite: ${text}`);
	assert.ok(!text.includes('src/'), `${what}: mentions src/: ${text}`);
	assert.doesNotMatch(text, /(^|[\s"'])\/(tmp|work|home|usr|var|etc|root)\//, `${what}: file path: ${text}`);
	assert.ok(!text.includes(practice.data), `${what}: data dir path: ${text}`);
	assert.doesNotMatch(text, /\.[ch]:\d+|\bat 0x|0x[0-9a-f]{8,}|#\d+ 0x|Traceback|errno|strerror/i, `${what}: stack-ish: ${text}`);
}

// refused(req, status, code) - the request is refused with a JSON error,
// and the number of clients is the same afterwards.
async function refused(what, status, code, method, p, opts) {
	const before = await countClients(srv);
	const r = await srv.request(method, p, opts);
	assertErrorBody(r, status, code, what);
	assertApiHeaders(r, what);
	assert.equal(await countClients(srv), before, `${what}: changed the number of clients`);
	return r;
}

describe('headers on every response', () => {
	test('GET /api/v1/health -> 200 {"status":"ok"}', async () => {
		const r = await srv.request('GET', '/api/v1/health');
		assert.equal(r.status, 200);
		assert.deepEqual(r.json, { status: 'ok' });
		assertApiHeaders(r, 'health');
		assert.match(r.headers['x-request-id'] ?? '', /^[0-9a-f]{16}$/, 'health: X-Request-Id');
	});

	test('404 API path carries the headers and a JSON error', async () => {
		const r = await srv.request('GET', '/api/v1/nope');
		assertErrorBody(r, 404, 'not_found', '404');
		assertApiHeaders(r, '404');
	});

	test('405 carries the headers, an Allow header and a JSON error', async () => {
		const r = await srv.request('DELETE', '/api/v1/clients');
		assertErrorBody(r, 405, null, '405');
		assertApiHeaders(r, '405');
		assert.ok(r.headers.allow, '405 without Allow');
		assert.match(r.headers.allow, /GET/);
		assert.match(r.headers.allow, /POST/);
	});

	test('400 carries the headers', async () => {
		const r = await srv.request('POST', '/api/v1/clients', { raw: '{"legal_name":' });
		assertErrorBody(r, 400, 'invalid', '400');
		assertApiHeaders(r, '400');
	});

	test('static GET / carries the headers', async (t) => {
		if (!fs.existsSync(WEB_INDEX)) {
			t.skip('web/index.html is missing');
			return;
		}
		const r = await srv.request('GET', '/');
		assert.equal(r.status, 200, `GET / -> ${r.status}`);
		assert.match(r.headers['content-type'] ?? '', /^text\/html/);
		assert.equal(r.text, fs.readFileSync(WEB_INDEX, 'utf8'), 'GET / is not web/index.html');
		assertSecurityHeaders(r, 'GET /');
	});

	test('static text goes gzip-encoded only to a client that takes gzip, and decodes to the file', async () => {
		const file = fs.readFileSync(path.join(path.dirname(WEB_INDEX), 'app.js'));
		const gz = await srv.request('GET', '/app.js', { headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
		assert.equal(gz.status, 200);
		assert.equal(gz.headers['content-encoding'], 'gzip');
		assert.match(gz.headers.vary ?? '', /Accept-Encoding/i);
		assert.ok(gz.body.length < file.length / 2, `gzip copy is ${gz.body.length} of ${file.length} bytes`);
		assert.deepEqual(zlib.gunzipSync(gz.body), file, 'the gzip copy does not decode to web/app.js');
		assertSecurityHeaders(gz, 'gzip app.js');
		const again = await srv.request('GET', '/app.js', { headers: { 'accept-encoding': 'gzip' } });
		assert.deepEqual(zlib.gunzipSync(again.body), file, 'the cached gzip copy differs');
		for (const ae of [undefined, 'identity', 'gzip;q=0, br', 'gzip; q=0.000', '*;q=0', 'deflate']) {
			const r = await srv.request('GET', '/app.js', { headers: ae ? { 'accept-encoding': ae } : {} });
			assert.equal(r.status, 200, `accept-encoding ${ae}`);
			assert.equal(r.headers['content-encoding'], undefined, `accept-encoding ${ae} got ${r.headers['content-encoding']}`);
			assert.deepEqual(r.body, file, `accept-encoding ${ae}: not the file`);
		}
		const star = await srv.request('GET', '/app.js', { headers: { 'accept-encoding': '*' } });
		assert.equal(star.headers['content-encoding'], 'gzip', 'accept-encoding * takes gzip');
		// an image is not compressed again
		const png = await srv.request('GET', '/favicon.svg', { headers: { 'accept-encoding': 'gzip' } });
		assert.equal(png.status, 200);
		// API answers are never compressed (BREACH: secrets beside attacker-chosen text)
		const api = await srv.request('GET', '/api/v1/health', { headers: { 'accept-encoding': 'gzip' } });
		assert.equal(api.headers['content-encoding'], undefined, 'an API answer was compressed');
	});

	test('static files revalidate with their ETag: 304 and no body while unchanged', async () => {
		const plain = await srv.request('GET', '/app.css');
		const tag = plain.headers.etag;
		assert.match(tag ?? '', /^"[0-9a-f-]+"$/, `ETag ${tag}`);
		const same = await srv.request('GET', '/app.css', { headers: { 'if-none-match': tag } });
		assert.equal(same.status, 304);
		assert.equal(same.body.length, 0, '304 carried a body');
		assert.equal(same.headers.etag, tag);
		assertSecurityHeaders(same, '304');
		const gz = await srv.request('GET', '/app.css', { headers: { 'accept-encoding': 'gzip' } });
		assert.notEqual(gz.headers.etag, tag, 'the gzip copy must have its own ETag');
		const gz304 = await srv.request('GET', '/app.css', { headers: { 'accept-encoding': 'gzip', 'if-none-match': `W/${gz.headers.etag}` } });
		assert.equal(gz304.status, 304, 'a weak match revalidates too');
		const list = await srv.request('GET', '/app.css', { headers: { 'if-none-match': `"nope", ${tag}` } });
		assert.equal(list.status, 304, 'a tag in a list revalidates');
		const other = await srv.request('GET', '/app.css', { headers: { 'if-none-match': '"0-0-0"' } });
		assert.equal(other.status, 200);
		assert.deepEqual(other.body, fs.readFileSync(path.join(path.dirname(WEB_INDEX), 'app.css')));
	});

	test('unknown static path -> 404 with the headers, no internals', async () => {
		const r = await srv.request('GET', '/no-such-file-here.html');
		assert.equal(r.status, 404);
		assertSecurityHeaders(r, 'static 404');
		assertNoInternals(r.text, 'static 404');
	});

	test('path traversal outside web/ is not served', async () => {
		for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/..%2fMakefile', '/%2e%2e%2f%2e%2e%2fetc/passwd']) {
			const r = await srv.request('GET', p);
			assert.ok(r.status === 400 || r.status === 404, `${p} -> ${r.status}`);
			assert.ok(!r.text.includes('SANITIZE') && !r.text.includes('root:'), `${p} served a file outside web/`);
			assertSecurityHeaders(r, p);
		}
	});
});

describe('refusals change nothing', () => {
	test('malformed JSON -> 400 invalid', async () => {
		await refused('malformed', 400, 'invalid', 'POST', '/api/v1/clients', { raw: '{"legal_name": "A",' });
		await refused('not an object', 400, 'invalid', 'POST', '/api/v1/clients', { raw: '["legal_name"]' });
		await refused('empty body', 400, 'invalid', 'POST', '/api/v1/clients', { raw: '' , headers: { 'content-type': 'application/json' } });
	});

	test('unknown field -> 400', async () => {
		await refused('unknown field', 400, 'invalid', 'POST', '/api/v1/clients', { body: { legal_name: 'Una Known', favourite_colour: 'red' } });
	});

	test('JSON nested 100 deep -> 400', async () => {
		const deep = '['.repeat(100) + ']'.repeat(100);
		await refused('nested', 400, 'invalid', 'POST', '/api/v1/clients', { raw: `{"legal_name":"Deep Nest","address":${deep}}` });
	});

	test('duplicate keys -> 400', async () => {
		await refused('duplicate', 400, 'invalid', 'POST', '/api/v1/clients', { raw: '{"legal_name":"Dup One","legal_name":"Dup Two"}' });
	});

	test('wrong type (legal_name: 5) -> 400', async () => {
		await refused('wrong type', 400, 'invalid', 'POST', '/api/v1/clients', { body: { legal_name: 5 } });
		await refused('wrong type object', 400, 'invalid', 'POST', '/api/v1/clients', { body: { legal_name: { a: 1 } } });
	});

	test('invalid UTF-8 and \\u0000 -> 400', async () => {
		await refused('bad utf-8', 400, 'invalid', 'POST', '/api/v1/clients',
			{ raw: Buffer.concat([Buffer.from('{"legal_name":"A'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) });
		await refused('nul', 400, 'invalid', 'POST', '/api/v1/clients', { raw: '{"legal_name":"A\\u0000B"}' });
	});

	test('body over the route limit (20 KB to POST /api/v1/clients) -> 413', async () => {
		const big = { legal_name: 'Big Body', address: 'x'.repeat(20 * 1024) };
		await refused('too big', 413, 'too_big', 'POST', '/api/v1/clients', { body: big });
		// and the server still serves
		const h = await srv.request('GET', '/api/v1/health');
		assert.equal(h.status, 200);
	});

	test('chunked body over the route limit -> 413; a small chunked body is accepted', async () => {
		const big = { legal_name: 'Big Chunked', address: 'y'.repeat(20 * 1024) };
		await refused('chunked too big', 413, 'too_big', 'POST', '/api/v1/clients', { body: big, chunked: true });
		const h = await srv.request('GET', '/api/v1/health');
		assert.equal(h.status, 200);
		const ok = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Small Chunked' }, chunked: true });
		assert.equal(ok.status, 201, `small chunked body: ${ok.status} ${ok.text}`);
	});

	test('content-type text/plain -> 415', async () => {
		await refused('text/plain', 415, null, 'POST', '/api/v1/clients',
			{ raw: '{"legal_name":"Plain Text"}', headers: { 'content-type': 'text/plain' } });
	});

	test('unknown API route -> 404 JSON', async () => {
		await refused('nope', 404, 'not_found', 'GET', '/api/v1/nope');
		await refused('nope POST', 404, 'not_found', 'POST', '/api/v1/nope', { body: { legal_name: 'Nope' } });
	});

	test('DELETE /api/v1/clients -> 405', async () => {
		await refused('delete', 405, null, 'DELETE', '/api/v1/clients');
	});

	test('PATCH with a body on a GET-only path and GET with a body are refused', async () => {
		// GET routes take no body: a body is refused, not ignored
		await refused('GET with body', 413, 'too_big', 'GET', '/api/v1/clients', { body: { legal_name: 'Body On Get' } });
	});

	for (const size of [17 * 1024, 64 * 1024]) {
		test(`header block over 16 KB (one ${size / 1024} KB header) -> 4xx, and the server still serves`, async () => {
			const before = await countClients(srv);
			let r;
			try {
				r = await srv.request('POST', '/api/v1/clients', {
					body: { legal_name: 'Huge Header' },
					headers: { 'x-filler': 'a'.repeat(size) },
				});
			} catch (e) {
				assert.fail(`oversized header block got no response (${e.code ?? e.message}); expected 431 or 413`);
			}
			assert.ok(r.status >= 400 && r.status < 500, `oversized headers (${size} bytes) -> ${r.status}`);
			assert.ok(r.status === 431 || r.status === 413, `oversized headers -> ${r.status}, expected 431 or 413`);
			const h = await srv.request('GET', '/api/v1/health');
			assert.equal(h.status, 200, 'server stopped serving after an oversized header');
			assert.equal(await countClients(srv), before, 'oversized-header request created a client');
		});
	}

	test('the query string cannot carry a bad cursor or limit', async () => {
		await refused('limit 0', 400, 'invalid', 'GET', '/api/v1/clients?limit=0');
		await refused('limit 201', 400, 'invalid', 'GET', '/api/v1/clients?limit=201');
		await refused('after junk', 400, 'invalid', 'GET', '/api/v1/clients?after=abc');
	});

	test('messages never echo the input', async () => {
		const marker = 'EchoMarker7q2w';
		const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: marker, [marker]: 1 } });
		assert.equal(r.status, 400);
		assert.ok(!r.text.includes(marker), `error echoes the input: ${r.text}`);
		const r2 = await srv.request('POST', '/api/v1/clients', { body: { legal_name: marker, date_of_birth: `${marker}` } });
		assert.equal(r2.status, 400);
		assert.ok(!r2.text.includes(marker), `error echoes the input: ${r2.text}`);
	});
});

describe('without a session', () => {
	test('/api/v1/clients -> 401, /api/v1/health -> 200', async () => {
		const prod = await serve(practice.data, { keyfile: practice.keyfile, signIn: false });
		try {
			const h = await prod.request('GET', '/api/v1/health');
			assert.equal(h.status, 200);
			assert.deepEqual(h.json, { status: 'ok' });
			const l = await prod.request('GET', '/api/v1/clients');
			assertErrorBody(l, 401, 'unauthenticated', 'list without a session');
			const c = await prod.request('POST', '/api/v1/clients', { body: { legal_name: 'Not Signed In' } });
			assert.equal(c.status, 401, `create without a session -> ${c.status}`);
			const s = await prod.request('POST', '/api/v1/clients/search', { body: { query: 'Harriet' } });
			assert.equal(s.status, 401, `search without a session -> ${s.status}`);
			assert.ok(!s.text.includes('Harriet') && !l.text.includes('Harriet'));
		} finally {
			await prod.stop();
		}
		assert.ok(!(await srv.request('POST', '/api/v1/clients/search', { body: { query: 'Not In Prod' } })).json.clients.length,
			'a non-dev server created a client');
	});
});
