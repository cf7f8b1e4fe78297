// records.test.mjs - the chart's newer screens in Chromium against a real
// `confidant serve`: chart fields the practice collects (and only those),
// guardians with scopes, the chart's history and a note's versions; a
// treatment plan written in the editor, shown as its exact text with its
// SHA-256 and signed in person; psychotherapy notes apart from the record,
// opened again after the re-authentication the server asks for, shared
// with the supervisor; a file uploaded with a progress bar, a refused
// type, a download; amendment requests with due dates, denial,
// disagreement and rebuttal; consent documents, a release of information
// with an error at each missing element, a disclosure and the accounting,
// withdrawal; the client's portal at phone width (sign a consent and a
// plan, ask for a correction, download a file, who looked at my record).
// axe on every new screen; every request same-origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, as, init, ownerOf, reauth, rnd, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: chart fields, plans, psychotherapy notes, files, amendments, consents, portal', () => {
	let practice, srv, browser, ana, sue, desk, portalIdent, A, client, noteId;
	const recs = [];
	const name = `Robin ${rnd(6)} Okafor`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Author');
		sue = await addUser(srv, 'supervisor', 'Sue Supervisor');
		desk = await addUser(srv, 'scheduler', 'Dee Desk');
		const link = await srv.request('POST', `/api/v1/users/${sue.id}/supervisees`, { body: { user_id: ana.id } });
		assert.equal(link.status, 200, link.text);
		A = as(srv, await signIn(srv.port, ana));
		for (const u of [sue, desk]) await signIn(srv.port, u);
		const c = await A('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '2011-03-14', email: 'robin@example.org' } });
		assert.equal(c.status, 201, c.text);
		client = c.json;
		const team = await srv.request('POST', `/api/v1/clients/${client.id}/care-team`, { body: { user_id: sue.id } });
		assert.equal(team.status, 200, team.text);
		const n = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'First words.' } } });
		noteId = n.json.id;
		await A('PATCH', `/api/v1/notes/${noteId}`, { body: { version: n.json.version, date: '2026-11-20', fields: { subjective: 'Second words.' } } });
		// the portal account of the client
		await reauth(srv);
		const email = `portal.${rnd(6).toLowerCase()}@example.org`;
		const p = await srv.request('POST', '/api/v1/users', { body: { email, name, role: 'client', client_id: client.id } });
		assert.equal(p.status, 201, p.text);
		portalIdent = { email, password: p.json.one_time_password, secret: null };
		await signIn(srv.port, portalIdent); // chooses a password
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
	// optionValue(page, text) - the value of the Document option showing text.
	const optionValue = (page, text) => page.locator('select[name="template"] option', { hasText: text }).getAttribute('value');
	const chartUrl = (rec) => `${rec.origin}/#/clients/${client.id}`;

	it('the chart offers only the fields the practice collects; guardians; the history shows who changed what', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		await waitHeading(page, name);
		await page.locator('#team-h').waitFor();
		await page.getByRole('button', { name: 'Edit' }).click();
		await waitHeading(page, `Edit ${name}`);
		assert.equal(await page.getByLabel('Emergency contact', { exact: true }).count(), 0, 'not collected, yet offered');
		assert.equal(await page.getByLabel('Intake date').count(), 0);
		await page.getByLabel('May we email?').selectOption('yes');
		await page.getByLabel('Confidential phone').fill('+1 555 0177');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.locator('#status', { hasText: 'Changes saved.' }).waitFor(); // the h1 "Edit <name>" matches too
		await waitHeading(page, name);
		// the owner starts collecting emergency contacts, guardians, intake dates
		await reauth(srv);
		const s = await srv.request('PATCH', '/api/v1/settings', { body: { collect_emergency_contact: 1, collect_guardians: 1, collect_intake_date: 1 } });
		assert.equal(s.status, 200, s.text);
		await page.reload();
		await waitHeading(page, name);
		await page.getByRole('button', { name: 'Edit' }).click();
		await page.getByLabel('Emergency contact', { exact: true }).fill('Ada Fairweather');
		await page.getByLabel('Intake date').fill('2026-01-05');
		assert.equal(await page.getByLabel('Referral source').count(), 0, 'referral source is still not collected');
		await page.getByLabel('Primary clinician').selectOption({ label: 'Ana Author' });
		await axe(page, 'chart edit form with chart fields');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.locator('#status', { hasText: 'Changes saved.' }).waitFor(); // the h1 "Edit <name>" matches too
		await waitHeading(page, name);
		let r = await A('GET', `/api/v1/clients/${client.id}`);
		assert.equal(r.json.emergency_name, 'Ada Fairweather');
		assert.equal(r.json.may_email, true);
		assert.equal(r.json.alt_phone, '+1 555 0177');
		assert.equal(r.json.primary_clinician, ana.id);
		await page.locator('.team li', { hasText: 'Primary clinician' }).waitFor();
		assert.match(await page.locator('.record').first().textContent(), /Email: allowed/);

		await page.getByRole('button', { name: 'Add a guardian' }).click();
		await page.getByRole('button', { name: 'Add guardian' }).click();
		await page.locator('.field-error', { hasText: 'Name is required' }).waitFor();
		await page.getByLabel('Guardian\'s name').fill('Morgan Okafor');
		await page.getByLabel('Relationship').fill('mother');
		await page.getByLabel('May see scheduling').check();
		await page.getByRole('button', { name: 'Add guardian' }).click();
		const g = page.locator('.guardians li', { hasText: 'Morgan Okafor' });
		await g.waitFor();
		assert.match(await g.textContent(), /may see: Scheduling/);
		await page.getByRole('button', { name: 'Edit guardian Morgan Okafor' }).click();
		await page.getByLabel('May see records').check();
		await page.getByRole('button', { name: 'Save guardian' }).click();
		await page.locator('.guardians li', { hasText: 'Scheduling, Records' }).waitFor();
		await axe(page, 'chart with guardians, care team, plans, files, amendments, psychotherapy notes');
		await page.getByRole('button', { name: 'Remove guardian Morgan Okafor' }).click();
		await page.getByRole('button', { name: 'Remove', exact: true }).click();
		await page.locator('.count', { hasText: 'No guardian recorded.' }).waitFor();
		r = await A('GET', `/api/v1/clients/${client.id}/guardians`);
		assert.equal(r.json.guardians.length, 0);

		await page.getByRole('link', { name: /Chart history/ }).click();
		await waitHeading(page, 'Chart history');
		const hist = await page.locator('table.history tbody').textContent();
		for (const want of ['you', 'Emergency contact: (empty) → Ada Fairweather', 'added a guardian', 'removed a guardian', 'May we email?']) {
			assert.ok(hist.includes(want), `the history lacks "${want}"`);
		}
		await axe(page, 'chart history');
		await page.goto(`${rec.origin}/#/notes/${noteId}/history`);
		await waitHeading(page, 'Note versions');
		await page.locator('ol.versions > li').first().waitFor();
		assert.equal(await page.locator('ol.versions > li').count(), 2);
		await page.locator('ol.versions summary').first().click();
		await page.locator('ol.versions .note-text', { hasText: 'Second words.' }).waitFor();
		await axe(page, 'note versions');
		await rec.context.close();
	});

	let planId;
	it('a treatment plan: the editor (problems, goals, objectives), its exact text and hash, signed in person', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		await page.getByRole('link', { name: 'New treatment plan' }).click();
		await waitHeading(page, 'New treatment plan');
		await page.getByLabel('Title').fill('Panic and sleep');
		await page.getByRole('button', { name: 'Save the plan' }).click();
		await page.locator('.field-error', { hasText: 'Review date is required' }).waitFor();
		await page.getByLabel('Review date').fill('2027-02-01');
		const p1 = page.getByRole('group', { name: 'Problem 1' });
		await p1.getByLabel('Problem', { exact: true }).fill('Panic attacks several times a week');
		const g1 = page.getByRole('group', { name: 'Goal 1.1' });
		await g1.getByLabel('Goal', { exact: true }).fill('Fewer, milder attacks');
		const o1 = page.getByRole('group', { name: 'Objective 1.1.1' });
		await o1.getByLabel('Objective').fill('Panic attacks a week');
		await o1.getByLabel('How it is measured').fill('client\'s log, weekly');
		await o1.getByLabel('Target', { exact: true }).fill('at most 1');
		await g1.getByRole('button', { name: 'Add an intervention' }).click();
		await page.getByRole('group', { name: 'Intervention 1.1.1' }).getByLabel('Intervention').fill('CBT with interoceptive exposure');
		await page.getByRole('group', { name: 'Intervention 1.1.1' }).getByLabel('Frequency').fill('weekly');
		await page.getByRole('button', { name: 'Add a problem' }).click();
		await page.getByRole('group', { name: 'Problem 2' }).waitFor();
		await axe(page, 'plan editor');
		await page.getByRole('group', { name: 'Problem 2' }).getByRole('button', { name: 'Remove this problem' }).click();
		await page.getByRole('button', { name: 'Save the plan' }).click();
		await waitHeading(page, 'Panic and sleep');
		planId = /#\/plans\/([0-9a-f]{32})$/.exec(page.url())[1];
		const text = await page.locator('pre.plan-text').textContent();
		assert.match(text, /^TREATMENT PLAN\nPlan: /);
		assert.match(text, /CBT with interoceptive exposure/);
		const r = await A('GET', `/api/v1/plans/${planId}`);
		assert.equal(r.json.text, text, 'the page shows exactly the server\'s text');
		assert.ok((await page.locator('.hash code').textContent()).includes(r.json.text_sha256));
		await axe(page, 'plan view');
		// a new version, then signed in person
		await page.getByRole('link', { name: 'Edit (a new version)' }).click();
		await waitHeading(page, /Edit treatment plan/);
		await page.getByLabel('Start date').fill('2026-11-01');
		await page.getByRole('button', { name: 'Save a new version' }).click();
		await page.locator('.note-meta', { hasText: 'Version 2 of 2' }).waitFor();
		await page.getByRole('button', { name: 'Record the signature' }).click();
		await page.locator('.field-error', { hasText: 'Type the client' }).waitFor();
		await page.getByLabel('The client\'s name, as they sign').fill(name);
		await page.getByLabel('The client read the plan above').check();
		await page.getByRole('button', { name: 'Record the signature' }).click();
		await page.locator('.signature.signed', { hasText: 'in person' }).waitFor();
		const v = await A('GET', `/api/v1/plans/${planId}`);
		assert.equal(v.json.signature.method, 'in_person');
		assert.equal(v.json.signature.text_sha256, v.json.text_sha256);
		await page.getByRole('link', { name: 'Version 1' }).click();
		await page.locator('.note-meta', { hasText: 'Version 1 of 2' }).waitFor();
		await page.locator('.awaiting', { hasText: 'never signed' }).waitFor();
		await rec.context.close();
	});

	it('psychotherapy notes stay apart, ask for re-authentication when the key is closed, and are shared with the supervisor', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		const sec = page.locator('section.pnotes');
		await sec.locator('h2', { hasText: 'kept apart from the record' }).waitFor();
		// the notes list and the psychotherapy notes are different sections
		assert.equal(await page.locator('#notes-h').count(), 1);
		await sec.getByRole('link', { name: 'Write a psychotherapy note' }).click();
		await waitHeading(page, 'New psychotherapy note');
		await axe(page, 'new psychotherapy note');
		const secret = `process ${rnd(8)} words`;
		await page.getByLabel('Psychotherapy note').fill(secret);
		await page.getByRole('button', { name: 'Save the psychotherapy note' }).click();
		await waitHeading(page, 'Psychotherapy note');
		const pid = /#\/psychotherapy-notes\/([0-9a-f]{32})$/.exec(page.url())[1];
		// the server says the key is closed: the page asks, confirms, retries
		let refused = 0;
		await page.route(`**/api/v1/psychotherapy-notes/${pid}`, (route) => {
			if (route.request().method() === 'GET' && refused === 0) {
				refused++;
				return route.fulfill({ status: 403, contentType: 'application/json',
					body: JSON.stringify({ error: 'denied', message: 'Re-authenticate to open psychotherapy notes (POST /api/v1/auth/reauth; the key is closed)', request_id: 'x' }) });
			}
			return route.continue();
		});
		await page.reload();
		const dlg = page.getByRole('dialog', { name: 'Confirm it is you' });
		await dlg.waitFor();
		assert.match(await dlg.textContent(), /Psychotherapy notes are sealed under your own key/);
		await axe(page, 're-authentication for psychotherapy notes');
		advance(30);
		await dlg.getByLabel('Your password').fill(ana.password);
		await dlg.getByLabel('Code from your authenticator app').fill(totp(ana.secret));
		await dlg.getByRole('button', { name: 'Confirm' }).click();
		await page.getByLabel('Psychotherapy note').waitFor();
		assert.equal(await page.getByLabel('Psychotherapy note').inputValue(), secret);
		assert.equal(refused, 1);
		await page.unroute(`**/api/v1/psychotherapy-notes/${pid}`);
		rec.consoleErrors = rec.consoleErrors.filter((t) => !/status of 403/.test(t));
		await page.getByLabel('Psychotherapy note').fill(`${secret} and more`);
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.locator('#status', { hasText: 'Saved at' }).waitFor();
		await page.getByRole('button', { name: 'Share with Sue Supervisor' }).click();
		await page.getByRole('button', { name: 'Take back from Sue Supervisor' }).waitFor();
		await axe(page, 'psychotherapy note editor');
		assert.ok(rec.requests.every((q) => !q.url.includes('process')), 'note text in a URL');
		// the record's notes list never shows it
		await page.goto(chartUrl(rec));
		await page.locator('section.pnotes li').first().waitFor();
		assert.ok(!(await page.locator('.note-list[aria-labelledby="notes-h"]').textContent()).includes('Written'));
		await rec.context.close();
		// the supervisor reads it, shared
		const s = await open(sue, 'Today');
		await s.page.goto(`${s.origin}/#/psychotherapy-notes/${pid}`);
		await waitHeading(s.page, 'Psychotherapy note (shared with you)');
		await s.page.locator('.note-text', { hasText: 'and more' }).waitFor();
		await s.context.close();
	});

	it('files: upload with a progress bar, a refused type, download', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		await page.locator('#files-h').waitFor();
		await page.getByText('Upload a file').click();
		await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'not really.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 an executable') });
		await page.getByRole('button', { name: 'Upload' }).click();
		await page.locator('.field-error', { hasText: 'This file was not accepted' }).waitFor();
		rec.consoleErrors = rec.consoleErrors.filter((t) => !/status of 415/.test(t));
		const body = Buffer.from(`%PDF-1.4\n${'x'.repeat(300000)}\n%%EOF\n`);
		await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'Lettre médicale.pdf', mimeType: 'application/pdf', buffer: body });
		await page.getByLabel('Description (optional)').fill('Referral letter');
		await page.getByRole('button', { name: 'Upload' }).click();
		await page.locator('.upload-progress', { hasText: 'uploaded' }).waitFor();
		assert.equal(await page.locator('#upload-progress').getAttribute('value'), '100');
		const link = page.getByRole('link', { name: 'Download Lettre médicale.pdf' });
		await link.waitFor();
		assert.match(await page.locator('.files li').first().textContent(), /Referral letter/);
		await axe(page, 'files');
		const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
		assert.equal(dl.suggestedFilename(), 'Lettre médicale.pdf');
		const up = rec.requests.find((q) => q.method === 'POST' && q.url.endsWith('/attachments'));
		assert.ok(up && !up.url.includes('Lettre'), 'the name went into a URL');
		await rec.context.close();
	});

	it('amendment requests: recorded, due date, denied; the client disagrees in the portal; a rebuttal', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		await page.getByRole('button', { name: 'Record a request from the client' }).click();
		await page.getByLabel('What should be corrected').selectOption('chart');
		await page.getByLabel('Which detail').selectOption('date_of_birth');
		await page.getByRole('button', { name: 'Send the request' }).click();
		await page.locator('.field-error', { hasText: 'Say what should change' }).waitFor();
		await page.getByLabel('What it should say').fill('2011-03-15');
		await page.getByLabel('Why', { exact: true }).fill('The birth certificate says the 15th.');
		await page.getByRole('button', { name: 'Send the request' }).click();
		const item = page.locator('.amendments li', { hasText: 'Date of birth' });
		await item.waitFor();
		assert.match(await item.textContent(), /Pending.*due \d{4}-\d\d-\d\d/s);
		await axe(page, 'amendment requests');
		await item.getByRole('button', { name: 'Deny' }).click();
		await page.getByLabel('Reason for the denial (sent to the client)').fill('The record matches the intake documents.');
		await page.getByLabel('Basis').selectOption('accurate_complete');
		await page.getByRole('button', { name: 'Deny the request' }).click();
		await page.locator('.amendments li .badge', { hasText: 'Denied' }).waitFor();
		await rec.context.close();
	});

	it('consent documents (owner), a release with an error at each missing element, a disclosure, the accounting, withdrawal', async () => {
		const o = await open(ownerOf(srv.data), 'Clients');
		await o.page.getByRole('link', { name: 'Consent documents' }).click();
		await waitHeading(o.page, 'Consent documents');
		await axe(o.page, 'consent documents');
		advance(600); // the sign-in is no longer a recent authentication
		await o.page.getByLabel('Purpose').selectOption('release');
		await o.page.getByLabel('Title').fill('Release of information');
		await o.page.getByLabel('Text').fill('You allow us to send the information below to the recipient named.');
		await o.page.getByRole('button', { name: 'Publish this version' }).click();
		const dlg = o.page.getByRole('dialog', { name: 'Confirm it is you' });
		await dlg.waitFor();
		const owner = ownerOf(srv.data);
		advance(30);
		await dlg.getByLabel('Your password').fill(owner.password);
		await dlg.getByLabel('Code from your authenticator app').fill(totp(owner.secret));
		await dlg.getByRole('button', { name: 'Confirm' }).click();
		await o.page.locator('table.report tbody tr', { hasText: 'Release of information' }).waitFor();
		await o.page.getByLabel('Purpose').selectOption('telehealth');
		await o.page.getByLabel('Title').fill('Telehealth consent');
		await o.page.getByLabel('Text').fill('Sessions by video are encrypted end to end and never recorded.');
		await o.page.getByRole('button', { name: 'Publish this version' }).click();
		await o.page.locator('table.report tbody tr', { hasText: 'Telehealth consent' }).waitFor();
		await o.page.getByRole('button', { name: 'New version of Telehealth consent' }).click();
		assert.equal(await o.page.getByLabel('Title').inputValue(), 'Telehealth consent');
		await o.page.getByLabel('Everyone must consent again').check();
		await o.page.getByRole('button', { name: 'Publish this version' }).click();
		await o.page.locator('#status', { hasText: 'version 2 published; everyone' }).waitFor();
		await o.context.close();

		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(chartUrl(rec));
		await page.getByRole('link', { name: 'Consents, releases and disclosures' }).click();
		await waitHeading(page, 'Consents and releases');
		await page.getByRole('button', { name: 'Record a consent or release' }).click();
		await page.getByLabel('Document').selectOption(await optionValue(page, 'Release of information'));
		await page.getByRole('button', { name: 'Show the text to sign' }).click();
		await page.locator('.field-error', { hasText: 'Who receives the information is required' }).waitFor();
		assert.equal(await page.getByLabel('Recipient').getAttribute('aria-invalid'), 'true');
		await page.getByLabel('Recipient').fill('Dr. Rivera, Lakeside Family Practice');
		await page.getByLabel('Information to be released').fill('Diagnoses and contact details');
		await page.getByLabel('Purpose of the release').fill('Coordination of care');
		await page.getByRole('button', { name: 'Show the text to sign' }).click();
		await page.locator('.field-error', { hasText: 'Give an expiry date' }).waitFor();
		await page.getByLabel('Or expires when').fill('at the end of treatment');
		await page.getByRole('button', { name: 'Show the text to sign' }).click();
		await page.locator('.field-error', { hasText: 'Choose what may be released' }).waitFor();
		await page.getByLabel('Release demographics').check();
		await page.getByRole('button', { name: 'Show the text to sign' }).click();
		const text = page.locator('pre.consent-text');
		await text.waitFor();
		assert.match(await text.textContent(), /Recipient: Dr\. Rivera.*You may revoke this authorization/s);
		assert.match(await page.locator('.sign-flow .hash code').textContent(), /^[0-9a-f]{64}$/);
		await axe(page, 'consent preview and signature');
		await page.getByRole('button', { name: 'Sign', exact: true }).click();
		await page.locator('.field-error', { hasText: 'Type the signer' }).waitFor();
		await page.getByLabel('Signer\'s name, as typed or written by them').fill(name);
		await page.getByRole('button', { name: 'Sign', exact: true }).click();
		const row = page.locator('.consents li', { hasText: 'Release of information' });
		await row.waitFor();
		assert.match(await row.textContent(), /Given.*Dr\. Rivera/s);
		await page.getByRole('button', { name: 'Disclose to Dr. Rivera, Lakeside Family Practice' }).click();
		await page.getByRole('button', { name: 'Disclose', exact: true }).click();
		await page.locator('#status', { hasText: 'FHIR bundle' }).waitFor();
		await page.locator('#acc-h ~ div table tbody tr', { hasText: 'Dr. Rivera' }).waitFor();
		await axe(page, 'consents, disclosures and accounting');
		await page.getByRole('button', { name: 'Withdraw consent: Release of information' }).click();
		await page.getByRole('button', { name: 'Withdraw now' }).click();
		await page.locator('.consents li', { hasText: 'Withdrawn' }).waitFor();
		const r = await A('GET', `/api/v1/clients/${client.id}/consents`);
		assert.equal(r.json.consents[0].status, 'withdrawn');
		const d = await A('GET', `/api/v1/clients/${client.id}/disclosures`);
		assert.equal(d.json.disclosures.length, 1);
		await rec.context.close();
	});

	it('the client\'s portal at phone width: summary, sign a consent and the plan, disagree, files, who looked', async () => {
		// a plan version the client has not signed yet
		const cur = await A('GET', `/api/v1/plans/${planId}`);
		const put = await A('PUT', `/api/v1/plans/${planId}`, { body: { ...cur.json.plan, review_date: '2027-03-01', version: cur.json.version } });
		assert.equal(put.status, 200, put.text);
		const rec = await openPage(browser, srv, { viewport: { width: 375, height: 800 } });
		recs.push(rec);
		const { page } = rec;
		await signInPage(page, portalIdent, `Hello, ${name}`); // (the harness set up TOTP for it too)
		assert.equal(await page.locator('#nav-clients').isVisible(), false);
		await page.locator('#cons-h').waitFor();
		assert.equal(await page.locator('.pnotes').count(), 0, 'psychotherapy notes in the portal');
		await page.locator('.files li', { hasText: 'Lettre médicale.pdf' }).waitFor();
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the portal scrolls sideways');
		await axe(page, 'portal home at phone width');

		await page.getByRole('button', { name: 'Read and sign a consent' }).click();
		await page.getByLabel('Document').selectOption(await optionValue(page, 'version 2'));
		await page.getByRole('button', { name: 'Show the text to sign' }).click();
		await page.locator('pre.consent-text', { hasText: 'never recorded' }).waitFor();
		await page.getByLabel('Your full name').fill(name);
		await page.getByRole('button', { name: 'Sign', exact: true }).click();
		await page.locator('.consents li', { hasText: 'Telehealth' }).waitFor();
		const withdraw = page.getByRole('button', { name: /Withdraw consent: Telehealth/ });
		await withdraw.click();
		await page.getByRole('button', { name: 'Withdraw now' }).click();
		await page.locator('.consents li', { hasText: 'Telehealth' }).filter({ hasText: 'Withdrawn' }).waitFor();

		await page.getByRole('button', { name: 'I disagree: add a statement' }).click();
		await page.getByLabel('Statement of disagreement').fill('I was born on the 15th.');
		await page.getByRole('button', { name: 'Add the statement' }).click();
		await page.locator('.amendments li', { hasText: 'Statement of disagreement' }).waitFor();
		await page.getByRole('button', { name: 'Ask for a correction' }).click();
		await page.getByLabel('What should be corrected').selectOption('plan');
		await page.getByLabel('What it should say').fill('Two attacks a week is my target.');
		await page.getByLabel('Why', { exact: true }).fill('One is not realistic yet.');
		await page.getByRole('button', { name: 'Send the request' }).click();
		await page.locator('#status', { hasText: 'within 60 days' }).waitFor();

		await page.getByRole('link', { name: /Panic and sleep/ }).click();
		await waitHeading(page, 'Panic and sleep');
		await page.getByLabel('Your full name').fill(name);
		await page.getByLabel('I have read the plan above').check();
		await axe(page, 'portal plan signing at phone width');
		await page.getByRole('button', { name: 'Sign the plan' }).click();
		await page.locator('.signature.signed', { hasText: 'in the client portal' }).waitFor();
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the plan scrolls sideways');
		await page.getByRole('link', { name: 'Back to my record' }).click();
		await page.getByRole('link', { name: 'Who looked at my record' }).click();
		await waitHeading(page, 'Who looked at my record');
		await page.locator('table.report tbody tr', { hasText: 'Ana Author' }).first().waitFor();
		await axe(page, 'portal access report');
		// a staff screen is not for a client
		await page.goto(`${rec.origin}/#/admin/users`);
		await waitHeading(page, 'Not available');

		// the clinician rebuts the statement of disagreement
		const c = await open(ana, 'Today');
		await c.page.goto(chartUrl(c));
		await c.page.getByRole('button', { name: 'Add a rebuttal' }).click();
		await c.page.getByLabel('Rebuttal').fill('The intake form and the ID both say the 14th.');
		await c.page.getByRole('button', { name: 'Add the rebuttal' }).click();
		await c.page.locator('.amendments li', { hasText: 'Rebuttal' }).waitFor();
		const plan = await A('GET', `/api/v1/plans/${planId}`);
		assert.equal(plan.json.signature.method, 'portal');
		await c.context.close();
	});

	it('every page made requests only to its own origin, with no CSP violation or script error', async () => {
		assert.ok(recs.length >= 7);
		for (const r of recs) await assertClean(r);
	});
});
