// admin.test.mjs - the owner's and privacy officer's screens in Chromium
// against a real `confidant serve`: practice settings (a change persists;
// an out-of-range value is shown next to its field and changes nothing),
// the rights desk (access requests with their due dates, an overdue one
// marked, an extension; erasure requests with what blocks them; a legal
// hold placed and released; a clinician's view of their own clients), the
// audit trail search (filters, paging), breaches (the impact report, a
// breach recorded, its deadlines, its letters and their print styles);
// Today's link to the rights desk; the denial page for a biller and the
// front desk. axe on every screen, phone width, same-origin requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, as, init, now, ownerOf, reauth, rnd, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, heading, launch, openPage, signInPage, waitHeading } from './browser.mjs';

const DAY = 86400;
const ymd = (unix) => new Date(unix * 1000).toISOString().slice(0, 10);

describe('web app: settings, rights desk, audit trail, breaches', () => {
	let practice, srv, browser, clin, aud, bill, desk, C, mine, other, third, late, fresh;
	const recs = [];
	const mineName = `Morgan ${rnd(6)} Reyes`;
	const otherName = `Quinn ${rnd(6)} Adeyemi`;
	const thirdName = `Sasha ${rnd(6)} Lindqvist`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		clin = await addUser(srv, 'clinician', 'Cleo Clinician');
		aud = await addUser(srv, 'auditor', 'Pat Privacy');
		bill = await addUser(srv, 'biller', 'Bo Biller');
		desk = await addUser(srv, 'scheduler', 'Dee Desk');
		C = as(srv, await signIn(srv.port, clin));
		for (const u of [aud, bill, desk]) await signIn(srv.port, u);
		// the clinician's client (they join its care team) and another one
		let r = await C('POST', '/api/v1/clients', { body: { legal_name: mineName, address: '1 Letter Street, Springfield' } });
		assert.equal(r.status, 201, r.text);
		mine = r.json;
		r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: otherName, address: '2 Letter Street, Springfield' } });
		other = r.json;
		assert.equal((await srv.request('POST', `/api/v1/clients/${other.id}/care-team`, { body: { user_id: clin.id } })).status, 200);
		// the clinician reads both records many times: the audit trail to page through and the breach to find
		for (let i = 0; i < 60; i++) assert.equal((await C('GET', `/api/v1/clients/${mine.id}`)).status, 200);
		assert.equal((await C('GET', `/api/v1/clients/${other.id}`)).status, 200);
		// a client outside the clinician's care teams, with a request of their own
		r = await srv.request('POST', '/api/v1/clients', { body: { legal_name: thirdName } });
		third = r.json;
		assert.equal((await srv.request('POST', `/api/v1/clients/${third.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa' } })).status, 201);
		// access requests: one received 45 days ago (HIPAA: overdue), one today (GDPR)
		r = await srv.request('POST', `/api/v1/clients/${mine.id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa', received_on: ymd(now() - 45 * DAY) } });
		assert.equal(r.status, 201, r.text);
		late = r.json;
		assert.equal(late.overdue, true);
		r = await srv.request('POST', `/api/v1/clients/${mine.id}/access-requests`, { body: { kind: 'portability', jurisdiction: 'gdpr' } });
		assert.equal(r.status, 201, r.text);
		fresh = r.json;
		// an erasure request the retention rule blocks
		await reauth(srv);
		r = await srv.request('POST', `/api/v1/clients/${other.id}/erasure-requests`, { body: {} });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.status, 'scheduled');
		browser = await launch();
	});
	after(async () => {
		for (const rec of recs) await assertClean(rec);
		await browser?.close();
		await srv?.stop();
	});

	async function open(ident, landing, opts) {
		const rec = await openPage(browser, srv, opts);
		recs.push(rec);
		await signInPage(rec.page, ident, landing);
		return rec;
	}
	async function fits(page, what) {
		await page.setViewportSize({ width: 375, height: 800 });
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, `${what} scrolls sideways at 375 px`);
		await axe(page, `${what} at phone width`);
		await page.setViewportSize({ width: 768, height: 900 });
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 768, `${what} scrolls sideways at 768 px`);
		await page.setViewportSize({ width: 1280, height: 900 });
	}

	it('settings: a change persists; an out-of-range value is shown at its field and changes nothing', async () => {
		const rec = await open(ownerOf(practice.data), 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Settings' }).click();
		await waitHeading(page, 'Practice settings');
		const idleField = page.getByLabel('Sign out after inactivity (seconds)');
		assert.equal(await idleField.inputValue(), '900');
		assert.equal(await page.getByLabel('Staff must use two-step sign-in').inputValue(), '1');
		await axe(page, 'settings');
		await idleField.fill('1200');
		await page.getByLabel('Practice name').fill('Harbour Counselling');
		await page.getByRole('button', { name: 'Save settings' }).click();
		const dlg = page.getByRole('dialog', { name: 'Confirm it is you' });
		await Promise.race([dlg.waitFor(), page.locator('#status', { hasText: 'Settings saved' }).waitFor()]);
		if (await dlg.isVisible()) {
			const o = ownerOf(practice.data);
			await dlg.getByLabel('Your password').fill(o.password);
			advance(30);
			await dlg.getByLabel('Code from your authenticator app').fill(totp(o.secret));
			await dlg.getByRole('button', { name: 'Confirm' }).click();
		}
		await page.locator('#status', { hasText: 'Settings saved (2 changes).' }).waitFor();
		let s = (await srv.request('GET', '/api/v1/settings')).json;
		assert.equal(s.session_idle_seconds, 1200);
		assert.equal(s.practice_name, 'Harbour Counselling');
		await page.reload();
		await waitHeading(page, 'Practice settings');
		assert.equal(await page.getByLabel('Sign out after inactivity (seconds)').inputValue(), '1200', 'not kept after a reload');
		// out of range, with another change in the same save: nothing changes
		await page.getByLabel('Sign out after inactivity (seconds)').fill('5');
		await page.getByLabel('Emergency access lasts (minutes)').fill('30');
		await page.getByRole('button', { name: 'Save settings' }).click();
		const err = page.locator('.field', { has: page.getByLabel('Sign out after inactivity (seconds)') }).locator('.field-error');
		await err.filter({ hasText: 'must be a whole number from 60 to 86400' }).waitFor();
		assert.equal(await page.getByLabel('Sign out after inactivity (seconds)').getAttribute('aria-invalid'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement?.name), 'session_idle_seconds', 'the focus is not on the field in error');
		await axe(page, 'settings with an error');
		s = (await srv.request('GET', '/api/v1/settings')).json;
		assert.equal(s.session_idle_seconds, 1200);
		assert.equal(s.break_glass_minutes, 60, 'a refused save changed another setting');
		// not a number: refused in the page, next to the field
		await page.getByLabel('Emergency access lasts (minutes)').fill('half an hour');
		await page.getByLabel('Sign out after inactivity (seconds)').fill('900');
		await page.getByRole('button', { name: 'Save settings' }).click();
		await page.locator('.field', { has: page.getByLabel('Emergency access lasts (minutes)') }).locator('.field-error', { hasText: 'give a whole number' }).waitFor();
		await fits(page, 'settings');
		await reauth(srv);
		assert.equal((await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 900 } })).status, 200);
	});

	it('rights desk: due dates, the overdue request marked, an extension, erasure requests, a legal hold placed and released', async () => {
		const rec = await open(ownerOf(practice.data), 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Rights desk' }).click();
		await waitHeading(page, 'Rights desk');
		const rows = page.locator('table.requests').first().locator('tbody tr');
		await rows.first().waitFor();
		assert.equal(await rows.count(), 3);
		assert.match(await rows.nth(2).textContent(), new RegExp(`${mineName}.*GDPR`), 'not soonest due first');
		await rows.filter({ hasText: thirdName }).waitFor();
		// the overdue one first, marked, with no Extend (too late)
		const first = rows.nth(0);
		assert.match(await first.textContent(), new RegExp(`${mineName}.*HIPAA: 30 days.*${late.received_on}.*Overdue.*${late.due_on} \\(passed\\)`));
		assert.equal(await first.getAttribute('class'), 'late');
		assert.equal(await first.getByRole('button', { name: /^Extend/ }).count(), 0);
		const second = rows.nth(2);
		assert.match(await second.textContent(), new RegExp(`Export \\(portability, FHIR\\).*GDPR: one month.*${fresh.due_on} \\(in \\d+ days\\)`));
		await page.locator('#ar-h').locator('xpath=..').getByText(/1 overdue/).waitFor();
		await axe(page, 'rights desk');
		// extend the GDPR request: the reason is required
		await second.getByRole('button', { name: `Extend the request of ${mineName}` }).click();
		await second.getByRole('button', { name: 'Extend by two more months' }).click();
		await second.locator('.field-error', { hasText: 'Give the reason' }).waitFor();
		await second.getByLabel('Reason for the extension (told to the client)').fill('The record spans many years.');
		await second.getByRole('button', { name: 'Extend by two more months' }).click();
		await page.locator('#status', { hasText: 'is extended' }).waitFor();
		const r = (await srv.request('GET', `/api/v1/clients/${mine.id}/access-requests`)).json.requests.find((x) => x.id === fresh.id);
		assert.equal(r.status, 'extended');
		assert.equal(r.extension_reason, 'The record spans many years.');
		await rows.nth(2).getByText(`${r.due_on} (in `).waitFor();
		await rows.nth(2).getByText('Extended').waitFor();
		// erasure: scheduled, blocked by the retention rule, with the date it becomes possible
		const er = page.locator('#er-h').locator('xpath=..').locator('tbody tr');
		await er.first().waitFor();
		const erasure = (await srv.request('GET', '/api/v1/erasure-requests')).json.requests[0];
		assert.match(await er.first().textContent(), new RegExp(`${otherName}.*Scheduled.*the retention rule.*${erasure.not_before.slice(0, 4)}`));
		// a legal hold from the erasure row: placed (reason required), then released
		await er.first().getByRole('button', { name: `Legal holds of ${otherName}` }).click();
		await page.locator('#lh-client', { hasText: otherName }).waitFor();
		await page.getByText('No legal hold.').waitFor();
		await page.getByRole('button', { name: 'Place a legal hold' }).click();
		await page.getByRole('button', { name: 'Place the hold' }).click();
		await page.locator('.field-error', { hasText: 'Reason for the hold is required.' }).waitFor();
		await page.getByLabel('Reason for the hold').fill('Litigation notice received');
		await page.getByRole('button', { name: 'Place the hold' }).click();
		await page.getByText('1 active, 0 released.').waitFor();
		let holds = (await srv.request('GET', `/api/v1/clients/${other.id}/legal-holds`)).json.holds;
		assert.equal(holds.length, 1);
		assert.equal(holds[0].active, true);
		await axe(page, 'rights desk with a legal hold');
		await page.getByRole('button', { name: 'Release the hold: Litigation notice received' }).click();
		await page.getByLabel('Reason for the release').fill('Case settled');
		await page.getByRole('button', { name: 'Release the hold', exact: true }).click();
		await page.getByText('0 active, 1 released.').waitFor();
		holds = (await srv.request('GET', `/api/v1/clients/${other.id}/legal-holds`)).json.holds;
		assert.equal(holds[0].active, false);
		assert.equal(holds[0].release_reason, 'Case settled');
		// the hold chooser finds a client by name (search in a POST body)
		await page.getByLabel('Client', { exact: true }).last().fill(mineName.split(' ')[0]);
		await page.getByRole('option', { name: new RegExp(mineName) }).click();
		await page.getByRole('button', { name: 'Show the holds' }).click();
		await page.locator('#lh-client', { hasText: mineName }).waitFor();
		assert.ok(!rec.requests.some((q) => q.url.includes(mineName.split(' ')[0])), 'a name went into a URL');
		await fits(page, 'rights desk');
	});

	it('a clinician: Today counts their clients\' open and overdue requests and links to the rights desk, which lists only those', async () => {
		const rec = await open(clin, 'Today');
		const { page } = rec;
		await page.locator('#today-rights-count', { hasText: '2 open requests, 1 overdue.' }).waitFor();
		await page.locator('#today-rights').click();
		await waitHeading(page, 'Rights desk');
		const rows = page.locator('table.requests tbody tr');
		await rows.first().waitFor();
		assert.equal(await rows.count(), 2);
		assert.equal(await page.getByText(thirdName).count(), 0, 'a request of a client outside the care team');
		assert.equal(await page.locator('#er-h').count(), 0, 'erasure requests are the owner\'s and privacy officer\'s');
		await rows.first().getByText('Overdue').waitFor();
		await axe(page, 'rights desk (clinician)');
		await fits(page, 'rights desk (clinician)');
	});

	it('audit trail: filters by client and event, pages with "Older entries"', async () => {
		const rec = await open(aud, 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Audit trail' }).click();
		await waitHeading(page, 'Audit trail');
		await page.locator('table.audit tbody tr').first().waitFor();
		await axe(page, 'audit trail');
		await page.getByLabel('Client id').fill(mine.id);
		await page.getByLabel('Event').fill('client.read');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.getByText('50 events; older ones to load.').waitFor();
		const cells = await page.locator('table.audit tbody tr td:nth-child(3)').allTextContents();
		assert.ok(cells.every((t) => t === 'client.read'), 'another event');
		assert.equal(await page.getByText(mineName).count(), 0, 'a client name on the audit screen');
		await page.getByRole('button', { name: 'Older entries' }).click();
		await page.getByText(/^(3[0-9]|[4-9][0-9]) events\.$/).waitFor();
		const seqs = (await page.locator('table.audit tbody tr td:first-child').allTextContents()).map(Number);
		assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'not newest first');
		assert.equal(new Set(seqs).size, seqs.length, 'a page repeated');
		// a bad id and an inverted range: errors at the fields, nothing sent
		const auditCalls = () => rec.requests.filter((q) => q.url.includes('/api/v1/audit')).length;
		const sent = auditCalls();
		await page.getByLabel('Client id').fill('<x>');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.locator('.field', { has: page.getByLabel('Client id') }).locator('.field-error', { hasText: 'Use an id' }).waitFor();
		await page.getByLabel('Client id').fill('');
		await page.getByLabel('From (date)').fill('2030-03-20');
		await page.getByLabel('To (date, included)').fill('2030-03-10');
		await page.getByRole('button', { name: 'Search' }).click();
		await page.locator('.field-error', { hasText: 'The end date is before the start date.' }).waitFor();
		assert.equal(auditCalls(), sent, 'a refused search was sent');
		await axe(page, 'audit trail with errors');
		await fits(page, 'audit trail');
	});

	it('breaches: the impact report, a breach recorded with its deadlines, the letters and their print styles', async () => {
		const rec = await open(aud, 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Breaches' }).click();
		await waitHeading(page, 'Breaches');
		await page.getByText('No breach recorded.').waitFor();
		await page.getByRole('button', { name: 'Run the impact report' }).click();
		await page.locator('.field-error', { hasText: 'at least one' }).waitFor();
		await page.getByLabel('User id').fill(clin.id);
		await page.getByRole('button', { name: 'Run the impact report' }).click();
		await page.locator('#impact-h', { hasText: '2 clients affected' }).waitFor();
		for (const c of [mine, other]) await page.locator('.impact code', { hasText: c.id }).waitFor();
		await axe(page, 'breach impact report');
		await page.getByRole('button', { name: 'Record this breach…' }).click();
		await page.getByRole('button', { name: 'Record the breach' }).click();
		await page.locator('.field-error', { hasText: 'What happened is required.' }).waitFor();
		await page.getByLabel('What happened').fill('A staff account was used from an unknown device.');
		await page.getByLabel('Kinds of information involved').fill('names, addresses');
		await page.getByLabel('Likely consequences').fill('Your details may have been seen.');
		await page.getByLabel('What individuals should do').fill('Tell us about any message that mentions your care.');
		await page.getByLabel('What the practice is doing').fill('We reset the account and reviewed the trail.');
		await page.getByLabel('How to reach the practice').fill('Privacy officer, 555-0100');
		await axe(page, 'record a breach');
		await page.getByRole('button', { name: 'Record the breach' }).click();
		await page.locator('#status', { hasText: 'Breach recorded: 2 clients to notify' }).waitFor();
		const item = page.locator('li.breach');
		await item.waitFor();
		assert.match(await item.textContent(), /2 affected/);
		for (const t of ['Notify each individual', 'Notify the supervisory authority', 'Notify HHS']) await item.getByText(t).waitFor();
		assert.equal(await item.getByText('Notify the media').count(), 0, 'media notice under 500 clients');
		const b = (await srv.request('GET', '/api/v1/breaches')).json.breaches[0];
		assert.equal(Date.parse(b.deadlines.supervisory_authority) - Date.parse(b.discovered_at), 72 * 3600 * 1000);
		await axe(page, 'breaches');
		await item.getByRole('link', { name: 'Notification letters (2)' }).click();
		await waitHeading(page, 'Notification letters');
		await page.getByText('2 letters.').waitFor();
		const letters = page.locator('article.letter');
		assert.equal(await letters.count(), 2);
		const all = (await letters.allTextContents()).join('\n');
		assert.ok(all.includes(mineName) && all.includes(otherName), 'a letter is missing');
		assert.ok(all.includes('1 Letter Street'), 'the postal address is missing');
		assert.ok(!page.url().includes(mineName.split(' ')[0]));
		await axe(page, 'letters');
		// print: only the letters, each on its own page
		await page.emulateMedia({ media: 'print' });
		const shown = await page.evaluate(() => {
			const vis = (el) => el !== null && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
			return {
				h1: vis(document.querySelector('h1')), header: vis(document.getElementById('top')),
				button: vis(document.querySelector('.letters button')), back: vis(document.querySelector('.back')),
				letters: [...document.querySelectorAll('article.letter')].map(vis),
				breaks: [...document.querySelectorAll('article.letter')].map((el) => getComputedStyle(el).breakAfter),
			};
		});
		await page.emulateMedia({ media: 'screen' });
		assert.deepEqual(shown, { h1: false, header: false, button: false, back: false, letters: [true, true], breaks: ['page', 'auto'] });
		await fits(page, 'letters');
		assert.equal(await heading(page), 'Notification letters');
	});

	it('a biller and the front desk get the denial page on these screens, without asking the server', async () => {
		for (const ident of [bill, desk]) {
			const rec = await open(ident, 'Clients');
			const { page } = rec;
			for (const name of ['Settings', 'Rights desk', 'Audit trail', 'Breaches']) assert.equal(await page.getByRole('link', { name }).count(), 0, `${name} in the menu`);
			const before1 = rec.requests.length;
			for (const path of ['#/admin/settings', '#/rights', '#/audit', '#/breaches', `#/breaches/${'a'.repeat(32)}/letters`]) {
				await page.goto(`${rec.origin}/${path}`);
				await waitHeading(page, 'Not available');
				assert.match(await page.locator('.denied').textContent(), /is not available to your role/);
			}
			await axe(page, 'denial page');
			const asked = rec.requests.slice(before1).filter((q) => /\/api\/v1\/(settings|access-requests|erasure-requests|audit|breaches)/.test(q.url));
			assert.deepEqual(asked, []);
		}
	});
});
