// pdf.test.mjs - the readable PDF documents, read back with poppler's
// pdftotext and pdfinfo: a release of information as a PDF packet holds
// exactly the categories its authorization covers (a category outside the
// scope and a psychotherapy note are nowhere in it, even when the client
// also signed a psychotherapy-notes authorization), its cover page carries
// the authorization's HIPAA 164.508(c) elements and signature, every page
// is footed with the authorization's number, and the release is recorded
// once in the accounting whichever format was asked for; the right-of-
// access export as PDF (API and CLI) is the readable record without
// psychotherapy notes; a UTF-8 name survives extraction; the PDF's
// metadata carries no name.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { addUser, as, execTool, init, now, reauth, run, serve, signIn, tmpdir } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'Zoë Ångström-Øster';
const canary = () => `cnry${crypto.randomBytes(6).toString('hex')}`;
const later = (days) => new Date((now() + days * 86400) * 1000).toISOString().slice(0, 10);

let practice, srv, A, C, client, dir, people;
const texts = {};
const tpl = {};

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	dir = tmpdir();
	people = { a: await addUser(srv, 'clinician', 'Ana Treating') };
	A = as(srv, await signIn(srv.port, people.a));
	texts.street = `${canary()} Harbour Street`;
	texts.phone = '555 0199';
	const r = await A('POST', '/api/v1/clients', { body: { legal_name: NAME, date_of_birth: '1979-11-23', phone: texts.phone, address: texts.street } });
	assert.equal(r.status, 201, r.text);
	client = r.json;
	assert.equal((await A('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1', primary: true } })).status, 201);
	texts.pnote = canary();
	const pn = await A('POST', `/api/v1/clients/${client.id}/psychotherapy-notes`, { body: { body: `Process ${texts.pnote}` } });
	assert.equal(pn.status, 201, pn.text);
	await reauth(srv);
	const p = await srv.request('POST', '/api/v1/users', {
		body: { email: 'portal.pdf@example.org', name: NAME, role: 'client', client_id: client.id },
	});
	assert.equal(p.status, 201, p.text);
	C = as(srv, await signIn(srv.port, { email: 'portal.pdf@example.org', password: p.json.one_time_password, secret: null }));
	for (const purpose of ['release', 'psychotherapy_notes']) {
		const t = await srv.request('POST', '/api/v1/consent-templates', {
			body: { purpose, title: `${purpose} authorization`, body: `We ask your authorization for ${purpose}.`, effective_from: later(-1) },
		});
		assert.equal(t.status, 201, t.text);
		tpl[purpose] = t.json;
	}
	// the client also authorizes their psychotherapy notes: a release still never carries them
	await sign({ template: tpl.psychotherapy_notes.id, signed_name: NAME });
});
after(async () => { await srv?.stop(); });

