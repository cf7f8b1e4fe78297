// tls.test.mjs - what the server offers on the wire: TLS 1.2 and 1.3 only,
// AEAD suites with ECDHE only, and nothing for plain HTTP.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';

import { execTool, init, serve } from './harness.mjs';

let practice;
let srv;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
});

after(async () => {
	if (srv) await srv.stop();
	fs.rmSync(practice.dir, { recursive: true, force: true });
});

// sClient(args) - one openssl s_client handshake; {ok, cipher, protocol, out}.
// "ok" means a real cipher was negotiated.
async function sClient(args) {
	const r = await execTool('openssl', [
		's_client', '-connect', `127.0.0.1:${srv.port}`, '-servername', 'localhost',
		'-CAfile', path.join(practice.data, 'tls', 'cert.pem'), '-verify_return_error', ...args,
	], { input: '' });
	const out = r.stdout + r.stderr;
	const m = /Cipher is (\S+)/.exec(out);
	const cipher = m ? m[1] : null;
	const proto = /(?:Protocol\s*:\s*|New, )(TLSv[\d.]+)/.exec(out);
	const ok = r.status === 0 && cipher !== null && cipher !== '(NONE)' && cipher !== '0000';
	return { ok, cipher, protocol: proto ? proto[1] : null, status: r.status, out };
}

// SECLEVEL=0 lets the client offer old protocols and suites, so a refusal
// is the server's, not OpenSSL's own policy.
const OLD = ['-cipher', 'DEFAULT:@SECLEVEL=0'];

test('TLS 1.0 is refused', async () => {
	const r = await sClient(['-tls1', ...OLD]);
	assert.equal(r.ok, false, `TLS 1.0 handshake succeeded with ${r.cipher}`);
});

test('TLS 1.1 is refused', async () => {
	const r = await sClient(['-tls1_1', ...OLD]);
	assert.equal(r.ok, false, `TLS 1.1 handshake succeeded with ${r.cipher}`);
});

test('TLS 1.2 works (positive control for the refusals)', async () => {
	const r = await sClient(['-tls1_2']);
	assert.equal(r.ok, true, `TLS 1.2 handshake failed:\n${r.out.slice(-2000)}`);
	assert.match(r.out, /Verify return code: 0 \(ok\)/, 'certificate did not verify against tls/cert.pem');
	assert.match(r.cipher, /GCM|CHACHA20/, `TLS 1.2 negotiated a non-AEAD suite ${r.cipher}`);
	assert.match(r.cipher, /^ECDHE-/, `TLS 1.2 negotiated a suite without ECDHE: ${r.cipher}`);
});

test('TLS 1.3 works', async () => {
	const r = await sClient(['-tls1_3']);
	assert.equal(r.ok, true, `TLS 1.3 handshake failed:\n${r.out.slice(-2000)}`);
	assert.match(r.cipher, /^TLS_/);
});

test('TLS 1.2 with AES128-SHA (CBC, RSA key exchange) is refused', async () => {
	const r = await sClient(['-tls1_2', '-cipher', 'AES128-SHA:@SECLEVEL=0']);
	assert.equal(r.ok, false, `AES128-SHA accepted (${r.cipher})`);
});

test('TLS 1.2 with ECDHE-ECDSA-AES128-SHA (CBC with ECDHE) is refused', async () => {
	const r = await sClient(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:@SECLEVEL=0']);
	assert.equal(r.ok, false, `a CBC suite was accepted (${r.cipher})`);
});

test('TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256 works', async () => {
	const r = await sClient(['-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256']);
	assert.equal(r.ok, true, `ECDHE-ECDSA-AES128-GCM-SHA256 refused:\n${r.out.slice(-2000)}`);
	assert.equal(r.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
});

test('node: TLSv1.2 min enforced from the client side too (minVersion TLSv1 / maxVersion TLSv1.1 fails)', async () => {
	const err = await new Promise((resolve) => {
		const s = tls.connect({
			host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: srv.ca,
			minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0',
		}, () => { s.destroy(); resolve(null); });
		s.on('error', (e) => resolve(e));
	});
	assert.ok(err, 'a TLS 1.0/1.1-only client connected');
});

test('plain http:// to the port gets no page', async () => {
	const data = await new Promise((resolve, reject) => {
		const chunks = [];
		const s = net.connect(srv.port, '127.0.0.1', () => {
			s.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
		});
		const guard = setTimeout(() => { s.destroy(); reject(new Error('plain HTTP: the server neither answered nor closed within 20 s')); }, 20_000);
		s.on('data', (d) => chunks.push(d));
		s.on('error', () => { /* reset is an acceptable answer */ });
		s.on('close', () => { clearTimeout(guard); resolve(Buffer.concat(chunks)); });
	});
	const text = data.toString('latin1');
	if (text.startsWith('HTTP/')) {
		assert.match(text, /^HTTP\/1\.[01] 400 /, `plain HTTP got: ${text.slice(0, 80)}`);
	}
	assert.ok(!/<html|<!doctype/i.test(text), 'plain HTTP was served a page');
	assert.ok(!text.includes('"status"') && !text.includes('200 OK'), 'plain HTTP got data');
	// and the server is still fine
	assert.equal((await srv.request('GET', '/api/v1/health')).status, 200);
});

test('the certificate names localhost and is an ECDSA P-256 key', async () => {
	const cert = await new Promise((resolve, reject) => {
		const s = tls.connect({ host: '127.0.0.1', port: srv.port, servername: 'localhost', ca: srv.ca }, () => {
			const c = s.getPeerCertificate();
			s.destroy();
			resolve(c);
		});
		s.on('error', reject);
	});
	assert.match(cert.subjectaltname ?? '', /DNS:localhost/);
	assert.match(cert.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);
	assert.equal(cert.asn1Curve ?? cert.nistCurve, 'prime256v1');
	// a hostname the certificate does not name is refused by verification
	const bad = await new Promise((resolve) => {
		const s = tls.connect({ host: '127.0.0.1', port: srv.port, servername: 'example.com', ca: srv.ca }, () => { s.destroy(); resolve(null); });
		s.on('error', (e) => resolve(e));
	});
	assert.ok(bad, 'connected with a wrong server name');
});
