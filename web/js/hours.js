// hours.js - a clinician's availability (#/calendar/hours?clinician=ID):
// weekly working hours (up to two spans a day, all in one zone), time off
// (listed from today for a year, added, removed), and the free-slot finder, whose slots book straight away.
//
// Who: the owner, the front desk and the clinician themself change hours
// and time off; supervisors read them (the API decides; a refusal is
// shown as its message).
// Never: puts anything but ids and dates in the URL.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { confirmPanel } from './fmt.js';
import { book, lists } from './appointment.js';
import { href } from './calendar.js';
import { browserZone, dateOf, dateWords, hm, isDate, todayIn, zones } from './caltime.js';

const BOOKERS = new Set(['owner', 'clinician', 'scheduler']);
const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];
const SPANS = 2; // spans a day the form offers

// show(app, query) - the screen for the clinician in the query (a
// clinician's own by default).
export async function show(app, query) {
	const gen = app.gen;
	const q = new URLSearchParams(query ?? '');
	const error = h('p', { class: 'form-alert', role: 'alert' });
	screen(app.view, 'Availability', 'Hours, time off and free slots', h('p', { class: 'count', text: 'Loading…' }), error);
	let clinicians;
	let services;
	let rooms;
	try {
		({ clinicians, services, rooms } = await lists());
	} catch (err) {
		if (app.live(gen)) error.textContent = err.message;
		return;
	}
	if (!app.live(gen)) return;
	let id = /^[0-9a-f]{32}$/.test(q.get('clinician') ?? '') ? q.get('clinician') : null;
	if (!id && clinicians.some((c) => c.id === app.userId())) id = app.userId();
	if (!id && clinicians.length) id = clinicians[0].id;
	const pick = h('select', { id: 'av-clinician', name: 'clinician' }, clinicians.map((c) => h('option', { value: c.id, text: c.name })));
	if (id) pick.value = id;
	const chooser = h('form', { method: 'post', class: 'cal-filters', 'aria-label': 'Choose a clinician' },
		h('div', { class: 'field' }, h('label', { for: 'av-clinician', text: 'Clinician' }), pick),
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', text: 'Show' })));
	chooser.addEventListener('submit', (ev) => {
		ev.preventDefault();
		app.go(`#/calendar/hours?clinician=${pick.value}`);
	});
	if (!id) {
		screen(app.view, 'Availability', 'Hours, time off and free slots', h('p', { text: 'There are no clinicians yet.' }));
		return;
	}
	let hours = { tz: '', hours: [] };
	try {
		hours = await api('GET', `/api/v1/clinicians/${id}/working-hours`);
	} catch (err) {
		if (app.live(gen)) error.textContent = err.message;
	}
	if (!app.live(gen)) return;
	document.getElementById('nav-calendar')?.setAttribute('aria-current', 'page');
	const tz = hours.tz || browserZone();
	const who = clinicians.find((c) => c.id === id);
	screen(app.view, 'Availability', 'Hours, time off and free slots',
		h('p', { class: 'back' }, h('a', { href: href({ view: 'week', clinician: id }), text: `‹ ${who ? who.name : 'The'} calendar` })),
		chooser, error,
		h('section', { class: 'chart-part', 'aria-labelledby': 'av-hours-h' }, h('h2', { id: 'av-hours-h', text: 'Working hours' }), hoursForm(app, id, hours, tz)),
		h('section', { class: 'chart-part', 'aria-labelledby': 'av-off-h' }, h('h2', { id: 'av-off-h', text: 'Time off' }), timeOff(app, id, tz)),
		h('section', { class: 'chart-part', 'aria-labelledby': 'av-free-h' }, h('h2', { id: 'av-free-h', text: 'Find free slots' }),
			finder(app, id, tz, { clinicians, services, rooms })));
}

// hoursForm - a row per weekday: from-to, and a second from-to.
function hoursForm(app, id, hours, tz) {
	const form = new Form({
		name: 'hours',
		submit: 'Save working hours',
		onsubmit: async (v, f) => {
			const spans = [];
			for (const [day, name] of DAYS) {
				for (let k = 0; k < SPANS; k++) {
					const a = v[`${day}${k}s`];
					const b = v[`${day}${k}e`];
					if (!a && !b) continue;
					if (!a || !b || a >= b) return f.fieldError(`${day}${k}${a ? 'e' : 's'}`, `${name}: enter a start and a later end, or neither.`);
					spans.push({ day, start: a, end: b });
				}
			}
			await api('PUT', `/api/v1/clinicians/${id}/working-hours`, { tz: v.tz, hours: spans });
			app.status(`Working hours saved (${spans.length} span${spans.length === 1 ? '' : 's'} a week, ${v.tz}).`);
			return undefined;
		},
	});
	const zs = zones();
	if (!zs.includes(tz)) zs.unshift(tz);
	form.add({ name: 'tz', label: 'Time zone of these hours', value: tz, options: zs.map((z) => [z, z]) });
	const table = h('table', { class: 'report cal-hours' },
		h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Day' }), h('th', { scope: 'col', text: 'From' }), h('th', { scope: 'col', text: 'To' }),
			h('th', { scope: 'col', text: 'And from' }), h('th', { scope: 'col', text: 'To' }))));
	const tbody = h('tbody');
	for (const [day, name] of DAYS) {
		const mine = hours.hours.filter((s) => s.day === day);
		const cells = [];
		for (let k = 0; k < SPANS; k++) {
			for (const [end, word] of [['s', 'from'], ['e', 'to']]) {
				const fid = `${form.name}-${day}${k}${end}`;
				const input = h('input', { type: 'time', id: fid, name: `${day}${k}${end}`, 'aria-label': `${name} ${k ? 'second span ' : ''}${word}` });
				input.value = mine[k] ? (end === 's' ? mine[k].start : mine[k].end) : '';
				const err = h('p', { class: 'field-error', id: `${fid}-error` });
				input.setAttribute('aria-describedby', err.id);
				form.fields.set(`${day}${k}${end}`, { input, error: err, label: `${name} ${word}`, row: null });
				cells.push(h('td', { 'data-label': `${k ? 'And ' : ''}${word}` }, input, err));
			}
		}
		tbody.append(h('tr', {}, h('th', { scope: 'row', text: name }), cells));
	}
	table.append(tbody);
	form.body.append(h('div', { class: 'table-wrap' }, table));
	return form.el;
}

