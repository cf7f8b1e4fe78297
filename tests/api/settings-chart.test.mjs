// settings-chart.test.mjs - GET /api/v1/settings/chart: every signed-in
// role reads which optional chart fields the practice collects (so forms
// offer only those), and nothing else of the settings; the full settings
// stay the owner's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { addUser, as, init, reauth, serve, signIn } from './harness.mjs';

let srv, desk, clin;
const KEYS = ['collect_emergency_contact', 'collect_guardians', 'collect_intake_date', 'collect_referral_source'];

before(async () => {
	const practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	desk = as(srv, await signIn(srv.port, await addUser(srv, 'scheduler', 'Dee Desk')));
	clin = as(srv, await signIn(srv.port, await addUser(srv, 'clinician', 'Cal Clinician')));
});
after(async () => { await srv?.stop(); });

test('staff read the collect_* settings only, and see the owner\'s changes', async () => {
	let r = await desk('GET', '/api/v1/settings/chart');
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(Object.keys(r.json).sort(), KEYS);
	for (const k of KEYS) assert.equal(r.json[k], 0, `${k} is off by default`);
	await reauth(srv);
	const p = await srv.request('PATCH', '/api/v1/settings', { body: { collect_guardians: 1, collect_intake_date: 1 } });
	assert.equal(p.status, 200, p.text);
	r = await clin('GET', '/api/v1/settings/chart');
	assert.equal(r.json.collect_guardians, 1);
	assert.equal(r.json.collect_intake_date, 1);
	assert.equal(r.json.collect_referral_source, 0);
	assert.equal(r.json.session_idle_seconds, undefined, 'other settings leak');
	assert.equal((await clin('GET', '/api/v1/settings')).status, 403, 'the full settings are the owner\'s');
	assert.equal((await as(srv, null)('GET', '/api/v1/settings/chart')).status, 401);
});

test('a refused setting names the field and its range, never the value, and changes nothing', async () => {
	await reauth(srv);
	const before1 = (await srv.request('GET', '/api/v1/settings')).json;
	let r = await srv.request('PATCH', '/api/v1/settings', { body: { collect_guardians: 0, session_idle_seconds: 59 } });
	assert.equal(r.status, 400, r.text);
	assert.equal(r.json.message, 'session_idle_seconds must be a whole number from 60 to 86400');
	r = await srv.request('PATCH', '/api/v1/settings', { body: { practice_name: 'x'.repeat(201) } });
	assert.equal(r.status, 400, r.text);
	assert.equal(r.json.message, 'practice_name must be one line of text of at most 200 characters');
	r = await srv.request('PATCH', '/api/v1/settings', { body: { practice_name: 'Two\nlines' } });
	assert.match(r.json.message, /^practice_name must be one line/);
	r = await srv.request('PATCH', '/api/v1/settings', { body: { break_glass_minutes: '30' } });
	assert.equal(r.json.message, 'break_glass_minutes must be a whole number');
	r = await srv.request('PATCH', '/api/v1/settings', { body: { server_location: 3 } });
	assert.equal(r.json.message, 'server_location must be text');
	assert.deepEqual((await srv.request('GET', '/api/v1/settings')).json, before1, 'a refused change was applied');
});
