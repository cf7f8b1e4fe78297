// clients.test.mjs - /api/v1/clients: create, read, update (optimistic
// versions), list paging, blind-index search, validation, Unicode.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { countClients, createClient, init, listAll, rnd, serve } from './harness.mjs';

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

const FIELDS = ['legal_name', 'preferred_name', 'pronouns', 'date_of_birth', 'email', 'phone', 'address'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// a family name no other test uses: search must find exactly ours
function family() {
	return 'Q' + rnd(9).replace(/[0-9]/g, 'k');
}

async function search(query) {
	const r = await srv.request('POST', '/api/v1/clients/search', { body: { query } });
	assert.equal(r.status, 200, `search ${JSON.stringify(query)}: ${r.status} ${r.text}`);
	assert.ok(Array.isArray(r.json.clients));
	return r.json.clients;
}

function ids(cs) {
	return cs.map((c) => c.id).sort();
}

describe('create and read', () => {
	test('create -> 201, Location, id 32 hex, version 1, fields echoed; GET returns the same', async () => {
		const body = {
			legal_name: 'Margaret Okonkwo-Lindqvist',
			preferred_name: 'Maggie',
			pronouns: 'she/her',
			date_of_birth: '1979-11-23',
			email: 'maggie@example.org',
			phone: '+44 20 7946 0958',
			address: '12 Harbour Road\nLeith\nEdinburgh EH6 6QT',
			status: 'prospective',
		};
		const r = await srv.request('POST', '/api/v1/clients', { body });
		assert.equal(r.status, 201, r.text);
		const c = r.json;
		assert.match(c.id, /^[0-9a-f]{32}$/);
		assert.equal(r.headers.location, `/api/v1/clients/${c.id}`);
		assert.equal(c.version, 1);
		for (const f of FIELDS) assert.equal(c[f], body[f], `field ${f} echoed`);
		assert.equal(c.status, 'prospective');
		assert.match(c.created_at, ISO);
		assert.match(c.updated_at, ISO);
		assert.match(r.headers['cache-control'] ?? '', /no-store/);

		const g = await srv.request('GET', r.headers.location);
		assert.equal(g.status, 200, g.text);
		assert.deepEqual(g.json, c);
	});

	test('absent optional fields are null; status defaults to active', async () => {
		const c = await createClient(srv, { legal_name: 'Only Legal' });
		for (const f of FIELDS.slice(1)) assert.equal(c[f], null, `${f} should be null`);
		assert.equal(c.status, 'active');
	});

	test('Unicode names round-trip exactly', async () => {
		const names = {
			legal_name: 'Zoë Ñúñez-李',
			preferred_name: 'Zoë 🌱',
			address: 'Straße 5, 1010 Wien — Österreich',
			pronouns: 'elle/iel',
		};
		const c = await createClient(srv, names);
		for (const [k, v] of Object.entries(names)) assert.equal(c[k], v, `${k} create echo`);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		for (const [k, v] of Object.entries(names)) assert.equal(g.json[k], v, `${k} after GET`);
		// NFC vs NFD are different strings: kept as sent, not normalised away
		const nfd = 'Zoe\u0308 Nu\u0301n\u0303ez';
		const d = await createClient(srv, { legal_name: nfd });
		assert.equal((await srv.request('GET', `/api/v1/clients/${d.id}`)).json.legal_name, nfd);
	});

	test('GET unknown id -> 404; malformed ids -> 404', async () => {
		const r = await srv.request('GET', `/api/v1/clients/${'0'.repeat(32)}`);
		assert.equal(r.status, 404);
		assert.equal(r.json.error, 'not_found');
		for (const bad of ['xyz', 'A'.repeat(32), '0'.repeat(31), '0'.repeat(33), '1%27%20OR%201%3D1']) {
			const b = await srv.request('GET', `/api/v1/clients/${bad}`);
			assert.equal(b.status, 404, `GET /api/v1/clients/${bad} -> ${b.status}`);
			assert.equal(b.json?.error, 'not_found');
		}
		const t = await srv.request('GET', '/api/v1/clients/..%2F..%2Fetc');
		assert.ok(t.status === 400 || t.status === 404, `traversal id -> ${t.status}`);
	});

	test('version cannot be set on create', async () => {
		const before_ = await countClients(srv);
		const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Ver Set', version: 7 } });
		assert.equal(r.status, 400);
		assert.equal(await countClients(srv), before_);
	});
});

describe('update', () => {
	test('PATCH with version -> 200, version 2, field changed, null clears', async () => {
		const c = await createClient(srv, { legal_name: 'Patch Me', pronouns: 'they/them', phone: '555-0100' });
		const r = await srv.request('PATCH', `/api/v1/clients/${c.id}`, {
			body: { version: 1, phone: '555-0199', pronouns: null },
		});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.version, 2);
		assert.equal(r.json.phone, '555-0199');
		assert.equal(r.json.pronouns, null);
		assert.equal(r.json.legal_name, 'Patch Me', 'untouched field kept');
		assert.equal(r.json.id, c.id);
		assert.equal(r.json.created_at, c.created_at);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.deepEqual(g.json, r.json);
	});

	test('PATCH with a stale version -> 409 and nothing changes', async () => {
		const c = await createClient(srv, { legal_name: 'Stale Version', email: 'a@example.org' });
		const ok = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, email: 'b@example.org' } });
		assert.equal(ok.status, 200, ok.text);
		const stale = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, email: 'c@example.org' } });
		assert.equal(stale.status, 409, stale.text);
		assert.equal(stale.json.error, 'conflict');
		const future = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 9, email: 'd@example.org' } });
		assert.equal(future.status, 409, future.text);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.equal(g.json.email, 'b@example.org');
		assert.equal(g.json.version, 2);
	});

	test('PATCH without version -> 400; unknown id -> 404; malformed id -> 404', async () => {
		const c = await createClient(srv, { legal_name: 'No Version' });
		const nv = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { phone: '1' } });
		assert.equal(nv.status, 400);
		const sv = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: '1', phone: '1' } });
		assert.equal(sv.status, 400, 'version as a string');
		const u = await srv.request('PATCH', `/api/v1/clients/${'ab'.repeat(16)}`, { body: { version: 1, phone: '1' } });
		assert.equal(u.status, 404, u.text);
		const m = await srv.request('PATCH', '/api/v1/clients/zz', { body: { version: 1, phone: '1' } });
		assert.equal(m.status, 404);
		assert.equal((await srv.request('GET', `/api/v1/clients/${c.id}`)).json.version, 1);
	});

	test('PATCH that would make the record invalid -> 400, unchanged', async () => {
		const c = await createClient(srv, { legal_name: 'Stay Valid' });
		const r = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, legal_name: null } });
		assert.equal(r.status, 400, r.text);
		assert.match(r.json.message, /legal_name/);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.equal(g.json.legal_name, 'Stay Valid');
		assert.equal(g.json.version, 1);
	});

	test('an update is found by its new name and no longer by the old', async () => {
		const oldF = family();
		const newF = family();
		const c = await createClient(srv, { legal_name: `Renate ${oldF}` });
		assert.deepEqual(ids(await search(oldF)), [c.id]);
		const r = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, legal_name: `Renate ${newF}` } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(ids(await search(newF)), [c.id]);
		assert.deepEqual(await search(oldF), [], 'old name still indexed after update');
	});
});

