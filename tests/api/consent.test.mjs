// consent.test.mjs - consent tried as a practice and a client would: the
// owner writes consent documents (versions, never edits); a client signs
// one in the portal and withdraws it in one step; staff record a signature
// given on paper; the signature is bound to the exact text shown; a
// release of information missing any HIPAA 164.508(c) element is refused;
// a valid release lets the practice disclose exactly its scope and the
// disclosure appears in the accounting; without a valid consent every
// disclosure route answers 403 consent_required naming the purpose, and
// the refusal is audited; a new version that requires re-consent retires
// the old signatures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, now, ownerOf, reauth, run, serve, signIn, sqlite } from './harness.mjs';

let practice, srv, A, B, SC, BI, C, client, other, portalIdent, people;
const tpl = {};

const today = () => new Date(now() * 1000).toISOString().slice(0, 10);
const later = (days) => new Date((now() + days * 86400) * 1000).toISOString().slice(0, 10);

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Ana Treating');
	const b = await addUser(srv, 'clinician', 'Ben Outside');
	const sched = await addUser(srv, 'scheduler', 'Sam Desk');
	const biller = await addUser(srv, 'biller', 'Bill Payer');
	people = { a, b, sched, biller };
	await signInAll();
	client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Consenting Client', date_of_birth: '1988-03-04', phone: '555 0142' } })).json;
	other = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } })).json;
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', {
		body: { email: 'portal.consent@example.org', name: 'Consenting Client', role: 'client', client_id: client.id },
	});
	assert.equal(p.status, 201, p.text);
	portalIdent = { email: 'portal.consent@example.org', password: p.json.one_time_password, secret: null };
	C = as(srv, await signIn(srv.port, portalIdent));
});

// signInAll - (again) after the clock moved past the sessions' lifetime.
async function signInAll() {
	A = as(srv, await signIn(srv.port, people.a));
	B = as(srv, await signIn(srv.port, people.b));
	SC = as(srv, await signIn(srv.port, people.sched));
	BI = as(srv, await signIn(srv.port, people.biller));
	if (portalIdent) {
		C = as(srv, await signIn(srv.port, portalIdent));
		srv.session = await signIn(srv.port, ownerOf(srv.data));
	}
}
after(async () => { await srv?.stop(); });

async function template(purpose, extra = {}) {
	await reauth(srv);
	const r = await srv.request('POST', '/api/v1/consent-templates', {
		body: { purpose, title: `${purpose} consent`, body: `We ask your consent for ${purpose}.\nYou may withdraw it at any time.`, effective_from: today(), ...extra },
	});
	assert.equal(r.status, 201, r.text);
	return r.json;
}

// sign(who, clientId, request) - preview, then sign with the hash shown.
async function sign(who, clientId, request) {
	const pv = await who('POST', `/api/v1/clients/${clientId}/consents/preview`, { body: request });
	assert.equal(pv.status, 200, pv.text);
	const r = await who('POST', `/api/v1/clients/${clientId}/consents`, { body: { ...request, text_hash: pv.json.text_hash } });
	return { preview: pv.json, r };
}

const release = (over = {}) => ({
	template: tpl.release.id, signed_name: 'Consenting Client', recipient: 'Dr. Rivera, Lakeside Family Practice',
	description: 'Diagnoses and contact details', release_purpose: 'Coordination of care', expires_on: later(90),
	scope: 'demographics,diagnoses', ...over,
});

