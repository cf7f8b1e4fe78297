// browser.mjs - shared helpers for the browser tests: Debian's Chromium
// driven by playwright-core, pages that record every request, console
// message and CSP violation, axe checks, and signing in through the page.
//
// Rules kept here: no sleeps (we wait on the page's own state: elements,
// texts, requests); the browser is closed by each test file's after().
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { advance, secretOf, totp } from '../api/harness.mjs';

export const CHROMIUM = process.env.CONFIDANT_CHROMIUM ?? '/usr/bin/chromium';

// The flags of BRIEF.md: no GPU, no QUIC, nothing phoning home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

// launch() - a new Chromium (a fresh profile each time).
export function launch() {
	return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

// openPage(browser, srv, opts) - a new context and page on the server's
// origin. The practice certificate is self-signed for localhost, so only
// this context skips certificate checks. Returns {context, page, origin,
// requests, consoleErrors, pageErrors, csp()}.
export async function openPage(browser, srv, opts = {}) {
	const origin = `https://localhost:${srv.port}`;
	const context = await browser.newContext({
		ignoreHTTPSErrors: true,
		viewport: opts.viewport ?? { width: 1280, height: 900 },
		reducedMotion: 'reduce',
	});
	context.setDefaultTimeout(15_000);
	// Recorded before any page script runs; init scripts are not subject to the CSP.
	await context.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation',
			(e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
	});
	if (opts.clock) await context.clock.install();
	const page = await context.newPage();
	const rec = { context, page, origin, requests: [], consoleErrors: [], pageErrors: [] };
	page.on('request', (r) => rec.requests.push({
		method: r.method(), url: r.url(), body: r.postData(), csrf: r.headers()['x-csrf-token'] ?? null,
	}));
	page.on('console', (m) => { if (m.type() === 'error') rec.consoleErrors.push(m.text()); });
	page.on('pageerror', (e) => rec.pageErrors.push(String(e)));
	rec.csp = () => page.evaluate(() => window.__csp.slice());
	await page.goto(`${origin}/`);
	await page.locator('h1').first().waitFor();
	return rec;
}

// assertClean(rec) - every request went to the server's origin, no CSP
// violation was reported, no script error was thrown.
export async function assertClean(rec) {
	const foreign = rec.requests.filter((r) => new URL(r.url).origin !== rec.origin);
	assert.deepEqual(foreign, [], 'requests to other origins');
	assert.deepEqual(rec.consoleErrors.filter((t) => /Content.Security.Policy|Refused to/i.test(t)), [],
		'CSP violations in the console');
	assert.deepEqual(await rec.csp().catch(() => []), [], 'securitypolicyviolation events');
	assert.deepEqual(rec.pageErrors, [], 'uncaught errors in the page');
	// The only console errors allowed are the browser's notes on refused API requests.
	const other = rec.consoleErrors.filter((t) => !/^Failed to load resource: the server responded with a status of (400|401|403|404|409)/.test(t));
	assert.deepEqual(other, [], 'console errors');
}

// axe(page, what) - no serious or critical WCAG 2.x A/AA violation.
export async function axe(page, what) {
	const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
	const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
		`axe on ${what}`);
	return r;
}

// heading(page) - the text of the screen's one h1 (asserts there is one).
export async function heading(page) {
	const h1 = page.locator('h1');
	assert.equal(await h1.count(), 1, 'one h1 per screen');
	return (await h1.textContent()).trim();
}

// waitHeading(page, text) - wait until the screen's h1 says text.
export async function waitHeading(page, text) {
	await page.locator('h1', { hasText: text }).waitFor();
	return heading(page);
}

// signInPage(page, ident, landing) - sign in through the form with a fresh
// TOTP code; waits for the first screen (Clients; Today for clinicians).
export async function signInPage(page, ident, landing = 'Clients') {
	await waitHeading(page, 'Sign in');
	advance(30); // a fresh TOTP step: the server refuses a code used before
	await page.getByLabel('Email').fill(ident.email);
	await page.getByLabel('Password', { exact: true }).fill(ident.password);
	await page.getByLabel('Code').fill(totp(ident.secret));
	await page.getByRole('button', { name: 'Sign in' }).click();
	await waitHeading(page, landing);
}

// firstSignInPage(page, ident) - a new user's first sign-in through the
// pages: one-time password, a new password, TOTP set-up from the key shown
// as text, recovery codes. Updates ident {password, secret, recovery}.
export async function firstSignInPage(page, ident) {
	await waitHeading(page, 'Sign in');
	await page.getByLabel('Email').fill(ident.email);
	await page.getByLabel('Password', { exact: true }).fill(ident.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await waitHeading(page, 'Choose your own password');
	const next = `a new password ${Math.random().toString(36).slice(2)}`;
	await page.getByLabel('New password', { exact: true }).fill(next);
	await page.getByLabel('New password again').fill(next);
	await page.getByRole('button', { name: 'Save the new password' }).click();
	ident.password = next;
	await waitHeading(page, 'Set up two-step sign-in');
	const key = (await page.locator('#mfa-secret').textContent()).replace(/\s+/g, '');
	ident.secret = secretOf(`otpauth://totp/x?secret=${key}`);
	await page.getByLabel('Code shown by the app').fill(totp(ident.secret));
	await page.getByRole('button', { name: 'Confirm' }).click();
	await waitHeading(page, 'Save your recovery codes');
	ident.recovery = await page.locator('ol.codes li').allTextContents();
	await page.getByRole('button', { name: 'I have saved them' }).click();
	await waitHeading(page, 'Clients');
}

// launchWith(extra) - launch() with extra Chromium flags, for the one test
// file that needs them (the video test's fake camera and microphone).
export function launchWith(extra) {
	return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extra], timeout: 30_000 });
}
