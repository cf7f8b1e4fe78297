// app.test.mjs - the browser app end to end in Chromium against a real
// `confidant serve`: the owner's first sign-in (new password, QR code,
// recovery codes), registering, listing, searching, opening and editing a
// client, a stale edit, sign-out, a wrong password; axe on every screen;
// every request same-origin and no CSP violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { advance, init, request, rnd, secretOf, serve, signIn, totp } from '../api/harness.mjs';
import { assertClean, axe, heading, launch, openPage, signInPage, waitHeading } from './browser.mjs';

describe('web app: first sign-in and clients', () => {
	let practice, srv, browser, rec, page;
	const owner = { email: 'owner@localhost', password: null, secret: null };
	const name = `Ada ${rnd(8)} Lovelace`; // unique, so a search finds only her
	const surname = name.split(' ')[1];
	let clientId = null;
	let api = null; // a second session of the owner's, through the API

	before(async () => {
		practice = await init();
		owner.password = practice.otp;
		srv = await serve(practice.data, { keyfile: practice.keyfile, signIn: false });
		browser = await launch();
		rec = await openPage(browser, srv);
		page = rec.page;
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	it('shows the sign-in screen, accessible and alone on the page', async () => {
		assert.equal(await heading(page), 'Sign in to Confidant');
		assert.equal(await page.title(), 'Sign in · Confidant');
		assert.equal(await page.locator('#top').isHidden(), true);
		await axe(page, 'sign-in');
	});

	it('a wrong password shows the server\'s generic error next to the form', async () => {
		await page.getByLabel('Email').fill(owner.email);
		await page.getByLabel('Password', { exact: true }).fill('not the password at all');
		await page.getByRole('button', { name: 'Sign in' }).click();
		const alert = page.locator('form .form-alert');
		await alert.filter({ hasText: 'Sign-in failed' }).waitFor();
		assert.match(await alert.textContent(), /^Sign-in failed\. Check the email, password and code/);
		assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'password field emptied');
		assert.equal(await heading(page), 'Sign in to Confidant');
		advance(120); // past the throttle the failure started
	});

	it('first sign-in: one-time password, then a new password (policy shown at the field)', async () => {
		await page.getByLabel('Password', { exact: true }).fill(practice.otp);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await waitHeading(page, 'Choose your own password');
		await axe(page, 'password change');
		const next = page.getByLabel('New password', { exact: true });
		await next.fill('too short');
		await page.getByLabel('New password again').fill('too short');
		await page.getByRole('button', { name: 'Save the new password' }).click();
		const err = page.locator(`#${await next.getAttribute('id')}-error`);
		await err.filter({ hasText: 'at least 12 characters' }).waitFor();
		assert.equal(await next.getAttribute('aria-invalid'), 'true');
		assert.ok((await next.getAttribute('aria-describedby')).includes(await err.getAttribute('id')));
		owner.password = `correct horse ${rnd(10)} staple`;
		await next.fill(owner.password);
		await page.getByLabel('New password again').fill(owner.password);
		await page.getByRole('button', { name: 'Save the new password' }).click();
		await waitHeading(page, 'Set up two-step sign-in');
	});

	it('two-step set-up shows the QR code as inline SVG and the key as text; a code confirms it', async () => {
		const svg = page.locator('figure.qr svg');
		await svg.waitFor();
		assert.equal(await svg.evaluate((el) => el.namespaceURI), 'http://www.w3.org/2000/svg');
		assert.equal(await svg.getAttribute('role'), 'img');
		assert.equal(await page.locator('figure.qr img, figure.qr script').count(), 0);
		const key = (await page.locator('#mfa-secret').textContent()).replace(/\s+/g, '');
		assert.match(key, /^[A-Z2-7]{16,}$/);
		await axe(page, 'MFA enrolment');
		owner.secret = secretOf(`otpauth://totp/x?secret=${key}`);
		const code = page.getByLabel('Code shown by the app');
		await code.fill(totp(owner.secret) === '000000' ? '111111' : '000000');
		await page.getByRole('button', { name: 'Confirm' }).click();
		await page.locator('.field-error', { hasText: 'That code is not right' }).waitFor();
		await code.fill(totp(owner.secret));
		await page.getByRole('button', { name: 'Confirm' }).click();
		await waitHeading(page, 'Save your recovery codes');
		const codes = await page.locator('ol.codes li').allTextContents();
		assert.equal(codes.length, 10);
		for (const c of codes) assert.match(c, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
		await axe(page, 'recovery codes');
		await page.getByRole('button', { name: 'I have saved them' }).click();
		await waitHeading(page, 'Clients');
		assert.equal(await page.locator('ol.codes').count(), 0);
		assert.equal(await page.locator('#who-role').textContent(), 'Practice owner');
		assert.ok((await page.locator('#who-name').textContent()).length > 0);
	});

	it('registers a client; an invalid field gets its error next to it', async () => {
		await page.getByRole('link', { name: 'New client' }).first().click();
		await waitHeading(page, 'New client');
		await axe(page, 'new client form');
		await page.getByLabel('Legal name').fill(name);
		await page.getByLabel('Date of birth').fill('1990-04-12');
		const email = page.getByLabel('Email', { exact: true });
		await email.fill('not-an-address');
		await page.getByRole('button', { name: 'Register client' }).click();
		const err = page.locator(`#${await email.getAttribute('id')}-error`);
		await err.filter({ hasText: 'must contain @' }).waitFor();
		assert.equal(await email.getAttribute('aria-invalid'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.name), 'email');
		await email.fill('ada@example.org');
		await page.getByRole('button', { name: 'Register client' }).click();
		await waitHeading(page, name);
		clientId = /#\/clients\/([0-9a-f]{32})$/.exec(page.url())?.[1];
		assert.ok(clientId, `the record's URL: ${page.url()}`);
		assert.equal(await page.locator('#status').textContent(), 'Client registered.');
	});

	it('lists clients a page at a time with "Load more"', async () => {
		api = await signIn(srv.port, owner);
		for (let i = 0; i < 55; i++) {
			const r = await request(srv.port, 'POST', '/api/v1/clients',
				{ body: { legal_name: `Client ${String(i).padStart(2, '0')} ${rnd(6)}` }, session: api });
			assert.equal(r.status, 201, r.text);
		}
		await page.getByRole('link', { name: 'Clients' }).first().click();
		await waitHeading(page, 'Clients');
		const items = page.locator('ul.client-list li');
		await page.locator('.count', { hasText: '50 clients shown; more to load.' }).waitFor();
		await axe(page, 'client list');
		await page.getByRole('button', { name: 'Load more clients' }).click();
		await page.locator('.count', { hasText: '56 clients shown.' }).waitFor();
		assert.equal(await items.count(), 56);
		assert.equal(await page.getByRole('button', { name: 'Load more clients' }).isHidden(), true);
		assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.parentElement?.className), 'client-list');
	});

	it('finds a client by search (the term travels in a POST body, never a URL) and opens the record', async () => {
		const before = rec.requests.length;
		await page.getByLabel('Search clients').fill(surname.slice(0, 5));
		await page.getByRole('button', { name: 'Search' }).click();
		await page.locator('.count', { hasText: '1 matching client.' }).waitFor();
		const sent = rec.requests.slice(before);
		const search = sent.find((r) => r.url.endsWith('/api/v1/clients/search'));
		assert.equal(search.method, 'POST');
		assert.equal(JSON.parse(search.body).query, surname.slice(0, 5));
		for (const r of rec.requests) {
			assert.ok(!r.url.toLowerCase().includes(surname.slice(0, 5).toLowerCase()), `term in a URL: ${r.url}`);
			assert.ok(!r.url.includes('Ada'), `name in a URL: ${r.url}`);
		}
		assert.ok(!page.url().includes(surname));
		await page.getByRole('link', { name: new RegExp(surname) }).click();
		await waitHeading(page, name);
		assert.equal(await page.title(), 'Client record · Confidant');
		assert.ok(page.url().endsWith(`#/clients/${clientId}`));
		await axe(page, 'client detail');
		assert.match(await page.locator('dl.record').textContent(), /1990-04-12/);
		// printed, the record keeps its content and loses the navigation and buttons
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('#top').isVisible(), false);
		assert.equal(await page.getByRole('button', { name: 'Edit' }).isVisible(), false);
		assert.equal(await page.locator('dl.record').isVisible(), true);
		await page.emulateMedia({ media: 'screen' });
	});

	it('edits the record with its version', async () => {
		await page.getByRole('button', { name: 'Edit' }).click();
		await waitHeading(page, `Edit ${name}`);
		await axe(page, 'edit form');
		assert.equal(await page.getByLabel('Legal name').inputValue(), name);
		await page.getByLabel('Phone', { exact: true }).fill('+44 20 7946 0000');
		await page.getByLabel('Pronouns').fill('she/her');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.locator('#status', { hasText: 'Changes saved.' }).waitFor();
		await waitHeading(page, name);
		const text = await page.locator('dl.record').textContent();
		assert.match(text, /\+44 20 7946 0000/);
		assert.match(text, /version 2\)/);
		const r = await request(srv.port, 'GET', `/api/v1/clients/${clientId}`, { session: api });
		assert.equal(r.json.pronouns, 'she/her');
		assert.equal(r.json.version, 2);
	});

	it('a stale edit is refused and says the record changed since it was read', async () => {
		await page.getByRole('button', { name: 'Edit' }).click();
		await waitHeading(page, `Edit ${name}`);
		// meanwhile, someone else changes it
		const r = await request(srv.port, 'PATCH', `/api/v1/clients/${clientId}`,
			{ body: { version: 2, address: '12 Other Street' }, session: api });
		assert.equal(r.status, 200, r.text);
		await page.getByLabel('Phone', { exact: true }).fill('+44 20 7946 1111');
		await page.getByRole('button', { name: 'Save changes' }).click();
		const conflict = page.locator('.conflict');
		await conflict.filter({ hasText: 'This record was changed since you read it.' }).waitFor();
		assert.equal(await conflict.getAttribute('role'), 'alert');
		const now = await request(srv.port, 'GET', `/api/v1/clients/${clientId}`, { session: api });
		assert.equal(now.json.phone, '+44 20 7946 0000', 'the stale edit changed nothing');
		await page.getByRole('button', { name: 'Reload the record' }).click();
		await page.locator('#status', { hasText: 'The current version is shown' }).waitFor();
		assert.equal(await page.getByLabel('Address', { exact: true }).inputValue(), '12 Other Street');
		await page.getByLabel('Phone', { exact: true }).fill('+44 20 7946 1111');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.locator('#status', { hasText: 'Changes saved.' }).waitFor();
		assert.match(await page.locator('dl.record').textContent(), /version 4\)/);
	});

	it('signing out leaves no client data in the page, storage or history', async () => {
		await page.getByRole('button', { name: 'Sign out' }).click();
		await waitHeading(page, 'Sign in to Confidant');
		assert.equal(await page.locator('#status').textContent(), 'You have signed out.');
		const html = await page.evaluate(() => document.documentElement.outerHTML);
		assert.ok(!html.includes(surname), 'a client name is still in the page');
		assert.ok(!html.includes('Client 0'), 'a list entry is still in the page');
		assert.equal(await page.evaluate(() => sessionStorage.length), 0);
		assert.ok(!page.url().includes('#/clients'), page.url());
		assert.ok(rec.requests.some((r) => r.method === 'POST' && r.url.endsWith('/api/v1/auth/logout')));
		// the old record's address shows sign-in, not the record
		await page.goto(`${rec.origin}/#/clients/${clientId}`);
		await waitHeading(page, 'Sign in to Confidant');
		assert.ok(!(await page.content()).includes(surname));
	});

	it('first load of the app is under 150 KB on the wire (gzip), and a reload revalidates with 304s', async () => {
		const fresh = await openPage(browser, srv);
		await waitHeading(fresh.page, 'Sign in to Confidant');
		const bytes = () => fresh.page.evaluate(() => {
			const nav = performance.getEntriesByType('navigation')[0];
			const res = performance.getEntriesByType('resource');
			return { wire: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
				body: nav.decodedBodySize + res.reduce((n, r) => n + r.decodedBodySize, 0), files: res.length + 1 };
		});
		const first = await bytes();
		console.log(`first load: ${first.files} files, ${first.wire} bytes on the wire, ${first.body} decoded`);
		assert.ok(first.files >= 10, `only ${first.files} files loaded`);
		assert.ok(first.wire < 150 * 1024, `first load is ${first.wire} bytes on the wire`);
		assert.ok(first.wire < first.body / 2, `not compressed: ${first.wire} of ${first.body}`);
		await fresh.page.reload();
		await waitHeading(fresh.page, 'Sign in to Confidant');
		const again = await bytes();
		assert.ok(again.wire < first.wire / 4, `reload moved ${again.wire} bytes (first load ${first.wire})`);
		await assertClean(fresh);
		await fresh.context.close();
	});

	it('made requests only to its own origin, with no CSP violation or script error', async () => {
		assert.ok(rec.requests.length > 10);
		await assertClean(rec);
		const kinds = new Set(rec.requests.map((r) => new URL(r.url).pathname.split('/')[1]));
		assert.ok(kinds.has('api') && kinds.has('js'), [...kinds].join(' '));
	});

	it('at phone width (375 px) the list and the record fit without sideways scrolling', async () => {
		const phone = await openPage(browser, srv, { viewport: { width: 375, height: 812 } });
		await signInPage(phone.page, owner);
		await phone.page.locator('.count', { hasText: '50 clients shown' }).waitFor();
		assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth) <= 375);
		await phone.page.goto(`${phone.origin}/#/clients/${clientId}`);
		await waitHeading(phone.page, name);
		assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth) <= 375);
		await axe(phone.page, 'client detail at phone width');
		await assertClean(phone);
		await phone.context.close();
	});
});