// sign(request) - the client previews and signs; the consent.
async function sign(request) {
	const pv = await C('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: request });
	assert.equal(pv.status, 200, pv.text);
	const r = await C('POST', `/api/v1/clients/${client.id}/consents`, { body: { ...request, text_hash: pv.json.text_hash } });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

const release = (over = {}) => sign({
	template: tpl.release.id, signed_name: NAME, recipient: 'Dr. Rivera, Lakeside Family Practice',
	description: 'What the scope names', release_purpose: 'Coordination of care', expires_on: later(90), ...over,
});

// read(bytes) - {text, pages (one string per page), info} of a PDF.
async function read(bytes) {
	const f = path.join(dir, `${crypto.randomBytes(6).toString('hex')}.pdf`);
	fs.writeFileSync(f, bytes, { mode: 0o600 });
	const t = await execTool('pdftotext', ['-enc', 'UTF-8', '-layout', f, '-']);
	assert.equal(t.status, 0, t.stderr);
	const i = await execTool('pdfinfo', [f]);
	assert.equal(i.status, 0, i.stderr);
	const text = t.stdoutBuf.toString('utf8');
	const info = Object.fromEntries(i.stdoutBuf.toString('utf8').split('\n').filter((l) => l.includes(':'))
		.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
	return { text, pages: text.split('\f').filter((p) => p.trim() !== ''), info };
}

async function accounting() {
	const r = await C('GET', `/api/v1/clients/${client.id}/disclosures`);
	assert.equal(r.status, 200, r.text);
	return r.json.disclosures.map((d) => d.id);
}

describe('the release-of-information packet as PDF', () => {
	test('diagnoses only: the PDF holds them and the authorization, not the demographics, never a psychotherapy note', async () => {
		const auth = await release({ scope: 'diagnoses' });
		const r = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: auth.id, format: 'pdf' } });
		assert.equal(r.status, 201, r.text);
		assert.match(r.headers['content-type'], /^application\/pdf/);
		const id = r.headers['content-disposition'].match(/disclosure-([0-9a-f]{32})\.pdf/)?.[1];
		assert.ok(id, r.headers['content-disposition']);
		assert.equal(r.body.subarray(0, 5).toString('latin1'), '%PDF-');
		const { text, pages, info } = await read(r.body);
		assert.equal(Number(info.Pages), 2, 'a cover page and the released information');
		assert.equal(pages.length, 2);
		assert.equal(info.Title, 'Release of information packet');
		assert.equal(info.Creator, 'Confidant');
		assert.ok(!JSON.stringify(info).includes('Zo'), 'the metadata names the client');
		// the cover page: the 164.508(c) elements and the signature
		const cover = pages[0].replace(/\s+/g, ' ');
		for (const want of ['Dr. Rivera, Lakeside Family Practice', 'What the scope names', 'Coordination of care',
			later(90), 'revoke', NAME, auth.id, id])
			assert.ok(cover.includes(want), `the cover page lacks ${want}\n${pages[0]}`);
		assert.ok(pages[0].replace(/\s+/g, '').includes(auth.text_hash), 'the hash of the text signed'); // may wrap
		// the released category, and nothing else
		assert.match(pages[1], /F41\.1/);
		assert.match(pages[1], /Generalized anxiety disorder/i);
		for (const not of [texts.street, texts.phone, '1979-11-23', texts.pnote, 'Process'])
			assert.ok(!text.includes(not), `out of scope in the packet: ${not}`);
		// every page: the footer naming the authorization, and its number
		pages.forEach((p, i) => {
			assert.ok(p.replace(/\s+/g, ' ').includes(`disclosed under authorization #${auth.id}`), `page ${i + 1} footer`);
			assert.ok(p.includes(`Page ${i + 1} of 2`), `page ${i + 1} number`);
		});
		const acc = await accounting();
		assert.equal(acc.filter((x) => x === id).length, 1, 'recorded exactly once');
		texts.first = id;
	});

	test('demographics only, PDF and FHIR together: one disclosure, the UTF-8 name intact, no diagnosis', async () => {
		const before_ = await accounting();
		const auth = await release({ scope: 'demographics' });
		const r = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: auth.id, format: 'both' } });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.json.bundle.entry.map((e) => e.resource.resourceType), ['Patient']);
		const { text, pages } = await read(Buffer.from(r.json.pdf, 'base64'));
		assert.equal(pages.length, 2);
		assert.ok(pages[1].includes(NAME), `the name did not survive:\n${pages[1]}`);
		assert.ok(pages[1].includes(texts.street) && pages[1].includes('1979-11-23'));
		for (const not of ['F41.1', 'anxiety', texts.pnote])
			assert.ok(!text.includes(not), `out of scope in the packet: ${not}`);
		const acc = await accounting();
		assert.equal(acc.length, before_.length + 1, 'PDF and FHIR together are one disclosure');
		assert.equal(acc.filter((x) => x === r.json.disclosure.id).length, 1);
		assert.equal(acc.filter((x) => x === texts.first).length, 1);
	});

	test('an unknown format is refused, naming the field, and nothing is disclosed', async () => {
		const before_ = await accounting();
		const auth = await release({ scope: 'diagnoses' });
		const r = await A('POST', `/api/v1/clients/${client.id}/disclosures`, { body: { authorization: auth.id, format: 'docx' } });
		assert.equal(r.status, 400, r.text);
		assert.match(r.json.message, /format/);
		assert.deepEqual(await accounting(), before_);
	});
});

describe('the right-of-access export as PDF', () => {
	test('the client downloads their record as PDF: readable, their name intact, no psychotherapy note', async () => {
		const r = await C('GET', `/api/v1/clients/${client.id}/export?format=pdf`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers['content-type'], /^application\/pdf/);
		const { text, pages, info } = await read(r.body);
		assert.ok(pages.length >= 1);
		assert.equal(Number(info.Pages), pages.length);
		assert.ok(!JSON.stringify(info).includes('Zo'), 'the metadata names the client');
		const flat = text.replace(/\s+/g, ' ');
		for (const want of [`Health record of ${NAME}`, texts.street, 'F41.1', 'Psychotherapy notes are not part of it'])
			assert.ok(flat.includes(want), `the export lacks ${want}`);
		assert.ok(!text.includes(texts.pnote), 'a psychotherapy note reached the PDF export');
		pages.forEach((p, i) => assert.ok(p.includes(`Page ${i + 1} of ${pages.length}`)));
		const trail = await srv.request('GET', `/api/v1/audit?client=${client.id}&limit=50`);
		assert.ok(trail.json.events.some((e) => e.event === 'record.export' && /^pdf /.test(e.detail ?? '')), 'the export is audited as pdf');
	});

	test('the CLI writes the PDF to a new 0600 file', async () => {
		const out = path.join(dir, 'record.pdf');
		const r = await run(['export', '--data', practice.data, '--keyfile', practice.keyfile, '--client', client.id, '--out', out, '--format', 'pdf']);
		assert.equal(r.status, 0, r.stderr);
		assert.equal(fs.statSync(out).mode & 0o777, 0o600);
		const { text } = await read(fs.readFileSync(out));
		assert.ok(text.includes(NAME));
		assert.ok(!text.includes(texts.pnote));
		assert.ok(!r.stdout.includes(NAME), 'the CLI printed PHI');
	});

	test('the PDF code has no path to psychotherapy notes, the store or the audit trail', () => {
		const files = ['src/pdf/pdf.c', 'src/pdf/pdf.h', 'src/api/packet_pdf.c', 'src/api/export_pdf.c', 'src/api/documents.h'];
		for (const f of files) {
			const code = fs.readFileSync(path.join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
			assert.doesNotMatch(code, /pnote|psychotherapy_note/i, `${f} reaches psychotherapy notes`);
			assert.doesNotMatch(code, /#include "(store|audit)\//, `${f} reaches the store or the audit trail`);
		}
	});
});
