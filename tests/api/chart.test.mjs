// chart.test.mjs - the full client chart tried as a practice would: the
// optional fields the practice does not collect are refused (400, nothing
// changed) until the owner turns them on; a chart with every field is
// created, updated and its history shows both versions with who and when;
// guardians are added, changed and removed; contact routes obey the
// client's preferences and confidential-communication alternates; search by
// date of birth follows an update; a note draft keeps every saved version;
// the care team shows in the chart with its primary clinician. Every read of
// history is audited and refused outside the rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, countClients, init, reauth, serve, signIn } from './harness.mjs';

let practice, srv, a, b, sched, biller, A, B, SC, BI;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	a = await addUser(srv, 'clinician', 'Ana Treating');
	b = await addUser(srv, 'clinician', 'Ben Outside');
	sched = await addUser(srv, 'scheduler', 'Sam Desk');
	biller = await addUser(srv, 'biller', 'Bill Biller');
	A = as(srv, await signIn(srv.port, a));
	B = as(srv, await signIn(srv.port, b));
	SC = as(srv, await signIn(srv.port, sched));
	BI = as(srv, await signIn(srv.port, biller));
});
after(async () => { await srv?.stop(); });

const COLLECT = ['collect_emergency_contact', 'collect_guardians', 'collect_intake_date', 'collect_referral_source'];

async function setCollect(value) {
	await reauth(srv);
	const body = Object.fromEntries(COLLECT.map((k) => [k, value]));
	const r = await srv.request('PATCH', '/api/v1/settings', { body });
	assert.equal(r.status, 200, r.text);
	for (const k of COLLECT) assert.equal(r.json[k], value);
}

async function history(who, id) {
	const r = await who('GET', `/api/v1/clients/${id}/history`);
	assert.equal(r.status, 200, r.text);
	return r.json.versions;
}

// eventsFor(rid) - the events written by request rid (the owner reads the trail).
async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

const FULL = {
	legal_name: 'Robin Fairweather-Okafor',
	preferred_name: 'Rob',
	pronouns: 'he/him',
	date_of_birth: '2011-03-14',
	email: 'robin.home@example.org',
	phone: '+1 555 0100',
	address: '4 Elm Street\nSpringfield',
	emergency_name: 'Ada Fairweather',
	emergency_relationship: 'aunt',
	emergency_phone: '+1 555 0199',
	may_email: true,
	may_text: false,
	may_voicemail: null,
	alt_address: 'PO Box 77\nShelbyville',
	alt_phone: '+1 555 0177',
	alt_email: 'robin.private@example.org',
	intake_date: '2026-01-05',
	referral_source: 'School counsellor',
};

describe('what the practice collects', () => {
	test('by default the optional fields are not collected: a write setting one is a 400 naming it, and nothing changes', async () => {
		const s = await srv.request('GET', '/api/v1/settings');
		for (const k of COLLECT) assert.equal(s.json[k], 0, `${k} defaults to 0`);
		const n = await countClients(srv);
		for (const [field, value] of [['emergency_name', 'X'], ['emergency_phone', '1'], ['intake_date', '2026-01-01'], ['referral_source', 'web']]) {
			const r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Not Collected', [field]: value } });
			assert.equal(r.status, 400, `${field}: ${r.text}`);
			assert.match(r.json.message, new RegExp(`^${field} is not collected`));
		}
		assert.equal(await countClients(srv), n, 'a refused create stored a client');
		const c = (await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Minimal Chart', may_email: true } })).json;
		const p = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, phone: '555', referral_source: 'web' } });
		assert.equal(p.status, 400);
		assert.match(p.json.message, /referral_source/);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.equal(g.json.version, 1);
		assert.equal(g.json.phone, null, 'a refused update was partly applied');
		assert.equal((await history(srv.request, c.id)).length, 1, 'a refused update left history');
		const guard = await srv.request('POST', `/api/v1/clients/${c.id}/guardians`, { body: { name: 'Pat Parent' } });
		assert.equal(guard.status, 400);
		assert.match(guard.json.message, /collect_guardians/);
	});
});

