// screenshots.mjs - PNG screenshots of the web app's main screens for
// docs/screenshots/, from a fresh demo practice served on loopback (the
// API test harness: init, serve, users, clock) and Debian's Chromium
// driven by playwright-core. Run by scripts/screenshots.sh BIN.
//
// All data is synthetic. Never: points at a real practice.
import fs from 'node:fs';
import path from 'node:path';
import { addUser, as, init, now, ownerOf, reauth, serve, signIn } from '../tests/api/harness.mjs';
import { launch, openPage, signInPage, waitHeading } from '../tests/web/browser.mjs';

const OUT = path.resolve(process.argv[2] ?? 'docs/screenshots');
fs.mkdirSync(OUT, { recursive: true });

const practice = await init();
const srv = await serve(practice.data, { keyfile: practice.keyfile });
const browser = await launch();
try {
	const ana = await addUser(srv, 'clinician', 'Ana Alvarez');
	const sue = await addUser(srv, 'supervisor', 'Sue Okafor');
	const ben = await addUser(srv, 'clinician', 'Ben Lindqvist');
	const bill = await addUser(srv, 'biller', 'Bill Moreau');
	await srv.request('POST', `/api/v1/users/${sue.id}/supervisees`, { body: { user_id: ana.id } });
	const A = as(srv, await signIn(srv.port, ana));
	for (const u of [sue, ben, bill]) await signIn(srv.port, u);
	const names = ['Maya Thompson', 'Jonas Berg', 'Priya Natarajan', 'Samuel Osei', 'Lena Fischer', 'Tomás Ruiz'];
	const clients = [];
	for (const [i, n] of names.entries()) {
		const r = await A('POST', '/api/v1/clients', { body: { legal_name: n, date_of_birth: `19${80 + i}-0${(i % 9) + 1}-1${i}`, pronouns: i % 2 ? 'he/him' : 'she/her' } });
		clients.push(r.json);
	}
	const c = clients[0];
	await A('POST', `/api/v1/clients/${c.id}/diagnoses`, { body: { code: 'F41.1', primary: true, onset: '2025-09-01' } });
	await A('POST', `/api/v1/clients/${c.id}/diagnoses`, { body: { code: 'F51.01' } });
	const signed = (await A('POST', `/api/v1/clients/${c.id}/notes`, { body: { template: 'soap', date: '2026-11-13', fields: {
		subjective: 'Reports sleeping five to six hours; worry about work deadlines most evenings.',
		objective: 'Alert, oriented, engaged. Speech normal rate. Affect anxious, congruent.',
		assessment: 'Generalized anxiety, moderate; some improvement since the last session.',
		plan: 'Continue CBT: worry time and thought records. Review sleep diary in two weeks.',
		risk_suicidal: 'denies' } } })).json;
	await A('POST', `/api/v1/notes/${signed.id}/sign`, {});
	await A('POST', `/api/v1/notes/${signed.id}/addenda`, { body: { text: 'Correction: the session lasted 50 minutes.' } });
	const draft = (await A('POST', `/api/v1/clients/${c.id}/notes`, { body: { template: 'dap', date: '2026-11-20', fields: {
		data: 'Completed the sleep diary; six nights out of seven recorded.' } } })).json;

	const shot = async (page, file) => {
		await page.evaluate(() => document.activeElement?.blur());
		await page.screenshot({ path: path.join(OUT, file), fullPage: true });
		console.log(`wrote ${path.join(OUT, file)}`);
	};

	let rec = await openPage(browser, srv);
	await shot(rec.page, 'sign-in.png');
	await signInPage(rec.page, ana, 'Today');
	await rec.page.locator('.note-list a').first().waitFor();
	await shot(rec.page, 'today.png');
	await rec.page.goto(`${rec.origin}/#/clients`);
	await rec.page.locator('.client-list li').first().waitFor();
	await shot(rec.page, 'clients.png');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}`);
	await rec.page.locator('.note-list li').first().waitFor();
	await rec.page.locator('.dx-list li').first().waitFor();
	await shot(rec.page, 'chart.png');
	await rec.page.getByRole('button', { name: 'Add a diagnosis' }).click();
	await rec.page.getByRole('combobox', { name: 'Diagnosis (ICD-10-CM)' }).pressSequentially('panic');
	await rec.page.getByRole('option').first().waitFor();
	await rec.page.screenshot({ path: path.join(OUT, 'diagnosis-search.png') });
	console.log(`wrote ${path.join(OUT, 'diagnosis-search.png')}`);
	await rec.page.goto(`${rec.origin}/#/notes/${draft.id}`);
	await waitHeading(rec.page, 'DAP note (draft)');
	await rec.page.getByLabel('Assessment').pressSequentially('Sleep improving; worry still high on workdays.');
	await rec.page.locator('#autosave', { hasText: 'Draft saved' }).waitFor();
	await shot(rec.page, 'note-editor.png');
	await rec.page.goto(`${rec.origin}/#/notes/${signed.id}`);
	await waitHeading(rec.page, 'SOAP note');
	await shot(rec.page, 'note-signed.png');
	await rec.page.keyboard.press('?');
	await rec.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
	await rec.page.screenshot({ path: path.join(OUT, 'shortcuts.png') });
	await rec.page.keyboard.press('Escape');
	await rec.context.close();

	rec = await openPage(browser, srv, { viewport: { width: 375, height: 812 } });
	await signInPage(rec.page, ana, 'Today');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}`);
	await rec.page.locator('.note-list li').first().waitFor();
	await shot(rec.page, 'chart-phone.png');
	await rec.context.close();

	rec = await openPage(browser, srv);
	await signInPage(rec.page, ownerOf(srv.data), 'Clients');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}/access`);
	await rec.page.locator('table.report tbody tr').first().waitFor();
	await shot(rec.page, 'access-report.png');
	await rec.page.goto(`${rec.origin}/#/admin/users`);
	await rec.page.locator('table.users tbody tr').first().waitFor();
	await shot(rec.page, 'users.png');
	await rec.context.close();

	rec = await openPage(browser, srv);
	await signInPage(rec.page, ben, 'Today');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}`);
	await waitHeading(rec.page, 'Client not found');
	await rec.page.getByRole('button', { name: /break the glass/ }).click();
	await rec.page.getByRole('dialog').waitFor();
	await rec.page.screenshot({ path: path.join(OUT, 'break-glass.png') });
	console.log(`wrote ${path.join(OUT, 'break-glass.png')}`);
	await rec.context.close();

	rec = await openPage(browser, srv);
	await signInPage(rec.page, bill, 'Clients');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}`);
	await waitHeading(rec.page, 'Not available');
	await shot(rec.page, 'denied.png');
	await rec.context.close();

	// The chart's newer screens: a plan, consents and a release, a
	// psychotherapy note apart from the record, the chart's history and the
	// client's portal at phone width.
	await reauth(srv);
	await srv.request('PATCH', '/api/v1/settings', { body: { collect_emergency_contact: 1, collect_guardians: 1 } });
	await A('PATCH', `/api/v1/clients/${c.id}`, { body: { version: c.version, emergency_name: 'Daniel Thompson', emergency_relationship: 'brother', may_email: true, may_text: false, alt_phone: '+1 555 0177' } });
	await A('POST', `/api/v1/clients/${c.id}/guardians`, { body: { name: 'Ruth Thompson', relationship: 'mother', scopes: ['scheduling'] } });
	const plan = (await A('POST', `/api/v1/clients/${c.id}/plans`, { body: { title: 'Worry and sleep', start_date: '2026-11-01', review_date: '2027-02-01',
		problems: [{ problem: 'Worry most evenings, hard to fall asleep', goals: [{ goal: 'Fall asleep within 30 minutes on most nights', target_date: '2027-01-31',
			objectives: [{ what: 'Nights a week asleep within 30 minutes', measure: 'sleep diary, weekly', target: 'at least 5' }],
			interventions: [{ what: 'CBT for insomnia: stimulus control and worry time', frequency: 'weekly' }] }] }] } })).json;
	await A('POST', `/api/v1/clients/${c.id}/psychotherapy-notes`, { body: { body: 'Process note: my hypotheses about the family pattern.' } });
	await A('POST', `/api/v1/clients/${c.id}/amendments`, { body: { target_type: 'chart', field: 'address', change: '12 Harbour Road', reason: 'I moved in October.' } });
	await reauth(srv);
	await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'release', title: 'Release of information', body: 'You allow us to send the information below to the recipient named.', effective_from: '2026-01-01' } });
	await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'telehealth', title: 'Telehealth consent', body: 'Sessions by video are encrypted end to end and never recorded.', effective_from: '2026-01-01' } });
	const portal = await srv.request('POST', '/api/v1/users', { body: { email: 'maya@example.org', name: 'Maya Thompson', role: 'client', client_id: c.id } });
	const maya = { email: 'maya@example.org', password: portal.json.one_time_password, secret: null };
	await signIn(srv.port, maya);

	rec = await openPage(browser, srv);
	await signInPage(rec.page, ana, 'Today');
	await rec.page.goto(`${rec.origin}/#/plans/${plan.id}`);
	await waitHeading(rec.page, 'Worry and sleep');
	await shot(rec.page, 'plan.png');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}/consents`);
	await waitHeading(rec.page, 'Consents and releases');
	await rec.page.getByRole('button', { name: 'Record a consent or release' }).click();
	const rel = await rec.page.locator('select[name="template"] option', { hasText: 'Release' }).getAttribute('value');
	await rec.page.getByLabel('Document').selectOption(rel);
	await rec.page.getByLabel('Recipient').fill('Dr. Rivera, Lakeside Family Practice');
	await rec.page.getByLabel('Information to be released').fill('Diagnoses and contact details');
	await rec.page.getByLabel('Purpose of the release').fill('Coordination of care');
	await rec.page.getByLabel('Or expires when').fill('at the end of treatment');
	await rec.page.getByLabel('Release diagnoses').check();
	await rec.page.getByRole('button', { name: 'Show the text to sign' }).click();
	await rec.page.locator('pre.consent-text').waitFor();
	await shot(rec.page, 'consent-release.png');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}`);
	await rec.page.locator('section.pnotes li').first().waitFor();
	await rec.page.locator('section.pnotes li a').first().click();
	await waitHeading(rec.page, 'Psychotherapy note');
	await rec.page.getByLabel('Psychotherapy note').waitFor();
	await shot(rec.page, 'psychotherapy-note.png');
	await rec.page.goto(`${rec.origin}/#/clients/${c.id}/history`);
	await rec.page.locator('table.history tbody tr').first().waitFor();
	await shot(rec.page, 'chart-history.png');
	await rec.context.close();

	rec = await openPage(browser, srv, { viewport: { width: 375, height: 812 } });
	await signInPage(rec.page, maya, 'Hello, Maya Thompson');
	await rec.page.locator('.amendments li').first().waitFor();
	await shot(rec.page, 'portal-phone.png');
	await rec.context.close();
	// ---- the calendar: Ana's week (New York), booking with a conflict, month, the
	// whole practice's day, availability, and the agenda at phone width
	{
		const NY = 'America/New_York';
		const B = as(srv, await signIn(srv.port, ben));
		const svc = (await srv.request('POST', '/api/v1/services', { body: { name: 'Psychotherapy, 45 min', cpt_code: '90834', minutes: 50 } })).json;
		await srv.request('POST', '/api/v1/services', { body: { name: 'Intake', cpt_code: '90791', minutes: 60 } });
		const room1 = (await srv.request('POST', '/api/v1/rooms', { body: { name: 'Room 1' } })).json;
		const room2 = (await srv.request('POST', '/api/v1/rooms', { body: { name: 'Garden room' } })).json;
		const week = ['mon', 'tue', 'wed', 'thu', 'fri'].flatMap((day) => [{ day, start: '09:00', end: '12:30' }, { day, start: '13:30', end: '17:00' }]);
		await A('PUT', `/api/v1/clinicians/${ana.id}/working-hours`, { body: { tz: NY, hours: week } });
		await B('PUT', `/api/v1/clinicians/${ben.id}/working-hours`, { body: { tz: NY, hours: week } });
		const book = (who, body) => who('POST', '/api/v1/appointments', { body: { tz: NY, service: svc.id, ...body } });
		const plan = [
			[0, '2030-03-18T09:00', room1, 'FREQ=WEEKLY;COUNT=8'], [1, '2030-03-18T10:00', room1, 'FREQ=WEEKLY;INTERVAL=2;COUNT=4'],
			[2, '2030-03-19T11:00', null, 'FREQ=WEEKLY;COUNT=6'], [3, '2030-03-20T14:00', room2, null], [4, '2030-03-21T09:30', room1, 'FREQ=MONTHLY;BYDAY=3TH;COUNT=3'],
			[5, '2030-03-22T15:00', room1, null], [1, '2030-03-20T09:00', room1, null],
		];
		const made = [];
		for (const [i, start, room, rrule] of plan) {
			const r = await book(A, { clinician: ana.id, clients: [clients[i].id], start, ...(room ? { room: room.id } : { telehealth: true }), ...(rrule ? { rrule } : {}) });
			made.push(r.json.appointment);
		}
		await A('POST', `/api/v1/appointments/${made[0].id}/status`, { body: { version: made[0].version, status: 'confirmed' } });
		await A('POST', `/api/v1/appointments/${made[5].id}/status`, { body: { version: made[5].version, status: 'cancelled_by_client', reason: 'unwell' } });
		const benClient = (await B('POST', '/api/v1/clients', { body: { legal_name: 'Ruth Adeyemi' } })).json;
		await book(B, { clinician: ben.id, clients: [benClient.id], start: '2030-03-19T10:00', room: room2.id, rrule: 'FREQ=WEEKLY;COUNT=4' });

		const cal = async (ident, landing, viewport) => {
			const r = await openPage(browser, srv, viewport ? { viewport } : {});
			await r.page.clock.setFixedTime(new Date(now() * 1000));
			await signInPage(r.page, ident, landing);
			return r;
		};
		rec = await cal(ana, 'Today');
		await rec.page.goto(`${rec.origin}/#/calendar?view=week&date=2030-03-18`);
		await rec.page.locator('.cal-grid .cal-appt').first().waitFor();
		await shot(rec.page, 'calendar-week.png');
		await rec.page.getByRole('button', { name: 'New appointment' }).click();
		const dlg = rec.page.getByRole('dialog', { name: 'New appointment' });
		await dlg.getByLabel('Date', { exact: true }).fill('2030-03-20');
		await dlg.getByLabel(/^Start time/).fill('14:00');
		await dlg.getByRole('combobox', { name: 'Client' }).pressSequentially('Lena');
		await dlg.getByRole('option', { name: /Lena Fischer/ }).click();
		await dlg.getByLabel('Service').selectOption(svc.id);
		await dlg.getByLabel('Repeats').selectOption('biweekly');
		await dlg.getByRole('button', { name: 'Book appointment' }).click();
		await dlg.locator('.conflict p').first().waitFor();
		await rec.page.evaluate(() => document.activeElement?.blur());
		await rec.page.screenshot({ path: path.join(OUT, 'calendar-conflict.png') });
		console.log(`wrote ${path.join(OUT, 'calendar-conflict.png')}`);
		await dlg.getByRole('button', { name: 'Cancel' }).click();
		await rec.page.locator('.cal-grid .cal-appt', { hasText: 'Maya' }).first().click();
		await rec.page.getByRole('dialog', { name: 'Appointment' }).waitFor();
		await rec.page.evaluate(() => document.activeElement?.blur());
		await rec.page.screenshot({ path: path.join(OUT, 'calendar-appointment.png') });
		console.log(`wrote ${path.join(OUT, 'calendar-appointment.png')}`);
		await rec.page.keyboard.press('Escape');
		await rec.page.goto(`${rec.origin}/#/calendar?view=month&date=2030-03-18`);
		await rec.page.locator('.cal-month .cal-appt').first().waitFor();
		await shot(rec.page, 'calendar-month.png');
		await rec.page.goto(`${rec.origin}/#/calendar/hours`);
		await waitHeading(rec.page, 'Hours, time off and free slots');
		await rec.page.getByRole('button', { name: 'Find free slots' }).click();
		await rec.page.locator('.cal-free li').first().waitFor();
		await shot(rec.page, 'calendar-availability.png');
		await rec.context.close();

		rec = await cal(ownerOf(srv.data), 'Clients');
		await rec.page.goto(`${rec.origin}/#/calendar?view=day&date=2030-03-19&clinician=all&tz=${encodeURIComponent(NY)}`);
		await rec.page.locator('.cal-grid .cal-appt').first().waitFor();
		await shot(rec.page, 'calendar-practice-day.png');
		await rec.context.close();

		// time off (listed, and as a band on the week), the whole practice by
		// clinician, the waitlist and booking requests
		await A('POST', `/api/v1/clinicians/${ana.id}/time-off`, { body: { start: '2030-03-21T13:30', end: '2030-03-22T00:00', tz: NY } });
		await A('POST', `/api/v1/clinicians/${ana.id}/time-off`, { body: { start: '2030-04-08T00:00', end: '2030-04-13T00:00', tz: NY } });
		await A('POST', '/api/v1/waitlist', { body: { client: clients[3].id, clinician: ana.id, days: ['tue', 'thu'], earliest: '09:00', latest: '12:00', telehealth: 'either', note: 'Prefers mornings; can come at short notice.' } });
		await A('POST', '/api/v1/waitlist', { body: { client: clients[2].id, clinician: null, days: [], earliest: '16:00', latest: '19:00', telehealth: 'yes' } });
		const M = as(srv, await signIn(srv.port, maya));
		await M('POST', '/api/v1/booking-requests', { body: { client: c.id, clinician: ana.id, start: '2030-03-26T11:00', tz: NY, minutes: 50, message: 'Could we meet a little later this week?' } });
		rec = await cal(ana, 'Today');
		await rec.page.goto(`${rec.origin}/#/calendar/hours`);
		await rec.page.locator('.to-list li').first().waitFor();
		await shot(rec.page, 'calendar-time-off.png');
		await rec.page.goto(`${rec.origin}/#/calendar?view=week&date=2030-03-18`);
		await rec.page.locator('.cal-away').first().waitFor();
		await shot(rec.page, 'calendar-week-time-off.png');
		await rec.page.goto(`${rec.origin}/#/waitlist`);
		await rec.page.locator('.wl-list li').first().waitFor();
		await shot(rec.page, 'waitlist.png');
		await rec.page.goto(`${rec.origin}/#/requests`);
		await rec.page.locator('.rq-list li .wl-note').first().waitFor();
		await shot(rec.page, 'booking-requests.png');
		await rec.context.close();
		rec = await cal(ownerOf(srv.data), 'Clients');
		await rec.page.goto(`${rec.origin}/#/calendar/practice?date=2030-03-19&tz=${encodeURIComponent(NY)}`);
		await rec.page.locator('.pd-grid .pd-appt').first().waitFor();
		await shot(rec.page, 'calendar-practice-columns.png');
		await rec.context.close();

		rec = await cal(ana, 'Today', { width: 375, height: 812 });
		await rec.page.goto(`${rec.origin}/#/calendar?view=week&date=2030-03-18`);
		await rec.page.locator('.cal-agenda .cal-appt').first().waitFor();
		await shot(rec.page, 'calendar-phone.png');
		await rec.context.close();
	}
	// ---- the owner's and privacy officer's screens: settings, the rights
	// desk (an overdue request, an erasure held by retention, a legal hold),
	// the audit trail, breaches with their deadlines and the letters
	{
		const DAY = 86400;
		const ymd = (t) => new Date(t * 1000).toISOString().slice(0, 10);
		const pat = await addUser(srv, 'auditor', 'Pat Nakamura');
		await signIn(srv.port, pat);
		await srv.request('POST', `/api/v1/clients/${clients[1].id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa', received_on: ymd(now() - 40 * DAY) } });
		await srv.request('POST', `/api/v1/clients/${clients[2].id}/access-requests`, { body: { kind: 'portability', jurisdiction: 'gdpr', received_on: ymd(now() - 3 * DAY) } });
		const ext = (await srv.request('POST', `/api/v1/clients/${clients[3].id}/access-requests`, { body: { kind: 'access', jurisdiction: 'hipaa', received_on: ymd(now() - 20 * DAY) } })).json;
		await srv.request('POST', `/api/v1/access-requests/${ext.id}/extend`, { body: { reason: 'Records held off-site are being retrieved.' } });
		await reauth(srv);
		await srv.request('POST', `/api/v1/clients/${clients[4].id}/erasure-requests`, { body: {} });
		await srv.request('POST', `/api/v1/clients/${clients[4].id}/legal-holds`, { body: { reason: 'Subpoena received; keep until resolved.' } });
		await srv.request('POST', '/api/v1/breaches', { body: {
			discovered_at: now() - 2 * DAY, actor: ana.id,
			description: 'A laptop with an open session was left unattended in a shared office.',
			info_types: 'names, dates of birth, diagnoses', consequences: 'Your record may have been seen by someone outside the practice.',
			steps: 'Tell us about any message that mentions your care.', actions: 'We ended every session, shortened the idle timeout and retrained staff.',
			contact: 'Privacy officer, 555-0100, privacy@practice.example' } });
		const breach = (await srv.request('GET', '/api/v1/breaches')).json.breaches[0];

		rec = await openPage(browser, srv);
		await signInPage(rec.page, ownerOf(srv.data), 'Clients');
		await rec.page.goto(`${rec.origin}/#/admin/settings`);
		await waitHeading(rec.page, 'Practice settings');
		await rec.page.getByLabel('Sign out after inactivity (seconds)').fill('30');
		await rec.page.getByRole('button', { name: 'Save settings' }).click();
		await rec.page.locator('.field-error', { hasText: 'must be a whole number' }).waitFor();
		await shot(rec.page, 'settings.png');
		await rec.page.goto(`${rec.origin}/#/rights`);
		await rec.page.locator('table.requests tbody tr').first().waitFor();
		await rec.page.getByRole('button', { name: `Legal holds of ${names[4]}` }).first().click();
		await rec.page.locator('#lh-client').waitFor();
		await shot(rec.page, 'rights-desk.png');
		await rec.page.setViewportSize({ width: 375, height: 812 });
		await shot(rec.page, 'rights-desk-phone.png');
		await rec.context.close();

		rec = await openPage(browser, srv);
		await signInPage(rec.page, pat, 'Clients');
		await rec.page.goto(`${rec.origin}/#/audit`);
		await rec.page.locator('table.audit tbody tr').first().waitFor();
		await rec.page.getByLabel('Event').fill('client.read');
		await rec.page.getByRole('button', { name: 'Search' }).click();
		await rec.page.locator('table.audit tbody tr').first().waitFor();
		await shot(rec.page, 'audit.png');
		await rec.page.goto(`${rec.origin}/#/breaches`);
		await rec.page.getByLabel('User id').fill(ana.id);
		await rec.page.getByRole('button', { name: 'Run the impact report' }).click();
		await rec.page.locator('#impact-h').waitFor();
		await rec.page.locator('li.breach').waitFor();
		await shot(rec.page, 'breach.png');
		await rec.page.goto(`${rec.origin}/#/breaches/${breach.id}/letters`);
		await rec.page.locator('article.letter').first().waitFor();
		await shot(rec.page, 'breach-letters.png');
		await rec.page.emulateMedia({ media: 'print' });
		await rec.page.screenshot({ path: path.join(OUT, 'breach-letter-print.png') });
		console.log(`wrote ${path.join(OUT, 'breach-letter-print.png')}`);
		await rec.context.close();
	}
} finally {
	await browser.close();
	await srv.stop();
}
