// roster.test.mjs - GET /api/v1/clinicians, the calendar's list of who can
// hold appointments: active clinicians and supervisors with id, name and
// role only (no e-mail, no account state), for every role that sees the
// calendar; a disabled clinician drops off; clients and auditors are
// refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { addUser, as, init, reauth, serve, signIn } from './harness.mjs';

let practice, srv, ana, sue, sam, aud, bill;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	ana = await addUser(srv, 'clinician', 'Ana Roster');
	sue = await addUser(srv, 'supervisor', 'Sue Roster');
	sam = await addUser(srv, 'scheduler', 'Sam Roster');
	aud = await addUser(srv, 'auditor', 'Ada Roster');
	bill = await addUser(srv, 'biller', 'Bill Roster');
});
after(async () => { await srv?.stop(); });

test('the front desk lists active clinicians and supervisors, nothing more', async () => {
	const S = as(srv, await signIn(srv.port, sam));
	const r = await S('GET', '/api/v1/clinicians');
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.clinicians, [
		{ id: ana.id, name: 'Ana Roster', role: 'clinician' },
		{ id: sue.id, name: 'Sue Roster', role: 'supervisor' },
	]);
	assert.doesNotMatch(r.text, /@example\.org|mfa|disabled/);
	const B = as(srv, await signIn(srv.port, bill));
	assert.equal((await B('GET', '/api/v1/clinicians')).status, 200, 'billing sees the calendar too');
});

test('a disabled clinician is not offered; the auditor may not list', async () => {
	await reauth(srv);
	const d = await srv.request('PATCH', `/api/v1/users/${ana.id}`, { body: { disabled: true } });
	assert.equal(d.status, 200, d.text);
	const r = await srv.request('GET', '/api/v1/clinicians');
	assert.equal(r.status, 200, r.text);
	assert.deepEqual(r.json.clinicians.map((c) => c.id), [sue.id]);
	const AU = as(srv, await signIn(srv.port, aud));
	assert.equal((await AU('GET', '/api/v1/clinicians')).status, 403);
});
