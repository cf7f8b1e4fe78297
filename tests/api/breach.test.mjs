// breach.test.mjs - breach records with their deadlines (60 days for
// individuals and HHS, 72 hours for the supervisory authority, from
// discovery) and notification letters to each client the breach-impact
// report finds, with the elements HIPAA 164.404(c) and GDPR 33(3)/34 ask for.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, now, reauth, rnd, serve, signIn } from './harness.mjs';

const DAY = 86400;

let p;
let srv;
let clin;
let touched = [];
let untouched;
let C;
let Aud;

const record = () => ({
	discovered_at: new Date(now() * 1000).toISOString(),
	description: 'A staff account was signed in from an unknown device <script>alert(1)</script> & read records.',
	info_types: 'names, dates of birth, diagnoses',
	consequences: 'Your health information may have been seen by someone outside the practice.',
	steps: 'Watch for messages that mention your care; tell us if you receive one.',
	actions: 'We ended every session of the account, reset its password and reviewed the audit trail.',
	contact: 'Privacy officer, privacy@practice.example, 555-0100',
});

before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
	clin = await addUser(srv, 'clinician');
	for (let i = 0; i < 2; i++) {
		const r = await srv.request('POST', '/api/v1/clients',
			{ body: { legal_name: `Touched ${i} ${rnd(6)}`, address: `${i} Letter Street, Springfield ${rnd(5)}` } });
		assert.equal(r.status, 201, r.text);
		touched.push(r.json);
		assert.equal((await srv.request('POST', `/api/v1/clients/${r.json.id}/care-team`, { body: { user_id: clin.id } })).status, 200);
	}
	const u = await srv.request('POST', '/api/v1/clients', { body: { legal_name: `Untouched ${rnd(6)}`, address: 'Far away' } });
	untouched = u.json;
	C = as(srv, await signIn(srv.port, clin));
	for (const c of touched) assert.equal((await C('GET', `/api/v1/clients/${c.id}`)).status, 200);
	Aud = as(srv, await signIn(srv.port, await addUser(srv, 'auditor')));
});
after(async () => { await srv?.stop(); });

describe('breach records and letters', () => {
	let breach;

	test('bad input is refused, naming the field; other roles may not record', async () => {
		const { steps: _, ...noSteps } = record();
		let r = await srv.request('POST', '/api/v1/breaches', { body: { ...noSteps, actor: clin.id } });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /steps/);
		r = await srv.request('POST', '/api/v1/breaches', { body: record() });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /actor|session|source/);
		r = await srv.request('POST', '/api/v1/breaches', { body: { ...record(), discovered_at: 'yesterday', actor: clin.id } });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /discovered_at/);
		r = await srv.request('POST', '/api/v1/breaches', { body: { ...record(), actor: clin.id, extra: 1 } });
		assert.equal(r.status, 400);
		assert.equal((await C('POST', '/api/v1/breaches', { body: { ...record(), actor: clin.id } })).status, 403);
		assert.equal((await srv.request('GET', '/api/v1/breaches')).json.breaches.length, 0);
	});

	test('a breach is recorded with the clients affected and its deadlines', async () => {
		const r = await Aud('POST', '/api/v1/breaches', { body: { ...record(), actor: clin.id } });
		assert.equal(r.status, 201, r.text);
		breach = r.json;
		assert.equal(breach.affected, 2);
		const found = Date.parse(breach.discovered_at) / 1000;
		assert.equal(Date.parse(breach.deadlines.individuals) / 1000, found + 60 * DAY);
		assert.equal(Date.parse(breach.deadlines.supervisory_authority) / 1000, found + 72 * 3600);
		// Fewer than 500: HHS within 60 days after the end of the calendar year; no media notice.
		const y = new Date(found * 1000).getUTCFullYear();
		assert.equal(breach.deadlines.hhs, new Date(Date.UTC(y + 1, 0, 1) + 60 * DAY * 1000).toISOString().replace('.000Z', 'Z'));
		assert.equal(breach.deadlines.media, null);
		const list = await srv.request('GET', '/api/v1/breaches');
		assert.equal(list.status, 200);
		assert.equal(list.json.breaches.length, 1);
		assert.deepEqual(list.json.breaches[0].deadlines, breach.deadlines);
	});

	test('letters: one per affected client, with every required element, audited', async () => {
		assert.equal((await C('GET', `/api/v1/breaches/${breach.id}/letters`)).status, 403);
		const r = await srv.request('GET', `/api/v1/breaches/${breach.id}/letters`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers['content-type'], /^text\/plain/);
		const letters = r.text.split('\f\n').filter((l) => l.trim() !== '');
		assert.equal(letters.length, 2);
		for (const c of touched) {
			const l = letters.find((x) => x.includes(c.legal_name));
			assert.ok(l, `a letter to ${c.legal_name}`);
			assert.ok(l.includes(c.address), 'addressed to them');
			for (const h of ['What happened', 'When', 'What information was involved', 'Likely consequences',
				'What you can do', 'What we are doing', 'How to contact us'])
				assert.ok(l.includes(h), `letter has "${h}"`);
			for (const v of Object.values(record()).slice(1)) assert.ok(l.includes(v), `letter states: ${v}`);
			assert.match(l, /discovered it on \d{4}-\d{2}-\d{2}/);
		}
		assert.ok(!r.text.includes(untouched.legal_name), 'no letter to an unaffected client');

		const h = await Aud('GET', `/api/v1/breaches/${breach.id}/letters?format=html`);
		assert.equal(h.status, 200);
		assert.match(h.headers['content-type'], /^text\/html/);
		assert.ok(h.text.includes('&lt;script&gt;') && !h.text.includes('<script>'), 'text is escaped');
		assert.equal((h.text.match(/<section class="letter">/g) ?? []).length, 2);
		assert.equal((await srv.request('GET', `/api/v1/breaches/${breach.id}/letters?format=pdf`)).status, 400);
		assert.equal((await srv.request('GET', `/api/v1/breaches/${'0'.repeat(32)}/letters`)).status, 404);

		// Each letter is an event on its client; ids only.
		const ev = await srv.request('GET', '/api/v1/audit?event=breach.letter&limit=50');
		assert.equal(ev.status, 200);
		const ok = ev.json.events.filter((e) => e.outcome === 'ok');
		assert.equal(ok.length, 4);
		assert.deepEqual([...new Set(ok.map((e) => e.client))].sort(), touched.map((c) => c.id).sort());
		assert.ok(!JSON.stringify(ev.json).includes(touched[0].legal_name));
	});

	test('an erased client gets no letter', async () => {
		await reauth(srv);
		assert.equal((await srv.request('PUT', '/api/v1/retention-rules/ZZ', { body: { adult_years: 0, majority_age: 18, minor_years: 7 } })).status, 200);
		await reauth(srv);
		const e = await srv.request('POST', `/api/v1/clients/${touched[1].id}/erasure-requests`, { body: {} });
		assert.equal(e.status, 201, e.text);
		assert.equal(e.json.status, 'done');
		const r = await srv.request('GET', `/api/v1/breaches/${breach.id}/letters`);
		assert.equal(r.status, 200);
		assert.ok(r.text.includes(touched[0].legal_name));
		assert.ok(!r.text.includes(touched[1].legal_name));
	});
});
