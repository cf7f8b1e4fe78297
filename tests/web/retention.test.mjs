// retention.test.mjs - the owner's retention rules screen in Chromium
// against a real `confidant serve`: reached from the Users screen, the
// migrated default rule listed, a rule added (a refused number shown next
// to its field), edited, made the default, another deleted; a restricted
// client's chart says so at the top and the owner lifts the restriction
// there. axe on each screen; every request same-origin, no CSP report.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, init, ownerOf, rnd, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: retention rules and a restricted record', () => {
	let practice, srv, browser, owner, client;
	const recs = [];
	const name = `Sasha ${rnd(6)} Lindqvist`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		owner = ownerOf(practice.data);
		const c = await srv.request('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1984-06-01' } });
		assert.equal(c.status, 201, c.text);
		client = c.json;
		const r = await srv.request('POST', `/api/v1/clients/${client.id}/restriction`, { body: { basis: 'accuracy' } });
		assert.equal(r.status, 200, r.text);
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	// confirmIfAsked(page, work) - run work; if the re-authentication dialog
	// appears, answer it (the server asks when the last one is old).
	async function confirmIfAsked(page, work) {
		await work();
		const dlg = page.getByRole('dialog', { name: 'Confirm it is you' });
		if (await dlg.isVisible().catch(() => false)) {
			advance(30);
			await dlg.getByLabel('Your password').fill(owner.password);
			await dlg.getByLabel('Code from your authenticator app').fill(totp(owner.secret));
			await dlg.getByRole('button', { name: 'Confirm' }).click();
		}
	}

	it('the owner keeps a rule per jurisdiction: list, add, refused numbers, edit, default, delete', async () => {
		const rec = await openPage(browser, srv);
		recs.push(rec);
		const { page } = rec;
		await signInPage(page, owner, 'Clients');
		await page.goto(`${rec.origin}/#/admin/users`);
		await waitHeading(page, 'Users');
		await page.getByRole('link', { name: 'Retention rules' }).click();
		await waitHeading(page, 'Retention rules');
		const rows = page.locator('table.rules tbody tr');
		await rows.first().waitFor();
		assert.equal(await rows.count(), 1);
		assert.match(await rows.first().textContent(), /ZZ.*default.*7 years.*18.*7 years/s);
		await axe(page, 'retention rules');

		// A number out of range: the server's message next to the field, nothing saved.
		await page.getByLabel('Jurisdiction code').fill('us-wa');
		await page.getByLabel('Years to keep after the last contact').fill('120');
		await confirmIfAsked(page, () => page.getByRole('button', { name: 'Save rule' }).click());
		const adult = page.getByLabel('Years to keep after the last contact');
		await page.locator('.field', { has: adult }).locator('.field-error', { hasText: /0 to 100/ }).waitFor();
		assert.equal(await adult.getAttribute('aria-invalid'), 'true');
		assert.equal(await rows.count(), 1, 'nothing saved');
		await axe(page, 'retention rules with an error');

		await page.getByLabel('Years to keep after the last contact').fill('10');
		await page.getByLabel('Years to keep a minor’s record after majority').fill('3');
		await page.getByLabel('Law or citation (optional)').fill('RCW 70.41.190');
		await confirmIfAsked(page, () => page.getByRole('button', { name: 'Save rule' }).click());
		await page.locator('table.rules tbody tr', { hasText: 'US-WA' }).waitFor();
		assert.match(await page.locator('table.rules tbody tr', { hasText: 'US-WA' }).textContent(), /10 years.*18.*3 years.*RCW 70\.41\.190/s);

		// Edit: the form is filled from the row.
		await page.getByRole('button', { name: 'Edit the rule of US-WA' }).click();
		assert.equal(await page.getByLabel('Jurisdiction code').inputValue(), 'US-WA');
		await page.getByLabel('Years to keep after the last contact').fill('11');
		await confirmIfAsked(page, () => page.getByRole('button', { name: 'Save rule' }).click());
		await page.locator('table.rules tbody tr', { hasText: '11 years' }).waitFor();

		// US-WA becomes the default; then ZZ may be deleted.
		await confirmIfAsked(page, () => page.getByRole('button', { name: 'Make US-WA the default rule' }).click());
		await page.locator('table.rules tbody tr', { hasText: /US-WA.*default/ }).waitFor();
		await page.getByRole('button', { name: 'Delete the rule of ZZ' }).click();
		await confirmIfAsked(page, () => page.getByRole('button', { name: 'Delete the rule', exact: true }).click());
		await page.locator('table.rules tbody tr', { hasText: 'ZZ' }).waitFor({ state: 'detached' });
		const api = await srv.request('GET', '/api/v1/retention-rules');
		assert.equal(api.json.default, 'US-WA');
		assert.deepEqual(api.json.rules.map((r) => [r.code, r.adult_years]), [['US-WA', 11]]);
		await axe(page, 'retention rules after changes');
		await assertClean(rec);
	});

	it('a restricted chart says so at the top; the owner lifts it there; a clinician never sees the screen', async () => {
		const rec = await openPage(browser, srv);
		recs.push(rec);
		const { page } = rec;
		await signInPage(page, owner, 'Clients');
		await page.goto(`${rec.origin}/#/clients/${client.id}`);
		await waitHeading(page, name);
		const note = page.locator('#restricted-note');
		await note.waitFor();
		assert.match(await note.textContent(), /Restricted.*Art\. 18/s);
		await axe(page, 'a restricted chart');
		await page.getByRole('button', { name: 'Lift the restriction' }).click();
		await note.waitFor({ state: 'detached' });
		await waitHeading(page, name);
		const g = await srv.request('GET', `/api/v1/clients/${client.id}`);
		assert.equal(g.json.restricted, false);
		await assertClean(rec);

		const clin = await addUser(srv, 'clinician', 'Cleo Clinician');
		await signIn(srv.port, clin);
		const crec = await openPage(browser, srv);
		recs.push(crec);
		await signInPage(crec.page, clin, 'Today');
		await crec.page.goto(`${crec.origin}/#/admin/retention`);
		await crec.page.locator('h1').filter({ hasNotText: 'Today' }).first().waitFor();
		assert.equal(await crec.page.locator('table.rules').count(), 0);
	});
});
