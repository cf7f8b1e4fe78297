// calendar.test.mjs - the calendar in Chromium against a real `confidant
// serve`: a clinician books a weekly series from an empty slot (client
// search, service, room, recurrence) and sees it on consecutive weeks in
// the clinician's zone; moves one occurrence by dragging it and the
// following ones with the keyboard; cancels one with a reason; a booking
// that collides shows the server's conflict message next to the form and
// "Book anyway" books it; month and day views, filters, working hours,
// time off and the free-slot finder; Today lists the next appointments;
// the front desk sees the whole practice; phone width shows an agenda;
// axe on every calendar screen; every request same-origin.
//
// The servers' clock stands in March 2030; the pages' clock is fixed to
// the same instant, and every booking below is in April 2030 (New York).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, as, init, now, rnd, serve, signIn } from '../api/harness.mjs';
import AxeBuilder from '@axe-core/playwright';
import { assertClean, axe, launch, openPage, signInPage, waitHeading } from './browser.mjs';
import * as ct from '../../web/js/caltime.js';

const NY = 'America/New_York';

// axeDialog(page, what) - axe (the same rules as axe()) on the open dialog
// only: the calendar behind it is checked on its own, and a time grid is
// slow to analyse.
async function axeDialog(page, what) {
	const r = await new AxeBuilder({ page }).include('dialog[open]')
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
	const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${what}`);
}

describe('the calendar arithmetic (web/js/caltime.js, pure functions)', () => {
	it('weeks run Monday to Sunday; a month view covers whole weeks', () => {
		assert.deepEqual(ct.days('week', '2030-11-03'), ['2030-10-28', '2030-10-29', '2030-10-30', '2030-10-31', '2030-11-01', '2030-11-02', '2030-11-03']);
		const m = ct.days('month', '2030-04-17');
		assert.equal(m[0], '2030-04-01');
		assert.equal(m.at(-1), '2030-05-05');
		assert.equal(m.length % 7, 0);
		assert.equal(ct.days('month', '2027-02-10').length, 28, 'February 2027 starts on a Monday and fills four weeks');
		assert.equal(ct.step('month', '2030-01-31', 1), '2030-02-01');
		assert.equal(ct.step('week', '2030-04-03', -1), '2030-03-25');
		assert.equal(ct.isDate('2030-02-30'), false);
	});
	it('the booking form\'s recurrences are RFC 5545 rules', () => {
		assert.equal(ct.rrule({ repeat: 'none', date: '2030-04-02' }), null);
		assert.equal(ct.rrule({ repeat: 'weekly', date: '2030-04-02', end: 'count', count: '6' }), 'FREQ=WEEKLY;COUNT=6');
		assert.equal(ct.rrule({ repeat: 'biweekly', date: '2030-04-02', end: 'until', until: '2030-06-30' }), 'FREQ=WEEKLY;INTERVAL=2;UNTIL=20300630');
		assert.equal(ct.rrule({ repeat: 'monthly', date: '2030-04-16', end: 'count', count: '3' }), 'FREQ=MONTHLY;BYDAY=3TU;COUNT=3');
		assert.equal(ct.rrule({ repeat: 'monthly', date: '2030-04-30', end: 'count', count: '3' }), 'FREQ=MONTHLY;BYDAY=-1TU;COUNT=3', 'a fifth Tuesday is the last');
		assert.equal(ct.monthlyWords('2030-04-30'), 'Monthly on the last Tuesday');
		assert.equal(ct.ruleWords('FREQ=MONTHLY;BYDAY=2TU;COUNT=4'), 'every month on the second Tuesday, 4 times');
		assert.equal(ct.ruleWords('FREQ=WEEKLY;INTERVAL=2;UNTIL=20301119T145959Z'), 'every 2 weeks, until 2030-11-19');
	});
	it('local times move without the browser\'s zone; overlaps share lanes', () => {
		assert.equal(ct.shift('2030-03-09T23:30:00', 45), '2030-03-10T00:15');
		assert.equal(ct.between('2030-04-09T10:00:00', '2030-04-10T11:00'), 25 * 60);
		assert.deepEqual(ct.lanes([{ start: 600, end: 650 }, { start: 600, end: 650 }, { start: 640, end: 700 }, { start: 720, end: 770 }]),
			[{ lane: 0, lanes: 3 }, { lane: 1, lanes: 3 }, { lane: 2, lanes: 3 }, { lane: 0, lanes: 1 }]);
		assert.equal(ct.todayIn('Pacific/Auckland', new Date('2030-03-17T12:00:00Z')), '2030-03-18');
		assert.equal(ct.zoneAbbrev(NY, '2030-11-05'), 'EST');
	});
});

describe('web app: the calendar', () => {
	let practice, srv, browser, ana, sam, A, client, other, service, room;
	const recs = [];
	const surname = `Weekly${rnd(4).toLowerCase()}`;
	const name = `Carla ${surname}`;
	const otherName = `Dora Walkin${rnd(4).toLowerCase()}`;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Treating');
		sam = await addUser(srv, 'scheduler', 'Sam Frontdesk');
		A = as(srv, await signIn(srv.port, ana));
		await signIn(srv.port, sam);
		let r = await A('POST', '/api/v1/clients', { body: { legal_name: name, date_of_birth: '1990-04-12' } });
		assert.equal(r.status, 201, r.text);
		client = r.json;
		r = await A('POST', '/api/v1/clients', { body: { legal_name: otherName } });
		assert.equal(r.status, 201, r.text);
		other = r.json;
		r = await srv.request('POST', '/api/v1/services', { body: { name: 'Psychotherapy, 45 min', cpt_code: '90834', minutes: 50 } });
		assert.equal(r.status, 201, r.text);
		service = r.json;
		r = await srv.request('POST', '/api/v1/rooms', { body: { name: 'Room 1' } });
		assert.equal(r.status, 201, r.text);
		room = r.json;
		const days = ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '17:00' }));
		r = await A('PUT', `/api/v1/clinicians/${ana.id}/working-hours`, { body: { tz: NY, hours: days } });
		assert.equal(r.status, 200, r.text);
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
	// week(date) - Ana's week from the API, as "local_start status".
	async function week(date) {
		const r = await A('GET', `/api/v1/schedule?view=week&date=${date}&tz=${encodeURIComponent(NY)}&clinician=${ana.id}`);
		assert.equal(r.status, 200, r.text);
		return r.json.appointments;
	}
	const at = (list) => list.map((a) => `${a.local_start.slice(0, 16)} ${a.status}`);
	const appt = (page, text) => page.locator('.cal-grid .cal-appt', { hasText: text });

	let rec, page;

	it('a clinician opens their week in their own zone, and books a weekly series from an empty slot', async () => {
		rec = await open(ana, 'Today');
		page = rec.page;
		await page.getByRole('link', { name: 'Calendar', exact: true }).click();
		await waitHeading(page, 'Calendar');
		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-01`);
		await page.locator('.cal-range', { hasText: 'Week of Monday 1 April 2030 to Sunday 7 April 2030' }).waitFor();
		assert.match(await page.locator('#cal-zone').textContent(), /Times in America\/New_York \(EDT\)/);
		assert.equal(await page.locator('#cal-clinician').inputValue(), ana.id, 'a clinician sees their own calendar first');
		await page.locator('.count', { hasText: 'No appointments' }).waitFor();

		// the empty slot, reached with the arrow keys from the grid's one tab stop
		const slot = page.getByRole('button', { name: 'Book Tuesday 2 April 2030, 10:00' });
		await page.locator('button.cal-slot[tabindex="0"]').focus();
		assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Book Monday 1 April 2030, 09:00');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Book Tuesday 2 April 2030, 10:00');
		await page.keyboard.press('Enter');
		const dlg = page.getByRole('dialog', { name: 'New appointment' });
		await dlg.waitFor();
		assert.equal(await dlg.getByLabel('Date', { exact: true }).inputValue(), '2030-04-02');
		assert.equal(await dlg.getByLabel(/^Start time/).inputValue(), '10:00');
		await dlg.getByRole('button', { name: 'Book appointment' }).click();
		await dlg.locator('#' + (await dlg.getByRole('combobox', { name: 'Client' }).getAttribute('id')) + '-error', { hasText: 'Choose a client' }).waitFor();
		const who = dlg.getByRole('combobox', { name: 'Client' });
		await who.pressSequentially(surname.slice(0, 6));
		await dlg.getByRole('option', { name: new RegExp(surname) }).waitFor();
		await axeDialog(page, 'booking dialog with client suggestions');
		await who.press('ArrowDown');
		await who.press('Enter');
		assert.equal(await who.inputValue(), name);
		await dlg.getByLabel('Service').selectOption(service.id);
		assert.equal(await dlg.getByLabel('Length in minutes').inputValue(), '50', 'the service gives the length');
		await dlg.getByLabel('Where').selectOption(room.id);
		assert.equal(await dlg.getByLabel('Number of appointments').isVisible(), false, 'no count for a single appointment');
		const repeats = dlg.getByLabel('Repeats');
		assert.ok((await repeats.locator('option').allTextContents()).includes('Monthly on the first Tuesday'));
		await repeats.selectOption('weekly');
		await dlg.getByLabel('Number of appointments').fill('4');
		await dlg.getByRole('button', { name: 'Book appointment' }).click();
		await page.locator('#status', { hasText: 'Booked 4 appointments, the first on Tuesday 2 April 2030 at 10:00.' }).waitFor();
		assert.equal(await dlg.count(), 0, 'the dialog closed');
		const a1 = appt(page, name);
		await a1.waitFor();
		assert.match(await a1.getAttribute('aria-label'), /^10:00–10:50, Carla .*, Scheduled, Room 1, repeats$/);
		assert.equal(await page.evaluate(() => document.activeElement.classList.contains('cal-appt')), true, 'the new appointment has the focus');
		assert.deepEqual(at(await week('2030-04-01')), ['2030-04-02T10:00 scheduled']);
		const series = (await week('2030-04-01'))[0];
		const full = await A('GET', `/api/v1/appointments/${series.id}`);
		assert.equal(full.json.rrule, 'FREQ=WEEKLY;COUNT=4');
		assert.equal(full.json.room.id, room.id);
		assert.equal(full.json.service.id, service.id);
		await axe(page, 'week view with an appointment');

		// the next week shows the next one, and the one after
		await page.getByRole('button', { name: 'Next week' }).click();
		await page.locator('.cal-range', { hasText: 'Week of Monday 8 April 2030' }).waitFor();
		await appt(page, name).waitFor();
		assert.match(await appt(page, name).getAttribute('aria-label'), /^10:00–10:50/);
		await page.getByRole('button', { name: 'Next week' }).click();
		await page.locator('.cal-range', { hasText: 'Week of Monday 15 April 2030' }).waitFor();
		await appt(page, name).waitFor();
	});

	it('moves one occurrence by dragging it, and this and the following ones with the keyboard', async () => {
		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-08`);
		await page.locator('.cal-range', { hasText: 'Week of Monday 8 April 2030' }).waitFor();
		const a = appt(page, name);
		await a.waitFor();
		// drag Tuesday 10:00 to Wednesday 11:00: one day right, one hour down
		const box = await a.boundingBox();
		const wed = await page.locator('.cal-dayhead').nth(2).boundingBox();
		const slot10 = await page.getByRole('button', { name: 'Book Wednesday 10 April 2030, 10:00' }).boundingBox();
		const slot11 = await page.getByRole('button', { name: 'Book Wednesday 10 April 2030, 11:00' }).boundingBox();
		await page.mouse.move(box.x + 10, box.y + 4);
		await page.mouse.down();
		await page.mouse.move(box.x + 30, box.y + 30, { steps: 3 });
		await page.mouse.move(wed.x + 10, box.y + 4 + (slot11.y - slot10.y), { steps: 5 });
		await page.mouse.up();
		const dlg = page.getByRole('dialog', { name: 'Move appointment' });
		await dlg.waitFor();
		assert.equal(await dlg.getByLabel('New date').inputValue(), '2030-04-10');
		assert.equal(await dlg.getByLabel(/^New start time/).inputValue(), '11:00');
		assert.equal(await dlg.getByLabel('Move which appointments').inputValue(), 'this');
		await axeDialog(page, 'move dialog');
		await dlg.getByRole('button', { name: 'Move', exact: true }).click();
		await page.locator('#status', { hasText: 'Moved to Wednesday 10 April 2030 at 11:00.' }).waitFor();
		await appt(page, '11:00–11:50').waitFor();
		assert.deepEqual(at(await week('2030-04-08')), ['2030-04-10T11:00 scheduled']);
		const moved = (await week('2030-04-08'))[0];
		assert.equal(moved.exception, true, 'the moved one is an exception of its series');
		assert.deepEqual(at(await week('2030-04-15')), ['2030-04-16T10:00 scheduled'], 'the others stay');

		// keyboard: M, one hour down with the arrow keys, Enter; this and the following
		await page.getByRole('button', { name: 'Next week' }).click();
		await page.locator('.cal-range', { hasText: 'Week of Monday 15 April 2030' }).waitFor();
		const b = appt(page, name);
		await b.focus();
		await page.keyboard.press('m');
		for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
		await page.locator('[role=status][aria-live=assertive]', { hasText: 'Tuesday 16 April 2030, 11:00 to 11:50.' }).waitFor();
		await page.keyboard.press('Enter');
		const kd = page.getByRole('dialog', { name: 'Move appointment' });
		await kd.waitFor();
		assert.equal(await kd.getByLabel('New date').inputValue(), '2030-04-16');
		assert.equal(await kd.getByLabel(/^New start time/).inputValue(), '11:00');
		await kd.getByLabel('Move which appointments').selectOption('following');
		await kd.getByRole('button', { name: 'Move', exact: true }).click();
		await page.locator('#status', { hasText: 'Moved' }).waitFor();
		await appt(page, '11:00–11:50').waitFor();
		assert.deepEqual(at(await week('2030-04-15')), ['2030-04-16T11:00 scheduled']);
		assert.deepEqual(at(await week('2030-04-22')), ['2030-04-23T11:00 scheduled'], 'the following one moved too');
		assert.deepEqual(at(await week('2030-04-01')), ['2030-04-02T10:00 scheduled'], 'the earlier one did not');
		// Escape puts a keyboard move back
		await appt(page, name).focus();
		await page.keyboard.press('m');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Escape');
		await page.locator('[role=status][aria-live=assertive]', { hasText: 'Move cancelled.' }).waitFor();
		assert.equal(await page.getByRole('dialog').count(), 0);
	});

	it('cancels one occurrence with a reason, and confirms another', async () => {
		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-01`);
		await page.locator('.cal-range', { hasText: 'Week of Monday 1 April 2030' }).waitFor();
		await appt(page, name).click();
		const dlg = page.getByRole('dialog', { name: 'Appointment' });
		await dlg.waitFor();
		await dlg.getByText(/^every week, until 2030-04-1[56]/).waitFor(); // the series was split on the 16th
		await axeDialog(page, 'appointment details');
		await dlg.getByText('Cancel, no-show or another status…').click();
		await dlg.getByLabel('New status').selectOption('cancelled_by_client');
		await dlg.getByLabel('Reason (optional)').fill('travelling for work');
		assert.equal(await dlg.getByLabel('Cancel which appointments').inputValue(), 'this');
		await dlg.getByRole('button', { name: 'Change status' }).click();
		await page.locator('#status', { hasText: 'Status: Cancelled by client.' }).waitFor();
		await page.locator('.cal-appt.off', { hasText: 'Cancelled by client' }).waitFor();
		assert.deepEqual(at(await week('2030-04-01')), ['2030-04-02T10:00 cancelled_by_client']);
		assert.deepEqual(at(await week('2030-04-22')), ['2030-04-23T11:00 scheduled'], 'the rest of the series stays');
		const got = await A('GET', `/api/v1/appointments/${(await week('2030-04-01'))[0].id}`);
		assert.equal(got.json.history.at(-1).reason, 'travelling for work');
		// the status filter hides cancellations
		await page.getByLabel('Status').selectOption('active');
		await page.getByRole('button', { name: 'Show' }).click();
		await page.locator('.count', { hasText: 'No appointments' }).waitFor();

		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-22`);
		await appt(page, name).click();
		await page.getByRole('dialog', { name: 'Appointment' }).getByRole('button', { name: 'Confirm' }).click();
		await page.locator('#status', { hasText: 'Status: Confirmed.' }).waitFor();
		await appt(page, 'Confirmed').waitFor();
	});

	it('a booking that collides shows the conflict next to the form, and "Book anyway" books it', async () => {
		await page.goto(`${rec.origin}/#/calendar?view=day&date=2030-04-23`);
		await page.locator('.cal-range', { hasText: 'Tuesday 23 April 2030' }).waitFor();
		// the 11:00 slot is under the appointment: book through the button and type the time
		await page.getByRole('button', { name: 'New appointment' }).click();
		const dlg = page.getByRole('dialog', { name: 'New appointment' });
		assert.equal(await dlg.getByLabel('Date', { exact: true }).inputValue(), '2030-04-23');
		await dlg.getByLabel(/^Start time/).fill('11:00');
		const who = dlg.getByRole('combobox', { name: 'Client' });
		await who.pressSequentially(otherName.slice(0, 8));
		await dlg.getByRole('option', { name: new RegExp(otherName) }).click();
		await dlg.getByRole('button', { name: 'Book appointment' }).click();
		const box = dlg.locator('.conflict');
		await box.getByText('clinician already has an appointment 11:00-11:50 on 2030-04-23').waitFor();
		assert.equal(await box.getAttribute('role'), 'alert');
		assert.doesNotMatch(await box.textContent(), new RegExp(surname), 'the conflict names no client');
		assert.equal(await dlg.getByRole('button', { name: 'Book anyway' }).evaluate((el) => el === document.activeElement), true);
		await axeDialog(page, 'booking dialog with a conflict');
		assert.deepEqual(at(await week('2030-04-22')), ['2030-04-23T11:00 confirmed'], 'nothing was booked');
		await dlg.getByRole('button', { name: 'Book anyway' }).click();
		await page.locator('#status', { hasText: 'Booked for Tuesday 23 April 2030 at 11:00.' }).waitFor();
		assert.deepEqual(at(await week('2030-04-22')).sort(), ['2030-04-23T11:00 confirmed', '2030-04-23T11:00 scheduled']);
		// side by side in the day view
		await page.locator('.cal-grid .cal-appt').nth(1).waitFor();
		const [l, r] = await page.locator('.cal-grid .cal-appt').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
		assert.notEqual(l, r, 'overlapping appointments are side by side');
		await axe(page, 'day view');
	});

	it('month view, and hours, time off and free slots', async () => {
		await page.getByRole('link', { name: 'Month' }).click();
		await page.locator('.cal-range', { hasText: 'April 2030' }).waitFor();
		await page.locator('table.cal-month').waitFor();
		assert.equal(await page.getByRole('link', { name: 'Tuesday 23 April 2030, 2 appointments' }).count(), 1);
		await axe(page, 'month view');
		await page.getByRole('link', { name: 'Tuesday 16 April 2030, 1 appointment' }).click();
		await page.locator('.cal-range', { hasText: 'Tuesday 16 April 2030' }).waitFor();

		await page.getByRole('link', { name: 'Hours, time off and free slots' }).click();
		await waitHeading(page, 'Hours, time off and free slots');
		assert.equal(await page.getByLabel('Monday from').inputValue(), '09:00');
		assert.equal(await page.getByLabel('Time zone of these hours').inputValue(), NY);
		await page.getByLabel('Saturday from').fill('10:00');
		await page.getByRole('button', { name: 'Save working hours' }).click();
		await page.locator('.field-error', { hasText: 'Saturday: enter a start and a later end' }).waitFor();
		await page.getByLabel('Saturday to').fill('12:00');
		await page.getByRole('button', { name: 'Save working hours' }).click();
		await page.locator('#status', { hasText: 'Working hours saved (6 spans a week' }).waitFor();
		const hrs = await A('GET', `/api/v1/clinicians/${ana.id}/working-hours`);
		assert.deepEqual(hrs.json.hours.find((s) => s.day === 'sat'), { day: 'sat', start: '10:00', end: '12:00' });

		await page.getByLabel('First day').fill('2030-04-29');
		await page.getByLabel('Last day').fill('2030-04-29');
		await page.getByRole('button', { name: 'Add time off' }).click();
		await page.locator('#status', { hasText: 'Time off added' }).waitFor();
		// the series' last one (Tuesday 30 April) is untouched; a booking on the 29th is refused as time off
		const off = await A('POST', '/api/v1/appointments', { body: { clinician: ana.id, clients: [other.id], start: '2030-04-29T10:00', minutes: 50, tz: NY } });
		assert.equal(off.status, 409, off.text);
		assert.match(off.json.message, /time off/);

		await page.getByLabel('From', { exact: true }).fill('2030-04-29');
		await page.getByRole('button', { name: 'Find free slots' }).click();
		const first = page.locator('.cal-free li').first();
		await first.waitFor();
		assert.match(await first.textContent(), /^Tuesday 30 April 2030, 09:00–09:50/, 'the day off is skipped');
		await axe(page, 'free slots');
		await first.getByRole('button', { name: /^Book / }).click();
		const dlg = page.getByRole('dialog', { name: 'New appointment' });
		assert.equal(await dlg.getByLabel('Date', { exact: true }).inputValue(), '2030-04-30');
		assert.equal(await dlg.getByLabel(/^Start time/).inputValue(), '09:00');
		await dlg.getByRole('button', { name: 'Cancel' }).click();
		assert.equal(await dlg.count(), 0);
	});

	it('Today lists the clinician\'s next appointments', async () => {
		await page.getByRole('link', { name: 'Today', exact: true }).click();
		await waitHeading(page, 'Today');
		const next = page.locator('.next-appts li').first();
		await next.waitFor();
		assert.match(await next.textContent(), /Tuesday 2 April 2030.*10:00–10:50/);
		assert.match(await next.textContent(), /Cancelled by client/);
		await axe(page, 'today with next appointments');
	});

	it('moves a whole series from its next occurrence on', async () => {
		const r = await A('POST', '/api/v1/appointments', {
			body: { clinician: ana.id, clients: [other.id], start: '2030-04-04T14:00', minutes: 50, tz: NY, rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=3' },
		});
		assert.equal(r.status, 201, r.text);
		await page.goto(`${rec.origin}/#/calendar?view=week&date=2030-04-15`);
		await page.locator('.cal-range', { hasText: 'Week of Monday 15 April 2030' }).waitFor();
		await appt(page, otherName).click();
		await page.getByRole('dialog', { name: 'Appointment' }).getByRole('button', { name: 'Move…' }).click();
		const dlg = page.getByRole('dialog', { name: 'Move appointment' });
		await dlg.getByLabel(/^New start time/).fill('15:30');
		await dlg.getByLabel('Move which appointments').selectOption('series');
		await dlg.getByRole('button', { name: 'Move', exact: true }).click();
		await page.locator('#status', { hasText: 'Moved 3 appointments.' }).waitFor();
		const times = [];
		for (const w of ['2030-04-01', '2030-04-15', '2030-04-29']) {
			times.push(...(await week(w)).filter((a) => a.client?.id === other.id && a.local_start.slice(11, 16) !== '11:00').map((a) => a.local_start.slice(0, 16)));
		}
		assert.deepEqual(times, ['2030-04-04T15:30', '2030-04-18T15:30', '2030-05-02T15:30'], 'the first, this and the last one moved');
	});

	it('the front desk sees the whole practice with clinicians named; a phone shows an agenda', async () => {
		const desk = await open(sam, 'Clients');
		const p2 = desk.page;
		await p2.goto(`${desk.origin}/#/calendar?view=week&date=2030-04-22`);
		await p2.locator('.cal-range', { hasText: 'Week of Monday 22 April 2030' }).waitFor();
		assert.equal(await p2.locator('#cal-clinician').inputValue(), 'all');
		const a = p2.locator('.cal-grid .cal-appt', { hasText: name });
		await a.waitFor();
		assert.match(await a.getAttribute('aria-label'), /with Ana Treating/);
		await axe(p2, 'whole-practice week (front desk)');

		const phone = await open(ana, 'Today', { viewport: { width: 375, height: 740 } });
		const p3 = phone.page;
		await p3.goto(`${phone.origin}/#/calendar?view=week&date=2030-04-22`);
		await p3.locator('.cal-agenda').waitFor();
		assert.equal(await p3.locator('.cal-grid').count(), 0, 'no cramped week grid');
		await p3.locator('.cal-agenda .cal-appt', { hasText: name }).waitFor();
		const wide = await p3.evaluate(() => document.documentElement.scrollWidth);
		assert.ok(wide <= 375, `nothing scrolls sideways (${wide})`);
		await axe(p3, 'agenda at phone width');
		await p3.goto(`${phone.origin}/#/calendar`);
		await p3.locator('.cal-range', { hasText: 'Sunday 17 March 2030' }).waitFor(); // a day, today in the clinician's zone
	});

	it('every page asked only its own origin, with no CSP violation or script error', async () => {
		for (const r of recs) await assertClean(r);
	});
});