// timeOff - the clinician's time off from today on (GET time-off), each
// with "Remove" (confirmed in place), and a form to add a period away; the
// calendar then refuses bookings in it.
function timeOff(app, id, tz) {
	const gen = app.gen;
	const list = h('ul', { class: 'dx-list to-list', 'aria-labelledby': 'av-off-list-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	const err = h('p', { class: 'form-alert', role: 'alert' });
	const words = (t) => {
		const a = t.local_start;
		const b = t.local_end;
		const whole = a.slice(11, 16) === '00:00' && b.slice(11, 16) === '00:00';
		if (whole) {
			const last = prevDay(dateOf(b));
			return last === dateOf(a) ? `${dateWords(dateOf(a))} (whole day)` : `${dateWords(dateOf(a))} to ${dateWords(last)} (whole days)`;
		}
		return `${dateWords(dateOf(a))} ${hm(a)} to ${dateOf(b) === dateOf(a) ? '' : `${dateWords(dateOf(b))} `}${hm(b)}`;
	};
	const load = async (focus) => {
		try {
			const r = await api('GET', `/api/v1/clinicians/${id}/time-off?${new URLSearchParams({ tz })}`);
			if (!app.live(gen)) return;
			err.textContent = '';
			count.textContent = r.time_off.length === 0 ? 'No time off in the coming year.' : `${r.time_off.length} period${r.time_off.length === 1 ? '' : 's'} away in the coming year.`;
			list.replaceChildren(...r.time_off.map((t) => {
				const panel = h('div', {});
				const text = words(t);
				return h('li', { 'data-id': t.id }, h('span', { text }),
					h('span', { class: 'row-actions' }, h('button', {
						type: 'button', class: 'small secondary', text: 'Remove', 'aria-label': `Remove time off: ${text}`,
						onclick: () => confirmPanel(panel, `Remove the time off ${text}? Bookings in it will be allowed again.`, 'Remove', async () => {
							try {
								await api('DELETE', `/api/v1/time-off/${t.id}`);
								app.status(`Time off removed: ${text}.`);
								await load(true);
							} catch (e) { err.textContent = e.message; }
						}),
					})), panel);
			}));
			if (focus) count.focus();
		} catch (e) {
			if (app.live(gen)) { count.textContent = ''; err.textContent = e.message; }
		}
	};
	count.tabIndex = -1;
	const form = new Form({
		name: 'off',
		submit: 'Add time off',
		onsubmit: async (v, f) => {
			if (!isDate(v.from)) return f.fieldError('from', 'Enter the first day.');
			if (!isDate(v.until) || v.until < v.from) return f.fieldError('until', 'Enter the last day (on or after the first).');
			const start = `${v.from}T${v.fromTime || '00:00'}`;
			const end = v.untilTime ? `${v.until}T${v.untilTime}` : `${nextDay(v.until)}T00:00`;
			await api('POST', `/api/v1/clinicians/${id}/time-off`, { start, end, tz });
			const text = `${dateWords(v.from)} ${v.fromTime || ''} to ${dateWords(v.until)} ${v.untilTime || '(whole day)'}`.replace(/\s+/g, ' ');
			app.status(`Time off added: ${text}.`);
			f.el.reset();
			await load();
			return undefined;
		},
	});
	form.add({ name: 'from', label: 'First day', type: 'date' });
	form.add({ name: 'fromTime', label: 'From (empty: the start of the day)', type: 'time' });
	form.add({ name: 'until', label: 'Last day', type: 'date' });
	form.add({ name: 'untilTime', label: 'Until (empty: the end of the day)', type: 'time' });
	load();
	return h('div', {}, h('p', { class: 'hint', text: `Times in ${tz}. Bookings in time off are refused unless overridden.` }),
		h('h3', { id: 'av-off-list-h', text: 'Coming time off' }), count, err, list,
		h('h3', { text: 'Add time off' }), form.el);
}

function prevDay(date) {
	return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function nextDay(date) {
	return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

// finder - the next free slots of a length, from a date; each can be booked.
function finder(app, id, tz, lists) {
	const out = h('ul', { class: 'dx-list cal-free', 'aria-label': 'Free slots' });
	const canBook = BOOKERS.has(app.role());
	const cal = {
		app, tz, canBook, clinician: id, ...lists,
		reload: () => { app.go(href({ view: 'week', date: out.dataset.booked, clinician: id, tz }), 'Booked.'); },
	};
	const form = new Form({
		name: 'free',
		submit: 'Find free slots',
		onsubmit: async (v, f) => {
			const minutes = Number(v.minutes);
			if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) return f.fieldError('minutes', 'Length must be between 5 and 480 minutes.');
			const qs = new URLSearchParams({ minutes: String(minutes), count: '8', tz });
			if (v.from) qs.set('from', v.from);
			const r = await api('GET', `/api/v1/clinicians/${id}/free-slots?${qs}`);
			out.replaceChildren(...r.slots.map((s) => {
				const d = dateOf(s.local_start);
				const text = `${dateWords(d)}, ${hm(s.local_start)}–${hm(s.local_end)}`;
				return h('li', {}, h('span', { text }),
					canBook ? h('span', { class: 'row-actions' }, h('button', {
						type: 'button', class: 'small secondary', text: 'Book', 'aria-label': `Book ${text}`,
						onclick: () => { out.dataset.booked = d; book(cal, { date: d, minute: Number(s.local_start.slice(11, 13)) * 60 + Number(s.local_start.slice(14, 16)) }); },
					})) : null);
			}));
			app.status(r.slots.length ? `${r.slots.length} free slots found.` : 'No free slot in the next 90 days.');
			return undefined;
		},
	});
	form.add({ name: 'minutes', label: 'Length in minutes', type: 'number', value: '50', inputmode: 'numeric' });
	form.add({ name: 'from', label: 'From', type: 'date', value: todayIn(tz) });
	return h('div', {}, h('p', { class: 'hint', text: `Within working hours, around appointments and time off; times in ${tz}.` }), form.el, out);
}
