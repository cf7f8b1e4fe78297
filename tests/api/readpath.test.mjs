// readpath.test.mjs - the per-request read path: the session gate and the
// handler share one pooled connection (and, for a GET, one read snapshot),
// and every way a request can end gives that connection back. The server
// runs one worker thread, so its pool has two connections: a path that kept
// one would leave the next requests waiting until they time out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, createClient, init, request, serve, signIn } from './harness.mjs';

let practice, srv, client, biller;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile, args: ['--threads', '1'] });
	client = await createClient(srv, { legal_name: 'Pooled Paula', date_of_birth: '1970-01-02' });
	const b = await addUser(srv, 'biller');
	biller = await signIn(srv.port, b);
});
after(async () => { await srv?.stop(); });

describe('one connection per request', () => {
	test('every way a request ends gives its connection back', async () => {
		const B = as(srv, biller);
		const unknown = '0123456789abcdef0123456789abcdef';
		// ten rounds: each kind of ending more often than the pool has connections
		for (let round = 0; round < 10; round++) {
			const chart = await srv.request('GET', `/api/v1/clients/${client.id}`);
			assert.equal(chart.status, 200, `chart: ${chart.text}`);
			assert.equal(chart.json.legal_name, 'Pooled Paula');
			// the handler ends before it asks for the database
			assert.equal((await srv.request('GET', '/api/v1/clients/not-an-id')).status, 404);
			// ... and after it read, with nothing found
			assert.equal((await srv.request('GET', `/api/v1/clients/${unknown}`)).status, 404);
			assert.equal((await srv.request('GET', '/api/v1/clients?limit=50')).status, 200);
			// refused in the gate: no session, wrong role (audited), no CSRF token
			assert.equal((await request(srv.port, 'GET', `/api/v1/clients/${client.id}`, { session: null })).status, 401);
			assert.equal((await B('GET', '/api/v1/users')).status, 403);
			assert.equal((await srv.request('PATCH', `/api/v1/clients/${client.id}`,
				{ body: { phone: '555 0100' }, headers: { 'x-csrf-token': 'wrong' } })).status, 403);
			// a write: the gate's connection, no snapshot held into it
			const ver = (await srv.request('GET', `/api/v1/clients/${client.id}`)).json.version;
			const w = await srv.request('PATCH', `/api/v1/clients/${client.id}`,
				{ body: { version: ver, phone: `555 01${String(round).padStart(2, '0')}` } });
			assert.equal(w.status, 200, `update: ${w.text}`);
			// a streamed request body takes its own connection (here: refused, wrong role)
			const up = await B('POST', `/api/v1/clients/${client.id}/attachments`,
				{ raw: Buffer.from('%PDF-1.4\n'), headers: { 'content-type': 'application/pdf', 'confidant-filename': 'a.pdf' } });
			assert.equal(up.status, 403);
			assert.equal((await srv.request('GET', '/api/v1/auth/session')).status, 200);
		}
		// the last write is what a read sees: no snapshot outlived its request
		const last = await srv.request('GET', `/api/v1/clients/${client.id}`);
		assert.equal(last.json.phone, '555 0109');
	});

	test('a session check that writes (last seen) leaves the read after it current', async () => {
		// past the touch interval the gate writes last_seen, which ends the
		// gate's snapshot; the handler then reads a state of its own
		advance(60);
		const r = await srv.request('GET', `/api/v1/clients/${client.id}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.phone, '555 0109');
		const s = await srv.request('GET', '/api/v1/auth/session');
		assert.equal(s.status, 200);
	});
});
