// research.test.mjs - the owner's research export in Chromium against a
// real `confidant serve`: the screen says what goes in and what never does,
// the export asks for the password and a fresh code, shows the cohort and
// who was left out, and saves the same rows as a JSON file; a clinician
// gets the denial page; the included client's access report names it.
// axe on the screen; every request same-origin.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, as, init, now, ownerOf, reauth, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: research export', () => {
	let practice, srv, browser, ana, A;
	const clients = [];

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Research');
		A = as(srv, await signIn(srv.port, ana));
		await reauth(srv);
		const today = new Date(now() * 1000).toISOString().slice(0, 10);
		const t = await srv.request('POST', '/api/v1/consent-templates', {
			body: { purpose: 'research', title: 'Research use', body: 'De-identified research use.', effective_from: today },
		});
		assert.equal(t.status, 201, t.text);
		for (let i = 0; i < 6; i++) {
			const c = await A('POST', '/api/v1/clients', { body: { legal_name: `Quill Person${i} Zephyr`, date_of_birth: `19${70 + i}-01-02` } });
			assert.equal(c.status, 201, c.text);
			clients.push(c.json);
			const request = { template: t.json.id, signed_name: `Quill Person${i} Zephyr` };
			const pv = await A('POST', `/api/v1/clients/${c.json.id}/consents/preview`, { body: request });
			const s = await A('POST', `/api/v1/clients/${c.json.id}/consents`, { body: { ...request, text_hash: pv.json.text_hash } });
			assert.equal(s.status, 201, s.text);
			if (i === 5) assert.equal((await A('POST', `/api/v1/consents/${s.json.id}/withdraw`, { body: {} })).status, 200);
		}
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	it('the owner makes an export after re-authenticating, sees five rows and saves the same as JSON', async () => {
		const rec = await openPage(browser, srv);
		const owner = ownerOf(srv.data);
		await signInPage(rec.page, owner);
		const page = rec.page;
		await page.locator('#nav-research').click();
		await waitHeading(page, 'Research export');
		assert.match(await page.locator('main, #view').first().textContent(), /Never a name/);
		await axe(page, 'research export');
		advance(301); // the sign-in no longer counts as a fresh authentication
		await page.getByRole('button', { name: 'Make a research export' }).click();
		const dlg = page.getByRole('dialog', { name: 'Confirm it is you' });
		await dlg.waitFor();
		await dlg.getByLabel('Your password').fill(owner.password);
		await dlg.getByLabel('Code from your authenticator app').fill(totp(owner.secret));
		await dlg.getByRole('button', { name: 'Confirm' }).click();
		const result = page.locator('#research-result');
		await result.getByRole('heading', { name: /5 clients/ }).waitFor();
		assert.match(await result.textContent(), /Left out: 1 whose consent was withdrawn/);
		assert.equal(await result.locator('tbody tr').count(), 5);
		const text = await result.textContent();
		assert.ok(!text.includes('Quill') && !text.includes('Zephyr'), 'a name is on the screen');
		await axe(page, 'research export with rows');

		const [download] = await Promise.all([page.waitForEvent('download'), result.getByRole('link', { name: 'Save as a JSON file' }).click()]);
		const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
		assert.equal(saved.cohort, 5);
		const shown = await result.locator('tbody th').allTextContents();
		assert.deepEqual(saved.rows.map((r) => r.pid), shown, 'the file holds the rows on the screen');
		assert.equal(rec.requests.filter((r) => r.url.endsWith('/api/v1/research-exports')).length, 2, 'one refused for re-auth, one made; saving asks nothing more');
		await assertClean(rec);
		await rec.context.close();
	});

	it('a clinician gets the denial page, and no link', async () => {
		const rec = await openPage(browser, srv);
		await signInPage(rec.page, ana, 'Today');
		assert.equal(await rec.page.locator('#nav-research').isVisible(), false);
		await rec.page.goto(`${rec.origin}/#/admin/research`);
		await waitHeading(rec.page, 'Not available');
		await assertClean(rec);
		await rec.context.close();
	});
});
