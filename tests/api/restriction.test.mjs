// restriction.test.mjs - GDPR Art. 18: a restricted record may only be
// stored, or used by the owner or privacy officer for legal claims. Every
// staff path that reads or writes it is refused with 409 "restricted" (and
// audited), except those; the client keeps their right of access; lifting
// restores everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, rnd, serve, signIn } from './harness.mjs';

let p;
let srv;
let client;  // restricted in the tests
let other;   // never restricted
let note;
let C;       // clinician on both care teams
let B;       // biller
let S;       // scheduler
let A;       // auditor
let X;       // clinician on no care team
let P;       // the client's portal session

before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
	const mk = async (name) => {
		const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1985-02-03' } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	client = await mk(`Restricted ${rnd(6)}`);
	other = await mk(`Unrestricted ${rnd(6)}`);
	const clin = await addUser(srv, 'clinician');
	for (const c of [client, other]) {
		const t = await srv.request('POST', `/api/v1/clients/${c.id}/care-team`, { body: { user_id: clin.id } });
		assert.equal(t.status, 200, t.text);
	}
	C = as(srv, await signIn(srv.port, clin));
	const n = await C('POST', `/api/v1/clients/${client.id}/notes`,
		{ body: { template: 'soap', date: '2026-11-20', fields: { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' } } });
	assert.equal(n.status, 201, n.text);
	note = n.json;
	assert.equal((await C('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1' } })).status, 201);
	B = as(srv, await signIn(srv.port, await addUser(srv, 'biller')));
	S = as(srv, await signIn(srv.port, await addUser(srv, 'scheduler')));
	A = as(srv, await signIn(srv.port, await addUser(srv, 'auditor')));
	X = as(srv, await signIn(srv.port, await addUser(srv, 'clinician')));
	await reauth(srv);
	const email = `portal.${rnd(8)}@example.org`;
	const u = await srv.request('POST', '/api/v1/users', { body: { email, name: 'Portal Restricted', role: 'client', client_id: client.id } });
	assert.equal(u.status, 201, u.text);
	P = as(srv, await signIn(srv.port, { email, password: u.json.one_time_password, secret: null }));
});
after(async () => { await srv?.stop(); });

function restricted(r, what) {
	assert.equal(r.status, 409, `${what}: ${r.status} ${r.text}`);
	assert.equal(r.json.error, 'restricted', what);
	assert.match(r.json.message, /restricted/i, what);
}

describe('restriction of processing', () => {
	test('only the owner or auditor may restrict, with a valid basis', async () => {
		assert.equal((await C('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } })).status, 403);
		const bad = await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'whim' } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /basis/);
		const nf = await srv.request('POST', `/api/v1/clients/${'0'.repeat(32)}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(nf.status, 404);
		// Not yet restricted: the clinician works normally.
		assert.equal((await C('GET', `/api/v1/notes/${note.id}`)).status, 200);
	});

	test('restricted: staff reads and writes are refused on every path', async () => {
		const r = await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.restricted, true);
		assert.equal((await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } })).status, 409);

		restricted(await C('GET', `/api/v1/clients/${client.id}`), 'clinician reads the chart');
		restricted(await C('GET', `/api/v1/clients/${client.id}/notes`), 'clinician lists notes');
		restricted(await C('GET', `/api/v1/notes/${note.id}`), 'clinician reads a note');
		restricted(await C('POST', `/api/v1/clients/${client.id}/notes`,
			{ body: { template: 'soap', date: '2026-11-21', fields: { subjective: 's', objective: 'o', assessment: 'a', plan: 'p' } } }),
		'clinician writes a note');
		restricted(await C('GET', `/api/v1/clients/${client.id}/diagnoses`), 'clinician reads diagnoses');
		restricted(await C('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F32.1' } }), 'clinician adds a diagnosis');
		restricted(await C('GET', `/api/v1/clients/${client.id}/plans`), 'clinician lists plans');
		restricted(await B('GET', `/api/v1/clients/${client.id}/diagnoses`), 'biller reads diagnoses');
		restricted(await S('GET', `/api/v1/clients/${client.id}`), 'scheduler reads contact details');
		restricted(await S('PATCH', `/api/v1/clients/${client.id}`, { body: { version: 1, legal_name: 'Changed' } }), 'scheduler edits');
		restricted(await srv.request('PATCH', `/api/v1/clients/${client.id}`, { body: { version: 1, legal_name: 'Changed' } }), 'owner edits');

		// Someone with no access still learns nothing: 404, not 409.
		assert.equal((await X('GET', `/api/v1/clients/${client.id}`)).status, 404);

		// Legal claims: the owner and the auditor may read; the client keeps access.
		const o = await srv.request('GET', `/api/v1/clients/${client.id}`);
		assert.equal(o.status, 200, o.text);
		assert.equal((await A('GET', `/api/v1/clients/${client.id}`)).status, 200);
		assert.equal((await P('GET', `/api/v1/clients/${client.id}`)).status, 200);

		// Other clients are untouched; the clinician's to-do list still works.
		assert.equal((await C('GET', `/api/v1/clients/${other.id}`)).status, 200);
		assert.equal((await C('GET', '/api/v1/me/notes?status=draft')).status, 200);

		// Refusals are audited (ids only); the owner's reads are labelled legal claims.
		const ev = await srv.request('GET', '/api/v1/audit?event=restriction.refuse&limit=100');
		assert.equal(ev.status, 200, ev.text);
		assert.ok(ev.json.events.length >= 10, `refusals audited: ${ev.json.events.length}`);
		assert.ok(ev.json.events.every((e) => e.outcome === 'restricted' && e.client === client.id));
		const reads = await srv.request('GET', `/api/v1/audit?event=client.read&client=${client.id}&limit=20`);
		assert.ok(reads.json.events.some((e) => e.purpose === 'legal-claims'));
		const set = await srv.request('GET', '/api/v1/audit?event=restriction.set');
		assert.equal(set.json.events[0].detail, 'basis=accuracy');
	});

	test('lifting the restriction restores processing', async () => {
		assert.equal((await C('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} })).status, 403);
		const r = await A('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.restricted, false);
		assert.equal((await A('POST', `/api/v1/clients/${client.id}/restriction/lift`, { body: {} })).status, 409);
		assert.equal((await C('GET', `/api/v1/notes/${note.id}`)).status, 200);
		assert.equal((await B('GET', `/api/v1/clients/${client.id}/diagnoses`)).status, 200);
		assert.equal((await S('GET', `/api/v1/clients/${client.id}`)).status, 200);
		const lift = await srv.request('GET', '/api/v1/audit?event=restriction.lift');
		assert.equal(lift.json.events.filter((e) => e.outcome === 'ok').length, 1);
		assert.equal(lift.json.events.filter((e) => e.outcome === 'denied').length, 1, 'the clinician\'s try');
	});
});
