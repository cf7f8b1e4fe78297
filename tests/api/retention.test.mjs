// retention.test.mjs - retention rules per jurisdiction: the owner keeps a
// rule for each place the practice treats clients (years after the last
// contact, age of majority, years after majority for minors), one is the
// default; each client's sealed jurisdiction picks theirs. Erasure waits
// for the date of the client's own rule, names that date and rule, and
// happens by itself once the clock passes it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, now, ownerOf, reauth, rnd, run, serve, signIn, sqlite } from './harness.mjs';

const YEAR = 365 * 86400;

let p;
let srv;
let A; // auditor
let C; // clinician
before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
	A = as(srv, await signIn(srv.port, await addUser(srv, 'auditor')));
	C = as(srv, await signIn(srv.port, await addUser(srv, 'clinician')));
});
after(async () => { await srv?.stop(); });

async function put(code, body) {
	await reauth(srv);
	return srv.request('PUT', `/api/v1/retention-rules/${code}`, { body });
}

async function rules() {
	const r = await srv.request('GET', '/api/v1/retention-rules');
	assert.equal(r.status, 200, r.text);
	return r.json;
}

async function newClient(extra = {}) {
	const r = await srv.request('POST', '/api/v1/clients', {
		body: { legal_name: `Kept ${rnd(8)}`, date_of_birth: '1980-05-05', ...extra },
	});
	assert.equal(r.status, 201, r.text);
	return r.json;
}

async function erase(id) {
	await reauth(srv);
	return srv.request('POST', `/api/v1/clients/${id}/erasure-requests`, { body: { basis: 'gdpr-17' } });
}

const day = (s) => s.slice(0, 10);
const isoDay = (t) => new Date(t * 1000).toISOString().slice(0, 10);

let wa, ca, plain, waErase, caErase;