describe('the full chart', () => {
	let c;

	test('create with every field; read it back; flags are booleans', async () => {
		await setCollect(1);
		const r = await srv.request('POST', '/api/v1/clients', { body: FULL });
		assert.equal(r.status, 201, r.text);
		c = r.json;
		for (const [k, v] of Object.entries(FULL)) assert.deepEqual(c[k], v, `${k} echoed`);
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.deepEqual(g.json, c);
	});

	test('too-long and malformed fields are a 400 naming the field; nothing changes', async () => {
		for (const [field, value, re] of [
			['emergency_name', 'x'.repeat(201), /^emergency_name is too long/],
			['referral_source', 'y'.repeat(201), /^referral_source is too long/],
			['alt_phone', '9'.repeat(41), /^alt_phone is too long/],
			['intake_date', '2026-02-30', /^intake_date must be a real date/],
			['alt_email', 'no-at-sign', /^alt_email must contain @/],
			['may_text', 'yes', /^may_text must be true, false or null/],
			['emergency_relationship', 'a\u0007b', /^emergency_relationship contains control characters/],
		]) {
			const r = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: c.version, [field]: value } });
			assert.equal(r.status, 400, `${field}: ${r.status} ${r.text}`);
			assert.match(r.json.message, re, field);
		}
		const g = await srv.request('GET', `/api/v1/clients/${c.id}`);
		assert.deepEqual(g.json, c, 'a refused update changed the chart');
	});

	test('an update by another user; the history shows both versions, who and when', async () => {
		// the clinician joins the care team, then edits
		const ct = await srv.request('POST', `/api/v1/clients/${c.id}/care-team`, { body: { user_id: a.id } });
		assert.equal(ct.status, 200, ct.text);
		const u = await A('PATCH', `/api/v1/clients/${c.id}`, { body: { version: 1, alt_phone: null, emergency_phone: '+1 555 0123', may_voicemail: true } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.version, 2);
		const owner = srv.session.user.id;
		const hs = await history(A, c.id);
		assert.equal(hs.length, 2);
		const [v1, v2] = hs;
		assert.equal(v1.action, 'create');
		assert.equal(v1.by, owner);
		assert.deepEqual(v1.object, { type: 'client', id: c.id });
		assert.equal(v1.values.legal_name, FULL.legal_name);
		assert.equal(v1.values.may_email, true);
		assert.equal(v1.values.alt_phone, FULL.alt_phone);
		assert.ok(!('may_voicemail' in v1.values), 'a field never set is not in the create');
		assert.equal(v2.action, 'update');
		assert.equal(v2.by, a.id);
		assert.deepEqual([...v2.changed].sort(), ['alt_phone', 'emergency_phone', 'may_voicemail']);
		assert.deepEqual(v2.values, { alt_phone: null, emergency_phone: '+1 555 0123', may_voicemail: true });
		assert.deepEqual(v2.previous, { alt_phone: FULL.alt_phone, emergency_phone: FULL.emergency_phone, may_voicemail: null });
		assert.match(v2.at, /^\d{4}-\d{2}-\d{2}T/);
		assert.ok(v2.at >= v1.at);
		c = u.json;
	});

	test('history is read by those who may read the record, refused (404) to others, and every read is audited', async () => {
		const sc = await SC('GET', `/api/v1/clients/${c.id}/history`);
		assert.equal(sc.status, 200, 'the front desk reads the chart and so its history');
		const bi = await BI('GET', `/api/v1/clients/${c.id}/history`);
		assert.equal(bi.status, 200);
		const out = await B('GET', `/api/v1/clients/${c.id}/history`);
		assert.equal(out.status, 404, 'a clinician outside the care team');
		const ok = await A('GET', `/api/v1/clients/${c.id}/history`);
		const evs = await eventsFor(ok.headers['x-request-id']);
		assert.deepEqual(evs.map((e) => [e.event, e.outcome, e.actor]), [['client.history', 'ok', a.id]]);
		const refused = await eventsFor(out.headers['x-request-id']);
		assert.deepEqual(refused.map((e) => e.outcome), ['denied']);
		for (const e of [...evs, ...refused]) assert.ok(!JSON.stringify(e).includes('Fairweather'), 'PHI in an audit event');
	});

	test('contact routes: preferences and confidential alternates decide whether and where', async () => {
		const r = c.contact_routes;
		assert.deepEqual(r.email, { allowed: true, to: FULL.alt_email, confidential: true, reason: 'ok' });
		assert.deepEqual(r.sms, { allowed: false, to: null, confidential: false, reason: 'refused' });
		// alt_phone was cleared by the update: the voicemail goes to the ordinary phone
		assert.deepEqual(r.voice, { allowed: true, to: FULL.phone, confidential: false, reason: 'ok' });
		assert.deepEqual(r.post, { allowed: true, to: FULL.alt_address, confidential: true, reason: 'ok' });
		const m = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Never Asked', email: 'n@example.org', phone: '1' } });
		assert.equal(m.json.contact_routes.email.allowed, false);
		assert.equal(m.json.contact_routes.email.reason, 'not_asked');
		assert.equal(m.json.contact_routes.post.reason, 'no_destination');
		const u = await srv.request('PATCH', `/api/v1/clients/${m.json.id}`, { body: { version: 1, may_text: true, alt_phone: '+1 555 0000' } });
		assert.deepEqual(u.json.contact_routes.sms, { allowed: true, to: '+1 555 0000', confidential: true, reason: 'ok' });
	});

	test('guardians: add, list, change, stale change, remove; each step in the history', async () => {
		const base = `/api/v1/clients/${c.id}/guardians`;
		const g1 = await SC('POST', base, { body: { name: 'Morgan Fairweather', relationship: 'mother', phone: '+1 555 0111', scopes: ['scheduling', 'billing'] } });
		assert.equal(g1.status, 201, g1.text);
		assert.equal(g1.headers.location, `/api/v1/guardians/${g1.json.id}`);
		assert.deepEqual(g1.json.scopes, ['scheduling', 'billing']);
		assert.equal(g1.json.email, null);
		const g2 = await A('POST', base, { body: { name: 'Lee Okafor', email: 'lee@example.org', scopes: ['records'] } });
		assert.equal(g2.status, 201, g2.text);
		for (const [body, re] of [[{ relationship: 'x' }, /^name is required/], [{ name: 'N', scopes: ['everything'] }, /^scopes/],
			[{ name: 'N', email: 'nope' }, /^email/], [{ name: 'N'.repeat(201) }, /^name/]]) {
			const bad = await A('POST', base, { body });
			assert.equal(bad.status, 400, bad.text);
			assert.match(bad.json.message, re);
		}
		let list = await BI('GET', base);
		assert.equal(list.status, 200);
		assert.deepEqual(list.json.guardians.map((g) => g.name), ['Morgan Fairweather', 'Lee Okafor']);
		assert.equal((await B('GET', base)).status, 404, 'outside the care team');
		assert.equal((await BI('POST', base, { body: { name: 'Nope' } })).status, 403, 'billing does not write the chart');
		const u = await A('PATCH', `/api/v1/guardians/${g1.json.id}`, { body: { version: 1, phone: '+1 555 0112', scopes: ['scheduling'] } });
		assert.equal(u.status, 200, u.text);
		assert.equal(u.json.version, 2);
		assert.equal(u.json.relationship, 'mother', 'an absent member is kept');
		assert.deepEqual(u.json.scopes, ['scheduling']);
		const stale = await A('PATCH', `/api/v1/guardians/${g1.json.id}`, { body: { version: 1, phone: '0' } });
		assert.equal(stale.status, 409);
		const d = await SC('DELETE', `/api/v1/guardians/${g2.json.id}`);
		assert.equal(d.status, 204, d.text);
		assert.equal((await SC('DELETE', `/api/v1/guardians/${g2.json.id}`)).status, 404);
		list = await A('GET', base);
		assert.deepEqual(list.json.guardians.map((g) => [g.name, g.phone, g.version]), [['Morgan Fairweather', '+1 555 0112', 2]]);
		const hs = (await history(A, c.id)).filter((h) => h.object.type === 'guardian');
		assert.deepEqual(hs.map((h) => h.action), ['guardian.add', 'guardian.add', 'guardian.update', 'guardian.remove']);
		assert.deepEqual(hs[2].values, { phone: '+1 555 0112', scopes: 'scheduling' });
		assert.deepEqual(hs[2].previous, { phone: '+1 555 0111', scopes: 'scheduling,billing' });
		assert.equal(hs[3].previous.email, 'lee@example.org', 'a removed guardian stays in the history');
		assert.equal(hs[3].by, sched.id);
	});

	test('the care team shows in the chart; one member is the primary clinician', async () => {
		const t = await SC('GET', `/api/v1/clients/${c.id}/care-team`);
		assert.equal(t.status, 200, t.text);
		assert.deepEqual(t.json.clinicians.map((m) => [m.id, m.name, m.primary]), [[a.id, 'Ana Treating', false]]);
		assert.equal(t.json.primary, null);
		const notMember = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: c.version, primary_clinician: b.id } });
		assert.equal(notMember.status, 400);
		assert.match(notMember.json.message, /care team/);
		const p = await srv.request('PATCH', `/api/v1/clients/${c.id}`, { body: { version: c.version, primary_clinician: a.id } });
		assert.equal(p.status, 200, p.text);
		assert.equal(p.json.primary_clinician, a.id);
		const t2 = await A('GET', `/api/v1/clients/${c.id}/care-team`);
		assert.deepEqual(t2.json.clinicians.map((m) => m.primary), [true]);
		assert.equal(t2.json.primary, a.id);
		assert.equal((await B('GET', `/api/v1/clients/${c.id}/care-team`)).status, 404);
		const last = (await history(A, c.id)).at(-1);
		assert.deepEqual(last.values, { primary_clinician: a.id });
		c = p.json;
	});
});

