// settings.js - the owner's practice settings (GET/PATCH /api/v1/settings):
// two-step sign-in policy, session timeouts, emergency access, the chart
// fields the practice collects, retention, the practice's name and privacy
// contact, reminders, feeds and integration endpoints. One form in groups;
// "Save" sends only the fields that changed, after a re-authentication if
// the server asks for one; a refused value is shown next to its field (the
// server's message names it) and nothing is changed.
//
// Settings the page does not know (added to the server later) are shown
// under "Other settings" by their key, so no setting is out of reach.
// Never: holds client data; sends a field the owner did not change.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { withReauth } from './admin.js';
import { alertLine } from './fmt.js';

const YES_NO = [['1', 'Yes'], ['0', 'No']];

// Known settings: [key, label, {hint, options}], by group. Ranges and
// lengths are the server's (its message names them when a value is out).
export const GROUPS = [
	['Sign-in and sessions', [
		['require_mfa', 'Staff must use two-step sign-in', { options: [['1', 'Required (recommended)'], ['0', 'Not required']],
			hint: 'An authenticator code at every sign-in. Turning this off weakens every staff account.' }],
		['session_idle_seconds', 'Sign out after inactivity (seconds)', { hint: 'For example 900 for 15 minutes.' }],
		['session_max_seconds', 'Longest session (seconds)', { hint: 'Sign in again after this long in any case; 43200 is 12 hours.' }],
		['break_glass_minutes', 'Emergency access lasts (minutes)', { hint: 'How long a break-the-glass grant opens a record.' }],
	]],
	['Chart fields the practice collects', [
		['collect_emergency_contact', 'Emergency contact', { options: YES_NO }],
		['collect_guardians', 'Guardians', { options: YES_NO }],
		['collect_intake_date', 'Intake date', { options: YES_NO }],
		['collect_referral_source', 'Referral source', { options: YES_NO }],
	]],
	['Retention', [
		['retention_adult_years', 'Keep records after the last contact (years)'],
		['retention_majority_age', 'Age of majority (years)'],
		['retention_minor_years', 'Keep a minor\'s records after majority (years)'],
		['retention_policy', 'Retention statement on the privacy page'],
	]],
	['Practice and privacy', [
		['practice_name', 'Practice name', { hint: 'Shown in notices and letters.' }],
		['server_location', 'Where the data is kept'],
		['privacy_contact', 'How to reach the privacy officer'],
	]],
	['Reminders and calendar feeds', [
		['reminder_hours_before', 'Send reminders this many hours before'],
		['reminder_name_practice', 'Reminders name the practice', { options: YES_NO }],
		['reminder_link', 'Link where a client confirms', { hint: 'A portal page, or empty.' }],
		['reminder_phone', 'Number to call to confirm', { hint: 'Or empty.' }],
		['feed_label', 'Calendar feeds show', { options: [['0', 'An internal id'], ['1', 'Initials'], ['2', 'First name']] }],
	]],
	['Email, text messages and claims', [
		['smtp_host', 'Email server (SMTP host)', { hint: 'Empty: no email is sent.' }],
		['smtp_port', 'Email server port'],
		['smtp_security', 'Email connection security', { options: [['1', 'STARTTLS'], ['2', 'TLS (smtps)'], ['0', 'None (loopback only)']] }],
		['smtp_from', 'From address of reminders'],
		['smtp_username', 'Email sign-in name', { hint: 'The password is kept apart, as an integration secret.' }],
		['sms_gateway_url', 'Text message gateway', { hint: 'Empty: no text message is sent.' }],
		['clearinghouse_url', 'Claims clearinghouse', { hint: 'Empty: claims are not sent.' }],
	]],
];

const humanize = (k) => k.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const slug = (t) => t.toLowerCase().replace(/[^a-z]+/g, '-');

// show(app) - the settings screen.
export async function show(app) {
	const gen = app.gen;
	const error = alertLine();
	const area = h('div', {}, h('p', { class: 'count', text: 'Loading…' }));
	screen(app.view, 'Settings', 'Practice settings',
		h('p', { text: 'Changes take effect at once for everyone. Saving asks you to confirm your password and code.' }),
		error, area);
	let current;
	try {
		current = await api('GET', '/api/v1/settings');
	} catch (err) {
		if (app.live(gen)) { area.replaceChildren(); error.textContent = err.message; }
		return;
	}
	if (!app.live(gen)) return;
	const ints = new Set(Object.keys(current).filter((k) => typeof current[k] === 'number'));
	const form = new Form({
		name: 'settings',
		submit: 'Save settings',
		onsubmit: async (v, f) => {
			const changes = {};
			for (const [k, val] of Object.entries(v)) {
				if (ints.has(k)) {
					const t = val.trim();
					if (!/^-?\d{1,15}$/.test(t)) { f.fieldError(k, `${f.fields.get(k).label}: give a whole number.`); return; }
					if (Number(t) !== current[k]) changes[k] = Number(t);
				} else if (val !== current[k]) changes[k] = val;
			}
			const n = Object.keys(changes).length;
			if (n === 0) { app.status('Nothing to save: no setting was changed.'); return; }
			const r = await withReauth(() => api('PATCH', '/api/v1/settings', changes),
				'Changing the practice\'s settings needs your password and a fresh code (valid for 5 minutes).');
			if (r === undefined || !app.live(gen)) return;
			current = r;
			for (const [k, fl] of f.fields) fl.input.value = String(current[k] ?? '');
			app.status(`Settings saved (${n} change${n === 1 ? '' : 's'}).`);
		},
	});
	const groups = GROUPS.map(([title, specs]) => [title, specs.filter(([k]) => k in current)]);
	const other = Object.keys(current).filter((k) => !GROUPS.some(([, specs]) => specs.some(([x]) => x === k)));
	if (other.length) groups.push(['Other settings', other.map((k) => [k, humanize(k)])]);
	for (const [title, specs] of groups) {
		if (specs.length === 0) continue;
		const set = h('fieldset', { class: 'settings-group', id: `set-${slug(title)}` }, h('legend', { text: title }));
		for (const [k, label, o = {}] of specs) {
			form.add({ name: k, label, hint: o.hint, options: o.options, value: String(current[k]),
				inputmode: ints.has(k) && !o.options ? 'numeric' : undefined, spellcheck: ints.has(k) ? undefined : 'false' });
			set.append(form.fields.get(k).row);
		}
		form.body.append(set);
	}
	area.replaceChildren(form.el);
}