describe('retention rules', () => {
	test('the old settings became the default rule; the owner and the auditor read the rules, others may not', async () => {
		const r = await rules();
		assert.equal(r.default, 'ZZ');
		assert.deepEqual(r.rules.map((x) => [x.code, x.adult_years, x.majority_age, x.minor_years, x.default]),
			[['ZZ', 7, 18, 7, true]]);
		assert.equal((await A('GET', '/api/v1/retention-rules')).status, 200);
		assert.equal((await C('GET', '/api/v1/retention-rules')).status, 403);
		assert.equal((await C('PUT', '/api/v1/retention-rules/GB', { body: { adult_years: 8, majority_age: 18, minor_years: 7 } })).status, 403);
		assert.equal((await A('DELETE', '/api/v1/retention-rules/ZZ')).status, 403);
		// The settings no longer carry the rule.
		const s = await srv.request('GET', '/api/v1/settings');
		assert.equal(s.status, 200);
		assert.ok(!('retention_adult_years' in s.json));
	});

	test('the owner adds rules; bad input is refused naming the field, and nothing changes', async () => {
		let r = await put('US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, note: 'RCW 70.41.190 (hospital records)' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.code, 'US-WA');
		r = await put('US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, note: 'RCW 70.41.190' });
		assert.equal(r.status, 200, r.text);
		r = await put('US-CA', { adult_years: 7, majority_age: 18, minor_years: 1, note: 'CCR 16 §1358.2' });
		assert.equal(r.status, 201, r.text);
		const bad = [
			['US-WA', { adult_years: 101, majority_age: 18, minor_years: 3 }, /adult_years/],
			['US-WA', { adult_years: -1, majority_age: 18, minor_years: 3 }, /adult_years/],
			['US-WA', { adult_years: 10, majority_age: 13, minor_years: 3 }, /majority_age/],
			['US-WA', { adult_years: 10, majority_age: 26, minor_years: 3 }, /majority_age/],
			['US-WA', { adult_years: 10, majority_age: 18 }, /minor_years/],
			['US-WA', { adult_years: '10', majority_age: 18, minor_years: 3 }, /adult_years/],
			['US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, note: 'two\nlines' }, /note/],
			['US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, note: 'x'.repeat(501) }, /note/],
			['US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, default: 'yes' }, /default/],
			['us-wa', { adult_years: 10, majority_age: 18, minor_years: 3 }, /code/],
			['USA', { adult_years: 10, majority_age: 18, minor_years: 3 }, /code/],
			['US-WASH', { adult_years: 10, majority_age: 18, minor_years: 3 }, /code/],
		];
		for (const [code, body, field] of bad) {
			const b = await put(code, body);
			assert.equal(b.status, 400, `${code} ${JSON.stringify(body)}: ${b.text}`);
			assert.match(b.json.message, field);
		}
		const extra = await put('US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, colour: 'red' });
		assert.equal(extra.status, 400);
		const list = await rules();
		assert.deepEqual(list.rules.map((x) => [x.code, x.adult_years, x.minor_years]),
			[['US-CA', 7, 1], ['US-WA', 10, 3], ['ZZ', 7, 7]]);
		assert.equal(list.rules.find((x) => x.code === 'US-WA').note, 'RCW 70.41.190');
		// Changes are audited with the numbers, never a client.
		const ev = await srv.request('GET', '/api/v1/audit?event=retention_rule.set&limit=20');
		assert.ok(ev.json.events.some((e) => e.detail === 'code=US-WA,adult=10,majority=18,minor=3,default=0' && e.outcome === 'ok'));
		assert.ok(ev.json.events.some((e) => e.outcome === 'denied'), 'the clinician\'s try');
	});

	test('a client\'s jurisdiction must name a rule, and is sealed', async () => {
		const bad = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Nowhere', jurisdiction: 'FR' } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /jurisdiction/);
		wa = await newClient({ jurisdiction: 'US-WA' });
		ca = await newClient({ jurisdiction: 'US-CA' });
		plain = await newClient();
		assert.equal(wa.jurisdiction, 'US-WA');
		assert.equal(plain.jurisdiction, null);
		const g = await srv.request('GET', `/api/v1/clients/${ca.id}`);
		assert.equal(g.json.jurisdiction, 'US-CA');
		const db = path.join(p.data, 'confidant.db');
		const hex = await sqlite(db, `SELECT hex(jurisdiction_sealed) FROM clients WHERE public_id = '${wa.id}'`);
		assert.ok(hex.length > 40, 'sealed');
		assert.ok(!hex.includes(Buffer.from('US-WA').toString('hex').toUpperCase()), 'not in the clear');
		// Changing it is a chart change, in the history.
		const up = await srv.request('PATCH', `/api/v1/clients/${plain.id}`, { body: { version: plain.version, jurisdiction: 'GB' } });
		assert.equal(up.status, 400);
		assert.match(up.json.message, /jurisdiction/);
	});

	test('clients under different rules get different retention dates; the refusal names the date and the rule', async () => {
		waErase = await erase(wa.id);
		caErase = await erase(ca.id);
		const plainErase = await erase(plain.id);
		for (const r of [waErase, caErase, plainErase]) {
			assert.equal(r.status, 201, r.text);
			assert.equal(r.json.status, 'scheduled');
			assert.deepEqual(r.json.blocked_by, ['retention']);
		}
		const waUntil = Date.parse(waErase.json.not_before) / 1000;
		const caUntil = Date.parse(caErase.json.not_before) / 1000;
		assert.ok(Math.abs(waUntil - (now() + 10 * YEAR)) < 4 * 86400, waErase.json.not_before);
		assert.ok(Math.abs(caUntil - (now() + 7 * YEAR)) < 4 * 86400, caErase.json.not_before);
		assert.equal(waErase.json.retention.jurisdiction, 'US-WA');
		assert.equal(caErase.json.retention.jurisdiction, 'US-CA');
		assert.equal(plainErase.json.retention.jurisdiction, 'ZZ', 'no jurisdiction: the default rule');
		assert.equal(waErase.json.retention.adult_years, 10);
		assert.ok(waErase.json.message.includes(day(waErase.json.not_before)), waErase.json.message);
		assert.match(waErase.json.message, /US-WA/);
		assert.match(waErase.json.message, /10 years/);
		assert.ok(caErase.json.message.includes(day(caErase.json.not_before)), caErase.json.message);
		assert.match(caErase.json.message, /US-CA/);
		assert.ok(!waErase.json.message.includes(wa.legal_name));
	});

	test('the client\'s privacy page shows their retention date and the rule\'s jurisdiction', async () => {
		const r = await srv.request('GET', `/api/v1/clients/${wa.id}/privacy`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.retention_rule.jurisdiction, 'US-WA');
		assert.equal(r.json.retention_rule.basis, 'adult');
		assert.equal(day(r.json.retention_rule.retain_until), day(waErase.json.not_before));
		const m = await newClient({ date_of_birth: '2020-03-04', jurisdiction: 'US-CA' });
		const mp = await srv.request('GET', `/api/v1/clients/${m.id}/privacy`);
		assert.equal(mp.json.retention_rule.basis, 'minor');
		assert.equal(day(mp.json.retention_rule.retain_until), '2039-03-04', '18 + 1 years under US-CA');
	});

	test('a rule in use or the default cannot be deleted; another can, and the default moves', async () => {
		let r = await (async () => { await reauth(srv); return srv.request('DELETE', '/api/v1/retention-rules/US-WA'); })();
		assert.equal(r.status, 409, r.text);
		assert.match(r.json.message, /jurisdiction/);
		await reauth(srv);
		r = await srv.request('DELETE', '/api/v1/retention-rules/ZZ');
		assert.equal(r.status, 409, r.text);
		assert.match(r.json.message, /default/);
		await reauth(srv);
		assert.equal((await srv.request('DELETE', '/api/v1/retention-rules/DE')).status, 404);
		assert.equal((await put('DE', { adult_years: 10, majority_age: 18, minor_years: 10, note: '§ 630f BGB' })).status, 201);
		await reauth(srv);
		assert.equal((await srv.request('DELETE', '/api/v1/retention-rules/DE')).status, 204);
		// US-CA becomes the default; ZZ is no one's now and may go.
		r = await put('US-CA', { adult_years: 7, majority_age: 18, minor_years: 1, note: 'CCR 16 §1358.2', default: true });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.default, true);
		await reauth(srv);
		assert.equal((await srv.request('DELETE', '/api/v1/retention-rules/ZZ')).status, 204);
		const again = await put('US-CA', { adult_years: 7, majority_age: 18, minor_years: 1, note: 'CCR 16 §1358.2' });
		assert.equal(again.json.default, true, 'replacing the default rule keeps it the default');
		assert.equal((await put('US-WA', { adult_years: 10, majority_age: 18, minor_years: 3, note: 'RCW 70.41.190' })).json.default, false);
		const list = await rules();
		assert.equal(list.default, 'US-CA');
		assert.deepEqual(list.rules.map((x) => x.code), ['US-CA', 'US-WA']);
		const pp = await srv.request('GET', `/api/v1/clients/${plain.id}/privacy`);
		assert.equal(pp.json.retention_rule.jurisdiction, 'US-CA', 'a client without a jurisdiction falls under the new default');
		const ev = await srv.request('GET', '/api/v1/audit?event=retention_rule.delete&limit=20');
		assert.equal(ev.json.events.filter((e) => e.outcome === 'ok').length, 2);
	});

	test('once the clock passes the California date the CA client is erased by itself; the WA client waits', async () => {
		const caUntil = Date.parse(caErase.json.not_before) / 1000;
		advance(caUntil - now() + 86400);
		srv.session = await signIn(srv.port, ownerOf(p.data));
		let status = '';
		for (let i = 0; i < 200 && status !== 'done'; i++) {
			const g = await srv.request('GET', `/api/v1/erasure-requests/${caErase.json.id}`);
			assert.equal(g.status, 200, g.text);
			status = g.json.status;
			if (status !== 'done') await new Promise((res) => setTimeout(res, 50));
		}
		assert.equal(status, 'done', 'serve carried the CA erasure out once its date passed');
		assert.equal((await srv.request('GET', `/api/v1/clients/${ca.id}`)).status, 404);
		assert.equal((await srv.request('GET', `/api/v1/clients/${wa.id}`)).status, 200);
		const w = await srv.request('GET', `/api/v1/erasure-requests/${waErase.json.id}`);
		assert.equal(w.json.status, 'scheduled');
		assert.equal(isoDay(Date.parse(w.json.not_before) / 1000), day(waErase.json.not_before));
		const cli = await run(['erasure', 'run-due', '--data', p.data, '--keyfile', p.keyfile]);
		assert.equal(cli.status, 0, cli.stderr);
	});
});