describe('consent documents', () => {
	test('the owner writes versions; everyone reads them; nobody else writes; a template never changes', async () => {
		tpl.telehealth = await template('telehealth');
		tpl.release = await template('release');
		tpl.sms = await template('sms');
		assert.equal(tpl.telehealth.version, 1);
		const v2 = await template('telehealth');
		assert.equal(v2.version, 2, 'a new document for a purpose is its next version');
		tpl.telehealth = v2;
		const list = await C('GET', '/api/v1/consent-templates');
		assert.equal(list.status, 200);
		assert.ok(list.json.templates.some((t) => t.id === tpl.release.id));
		const one = await C('GET', `/api/v1/consent-templates/${tpl.sms.id}`);
		assert.match(one.json.body, /consent for sms/);
		assert.equal((await A('POST', '/api/v1/consent-templates', { body: { purpose: 'sms', title: 't', body: 'b', effective_from: today() } })).status, 403);
		await reauth(srv);
		const bad = await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'marketing', title: 't', body: 'b', effective_from: today() } });
		assert.equal(bad.status, 400);
		assert.match(bad.json.message, /purpose/);
		const edit = await sqlite(`${practice.data}/confidant.db`, `UPDATE consent_templates SET body = 'changed' WHERE public_id = '${tpl.sms.id}'`).catch((e) => e);
		assert.match(String(edit?.message ?? edit), /versioned, never edited/);
	});
});

describe('giving and withdrawing', () => {
	test('a client signs in the portal, bound to the exact text, and withdraws in one step', async () => {
		const { preview, r } = await sign(C, client.id, { template: tpl.telehealth.id, signed_name: 'Consenting Client' });
		assert.equal(r.status, 201, r.text);
		assert.match(preview.text, /telehealth consent \(version 2/);
		assert.equal(r.json.text_hash, preview.text_hash);
		assert.equal(r.json.signer, 'client');
		assert.equal(r.json.status, 'given');
		assert.ok(r.json.source, 'the source address is kept');
		const w = await C('POST', `/api/v1/consents/${r.json.id}/withdraw`, { body: {} });
		assert.equal(w.status, 200, w.text);
		const again = await C('POST', `/api/v1/consents/${r.json.id}/withdraw`, { body: {} });
		assert.equal(again.status, 409);
		const hist = await A('GET', `/api/v1/clients/${client.id}/consents`);
		const mine = hist.json.consents.find((x) => x.id === r.json.id);
		assert.equal(mine.status, 'withdrawn');
		assert.ok(mine.withdrawn_at);
		assert.equal(mine.signed_name, 'Consenting Client');
	});

	test('a signature over a different text is refused; bad input changes nothing', async () => {
		const before = (await A('GET', `/api/v1/clients/${client.id}/consents`)).json.consents.length;
		const wrong = await A('POST', `/api/v1/clients/${client.id}/consents`, {
			body: { template: tpl.sms.id, signed_name: 'Consenting Client', text_hash: 'ab'.repeat(32) },
		});
		assert.equal(wrong.status, 409);
		assert.match(wrong.json.message, /text_hash/);
		const r = await A('POST', `/api/v1/clients/${client.id}/consents`, { body: { template: tpl.sms.id, text_hash: 'ab'.repeat(32) } });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /signed_name/);
		const unknown = await A('POST', `/api/v1/clients/${client.id}/consents`, { body: { template: tpl.sms.id, signed_name: 'x', text_hash: 'ab'.repeat(32), marketing: true } });
		assert.equal(unknown.status, 400);
		const mixed = await A('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: { template: tpl.sms.id, recipient: 'someone' } });
		assert.equal(mixed.status, 400, 'release elements do not belong to another purpose');
		const after = (await A('GET', `/api/v1/clients/${client.id}/consents`)).json.consents.length;
		assert.equal(after, before);
	});

	test('staff record a guardian signature; who may is the record\'s own rule', async () => {
		const { r } = await sign(SC, client.id, { template: tpl.sms.id, signer: 'guardian', signed_name: 'Parent Of Client' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.signer, 'guardian');
		const outside = await B('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: { template: tpl.sms.id } });
		assert.equal(outside.status, 404, 'a clinician outside the care team');
		assert.equal((await C('GET', `/api/v1/clients/${other.id}/consents`)).status, 404, 'another client\'s consents');
		assert.equal((await C('POST', `/api/v1/clients/${other.id}/consents/preview`, { body: { template: tpl.sms.id } })).status, 404);
		assert.equal((await BI('GET', `/api/v1/clients/${client.id}/consents`)).status, 200, 'billing reads consents (insurance consent)');
	});
});

describe('release of information', () => {
	test('every element HIPAA 164.508(c) requires, or a 400 naming it', async () => {
		const cases = [
			[{ recipient: undefined }, /recipient/],
			[{ description: '' }, /description/],
			[{ release_purpose: undefined }, /release_purpose/],
			[{ expires_on: undefined }, /expires_on .*or expiry_event/],
			[{ expires_on: '2001-01-01' }, /expires_on/],
			[{ scope: 'psychotherapy_notes' }, /scope/],
			[{ scope: undefined }, /scope/],
		];
		for (const [over, msg] of cases) {
			const body = release(over);
			for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
			const r = await A('POST', `/api/v1/clients/${client.id}/consents/preview`, { body });
			assert.equal(r.status, 400, `${JSON.stringify(over)}: ${r.text}`);
			assert.match(r.json.message, msg);
		}
		const pv = await A('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: release() });
		assert.equal(pv.status, 200);
		assert.match(pv.json.text, /You may revoke this authorization/);
		assert.match(pv.json.text, /Recipient: Dr\. Rivera/);
	});

	test('a valid release discloses exactly its scope, and the accounting lists it', async () => {
		await A('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1', primary: true } });
		const { r } = await sign(C, client.id, release({ scope: 'demographics' }));
		assert.equal(r.status, 201, r.text);
		const d = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r.json.id } });
		assert.equal(d.status, 201, d.text);
		assert.equal(d.json.bundle.resourceType, 'Bundle');
		const kinds = d.json.bundle.entry.map((e) => e.resource.resourceType);
		assert.deepEqual(kinds, ['Patient'], 'demographics only: no Condition');
		assert.equal(d.json.bundle.entry[0].resource.birthDate, '1988-03-04');
		const { r: both } = await sign(C, client.id, release());
		const d2 = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: both.json.id } });
		assert.equal(d2.status, 201, d2.text);
		const cond = d2.json.bundle.entry.find((e) => e.resource.resourceType === 'Condition');
		assert.equal(cond.resource.code.coding[0].code, 'F41.1');
		const acc = await C('GET', `/api/v1/clients/${client.id}/disclosures`);
		assert.equal(acc.status, 200, acc.text);
		assert.equal(acc.json.years, 6);
		assert.deepEqual(acc.json.disclosures.map((x) => x.id), [d2.json.disclosure.id, d.json.disclosure.id]);
		assert.equal(acc.json.disclosures[0].recipient, 'Dr. Rivera, Lakeside Family Practice');
		assert.equal(acc.json.disclosures[0].purpose, 'Coordination of care');
	});
});

