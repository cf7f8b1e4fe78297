// chart.test.mjs - the chart in Chromium against a real `confidant serve`:
// a clinician's today view; a diagnosis added through the ICD-10 search; a
// SOAP note written, saved as it is typed (through a failed save and a
// session that timed out), signed and amended; the supervisor co-signs
// from their today view; the owner's access report lists those reads; a
// biller has no link to the chart and a direct URL shows the denial page;
// a clinician outside the care team breaks the glass with a reason; user
// administration with the re-authentication prompt; shortcuts; phone and
// tablet widths; axe on every screen; every request same-origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, as, init, ownerOf, rnd, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, heading, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: the chart, notes, today, access report, admin', () => {
	let practice, srv, browser, ana, sue, ben, bill, A, client, noteId;
	const recs = [];
	const name = `Grace ${rnd(6)} Hopper`;
	const words = `The client described ${rnd(8)} sleep`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Author');
		sue = await addUser(srv, 'supervisor', 'Sue Supervisor');
		ben = await addUser(srv, 'clinician', 'Ben Other');
		bill = await addUser(srv, 'biller', 'Bill Biller');
		const link = await srv.request('POST', `/api/v1/users/${sue.id}/supervisees`, { body: { user_id: ana.id } });
		assert.equal(link.status, 200, link.text);
		A = as(srv, await signIn(srv.port, ana));
		for (const u of [sue, ben, bill]) await signIn(srv.port, u); // passwords chosen, TOTP set up
		const c = await A('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1985-12-09' } });
		assert.equal(c.status, 201, c.text);
		client = c.json;
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

	let rec, page;

	it('a clinician lands on Today, and opens the chart from the client list', async () => {
		rec = await open(ana, 'Today');
		page = rec.page;
		await page.locator('.count', { hasText: 'No unsigned drafts' }).waitFor();
		await axe(page, 'today');
		await page.getByRole('link', { name: 'Clients', exact: true }).click();
		await page.getByRole('link', { name: new RegExp(name.split(' ')[1]) }).click();
		await waitHeading(page, name);
		await page.locator('#notes-h').waitFor();
		await page.locator('.count', { hasText: 'No diagnosis recorded.' }).waitFor();
		await page.locator('.count', { hasText: 'No notes yet.' }).waitFor();
		await axe(page, 'chart');
	});

	it('adds a diagnosis by searching the ICD-10 list as you type', async () => {
		await page.getByRole('button', { name: 'Add a diagnosis' }).click();
		const box = page.getByRole('combobox', { name: 'Diagnosis (ICD-10-CM)' });
		await box.pressSequentially('generalized anx');
		const opt = page.getByRole('option', { name: /F41\.1/ });
		await opt.waitFor();
		assert.equal(await box.getAttribute('aria-expanded'), 'true');
		await axe(page, 'diagnosis search');
		await box.press('ArrowDown');
		assert.equal(await page.getByRole('option').first().getAttribute('aria-selected'), 'true');
		// choose F41.1 wherever it is in the list
		await opt.click();
		assert.match(await box.inputValue(), /^F41\.1 /);
		await page.getByLabel('Primary diagnosis').check();
		await page.getByRole('button', { name: 'Add diagnosis' }).click();
		const li = page.locator('.dx-list li', { hasText: 'F41.1' });
		await li.waitFor();
		assert.match(await li.textContent(), /Primary/);
		const r = await A('GET', `/api/v1/clients/${client.id}/diagnoses`);
		assert.deepEqual(r.json.diagnoses.map((d) => [d.code, d.primary]), [['F41.1', true]]);
		// the search words went to icd10 only, never the client's name
		assert.ok(rec.requests.some((q) => q.url.includes('/api/v1/icd10?q=')));
		await page.getByRole('button', { name: 'Resolve F41.1' }).click();
		await page.locator('.dx-list li.resolved', { hasText: 'F41.1' }).waitFor();
		await page.getByRole('button', { name: 'Reopen F41.1' }).click();
		await page.getByRole('button', { name: 'Make F41.1 primary' }).waitFor();
	});

	it('"n" starts a note; the draft saves itself as you type, and survives a failed save', async () => {
		await page.locator('h1').click(); // the focus away from any field
		await page.keyboard.press('n');
		await waitHeading(page, 'New note');
		await axe(page, 'new note');
		await page.getByLabel('Template').selectOption('soap');
		await page.getByLabel('Date of service').fill('2026-11-20');
		await page.getByRole('button', { name: 'Start the note' }).click();
		await waitHeading(page, 'SOAP note (draft)');
		noteId = /#\/notes\/([0-9a-f]{32})$/.exec(page.url())[1];
		await axe(page, 'note editor');
		const subj = page.getByLabel('Subjective');
		await subj.pressSequentially(words);
		await page.locator('#autosave', { hasText: 'Draft saved at' }).waitFor();
		let r = await A('GET', `/api/v1/notes/${noteId}`);
		assert.equal(r.json.fields.subjective, words);

		// the next save fails (the server is unreachable): the text stays and is sent again
		let failures = 0;
		await page.route('**/api/v1/notes/*', (route) => {
			if (route.request().method() === 'PATCH' && failures === 0) {
				failures++;
				return route.abort('connectionrefused');
			}
			return route.continue();
		});
		await page.getByLabel('Plan', { exact: true }).fill('Review in two weeks.');
		await page.locator('#autosave', { hasText: 'Not saved yet' }).waitFor();
		assert.equal(await page.getByLabel('Plan', { exact: true }).inputValue(), 'Review in two weeks.');
		await page.locator('#autosave', { hasText: 'Draft saved at' }).waitFor({ timeout: 20_000 });
		await page.unroute('**/api/v1/notes/*');
		assert.equal(failures, 1);
		// the one refused connection was ours; the same-origin check below sees the rest
		const refused = rec.consoleErrors.filter((t) => /ERR_CONNECTION_REFUSED/.test(t));
		assert.equal(refused.length, 1);
		rec.consoleErrors = rec.consoleErrors.filter((t) => !/ERR_CONNECTION_REFUSED/.test(t));
		r = await A('GET', `/api/v1/notes/${noteId}`);
		assert.equal(r.json.fields.plan, 'Review in two weeks.');
		// nothing of the note went into the URL or the browser's storage
		assert.ok(rec.requests.every((q) => !q.url.includes('sleep')));
		assert.equal(await page.evaluate(() => JSON.stringify(localStorage).includes('sleep') || JSON.stringify(sessionStorage).includes('sleep')), false);
	});

	it('when the session times out mid-note, the draft is already on the server', async () => {
		await page.getByLabel('Assessment').pressSequentially('Low mood, improving.');
		await page.locator('#autosave', { hasText: 'Draft saved at' }).waitFor();
		advance(3600); // the server ends every session
		await page.getByLabel('Objective').pressSequentially('x');
		await waitHeading(page, 'Sign in to Confidant');
		assert.match(await page.locator('#status').textContent(), /session has ended/);
		A = as(srv, await signIn(srv.port, ana));
		srv.session = await signIn(srv.port, ownerOf(srv.data));
		await signInPage(page, ana, 'Today');
		const row = page.locator('.note-list a', { hasText: name });
		await row.waitFor();
		assert.match(await row.textContent(), /SOAP/);
		await axe(page, 'today with a draft');
		await row.click();
		await waitHeading(page, 'SOAP note (draft)');
		assert.equal(await page.getByLabel('Subjective').inputValue(), words);
		assert.equal(await page.getByLabel('Assessment').inputValue(), 'Low mood, improving.');
	});

	it('signs the note (it awaits co-signature), refuses edits, and adds a signed addendum', async () => {
		await page.getByRole('button', { name: 'Sign and lock' }).click();
		await page.getByRole('button', { name: 'Sign now' }).click();
		await waitHeading(page, 'SOAP note');
		await page.locator('.awaiting', { hasText: 'awaiting co-signature' }).waitFor();
		assert.equal(await page.locator('.note-meta .badge').textContent(), 'Awaiting co-signature');
		assert.equal(await page.getByLabel('Subjective').count(), 0, 'a signed note shows no editor');
		assert.match(await page.locator('.signature').first().textContent(), /Content hash [0-9a-f]{64}/);
		await axe(page, 'signed note');
		await page.getByLabel('Addendum', { exact: true }).fill('Correction: the session lasted 50 minutes.');
		await page.getByRole('button', { name: 'Sign addendum' }).click();
		await page.locator('#add-h', { hasText: 'Addenda (1)' }).waitFor();
		assert.match(await page.locator('.addenda li').textContent(), /50 minutes.*Signed by Ana Author/s);
		// printed: the note and its addenda, no buttons or forms
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('.note-body').isVisible(), true);
		assert.equal(await page.locator('.addenda').isVisible(), true);
		assert.equal(await page.getByRole('button', { name: 'Sign addendum' }).isVisible(), false);
		assert.equal(await page.locator('#top').isVisible(), false);
		await page.emulateMedia({ media: 'screen' });
		const r = await A('GET', `/api/v1/notes/${noteId}`);
		assert.equal(r.json.status, 'awaiting_cosign');
		assert.equal(r.json.addenda.length, 1);
	});

	it('the supervisor sees it awaiting co-signature on Today and co-signs', async () => {
		const s = await open(sue, 'Today');
		const row = s.page.locator('.note-list a', { hasText: name });
		await row.waitFor();
		assert.match(await row.textContent(), /Awaiting co-signature/);
		await row.click();
		await waitHeading(s.page, 'SOAP note');
		await s.page.getByRole('button', { name: 'Co-sign' }).click();
		await s.page.locator('.signature', { hasText: 'Co-signed' }).waitFor();
		assert.equal(await s.page.locator('.note-meta .badge').textContent(), 'Signed');
		await axe(s.page, 'co-signed note');
		await s.page.getByRole('link', { name: 'Today' }).click();
		await s.page.locator('.count', { hasText: 'Nothing awaits your co-signature.' }).waitFor();
		await s.context.close();
	});

	it('the owner\'s access report lists who read the record and the note', async () => {
		const o = await open(ownerOf(srv.data), 'Clients');
		await o.page.goto(`${o.origin}/#/clients/${client.id}`);
		await waitHeading(o.page, name);
		assert.equal(await o.page.locator('#notes-h').count(), 0, 'the owner sees no notes');
		await o.page.getByRole('link', { name: /Access report/ }).click();
		await waitHeading(o.page, 'Access report');
		const rows = o.page.locator('table.report tbody tr');
		await rows.first().waitFor();
		const text = await o.page.locator('table.report tbody').textContent();
		for (const want of ['Ana Author', 'Sue Supervisor', 'opened the record', 'read a note', 'signed a note', 'co-signed a note', 'added a diagnosis']) {
			assert.ok(text.includes(want), `the report lacks "${want}"`);
		}
		await axe(o.page, 'access report');
		// at phone width the table becomes labelled rows, without sideways scrolling
		await o.page.setViewportSize({ width: 375, height: 800 });
		assert.ok(await o.page.evaluate(() => document.documentElement.scrollWidth) <= 375);
		await o.context.close();
	});

	it('a biller has no link to the chart, and a direct URL shows "Not available"', async () => {
		const b = await open(bill, 'Clients');
		const entry = b.page.locator('ul.client-list li', { hasText: name });
		await entry.waitFor();
		assert.equal(await entry.locator('a').count(), 0, 'a link to the chart');
		await b.page.goto(`${b.origin}/#/clients/${client.id}`);
		await waitHeading(b.page, 'Not available');
		assert.match(await b.page.locator('.denied').textContent(), /not available to your role \(Biller\)/);
		assert.ok(!(await b.page.content()).includes(name.split(' ')[1]), 'the denial page shows the name');
		assert.ok(!b.requests.some((q) => q.url.endsWith(`/api/v1/clients/${client.id}`)), 'the chart was requested');
		await b.page.goto(`${b.origin}/#/notes/${noteId}`);
		await waitHeading(b.page, 'Not available');
		await axe(b.page, 'denial page');
		await b.context.close();
	});

	it('a clinician outside the care team breaks the glass with a reason', async () => {
		const o = await open(ben, 'Today');
		await o.page.goto(`${o.origin}/#/clients/${client.id}`);
		await waitHeading(o.page, 'Client not found');
		await o.page.getByRole('button', { name: /break the glass/ }).click();
		const dlg = o.page.getByRole('dialog', { name: /break the glass/ });
		await dlg.waitFor();
		await axe(o.page, 'break-the-glass dialog');
		await dlg.getByRole('button', { name: 'Open the record' }).click();
		await dlg.locator('.field-error', { hasText: 'at least 10 characters' }).waitFor();
		await dlg.getByLabel('Reason').fill('Covering a crisis call for Ana');
		await dlg.getByRole('button', { name: 'Open the record' }).click();
		await waitHeading(o.page, name);
		await o.page.locator('.glass', { hasText: 'Emergency access' }).waitFor();
		assert.ok(!o.requests.some((q) => q.url.includes('crisis')), 'the reason went into a URL');
		await o.context.close();
	});

	it('the owner adds a user after confirming it is them, changes a role and disables a user', async () => {
		const o = await open(ownerOf(srv.data), 'Clients');
		await o.page.getByRole('link', { name: 'Users' }).click();
		await waitHeading(o.page, 'Users');
		await o.page.locator('table.users tbody tr', { hasText: 'Bill Biller' }).waitFor();
		await axe(o.page, 'users');
		advance(600); // the sign-in is no longer a recent authentication
		await o.page.getByLabel('Name').fill('Fran Frontdesk');
		await o.page.getByLabel('Email').fill(`fran.${rnd(6).toLowerCase()}@example.org`);
		await o.page.getByLabel('Role', { exact: true }).selectOption('scheduler');
		await o.page.getByRole('button', { name: 'Add user' }).click();
		const dlg = o.page.getByRole('dialog', { name: 'Confirm it is you' });
		await dlg.waitFor();
		await axe(o.page, 're-authentication dialog');
		const owner = ownerOf(srv.data);
		advance(30);
		await dlg.getByLabel('Your password').fill(owner.password);
		await dlg.getByLabel('Code from your authenticator app').fill(totp(owner.secret));
		await dlg.getByRole('button', { name: 'Confirm' }).click();
		await o.page.locator('#one-time-password').waitFor();
		assert.ok((await o.page.locator('#one-time-password').textContent()).length >= 12);
		await o.page.locator('table.users tbody tr', { hasText: 'Fran Frontdesk' }).waitFor();
		await o.page.getByLabel('Role of Bill Biller', { exact: true }).selectOption('auditor');
		await o.page.getByRole('button', { name: 'Change the role of Bill Biller' }).click();
		await o.page.locator('#status', { hasText: 'Bill Biller is now Privacy officer.' }).waitFor();
		await o.page.getByRole('button', { name: 'Disable Ben Other' }).click();
		await o.page.locator('table.users tr.disabled', { hasText: 'Ben Other' }).waitFor();
		await o.page.getByRole('button', { name: 'Enable Ben Other' }).click();
		await o.page.locator('#status', { hasText: 'Ben Other enabled.' }).waitFor();
		const users = (await srv.request('GET', '/api/v1/users')).json.users;
		assert.equal(users.find((u) => u.name === 'Bill Biller').role, 'auditor');
		assert.equal(users.find((u) => u.name === 'Fran Frontdesk').role, 'scheduler');
		await o.context.close();
	});

	it('"?" lists the shortcuts; "/" goes to the client search; "t" to Today', async () => {
		await page.keyboard.press('t');
		await waitHeading(page, 'Today');
		await page.keyboard.press('?');
		const dlg = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
		await dlg.waitFor();
		await axe(page, 'shortcuts dialog');
		await page.keyboard.press('Escape');
		await dlg.waitFor({ state: 'hidden' });
		await page.keyboard.press('/');
		await waitHeading(page, 'Clients');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'client-search');
		// typing in a field never triggers a shortcut
		await page.keyboard.type('tn?');
		assert.equal(await page.locator('#client-search').inputValue(), 'tn?');
		assert.equal(await heading(page), 'Clients');
	});

	it('the chart and a note fit phone (375 px) and tablet (768 px) widths', async () => {
		for (const width of [375, 768]) {
			const p = await open(ana, 'Today', { viewport: { width, height: 900 } });
			await p.page.goto(`${p.origin}/#/clients/${client.id}`);
			await waitHeading(p.page, name);
			await p.page.locator('.note-list li').first().waitFor();
			assert.ok(await p.page.evaluate(() => document.documentElement.scrollWidth) <= width, `chart at ${width}`);
			await p.page.goto(`${p.origin}/#/notes/${noteId}`);
			await waitHeading(p.page, 'SOAP note');
			assert.ok(await p.page.evaluate(() => document.documentElement.scrollWidth) <= width, `note at ${width}`);
			if (width === 375) await axe(p.page, 'note at phone width');
			await p.context.close();
		}
	});

	it('every page made requests only to its own origin, with no CSP violation or script error', async () => {
		assert.ok(recs.length >= 8);
		for (const r of recs) await assertClean(r);
	});
});
