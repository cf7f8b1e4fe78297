// rights-web.test.mjs - the rights of access and erasure in Chromium against
// a real `confidant serve`: a clinician exports a chart as FHIR (a file that
// parses, answering an open access request) and as PDF (%PDF), under a
// generic file name; the client at phone width downloads their record,
// asks for an export, asks for erasure and is told it is blocked by the
// retention rule until a date seven years on, and reads their privacy
// page; the owner records an erasure request on the rights desk and sees
// the same answer. axe on every new screen; every request same-origin, no
// CSP violation.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, as, init, now, ownerOf, reauth, rnd, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: export, access and erasure requests, the privacy page', () => {
	let practice, srv, browser, ana, portalIdent, A, client, other;
	const recs = [];
	const name = `Robin ${rnd(6)} Okafor`;
	const otherName = `Sasha ${rnd(6)} Lindqvist`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Author');
		A = as(srv, await signIn(srv.port, ana));
		const c = await A('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1990-03-14', email: 'robin@example.org' } });
		assert.equal(c.status, 201, c.text);
		client = c.json;
		const o = await A('POST', '/api/v1/clients', { body: { legal_name: otherName } });
		assert.equal(o.status, 201, o.text);
		other = o.json;
		const n = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'Sleeping better.' } } });
		assert.equal(n.status, 201, n.text);
		await reauth(srv);
		const email = `portal.${rnd(6).toLowerCase()}@example.org`;
		const p = await srv.request('POST', '/api/v1/users', { body: { email, name, role: 'client', client_id: client.id } });
		assert.equal(p.status, 201, p.text);
		portalIdent = { email, password: p.json.one_time_password, secret: null };
		await signIn(srv.port, portalIdent);
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	async function open(ident, landing, opts) {
		const rec = await openPage(browser, srv, opts);
		recs.push(rec);
		await signInPage(rec.page, ident, landing);
		return rec;
	}

	// confirmIfAsked(page, ident, done, must) - answer the re-authentication
	// dialog if the server asks for one before done settles (must: it has to).
	async function confirmIfAsked(page, ident, done, must = false) {
		const dlg = page.getByRole('dialog', { name: 'Confirm it is you' });
		if (must) await dlg.waitFor();
		else await Promise.race([dlg.waitFor(), done]);
		if (await dlg.isVisible()) {
			await axe(page, 're-authentication dialog');
			await dlg.getByLabel('Your password').fill(ident.password);
			advance(30);
			await dlg.getByLabel('Code from your authenticator app').fill(totp(ident.secret));
			await dlg.getByRole('button', { name: 'Confirm' }).click();
		}
		return done;
	}

	// download(page, ident, button) - click button, confirm if asked, and
	// return {name, bytes} of the file the browser saved.
	async function download(page, ident, button, must = false) {
		const dl = page.waitForEvent('download');
		await button.click();
		const d = await confirmIfAsked(page, ident, dl, must);
		return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
	}

	it('a clinician exports the chart as FHIR (answering an access request) and as PDF, under a generic name', async () => {
		const ar = await A('POST', `/api/v1/clients/${client.id}/access-requests`, { body: { kind: 'portability', jurisdiction: 'hipaa' } });
		assert.equal(ar.status, 201, ar.text);
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(`${rec.origin}/#/clients/${client.id}`);
		await waitHeading(page, name);
		await page.locator('#export-h').waitFor();
		const reqSel = page.getByLabel('Answers an access request');
		await reqSel.locator('option', { hasText: `due ${ar.json.due_on}` }).waitFor({ state: 'attached' });
		await axe(page, 'chart with the export section');
		await page.getByLabel('Format').selectOption('fhir');
		await reqSel.selectOption(ar.json.id);
		const fhir = await download(page, ana, page.getByRole('button', { name: 'Download the record' }));
		assert.equal(fhir.name, 'health-record.fhir.json');
		const bundle = JSON.parse(fhir.bytes.toString('utf8'));
		assert.equal(bundle.resourceType, 'Bundle');
		assert.ok(bundle.entry.some((e) => e.resource.resourceType === 'Patient' && e.resource.id === client.id));
		await page.locator('#status', { hasText: 'the access request is answered' }).waitFor();
		const after1 = (await A('GET', `/api/v1/clients/${client.id}/access-requests`)).json.requests.find((x) => x.id === ar.json.id);
		assert.equal(after1.status, 'fulfilled');
		assert.equal(after1.export, bundle.id);
		await page.getByLabel('Format').selectOption('pdf');
		advance(6 * 60); // past the re-authentication window: the dialog comes up
		const pdf = await download(page, ana, page.getByRole('button', { name: 'Download the record' }), true);
		assert.equal(pdf.name, 'health-record.pdf');
		assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
		assert.ok(!rec.requests.some((q) => q.url.includes(name.split(' ')[1])), 'a name went into a URL');
		await rec.context.close();
	});

	it('the client at phone width downloads their record, asks for an export, asks for erasure (blocked) and reads their privacy page', async () => {
		const rec = await open(portalIdent, `Hello, ${name}`, { viewport: { width: 375, height: 800 } });
		const { page } = rec;
		await page.locator('#my-export-h').waitFor();
		await page.locator('#my-ar-h').locator('xpath=..').locator('li', { hasText: 'Answered' }).waitFor(); // the export staff made
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the portal scrolls sideways');
		await axe(page, 'portal with my rights at phone width');

		await page.getByLabel('Format').selectOption('html');
		const html = await download(page, portalIdent, page.getByRole('button', { name: 'Download my record' }));
		assert.equal(html.name, 'health-record.html');
		assert.match(html.bytes.toString('utf8'), /<html/i);
		assert.ok(html.bytes.toString('utf8').includes(name), 'the readable record names its client');

		await page.getByLabel('What you ask for').selectOption('portability');
		await page.getByLabel('Law that applies to you').selectOption('gdpr');
		await page.getByRole('button', { name: 'Ask for it' }).click();
		await page.locator('#status', { hasText: 'the practice answers by' }).waitFor();
		const reqs = (await A('GET', `/api/v1/clients/${client.id}/access-requests`)).json.requests;
		const mine = reqs.find((x) => x.requested_via === 'portal');
		assert.ok(mine, 'no request from the portal');
		assert.equal(mine.kind, 'portability');
		assert.equal(mine.jurisdiction, 'gdpr');
		await page.locator('#my-ar-h').locator('xpath=..').locator('li', { hasText: `answer due by ${mine.due_on}` }).waitFor();

		await page.getByRole('button', { name: 'Ask us to erase my data' }).click();
		const yes = page.getByRole('button', { name: 'Yes, erase my data' });
		await yes.waitFor();
		await axe(page, 'erasure confirm step at phone width');
		const answer = page.locator('.erasure-answer');
		advance(6 * 60); // past the re-authentication window: the dialog comes up
		await yes.click();
		await confirmIfAsked(page, portalIdent, answer.waitFor(), true);
		const text = await answer.textContent();
		const er = (await srv.request('GET', '/api/v1/erasure-requests')).json.requests.find((x) => x.client === client.id);
		assert.equal(er.status, 'scheduled');
		assert.deepEqual(er.blocked_by, ['retention']);
		assert.match(text, /Blocked by the retention rule/);
		const year = Number(er.not_before.slice(0, 4));
		assert.equal(year, new Date(now() * 1000).getUTCFullYear() + 7, `retention date ${er.not_before}: seven years after the last contact`);
		assert.match(text, new RegExp(`possible on ${year}-\\d\\d-\\d\\d`));
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the answer scrolls sideways');
		const c = await A('GET', `/api/v1/clients/${client.id}`);
		assert.equal(c.status, 200, 'the record is still there');

		await page.getByRole('link', { name: 'My privacy page' }).click();
		await waitHeading(page, 'My privacy page');
		await page.locator('table.privacy-cats tbody tr').first().waitFor();
		const keep = await page.locator('.retain-until').textContent();
		assert.match(keep, new RegExp(`kept until ${year}-\\d\\d-\\d\\d`));
		await page.getByText('Nothing was released outside the practice', { exact: false }).waitFor();
		await page.locator('#pp-cons-h').waitFor();
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the privacy page scrolls sideways');
		await axe(page, 'privacy page at phone width');
		await rec.context.close();
	});

	it('the owner records an erasure request on the rights desk and sees it blocked, with the date', async () => {
		const owner = ownerOf(practice.data);
		const rec = await open(owner, 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Rights desk' }).click();
		await waitHeading(page, 'Rights desk');
		await page.getByRole('button', { name: 'Record an erasure request' }).click();
		await page.getByRole('button', { name: 'Record the erasure request' }).click();
		await page.locator('.field-error', { hasText: 'choose the client' }).waitFor();
		const er = page.locator('#er-h').locator('xpath=..');
		await er.getByLabel('Client', { exact: true }).fill(otherName.split(' ')[0]);
		await page.getByRole('option', { name: new RegExp(otherName) }).click();
		await er.getByLabel('Basis').selectOption('mhmda');
		await page.getByRole('button', { name: 'Record the erasure request' }).click();
		await page.locator('.field-error', { hasText: 'Confirm that you understand' }).waitFor();
		await er.getByLabel(/I understand/).check();
		await axe(page, 'rights desk erasure form');
		const answer = page.locator('.erasure-answer');
		await page.getByRole('button', { name: 'Record the erasure request' }).click();
		await confirmIfAsked(page, owner, answer.waitFor());
		const r = (await srv.request('GET', '/api/v1/erasure-requests')).json.requests.find((x) => x.client === other.id);
		assert.equal(r.status, 'scheduled');
		assert.equal(r.basis, 'mhmda');
		assert.match(await answer.textContent(), new RegExp(`Blocked by the retention rule.*possible on ${r.not_before.slice(0, 4)}-`));
		await page.locator('#er-answer-h', { hasText: otherName }).waitFor();
		await er.locator('tbody tr', { hasText: otherName }).waitFor();
		assert.ok(!rec.requests.some((q) => q.url.includes(otherName.split(' ')[0])), 'a name went into a URL');
		await axe(page, 'rights desk with an erasure answer');
		await rec.context.close();
	});

	it('every page made requests only to its own origin, with no CSP violation or script error', async () => {
		assert.equal(recs.length, 3);
		for (const r of recs) await assertClean(r);
	});
});