describe('search by date of birth', () => {
	test('a date finds the client; after an update the old date no longer does', async () => {
		const c = await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Dobson Searchable', date_of_birth: '1944-07-09' } });
		const find = async (q) => (await srv.request('POST', '/api/v1/clients/search', { body: { query: q } })).json.clients.map((x) => x.id);
		assert.deepEqual(await find('1944-07-09'), [c.json.id]);
		assert.deepEqual(await find('dobson 1944-07-09'), [c.json.id], 'a name and a date together');
		assert.deepEqual(await find('1944-07-10'), []);
		const u = await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { body: { version: 1, date_of_birth: '1945-01-02' } });
		assert.equal(u.status, 200);
		assert.deepEqual(await find('1944-07-09'), [], 'the old date still finds the client');
		assert.deepEqual(await find('1945-01-02'), [c.json.id]);
	});
});

describe('note drafts keep every version', () => {
	test('create, two saves: three versions with who, when and which fields changed; treating team only', async () => {
		const cl = await A('POST', '/api/v1/clients', { body: { legal_name: 'Noted Versions' } });
		const fields = { subjective: 'first words', objective: 'calm', assessment: 'stable', plan: 'weekly' };
		const n = await A('POST', `/api/v1/clients/${cl.json.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields } });
		assert.equal(n.status, 201, n.text);
		const u1 = await A('PATCH', `/api/v1/notes/${n.json.id}`, { body: { version: 1, fields: { ...fields, subjective: 'second words' } } });
		assert.equal(u1.status, 200, u1.text);
		const u2 = await A('PATCH', `/api/v1/notes/${n.json.id}`, { body: { version: 2, date: '2026-11-21', fields: { ...fields, subjective: 'second words', plan: 'fortnightly' } } });
		assert.equal(u2.status, 200, u2.text);
		const h = await A('GET', `/api/v1/notes/${n.json.id}/history`);
		assert.equal(h.status, 200, h.text);
		assert.equal(h.json.note, n.json.id);
		assert.equal(h.json.client, cl.json.id);
		const vs = h.json.versions;
		assert.deepEqual(vs.map((v) => v.version), [1, 2, 3]);
		assert.deepEqual(vs.map((v) => v.saved_by), [a.id, a.id, a.id]);
		assert.deepEqual(vs.map((v) => v.content.subjective), ['first words', 'second words', 'second words']);
		assert.deepEqual(vs[1].changed, ['subjective']);
		assert.deepEqual([...vs[2].changed].sort(), ['date', 'plan']);
		assert.equal(vs[2].date, '2026-11-21');
		// signing does not add a version and does not lose any
		assert.equal((await A('POST', `/api/v1/notes/${n.json.id}/sign`, { body: {} })).status, 200);
		assert.equal((await A('GET', `/api/v1/notes/${n.json.id}/history`)).json.versions.length, 3);
		assert.equal((await B('GET', `/api/v1/notes/${n.json.id}/history`)).status, 404, 'outside the treating team');
		assert.equal((await SC('GET', `/api/v1/notes/${n.json.id}/history`)).status, 403, 'the front desk never reads notes');
		const evs = await eventsFor(h.headers['x-request-id']);
		assert.deepEqual(evs.map((e) => [e.event, e.outcome, e.object_id]), [['note.history', 'ok', n.json.id]]);
	});
});