describe('list paging', () => {
	test('7 clients, limit=3: follow next until null, each seen once', async () => {
		const made = [];
		for (let i = 0; i < 7; i++) made.push(await createClient(srv, { legal_name: `Page Client ${i}` }));
		const seen = new Map();
		let after_ = null;
		let pages = 0;
		for (;;) {
			const q = after_ ? `?limit=3&after=${encodeURIComponent(after_)}` : '?limit=3';
			const r = await srv.request('GET', `/api/v1/clients${q}`);
			assert.equal(r.status, 200, r.text);
			assert.ok(r.json.clients.length <= 3, `page of ${r.json.clients.length}`);
			pages++;
			for (const c of r.json.clients) {
				assert.ok(!seen.has(c.id), `client ${c.id} listed twice`);
				seen.set(c.id, c);
			}
			if (r.json.next === null) break;
			assert.equal(typeof r.json.next, 'string');
			after_ = r.json.next;
			assert.ok(pages < 1000);
		}
		for (const c of made) assert.deepEqual(seen.get(c.id), c, `created client ${c.legal_name} listed identically`);
		assert.equal(seen.size, (await listAll(srv)).length);
		assert.ok(pages >= 3);
	});
});

describe('search', () => {
	let fam;
	let fam2;
	let a;
	let b;
	let c;
	before(async () => {
		fam = family();
		fam2 = family();
		a = await createClient(srv, { legal_name: `Ada ${fam}`, preferred_name: 'Bluebell', date_of_birth: '1984-07-09' });
		b = await createClient(srv, { legal_name: `Bertram ${fam}`, date_of_birth: '1990-01-02' });
		c = await createClient(srv, { legal_name: `Ada ${fam2}`, date_of_birth: '1984-07-09' });
	});

	test('by family name', async () => {
		assert.deepEqual(ids(await search(fam)), ids([a, b]));
	});

	test('by a prefix of 2+ letters', async () => {
		assert.deepEqual(ids(await search(fam.slice(0, 4))), ids([a, b]));
		assert.ok(ids(await search(fam.slice(0, 2))).includes(a.id), '2-letter prefix');
	});

	test('case-insensitive', async () => {
		const mixed = fam.split('').map((ch, i) => (i % 2 ? ch.toUpperCase() : ch.toLowerCase())).join('');
		assert.deepEqual(ids(await search(mixed)), ids([a, b]));
		assert.deepEqual(ids(await search(fam.toUpperCase())), ids([a, b]));
	});

	test('by preferred name', async () => {
		const r = ids(await search('bluebell'));
		assert.ok(r.includes(a.id), 'preferred name not searchable');
		assert.ok(!r.includes(b.id));
	});

	test('by date of birth YYYY-MM-DD', async () => {
		assert.deepEqual(ids(await search('1984-07-09')), ids([a, c]));
		assert.deepEqual(ids(await search('1990-01-02')), [b.id]);
	});

	test('multi-word is AND', async () => {
		assert.deepEqual(ids(await search(`Ada ${fam}`)), [a.id]);
		assert.deepEqual(ids(await search(`${fam2} ada`)), [c.id]);
		assert.deepEqual(ids(await search(`Bertram ${fam2}`)), []);
	});

	// A date among name words is looked up as a date, not split into
	// "1984", "07", "09" (which would find nobody).
	test('name and date of birth in one query', async () => {
		assert.deepEqual(ids(await search(`Ada 1984-07-09`)).filter((x) => [a.id, b.id, c.id].includes(x)), ids([a, c]));
	});

	test('a name not present -> empty', async () => {
		assert.deepEqual(await search(family()), []);
		assert.deepEqual(await search('1901-01-01'), []);
	});

	test('search answers the same page shape as list', async () => {
		const r = await srv.request('POST', '/api/v1/clients/search', { body: { query: fam } });
		assert.deepEqual(Object.keys(r.json).sort(), ['clients', 'next']);
		const full = r.json.clients.find((x) => x.id === a.id);
		assert.deepEqual(full, a);
	});

	test('bad search requests -> 400', async () => {
		for (const body of [{}, { query: 5 }, { query: 'x', limit: 0 }, { query: 'x', limit: 201 }, { query: 'x', extra: 1 }, { query: 'a'.repeat(201) }]) {
			const r = await srv.request('POST', '/api/v1/clients/search', { body });
			assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 60)} -> ${r.status}`);
		}
	});
});

describe('validation', () => {
	async function invalid(body, mention) {
		const n = await countClients(srv);
		const r = await srv.request('POST', '/api/v1/clients', { body });
		assert.equal(r.status, 400, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
		assert.equal(r.json.error, 'invalid');
		if (mention) assert.match(r.json.message, mention, `message: ${r.json.message}`);
		assert.equal(await countClients(srv), n, 'a refused create changed the count');
	}

	test('missing legal_name -> 400 naming legal_name', async () => {
		await invalid({ preferred_name: 'Nameless' }, /legal_name/);
		await invalid({ legal_name: '' }, /legal_name/);
		await invalid({ legal_name: null }, /legal_name/);
	});

	test('date_of_birth must be a real date', async () => {
		await invalid({ legal_name: 'Feb Thirty', date_of_birth: '2023-02-30' }, /date_of_birth/);
		await invalid({ legal_name: 'Not Leap', date_of_birth: '2023-02-29' }, /date_of_birth/);
		await invalid({ legal_name: 'Slashes', date_of_birth: '1990/01/02' }, /date_of_birth/);
		await invalid({ legal_name: 'Month13', date_of_birth: '1990-13-01' }, /date_of_birth/);
		const leap = await createClient(srv, { legal_name: 'Leap Day', date_of_birth: '2000-02-29' });
		assert.equal(leap.date_of_birth, '2000-02-29');
	});

	test('status bogus -> 400', async () => {
		await invalid({ legal_name: 'Bogus Status', status: 'bogus' }, /status/);
		await invalid({ legal_name: 'Bogus Status', status: 1 }, /status/);
	});

	test('control characters and overlong fields -> 400', async () => {
		await invalid({ legal_name: 'Tab\tName' }, /legal_name/);
		await invalid({ legal_name: 'x'.repeat(15000) }, /legal_name/);
		await invalid({ legal_name: 'Bad Mail', email: 'no-at-sign' }, /email/);
	});
});

describe('concurrency', () => {
	test('parallel creates all succeed with distinct ids', async () => {
		const n0 = await countClients(srv);
		const rs = await Promise.all(Array.from({ length: 24 }, (_, i) =>
			srv.request('POST', '/api/v1/clients', { body: { legal_name: `Parallel ${i} ${rnd(5)}` } })));
		const statuses = rs.map((r) => r.status);
		assert.deepEqual(statuses.filter((s) => s !== 201), [], `parallel creates: ${statuses.join(',')}`);
		assert.equal(new Set(rs.map((r) => r.json.id)).size, 24);
		assert.equal(await countClients(srv), n0 + 24);
	});

	test('parallel PATCHes of one version: exactly one wins, the rest get 409', async () => {
		const c = await createClient(srv, { legal_name: 'Contended Record' });
		const rs = await Promise.all(Array.from({ length: 8 }, (_, i) =>
			srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, phone: `555-01${i}` } })));
		const ok = rs.filter((r) => r.status === 200);
		const conflict = rs.filter((r) => r.status === 409);
		assert.equal(ok.length, 1, `winners: ${rs.map((r) => r.status).join(',')}`);
		assert.equal(conflict.length, 7, `statuses: ${rs.map((r) => r.status).join(',')}`);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.equal(g.json.version, 2);
		assert.equal(g.json.phone, ok[0].json.phone);
	});
});
