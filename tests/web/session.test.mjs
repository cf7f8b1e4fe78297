// session.test.mjs - the session in the browser: a reload keeps it (the
// CSRF token in sessionStorage) and every non-GET request carries the
// token; the warning before automatic sign-out, driven by the page's fake
// clock and the practice's idle setting (no sleeping); a session the
// server ended sends the page back to sign-in; sign-in by keyboard alone;
// a recovery code signs in; a biller sees no way to register a client; and
// the QR code sanitiser and the idle arithmetic as pure functions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, advance, createClient, init, ownerOf, reauth, serve, totp } from '../api/harness.mjs';
import {
	assertClean, axe, firstSignInPage, launch, openPage, signInPage, waitHeading,
} from './browser.mjs';

describe('web app: session handling', () => {
	let practice, srv, browser, owner;
	const pages = [];
	const open = async (opts) => {
		const p = await openPage(browser, srv, opts);
		pages.push(p);
		return p;
	};

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile }); // the owner signs in through the API
		owner = ownerOf(practice.data);
		await createClient(srv, { legal_name: 'Grace Hopper', date_of_birth: '1906-12-09' });
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	it('signs in with the keyboard alone, in a sensible focus order', async () => {
		const { page } = await open();
		await waitHeading(page, 'Sign in');
		const order = [];
		for (let i = 0; i < 5; i++) {
			await page.keyboard.press('Tab');
			order.push(await page.evaluate(() => {
				const a = document.activeElement;
				return a.name || a.textContent.trim();
			}));
		}
		const at = (x) => order.indexOf(x);
		assert.ok(at('email') >= 0 && at('email') < at('password') && at('password') < at('code') && at('code') < at('Sign in'),
			order.join(' > '));
		await page.getByLabel('Email').focus();
		await page.keyboard.type(owner.email);
		await page.keyboard.press('Tab');
		await page.keyboard.type(owner.password);
		await page.keyboard.press('Tab');
		advance(30);
		await page.keyboard.type(totp(owner.secret));
		await page.keyboard.press('Enter');
		await waitHeading(page, 'Clients');
		// the focus outline is visible on a focused control
		await page.getByLabel('Search clients').focus();
		const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
		assert.equal(outline, 'solid');
	});

	it('a reload keeps the session, and every non-GET request carries the CSRF token', async () => {
		const rec = await open();
		const { page } = rec;
		await signInPage(page, owner);
		const token = await page.evaluate(() => sessionStorage.getItem('confidant.csrf'));
		assert.match(token, /^\S{20,}$/);
		await page.reload();
		await waitHeading(page, 'Clients');
		await page.getByRole('link', { name: 'New client' }).first().click();
		await waitHeading(page, 'New client');
		await page.getByLabel('Legal name').fill('Katherine Johnson');
		await page.getByRole('button', { name: 'Register client' }).click();
		await waitHeading(page, 'Katherine Johnson');
		const writes = rec.requests.filter((r) => r.method !== 'GET' && r.url.includes('/api/v1/') && !r.url.endsWith('/auth/login'));
		assert.ok(writes.length >= 1);
		for (const w of writes) assert.equal(w.csrf, token, `${w.method} ${w.url}`);
		await assertClean(rec);
	});

	it('warns a minute before the idle timeout; "Stay signed in" keeps the session, silence ends it', async () => {
		// the practice's idle timeout, shortened through the owner's settings API
		await reauth(srv);
		const r = await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 240 } });
		assert.equal(r.status, 200, r.text);
		const rec = await open({ clock: true });
		const { page } = rec;
		await signInPage(page, owner);
		await page.locator('.count', { hasText: 'shown' }).waitFor();
		const dialog = page.getByRole('dialog', { name: 'Are you still there?' });
		assert.equal(await dialog.isVisible(), false);
		// 240 s idle, less 30 s of server slack, warned 60 s before: at 150 s
		await page.clock.fastForward(140_000);
		assert.equal(await dialog.isVisible(), false, 'no warning yet at 140 s');
		await page.clock.fastForward(11_000);
		await dialog.waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.id), 'idle-stay');
		await axe(page, 'idle warning dialog');
		const before = rec.requests.length;
		await page.getByRole('button', { name: 'Stay signed in' }).click();
		await dialog.waitFor({ state: 'hidden' });
		assert.ok(rec.requests.slice(before).some((q) => q.method === 'GET' && q.url.endsWith('/api/v1/auth/session')));
		await page.locator('#status', { hasText: 'You are still signed in.' }).waitFor();
		// the session was renewed: the next warning comes 150 s after that request
		await page.clock.fastForward(151_000);
		await dialog.waitFor();
		// Escape answers it as "Stay signed in" does
		const mark = rec.requests.length;
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
		assert.ok(rec.requests.slice(mark).some((q) => q.url.endsWith('/api/v1/auth/session')));
		await page.locator('#status', { hasText: 'You are still signed in.' }).waitFor();
		// and then silence: warned, then signed out
		await page.clock.fastForward(151_000);
		await dialog.waitFor();
		await page.clock.fastForward(60_000);
		await waitHeading(page, 'Sign in');
		await page.locator('#status', { hasText: 'signed out after a period without activity' }).waitFor();
		assert.equal(await dialog.isVisible(), false);
		assert.ok(!(await page.content()).includes('Grace Hopper'));
		assert.ok(rec.requests.some((q) => q.method === 'POST' && q.url.endsWith('/api/v1/auth/logout')));
		assert.equal(await page.evaluate(() => sessionStorage.length), 0);
		await assertClean(rec);
		await reauth(srv);
		const back = await srv.request('PATCH', '/api/v1/settings', { body: { session_idle_seconds: 900 } });
		assert.equal(back.status, 200, back.text);
	});

	it('the idle arithmetic (a pure function in the page)', async () => {
		const { page } = await open();
		const got = await page.evaluate(async () => {
			const m = await import('/js/idle.js');
			const p900 = m.idlePlan(900, 1000);
			const p60 = m.idlePlan(60, 0);
			const p240 = m.idlePlan(240, 0);
			return {
				p900, p60, p240,
				phases: [0, 14_999, 15_000, 29_999, 30_000].map((t) => m.idlePhase(p60, t)),
			};
		});
		assert.deepEqual(got.p900, { warnAt: 1000 + 810_000, endAt: 1000 + 870_000 });
		assert.deepEqual(got.p240, { warnAt: 150_000, endAt: 210_000 });
		assert.deepEqual(got.p60, { warnAt: 15_000, endAt: 30_000 }, 'the shortest timeout warns half-way');
		assert.deepEqual(got.phases, ['active', 'active', 'warning', 'warning', 'ended']);
	});

	it('the QR code sanitiser keeps a QR code and drops anything active', async () => {
		const rec = await openPage(browser, srv);
		const { page } = rec;
		const got = await page.evaluate(async () => {
			const { safeSvg } = await import('/js/svg.js');
			const ns = 'xmlns="http://www.w3.org/2000/svg"';
			const hostile = `<svg ${ns} width="10" height="10" onload="window.__pwned=1" style="fill:red">`
				+ '<script>window.__pwned=2</script><rect width="1" height="1" fill="url(https://evil.example/#p)" onclick="x()"/>'
				+ '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
				+ '<a href="https://evil.example/"><path d="M0 0h1v1z"/></a><image href="https://evil.example/i.png"/>'
				+ '<path fill="#000" d="M1 1h1v1z"/></svg>';
			const el = safeSvg(hostile, 'QR');
			document.body.append(el);
			return {
				out: el.outerHTML,
				html: safeSvg('<html><body>x</body></html>', 'QR'),
				nons: safeSvg('<svg><rect/></svg>', 'QR'),
				broken: safeSvg(`<svg ${ns}><rect></svg>`, 'QR'),
				pwned: window.__pwned ?? null,
			};
		});
		assert.equal(got.html, null);
		assert.equal(got.nons, null);
		assert.equal(got.broken, null);
		assert.equal(got.pwned, null);
		for (const bad of ['script', 'onload', 'onclick', 'style', 'foreignObject', 'evil', '<a', '<image', 'url(']) {
			assert.ok(!got.out.includes(bad), `${bad} survived: ${got.out}`);
		}
		assert.match(got.out, /^<svg [^>]*role="img"[^>]*>/);
		assert.match(got.out, /<path fill="#000" d="M1 1h1v1z"/);
		// Parsing the hostile markup makes Chromium report (and block) its inline
		// handlers and styles even in the inert parsed document: that page is
		// left out of the same-origin/CSP checks of the others, but went nowhere.
		assert.ok(rec.consoleErrors.every((t) => /The action has been blocked/.test(t)), rec.consoleErrors.join('\n'));
		assert.deepEqual(rec.requests.filter((q) => new URL(q.url).origin !== rec.origin), []);
		await rec.context.close();
	});

	it('a recovery code signs in once', async () => {
		const { page } = await open();
		const withRecovery = async () => {
			await waitHeading(page, 'Sign in');
			await page.getByLabel('Email').fill(owner.email);
			await page.getByLabel('Password', { exact: true }).fill(owner.password);
			await page.getByLabel('Code', { exact: true }).fill(owner.recovery[0]);
			await page.getByRole('button', { name: 'Sign in' }).click();
		};
		advance(120);
		await withRecovery();
		await waitHeading(page, 'Clients');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await withRecovery();
		await page.locator('form .form-alert', { hasText: 'Sign-in failed' }).waitFor();
		advance(120); // past the throttle the failure started
	});

	it('a biller signs in for the first time, and is offered no way to register a client', async () => {
		const biller = await addUser(srv, 'biller', 'Bill Ing');
		const { page } = await open();
		await firstSignInPage(page, biller);
		assert.equal(await page.locator('#who-role').textContent(), 'Biller');
		assert.equal(await page.locator('#who-name').textContent(), 'Bill Ing');
		assert.equal(await page.getByRole('link', { name: 'New client' }).count(), 0);
		await page.locator('.count', { hasText: 'shown' }).waitFor();
		// billing sees the name in the list, but no link to the chart
		await page.locator('ul.client-list li', { hasText: 'Grace Hopper' }).waitFor();
		assert.equal(await page.getByRole('link', { name: /Grace Hopper/ }).count(), 0);
		await page.goto(`https://localhost:${srv.port}/#/clients/new`);
		await waitHeading(page, 'New client');
		await page.getByText('Your role does not register clients.').waitFor();
	});

	it('when the server has ended the session, the next request returns to sign-in', async () => {
		const rec = await open();
		const { page } = rec;
		await signInPage(page, owner);
		await page.locator('.count', { hasText: 'shown' }).waitFor();
		advance(2 * 3600); // the server's clock: far past the idle timeout
		await page.getByRole('link', { name: /Grace Hopper/ }).click();
		await waitHeading(page, 'Sign in');
		await page.locator('#status', { hasText: 'Your session has ended' }).waitFor();
		assert.ok(!(await page.content()).includes('Grace Hopper'));
		assert.equal(await page.evaluate(() => sessionStorage.length), 0);
		for (const p of pages) await assertClean(p);
	});
});