describe('the consent gate', () => {
	// How to exercise each route that discloses under a consent purpose. A
	// route whose audit event is a disclosure must have a recipe here.
	// bookFor(who, id) - an appointment for client id with the caller as
	// clinician, a day ahead (reminders are about an appointment).
	const bookFor = async (who, id) => {
		const me = (await who('GET', '/api/v1/auth/session')).json.user.id;
		const day = new Date((now() + 86400) * 1000).toISOString().slice(0, 10);
		const r = await who('POST', '/api/v1/appointments', { body: { clinician: me, clients: [id], start: `${day}T10:00`, minutes: 50, tz: 'UTC', override: true } });
		assert.equal(r.status, 201, r.text);
		return r.json.appointment.id;
	};
	const RECIPES = {
		'POST /api/v1/appointments/{id}/reminders/email': {
			purpose: 'email',
			call: async (who, id) => who('POST', `/api/v1/appointments/${await bookFor(who, id)}/reminders/email`, { body: {} }),
		},
		'POST /api/v1/appointments/{id}/reminders/sms': {
			purpose: 'sms',
			call: async (who, id) => who('POST', `/api/v1/appointments/${await bookFor(who, id)}/reminders/sms`, { body: {} }),
		},
		'POST /api/v1/appointments/{id}/telehealth': {
			purpose: 'telehealth',
			call: async (who, id) => {
				const me = (await who('GET', '/api/v1/auth/session')).json.user.id;
				const start = new Date((now() + 600) * 1000).toISOString().slice(0, 16);
				const b = await who('POST', '/api/v1/appointments', { body: { clinician: me, clients: [id], start, minutes: 50, tz: 'UTC', telehealth: true, override: true } });
				assert.equal(b.status, 201, b.text);
				return who('POST', `/api/v1/appointments/${b.json.appointment.id}/telehealth`, { body: {} });
			},
		},
		'POST /api/v1/clients/{id}/disclosures': {
			purpose: 'release',
			call: (who, id, authorization) => who('POST', `/api/v1/clients/${id}/disclosures`, { body: { authorization } }),
		},
	};

	test('every disclosure route is refused without a valid consent, naming the purpose, and audited', async () => {
		const r = await run(['routes']);
		const gated = r.stdout.trim().split('\n').map((l) => l.split('\t')).filter((f) => f[6] && f[6] !== '-');
		assert.ok(gated.length >= 1, 'at least one route discloses');
		for (const f of gated) {
			const key = `${f[0]} ${f[1]}`;
			const recipe = RECIPES[key];
			assert.ok(recipe, `${key} discloses under "${f[6]}" but this test has no recipe for it`);
			assert.equal(recipe.purpose, f[6]);
			const fresh = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Never Consented' } })).json;
			const res = await recipe.call(A, fresh.id, '0'.repeat(32));
			assert.equal(res.status, 403, `${key}: ${res.text}`);
			assert.equal(res.json.error, 'consent_required');
			assert.match(res.json.message, new RegExp(`consent required: ${f[6]}`));
			const trail = await srv.request('GET', `/api/v1/audit?client=${fresh.id}&limit=50`);
			assert.ok(trail.json.events.some((e) => e.outcome === 'consent_required' && e.detail === `purpose=${f[6]}`),
				`${key}: refusal audited\n${trail.text}`);
			assert.ok(!trail.json.events.some((e) => e.event === f[4] && e.outcome === 'ok'));
		}
	});

	test('withdrawn, expired, another client\'s and superseded authorizations do not count', async () => {
		const { r } = await sign(C, client.id, release({ expires_on: later(2) }));
		const auth = r.json.id;
		const ok = await A('POST', `/api/v1/clients/${other.id}/disclosures`, { body: { authorization: auth } });
		assert.equal(ok.status, 403, 'an authorization of another client');
		advance(4 * 86400);
		await signInAll();
		const expired = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: auth } });
		assert.equal(expired.status, 403, `expired: ${expired.text}`);
		const { r: r2 } = await sign(C, client.id, release());
		await C('POST', `/api/v1/consents/${r2.json.id}/withdraw`, { body: {} });
		const withdrawn = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r2.json.id } });
		assert.equal(withdrawn.status, 403, 'withdrawn');
		const { r: r3 } = await sign(C, client.id, release());
		assert.equal((await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r3.json.id } })).status, 201);
		tpl.release = await template('release', { requires_reconsent: true });
		const superseded = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r3.json.id } });
		assert.equal(superseded.status, 403, 'a version that requires re-consent retires the old signature');
		const { r: r4 } = await sign(C, client.id, release());
		assert.equal(r4.json.template_version, 2);
		assert.equal((await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r4.json.id } })).status, 201);
	});

	test('billing, the front desk and a clinician outside the team cannot release', async () => {
		const { r } = await sign(C, client.id, release());
		assert.equal((await BI('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r.json.id } })).status, 403);
		assert.equal((await SC('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r.json.id } })).status, 403);
		assert.equal((await B('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: r.json.id } })).status, 404);
	});
});
