// transparency.test.mjs - what the practice tells people: a client's
// privacy page (categories held with counts, where, who may see each,
// retention, integrations and rights), the record of processing for the
// owner and the privacy officer, and the public notice, all generated from
// settings; the text settings behind them refuse bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, request, serve, signIn } from './harness.mjs';

let practice, srv, A, B, AU, C, client, other;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Ana Treating');
	const b = await addUser(srv, 'clinician', 'Ben Outside');
	const au = await addUser(srv, 'auditor', 'Pat Privacy');
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	AU = as(srv, await signIn(srv.port, au));
	client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Transparent Client' } })).json;
	other = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } })).json;
	await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'x' } } });
	await A('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1' } });
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', {
		body: { email: 'portal.transparent@example.org', name: 'Transparent Client', role: 'client', client_id: client.id },
	});
	C = as(srv, await signIn(srv.port, { email: 'portal.transparent@example.org', password: p.json.one_time_password, secret: null }));
});
after(async () => { await srv?.stop(); });

describe('a client\'s privacy page', () => {
	test('shows each category with what it holds, who sees it and how much there is', async () => {
		const r = await C('GET', `/api/v1/clients/${client.id}/privacy`);
		assert.equal(r.status, 200, r.text);
		const cat = Object.fromEntries(r.json.categories.map((c) => [c.name, c]));
		assert.equal(cat.notes.count, 1);
		assert.equal(cat.diagnoses.count, 1);
		assert.equal(cat.consents.count, 0);
		assert.match(cat.notes.who, /care team/);
		assert.match(cat.diagnoses.who, /billing/);
		assert.equal(r.json.practice.server_location, "the practice's own server");
		assert.match(r.json.retention, /7 years/);
		assert.deepEqual(r.json.integrations.map((i) => [i.name, i.configured]), [['email', false], ['sms', false], ['clearinghouse', false], ['turn', false]]);
		assert.ok(r.json.rights.some((x) => x.right === 'correction'));
		assert.match(r.json.no_trackers, /no trackers/);
		assert.doesNotMatch(r.text, /psychotherapy/i, 'the page does not reveal whether psychotherapy notes exist');
	});

	test('only for whoever may read the client; refusals are 404 and audited', async () => {
		assert.equal((await C('GET', `/api/v1/clients/${other.id}/privacy`)).status, 404);
		assert.equal((await B('GET', `/api/v1/clients/${client.id}/privacy`)).status, 404);
		assert.equal((await A('GET', `/api/v1/clients/${client.id}/privacy`)).status, 200);
		const trail = await srv.request('GET', `/api/v1/audit?client=${client.id}&event=privacy.page&limit=20`);
		assert.ok(trail.json.events.some((e) => e.outcome === 'ok' && e.actor_role === 'client'));
		assert.ok(trail.json.events.some((e) => e.outcome !== 'ok' && e.actor_role === 'clinician'), trail.text);
	});
});

describe('the practice\'s settings behind the notices', () => {
	test('the owner names the practice and turns an integration on; bad text changes nothing', async () => {
		await reauth(srv);
		const ok = await srv.request('PATCH', '/api/v1/settings', { body: { practice_name: 'Lakeside Counselling', smtp_host: 'mail.lakeside.example', server_location: 'a server in the practice office, Portland, Oregon' } });
		assert.equal(ok.status, 200, ok.text);
		assert.equal(ok.json.practice_name, 'Lakeside Counselling');
		for (const body of [{ practice_name: 'two\nlines' }, { practice_name: 'x'.repeat(201) }, { practice_name: 7 }, { require_mfa: 'yes' }]) {
			const r = await srv.request('PATCH', '/api/v1/settings', { body });
			assert.equal(r.status, 400, JSON.stringify(body));
		}
		const now = await srv.request('GET', '/api/v1/settings');
		assert.equal(now.json.practice_name, 'Lakeside Counselling');
		const trail = await srv.request('GET', '/api/v1/audit?event=settings.update&limit=50');
		assert.ok(trail.json.events.some((e) => e.detail === 'practice_name=changed'), 'text values stay out of the trail');
	});

	test('the public notice needs no sign-in and lists what can leave the server', async () => {
		const r = await request(srv.port, 'GET', '/api/v1/privacy-notice', { session: null });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.practice.name, 'Lakeside Counselling');
		const email = r.json.integrations.find((i) => i.name === 'email');
		assert.equal(email.configured, true);
		assert.equal(email.needs_consent, 'email');
		assert.match(r.json.no_trackers, /no trackers, no analytics/);
		const page = await request(srv.port, 'GET', '/privacy.html', { session: null });
		assert.equal(page.status, 200);
		assert.match(page.text, /<script type="module" src="\/js\/privacy.js"><\/script>/);
		assert.doesNotMatch(page.text, /https?:\/\//, 'the page references nothing off this server');
	});

	test('the record of processing is for the owner and the privacy officer', async () => {
		const r = await AU('GET', '/api/v1/processing-record');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.controller.name, 'Lakeside Counselling');
		assert.ok(r.json.data_categories.length >= 10);
		assert.ok(r.json.security.some((s) => /per\s+client/.test(s)));
		assert.equal((await A('GET', '/api/v1/processing-record')).status, 403);
	});
});
