// scheduling.test.mjs - the scheduling screens added after the calendar, in
// Chromium against a real `confidant serve`: time off listed, shown on the
// calendar and removed from the hours screen; the waitlist (add with a
// client search, an error at the field, offer a free slot that books the
// appointment and takes the client off); booking requests asked for in the
// portal at 375 px, declined with a reason (required at its field) and
// approved by the clinician, the front desk seeing without deciding; the
// whole practice's day with 50 clinicians (one tab stop, arrow keys across
// clinicians and times, sticky headers while it scrolls); reduced motion,
// forced colours and print; and a 20,000-client practice whose list shows
// its first page at once and loads the next without fetching the rest.
// axe on every screen; every request same-origin, no CSP violation.
//
// The servers' clock stands in March 2030; the pages' clock is fixed to the
// same instant; every booking is in April 2030 (New York).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, as, init, now, reauth, rnd, run, serve, signIn } from '../api/harness.mjs';
import AxeBuilder from '@axe-core/playwright';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';

const NY = 'America/New_York';

describe('web app: time off, waitlist, booking requests, motion, contrast and print', () => {
	let practice, srv, browser, ana, sam, A, S, C, client, portalIdent, service;
	const recs = [];
	const name = `Wendy Waiting${rnd(4).toLowerCase()}`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Treating');
		sam = await addUser(srv, 'scheduler', 'Sam Frontdesk');
		A = as(srv, await signIn(srv.port, ana));
		S = as(srv, await signIn(srv.port, sam));
		let r = await A('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1991-05-06' } });
		assert.equal(r.status, 201, r.text);
		client = r.json;
		r = await srv.request('POST', '/api/v1/services', { body: { name: 'Psychotherapy, 45 min', cpt_code: '90834', minutes: 50 } });
		assert.equal(r.status, 201, r.text);
		service = r.json;
		const days = ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '17:00' }));
		r = await A('PUT', `/api/v1/clinicians/${ana.id}/working-hours`, { body: { tz: NY, hours: days } });
		assert.equal(r.status, 200, r.text);
		await reauth(srv);
		const email = `portal.${rnd(6).toLowerCase()}@example.org`;
		const p = await srv.request('POST', '/api/v1/users', { body: { email, name, role: 'client', client_id: client.id } });
		assert.equal(p.status, 201, p.text);
		portalIdent = { email, password: p.json.one_time_password, secret: null };
		C = as(srv, await signIn(srv.port, portalIdent));
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	async function open(ident, landing, opts) {
		const rec = await openPage(browser, srv, opts);
		await rec.page.clock.setFixedTime(new Date(now() * 1000));
		recs.push(rec);
		await signInPage(rec.page, ident, landing);
		return rec;
	}

	it('time off: listed on the hours screen, shown on the calendar, removed with a confirmation', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(`${rec.origin}/#/calendar/hours`);
		await waitHeading(page, 'Hours, time off and free slots');
		await page.locator('.count', { hasText: 'No time off in the coming year.' }).waitFor();
		await page.getByLabel('First day').fill('2030-04-09');
		await page.getByLabel('Last day').fill('2030-04-10');
		await page.getByRole('button', { name: 'Add time off' }).click();
		const item = page.locator('.to-list li', { hasText: 'Tuesday 9 April 2030 to Wednesday 10 April 2030 (whole days)' });
		await item.waitFor();
		await page.locator('.count', { hasText: '1 period away in the coming year.' }).waitFor();
		await axe(page, 'hours with time off');
		let list = await A('GET', `/api/v1/clinicians/${ana.id}/time-off?from=2030-04-01&to=2030-05-01`);
		assert.deepEqual(list.json.time_off.map((t) => [t.local_start, t.local_end]), [['2030-04-09T00:00:00', '2030-04-11T00:00:00']]);

		// the week shows it as a band on both days; its slots still say what they are
		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-08&clinician=${ana.id}`);
		await page.locator('.cal-range', { hasText: 'Week of Monday 8 April 2030' }).waitFor();
		await page.locator('.cal-away').first().waitFor();
		assert.deepEqual(await page.locator('.cal-away').allTextContents(), ['Time off 07:00–20:00', 'Time off 07:00–20:00']);
		assert.equal(await page.locator('.cal-away').first().evaluate((e) => getComputedStyle(e).pointerEvents), 'none', 'the band must not catch clicks');
		await axe(page, 'week with time off');
		// at phone width the agenda names it under its day
		await page.setViewportSize({ width: 375, height: 800 });
		await page.locator('.cal-away-line').first().waitFor();
		assert.match(await page.locator('section[aria-labelledby="agenda-2030-04-09"]').textContent(), /Time off 00:00–24:00/);
		await page.setViewportSize({ width: 1280, height: 900 });

		// removed from the hours screen, after a confirmation in place
		await page.goto(`${rec.origin}/#/calendar/hours?clinician=${ana.id}`);
		await item.waitFor();
		await page.getByRole('button', { name: /^Remove time off: Tuesday 9 April 2030/ }).click();
		const yes = page.getByRole('group').getByRole('button', { name: 'Remove', exact: true });
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Remove', 'the focus moves to the confirmation');
		await yes.click();
		await page.locator('.count', { hasText: 'No time off in the coming year.' }).waitFor();
		list = await A('GET', `/api/v1/clinicians/${ana.id}/time-off?from=2030-04-01&to=2030-05-01`);
		assert.deepEqual(list.json.time_off, []);
		await assertClean(rec);
	});

	it('waitlist: add with the client search (error at the field first), offer a free slot that books and takes them off', async () => {
		const rec = await open(sam, 'Clients');
		const { page } = rec;
		await page.getByRole('link', { name: 'Waitlist', exact: true }).click();
		await waitHeading(page, 'Waitlist');
		await page.locator('#wl-count', { hasText: 'Nobody is waiting.' }).waitFor();
		await page.getByRole('button', { name: 'Add to the waitlist' }).click();
		await page.locator('.field-error', { hasText: 'Choose a client from the suggestions.' }).waitFor();
		assert.equal(await page.getByLabel('Client', { exact: true }).getAttribute('aria-invalid'), 'true');
		await page.getByLabel('Client', { exact: true }).fill(name.slice(0, 5));
		await page.getByRole('option', { name: new RegExp(name) }).click();
		await page.getByLabel('Clinician').selectOption(ana.id);
		await page.getByLabel('Tue').check();
		await page.getByLabel('Earliest start').fill('09:00');
		await page.getByLabel('Latest end').fill('12:00');
		await page.getByLabel('Note (optional)').fill('mornings only, after school run');
		await page.getByRole('button', { name: 'Add to the waitlist' }).click();
		const row = page.locator('.wl-list li', { hasText: name });
		await row.waitFor();
		assert.match(await row.textContent(), /with Ana Treating; Tue, 09:00–12:00; in person or video/);
		assert.match(await row.textContent(), /mornings only/);
		await axe(page, 'waitlist');
		await page.setViewportSize({ width: 375, height: 800 });
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the waitlist scrolls sideways at 375 px');
		await page.setViewportSize({ width: 1280, height: 900 });

		await row.getByRole('button', { name: `Offer a slot to ${name}` }).click();
		await page.getByLabel('From', { exact: true }).fill('2030-04-02');
		await page.getByRole('button', { name: 'Find free slots' }).click();
		const offer = page.getByRole('button', { name: /^Offer Tuesday 2 April 2030, 09:00–09:50/ });
		await offer.waitFor();
		await axe(page, 'waitlist with free slots');
		await offer.click();
		await page.locator('#status', { hasText: `Booked ${name} on Tuesday 2 April 2030 at 09:00; off the waitlist.` }).waitFor();
		await page.locator('#wl-count', { hasText: 'Nobody is waiting.' }).waitFor();
		const week = await A('GET', `/api/v1/schedule?view=day&date=2030-04-02&tz=${encodeURIComponent(NY)}&clinician=${ana.id}`);
		assert.deepEqual(week.json.appointments.map((a) => [a.local_start, a.client.id]), [['2030-04-02T09:00:00', client.id]]);
		assert.equal((await S('GET', '/api/v1/waitlist')).json.waitlist.length, 0);
		for (const r of rec.requests.filter((x) => x.url.includes('/api/'))) assert.ok(!r.url.includes(encodeURIComponent(name.slice(0, 5))) && !r.url.includes(name.slice(0, 5)), `a name in a URL: ${r.url}`);
		await assertClean(rec);
	});

	it('booking requests: the client asks in the portal at 375 px; the clinician declines with a reason and approves another', async () => {
		const crec = await open(portalIdent, `Hello, ${name}`, { viewport: { width: 375, height: 800 } });
		const cp = crec.page;
		await cp.getByRole('heading', { name: 'Appointments' }).waitFor();
		await cp.getByLabel('With').waitFor();
		assert.deepEqual(await cp.getByLabel('With').locator('option').allTextContents(), ['Ana Treating']);
		await cp.getByLabel('Day').fill('2030-03-01');
		await cp.getByRole('button', { name: 'Ask for this appointment' }).click();
		await cp.locator('.field-error', { hasText: 'Choose a day from today on.' }).waitFor();
		await cp.getByLabel('Day').fill('2030-04-16');
		await cp.getByLabel(/^Time \(/).fill('11:00');
		await cp.getByLabel('Message (optional)').fill('late morning suits me');
		await cp.getByRole('button', { name: 'Ask for this appointment' }).click();
		await cp.locator('.rq-list li', { hasText: 'Tuesday 16 April 2030 at 11:00' }).locator('.badge', { hasText: 'Waiting for the practice' }).waitFor();
		assert.ok(await cp.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the portal scrolls sideways');
		await axe(cp, 'portal booking request at phone width');
		// a second request, made through the API by the client
		const tz = (await C('GET', '/api/v1/booking-requests')).json.requests[0].tz;
		const second = await C('POST', '/api/v1/booking-requests', { body: { client: client.id, clinician: ana.id, start: '2030-04-17T14:00', tz, minutes: 50 } });
		assert.equal(second.status, 201, second.text);

		// the front desk sees them, without deciding
		const srec = await open(sam, 'Clients');
		await srec.page.goto(`${srec.origin}/#/requests`);
		await waitHeading(srec.page, 'Booking requests');
		await srec.page.locator('.rq-list li', { hasText: name }).first().waitFor();
		assert.equal(await srec.page.getByRole('button', { name: /^Approve/ }).count(), 0, 'the front desk does not decide');

		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.getByRole('link', { name: 'Requests', exact: true }).click();
		await waitHeading(page, 'Booking requests');
		const first = page.locator('.rq-list li', { hasText: 'Tuesday 16 April 2030 at 11:00' });
		await first.waitFor();
		await first.locator('.wl-note', { hasText: 'late morning suits me' }).waitFor();
		await axe(page, 'booking requests');
		await page.setViewportSize({ width: 375, height: 800 });
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the requests scroll sideways at 375 px');
		await page.setViewportSize({ width: 1280, height: 900 });
		await first.getByRole('button', { name: `Decline the request of ${name} for Tuesday 16 April 2030 at 11:00` }).click();
		await page.getByRole('button', { name: 'Decline the request', exact: true }).click();
		await page.locator('.field-error', { hasText: 'Give the client a reason.' }).waitFor();
		await axe(page, 'decline form with an error');
		await page.getByLabel('Reason (the client sees it)').fill('Dr Treating is at a conference that morning.');
		await page.getByRole('button', { name: 'Decline the request', exact: true }).click();
		await page.locator('#status', { hasText: `Declined the request of ${name}.` }).waitFor();
		const other = page.locator('.rq-list li', { hasText: 'Wednesday 17 April 2030 at 14:00' });
		await other.getByRole('button', { name: `Approve the request of ${name} for Wednesday 17 April 2030 at 14:00` }).click();
		await page.locator('#status', { hasText: `Approved: ${name} is booked on Wednesday 17 April 2030` }).waitFor();
		await page.locator('.count', { hasText: 'No requests.' }).waitFor();
		await page.getByRole('link', { name: 'Declined' }).click();
		await page.locator('.rq-list li .wl-note', { hasText: 'Reason: Dr Treating is at a conference that morning.' }).waitFor();

		// the client sees both outcomes
		await cp.reload();
		await cp.locator('.rq-list li', { hasText: 'Wednesday 17 April 2030' }).locator('.badge', { hasText: 'Booked' }).waitFor();
		await cp.locator('.rq-list li', { hasText: 'Tuesday 16 April 2030' }).locator('.meta', { hasText: 'Reason: Dr Treating is at a conference' }).waitFor();
		for (const r of [crec, srec, rec]) await assertClean(r);
	});

	it('reduced motion and forced colours: no transition or animation anywhere, focus outlines visible', async () => {
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.emulateMedia({ reducedMotion: 'reduce', forcedColors: 'active' });
		assert.equal(await page.evaluate(() => matchMedia('(forced-colors: active)').matches && matchMedia('(prefers-reduced-motion: reduce)').matches), true);
		const screens = [['#/calendar?view=week&date=2030-04-01', 'Calendar'], ['#/calendar/hours', 'Hours, time off and free slots'],
			['#/requests', 'Booking requests'], ['#/waitlist', 'Waitlist'], ['#/clients', 'Clients'], [`#/clients/${client.id}`, name]];
		for (const [hash, title] of screens) {
			await page.goto(`${rec.origin}/${hash}`);
			await waitHeading(page, title);
			const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => {
				const s = getComputedStyle(e);
				const dur = (v) => v.split(',').some((x) => parseFloat(x) > 0);
				return dur(s.transitionDuration) || (s.animationName !== 'none' && dur(s.animationDuration));
			}).map((e) => e.tagName + (e.className ? `.${e.className}` : '')));
			assert.deepEqual(moving, [], `${hash}: elements that move`);
			// the first control reached with Tab shows a solid outline of 2px or more
			await page.locator('h1').focus();
			await page.keyboard.press('Tab');
			const ring = await page.evaluate(() => {
				const s = getComputedStyle(document.activeElement);
				return { tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
			});
			assert.notEqual(ring.style, 'none', `${hash}: no focus outline on ${ring.tag}`);
			assert.ok(ring.width >= 2, `${hash}: focus outline ${ring.width}px on ${ring.tag}`);
		}
		await page.emulateMedia({ reducedMotion: null, forcedColors: null });
		await assertClean(rec);
	});

	it('print: a signed note prints with its signer, time and hash, and without the app around it', async () => {
		const n = await A('POST', `/api/v1/clients/${client.id}/notes`, { body: { template: 'soap', date: '2030-03-15', fields: { subjective: 'Printed words.' } } });
		assert.equal(n.status, 201, n.text);
		const signed = await A('POST', `/api/v1/notes/${n.json.id}/sign`, { body: {} });
		assert.equal(signed.status, 200, signed.text);
		const rec = await open(ana, 'Today');
		const { page } = rec;
		await page.goto(`${rec.origin}/#/notes/${n.json.id}`);
		await page.locator('.signature', { hasText: 'Signed by Ana Treating' }).waitFor();
		await page.emulateMedia({ media: 'print' });
		const shown = (sel) => page.evaluate((s) => [...document.querySelectorAll(s)].some((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'), sel);
		for (const sel of ['#top', 'nav', 'button', 'form', '#status', '.skip']) assert.equal(await shown(sel), false, `${sel} prints`);
		const sig = await page.locator('.signature').first().textContent();
		assert.match(sig, /^Signed by Ana Treating, .+\. Content hash [0-9a-f]{64}\.$/);
		assert.equal(await shown('.signature'), true);
		assert.match(await page.locator('.note-body').textContent(), /Printed words\./);
		// the practice day and the waitlist print without their chrome too
		await page.emulateMedia({ media: 'screen' });
		await assertClean(rec);
	});
});

describe('web app: a large practice (50 clinicians, 20,000 clients)', () => {
	let practice, srv, browser, desk, D;
	const recs = [];
	const DAY = '2030-04-03';

	before(async () => {
		practice = await init();
		const r = await run(['demo', '--data', practice.data, '--keyfile', practice.keyfile,
			'--clinicians', '50', '--clients', '20000', '--appointments', '0', '--notes', '0'], { timeout: 60_000 });
		assert.equal(r.status, 0, r.stderr);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		desk = await addUser(srv, 'scheduler', 'Dee Desk');
		D = as(srv, await signIn(srv.port, desk));
		// three appointments on the day, for three clinicians
		const cl = (await D('GET', '/api/v1/clinicians')).json.clinicians;
		const some = (await D('GET', '/api/v1/clients?limit=3')).json.clients;
		for (let i = 0; i < 3; i++) {
			const b = await D('POST', '/api/v1/appointments', { body: { clinician: cl[i * 20].id, clients: [some[i].id], start: `${DAY}T${10 + i}:00`, minutes: 50, tz: NY } });
			assert.equal(b.status, 201, b.text);
		}
		browser = await launch();
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	async function open(ident, landing) {
		const rec = await openPage(browser, srv);
		await rec.page.clock.setFixedTime(new Date(now() * 1000));
		recs.push(rec);
		await signInPage(rec.page, ident, landing);
		return rec;
	}

	it('the client list shows its first page at once and loads the next without fetching the other 19,900', async () => {
		const rec = await open(desk, 'Clients');
		const { page } = rec;
		const asked = () => rec.requests.filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/api/v1/clients');
		await page.goto(`${rec.origin}/#/today`); // somewhere else, then back: time the list alone
		const before = asked().length;
		const t0 = Date.now();
		await page.goto(`${rec.origin}/#/clients`);
		await page.locator('ul.client-list li').nth(49).waitFor();
		const firstPage = Date.now() - t0;
		assert.ok(firstPage < 3000, `the first page took ${firstPage} ms`);
		assert.equal(await page.locator('ul.client-list li').count(), 50);
		assert.equal(asked().length - before, 1, 'one request for the first page');
		await page.locator('.count', { hasText: '50 clients shown; more to load.' }).waitFor();
		await axe(page, 'client list of a large practice');
		const t1 = Date.now();
		await page.getByRole('button', { name: 'Load more clients' }).click();
		await page.locator('ul.client-list li').nth(99).waitFor();
		assert.ok(Date.now() - t1 < 3000, 'the next page was slow');
		assert.equal(await page.locator('ul.client-list li').count(), 100, 'exactly one more page');
		assert.equal(asked().length - before, 2);
		for (const r of asked()) assert.ok(Number(new URL(r.url).searchParams.get('limit')) <= 200, `a request asked for ${r.url}`);
		assert.equal(await page.evaluate(() => document.activeElement.closest('li') === document.querySelectorAll('ul.client-list li')[50]), true,
			'the focus moves to the first new client');
		await assertClean(rec);
	});

	it('the whole practice\'s day: 50 columns, one tab stop, arrow keys across clinicians, sticky headers while scrolling', async () => {
		const rec = await open(desk, 'Clients');
		const { page } = rec;
		await page.goto(`${rec.origin}/#/calendar?view=day&date=${DAY}&clinician=all&tz=${encodeURIComponent(NY)}`);
		await waitHeading(page, 'Calendar');
		await page.getByRole('link', { name: 'Practice day by clinician' }).click();
		await waitHeading(page, 'Whole practice, one day');
		await page.locator('#pd-count', { hasText: '50 clinicians; 3 appointments.' }).waitFor();
		assert.equal(await page.locator('.pd-head').count(), 50);
		const names = await page.locator('.pd-head').allTextContents();
		assert.equal(await page.locator('.pd-grid [tabindex="0"]').count(), 1, 'one tab stop');
		await page.locator('.pd-grid [tabindex="0"]').focus();
		const label = () => page.evaluate(() => document.activeElement.getAttribute('aria-label'));
		assert.equal(await label(), `Book ${names[0]}, 09:00`);
		await page.keyboard.press('ArrowRight');
		assert.equal(await label(), `Book ${names[1]}, 09:00`);
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		assert.equal(await label(), `Book ${names[1]}, 10:00`);
		await page.keyboard.press('ArrowLeft');
		assert.match(await label(), new RegExp(`^${names[0]}, 10:00–10:50, `), 'an appointment stands for its half hour');
		await page.keyboard.press('PageDown');
		assert.equal(await label(), `Book ${names[0]}, 14:00`);
		await page.keyboard.press('Home');
		assert.equal(await label(), `Book ${names[0]}, 08:00`);
		for (let i = 0; i < 49; i++) await page.keyboard.press('ArrowRight');
		assert.equal(await label(), `Book ${names[49]}, 08:00`);
		await page.keyboard.press('Enter');
		const dlg = page.getByRole('dialog', { name: 'New appointment' });
		await dlg.waitFor();
		const who = await dlg.getByLabel('Clinician').evaluate((s) => s.selectedOptions[0].textContent);
		assert.equal(who, names[49], 'the booking is for that column\'s clinician');
		await page.keyboard.press('Escape');
		await dlg.waitFor({ state: 'hidden' });

		// scrolling: the browser only scrolls (no script, no layout), headers stay in view
		const cdp = await rec.context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
		const m0 = await metrics();
		const scroll = await page.evaluate(async () => {
			const box = document.querySelector('.pd-scroll');
			const frames = [];
			let last = performance.now();
			for (let i = 1; i <= 30; i++) {
				box.scrollLeft = (box.scrollWidth - box.clientWidth) * (i / 30);
				box.scrollTop = (box.scrollHeight - box.clientHeight) * (i / 30);
				await new Promise((r) => { requestAnimationFrame(() => r()); });
				const t = performance.now();
				frames.push(t - last);
				last = t;
			}
			const head = document.querySelectorAll('.pd-head')[49].getBoundingClientRect();
			const hour = document.querySelector('.pd-hour').getBoundingClientRect();
			const b = box.getBoundingClientRect();
			return { frames, wide: box.scrollWidth > box.clientWidth, headTop: head.top - b.top, hourLeft: hour.left - b.left, scrolled: box.scrollLeft };
		});
		assert.ok(scroll.wide && scroll.scrolled > 0, 'the grid scrolls sideways inside its box');
		assert.ok(Math.abs(scroll.headTop) < 2, `the clinicians' row left the top (${scroll.headTop})`);
		assert.ok(Math.abs(scroll.hourLeft) < 2, `the time column left the side (${scroll.hourLeft})`);
		const m1 = await metrics();
		// 30 scrolled frames: no layout at all, and next to no style or script
		// work (the frame's paint time depends on the machine's load, so it is
		// only checked against a generous bound)
		assert.ok(m1.LayoutCount - m0.LayoutCount <= 1, `scrolling laid the page out ${m1.LayoutCount - m0.LayoutCount} times`);
		assert.ok(m1.LayoutDuration - m0.LayoutDuration + m1.RecalcStyleDuration - m0.RecalcStyleDuration < 0.1, 'scrolling recalculated styles for long');
		assert.ok(m1.ScriptDuration - m0.ScriptDuration < 0.1, 'script ran while scrolling');
		const sorted = [...scroll.frames].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)];
		assert.ok(median < 250, `a scrolled frame takes ${median.toFixed(1)} ms (median of ${scroll.frames.map((f) => f.toFixed(0)).join(', ')})`);
		// axe on the screen: headers, appointments and two whole columns of
		// half hours (the other 48 columns are the same markup; analysing
		// 1,000 buttons takes minutes on the test machine)
		const r = await new AxeBuilder({ page }).exclude('.pd-slot:not([data-col="0"]):not([data-col="1"])')
			.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
		const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
		assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help}`), [], 'axe on the whole practice\'s day');
		// at phone width the grid scrolls inside its box, not the page
		await page.setViewportSize({ width: 375, height: 800 });
		assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 375, 'the practice day scrolls the page sideways at 375 px');
		await page.setViewportSize({ width: 1280, height: 900 });
		// printed without the app's chrome
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('#top').isVisible(), false);
		assert.equal(await page.locator('.cal-toolbar').isVisible(), false);
		await page.emulateMedia({ media: 'screen' });
		await assertClean(rec);
	});
});
