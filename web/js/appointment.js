// appointment.js - the calendar's dialogs: booking an appointment (client
// search, service, room or telehealth, length, recurrence), an
// appointment's details with its status changes, and moving it (from the
// details, a drag or the keyboard) with a scope for a series. A conflict
// (409) is shown next to the form's buttons with the server's message and
// an explicit "Book anyway" that repeats the request with override.
//
// cal, the calendar these dialogs belong to: {app, tz, clinicians,
// services, rooms, canBook, clinician (default id), reload(focusId)}.
// Never: puts a client's name, a reason or a memo in a URL or a title;
// keeps anything after its dialog closes.
import { api } from './api.js';
import { Form, h } from './dom.js';
import { combobox } from './combo.js';
import {
	STATUSES, addMonths, between, cancelled, clock, dateOf, dateWords, hm, isDate, monthlyWords, rrule,
	ruleWords, shift, statusText, timeWords, todayIn,
} from './caltime.js';

let dlgSeq = 0;

// modal(app, title, build) - a modal dialog titled title; build(close)
// returns its content. Removed when closed; the focus goes back to what
// opened it if that is still on the page.
export function modal(app, title, build) {
	const opener = document.activeElement;
	const id = `cal-dlg-${++dlgSeq}`;
	const dlg = h('dialog', { class: 'cal-dialog', 'aria-labelledby': id });
	const close = () => { if (dlg.open) dlg.close(); };
	dlg.addEventListener('close', () => {
		dlg.remove();
		if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
	});
	dlg.append(h('h2', { id, text: title }), ...[build(close)].flat().filter(Boolean));
	app.view.append(dlg);
	dlg.showModal();
	const first = dlg.querySelector('input:not([type=hidden]), select, textarea, button');
	first?.focus();
	return dlg;
}

// conflictBox(form) - the place a 409 is shown, with "Book anyway".
// show(err, retry) fills it; retry() repeats the request with override.
function conflictBox(form, what) {
	const box = h('div', { class: 'conflict', role: 'alert' });
	form.el.querySelector('.actions').before(box);
	return {
		clear: () => box.replaceChildren(),
		show(err, retry) {
			const again = h('button', { type: 'button', class: 'secondary', text: `${what} anyway` });
			again.addEventListener('click', async () => {
				again.disabled = true;
				try {
					await retry();
				} catch (e) {
					again.disabled = false;
					box.replaceChildren(h('p', { text: e.message }));
				}
			});
			box.replaceChildren(
				h('p', {}, h('strong', { text: 'Conflict: ' }), err.message),
				h('p', { text: `Nothing was changed. Choose another time, or ${what.toLowerCase()} anyway; the override is recorded.` }),
				again);
			again.focus();
		},
	};
}

// isConflict(err) - a booking that collides (409 with what it collides
// with), not a stale version (409 "changed since it was read"), which
// cannot be overridden and is shown as the form's error.
const isConflict = (err) => err && err.status === 409 && err.code === 'conflict' && !/changed since it was read/.test(err.message);

// clientName(c) - "Legal (Preferred)".
const clientName = (c) => (c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name);

// ---------------------------------------------------------------- booking

// book(cal, {date, minute}) - the booking dialog, the slot filled in.
export function book(cal, { date, minute }) {
	const { app } = cal;
	modal(app, 'New appointment', (close) => {
		let client = null;
		const form = new Form({
			name: 'book',
			submit: 'Book appointment',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: close })],
			onsubmit: async (v, f) => {
				conflict.clear();
				if (!client) return f.fieldError('clients', 'Choose a client from the suggestions (type two letters or more of a name).');
				if (!isDate(v.date)) return f.fieldError('date', 'Enter the date as YYYY-MM-DD.');
				if (!/^\d{2}:\d{2}$/.test(v.start)) return f.fieldError('start', 'Enter a start time such as 10:00.');
				const minutes = Number(v.minutes);
				if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) return f.fieldError('minutes', 'Length must be between 5 and 480 minutes.');
				const body = { clinician: v.clinician, clients: [client.id], start: `${v.date}T${v.start}`, minutes, tz: cal.tz };
				if (v.service) body.service = v.service;
				if (v.where === 'telehealth') body.telehealth = true;
				else if (v.where) body.room = v.where;
				if (v.memo.trim()) body.memo = v.memo.trim();
				if (v.repeat !== 'none') {
					if (v.end === 'until') {
						if (!isDate(v.until) || v.until < v.date) return f.fieldError('until', 'Enter the last date (on or after the first appointment).');
					} else {
						const n = Number(v.count);
						if (!Number.isInteger(n) || n < 2 || n > 800) return f.fieldError('count', 'Enter how many appointments (2 to 800).');
					}
					body.rrule = rule(v);
				}
				const send = async (override) => {
					const r = await api('POST', '/api/v1/appointments', override ? { ...body, override: true } : body);
					close();
					const n = r.count;
					app.status(n > 1 ? `Booked ${n} appointments, the first on ${dateWords(dateOf(r.appointment.local_start))} at ${hm(r.appointment.local_start)}.`
						: `Booked for ${dateWords(dateOf(r.appointment.local_start))} at ${hm(r.appointment.local_start)}.`);
					await cal.reload(r.appointment.id);
				};
				try {
					await send(false);
				} catch (err) {
					if (!isConflict(err)) throw err;
					conflict.show(err, () => send(true));
				}
				return undefined;
			},
		});
		const me = cal.clinician || cal.clinicians[0]?.id || '';
		form.add({ name: 'clinician', label: 'Clinician', value: me, options: cal.clinicians.map((c) => [c.id, c.name]) });
		const who = form.add({ name: 'clients', label: 'Client', hint: 'Type two letters or more of a name, then choose from the list.', autocomplete: 'off', spellcheck: 'false' });
		combobox(who, {
			noun: 'client',
			search: async (q) => (await api('POST', '/api/v1/clients/search', { query: q, limit: 8 })).clients,
			label: clientName,
			node: (c) => h('span', {}, h('span', { class: 'name', text: clientName(c) }), c.date_of_birth ? h('span', { class: 'meta', text: ` born ${c.date_of_birth}` }) : null),
			chosen: (c) => { client = c; },
		});
		form.add({ name: 'date', label: 'Date', type: 'date', value: date });
		form.add({ name: 'start', label: `Start time (${cal.tz})`, type: 'time', value: clock(minute) });
		const service = form.add({ name: 'service', label: 'Service', options: [['', 'No service'], ...cal.services.map((s) => [s.id, `${s.name} (${s.cpt_code}, ${s.minutes} min)`])] });
		const length = form.add({ name: 'minutes', label: 'Length in minutes', type: 'number', value: '50', inputmode: 'numeric' });
		length.min = '5';
		length.max = '480';
		length.step = '5';
		service.addEventListener('change', () => {
			const s = cal.services.find((x) => x.id === service.value);
			if (s) length.value = String(s.minutes);
		});
		form.add({ name: 'where', label: 'Where', options: [['', 'No room'], ...cal.rooms.map((r) => [r.id, r.name]), ['telehealth', 'Telehealth (video)']] });
		const repeat = form.add({ name: 'repeat', label: 'Repeats', options: repeatOptions(date) });
		const end = form.add({ name: 'end', label: 'Ends', options: [['count', 'After a number of appointments'], ['until', 'On a date']] });
		const count = form.add({ name: 'count', label: 'Number of appointments', type: 'number', value: '6', inputmode: 'numeric' });
		const until = form.add({ name: 'until', label: 'Last date', type: 'date', value: '' });
		form.add({ name: 'memo', label: 'Front-desk note (optional)', rows: 2, hint: 'Practical notes only (entrance, parking); never clinical content.' });
		const dateInput = form.fields.get('date').input;
		const show = () => {
			const on = repeat.value !== 'none';
			form.fields.get('end').row.hidden = !on;
			form.fields.get('count').row.hidden = !on || end.value !== 'count';
			form.fields.get('until').row.hidden = !on || end.value !== 'until';
		};
		dateInput.addEventListener('change', () => {
			if (!isDate(dateInput.value)) return;
			const keep = repeat.value;
			repeat.replaceChildren(...repeatOptions(dateInput.value).map(([v, t]) => h('option', { value: v, text: t })));
			repeat.value = keep;
		});
		repeat.addEventListener('change', show);
		end.addEventListener('change', show);
		count.min = '2';
		until.min = date;
		show();
		const conflict = conflictBox(form, 'Book');
		return [h('p', { class: 'hint', text: `Times are in ${cal.tz}.` }), form.el];
	});
}

function repeatOptions(date) {
	return [['none', 'Does not repeat'], ['weekly', 'Weekly'], ['biweekly', 'Every other week'], ['monthly', monthlyWords(date)]];
}

// rule(v) - the form's recurrence as an RRULE value.
function rule(v) {
	return rrule({ repeat: v.repeat, date: v.date, end: v.end, count: v.count, until: v.until });
}

// ---------------------------------------------------------------- details

// details(cal, id) - one appointment: what, when, who, status and its
// history; status changes and a move for those who book.
export async function details(cal, id) {
	const { app } = cal;
	let a;
	try {
		a = await api('GET', `/api/v1/appointments/${id}?tz=${encodeURIComponent(cal.tz)}`);
	} catch (err) {
		app.status(err.message);
		return;
	}
	modal(app, 'Appointment', (close) => {
		const rows = [
			['When', `${dateWords(dateOf(a.local_start))}, ${timeWords(a)} (${cal.tz})`],
			['With', a.client ? (a.clients ?? [a.client]).map((c) => c.name).filter(Boolean).join(', ') : 'Busy (not your client)'],
			['Clinician', a.clinician.name],
			['Service', a.service ? `${a.service.name} (${a.service.cpt_code})` : 'None'],
			['Where', a.telehealth ? 'Telehealth (video)' : (a.room ? a.room.name : 'No room')],
			['Status', statusText(a.status)],
		];
		if (a.series) rows.push(['Repeats', `${ruleWords(a.rrule)}${a.exception ? ' (this one changed on its own)' : ''}`]);
		if (a.memo) rows.push(['Front-desk note', a.memo]);
		const dl = h('dl', { class: 'record' }, rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
		const hist = (a.history ?? []).length > 1 ? h('details', { class: 'cal-history' }, h('summary', { text: 'Status history' }),
			h('ol', {}, a.history.map((x) => h('li', { text: `${statusText(x.status)} · ${new Date(x.at).toLocaleString()}${x.reason ? ` · ${x.reason}` : ''}` })))) : null;
		const parts = [dl, hist];
		if (cal.canBook && a.client) {
			parts.push(statusPart(cal, a, close));
			if (!cancelled(a.status)) {
				parts.push(h('div', { class: 'actions' },
					h('button', { type: 'button', class: 'secondary', text: 'Move…', onclick: () => { close(); move(cal, a, a.local_start); } })));
			}
		}
		if (a.telehealth && a.client && app.clinical() && !cancelled(a.status)) {
			parts.push(h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Join video', onclick: () => { close(); location.hash = `#/video/${a.id}`; } })));
		}
		parts.push(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', text: 'Close', onclick: close })));
		return parts;
	});
}

const QUICK = { scheduled: ['confirmed', 'Confirm'], confirmed: ['arrived', 'Arrived'], arrived: ['completed', 'Completed'] };
const CANCELS = new Set(['cancelled_by_client', 'cancelled_by_clinician']);

// statusPart(cal, a, close) - a quick next step and the full status form.
function statusPart(cal, a, close) {
	const { app } = cal;
	const done = async (r) => {
		close();
		app.status(r.count > 1 ? `${statusText(r.appointment.status)}: ${r.count} appointments.` : `Status: ${statusText(r.appointment.status)}.`);
		await cal.reload(r.appointment.id);
	};
	const form = new Form({
		name: 'status',
		submit: 'Change status',
		onsubmit: async (v) => {
			const body = { version: a.version, status: v.status };
			if (v.reason.trim()) body.reason = v.reason.trim();
			if (a.series && CANCELS.has(v.status) && v.scope) body.scope = v.scope;
			await done(await api('POST', `/api/v1/appointments/${a.id}/status`, body));
		},
	});
	const sel = form.add({ name: 'status', label: 'New status', value: a.status, options: STATUSES });
	form.add({ name: 'reason', label: 'Reason (optional)', rows: 2, hint: 'Kept with the change, visible to the front desk and the treating team.' });
	const scope = a.series ? form.add({ name: 'scope', label: 'Cancel which appointments', options: [['this', 'Only this one'], ['following', 'This and the following ones'], ['series', 'The whole series (from now on)']] }) : null;
	const sync = () => { if (scope) form.fields.get('scope').row.hidden = !CANCELS.has(sel.value); };
	sel.addEventListener('change', sync);
	sync();
	const quick = QUICK[a.status];
	const quickBtn = quick ? h('button', { type: 'button', text: quick[1] }) : null;
	quickBtn?.addEventListener('click', async () => {
		quickBtn.disabled = true;
		try {
			await done(await api('POST', `/api/v1/appointments/${a.id}/status`, { version: a.version, status: quick[0] }));
		} catch (err) {
			quickBtn.disabled = false;
			form.fail(err);
		}
	});
	return h('section', { class: 'cal-status', 'aria-labelledby': `${form.name}-h` },
		h('h3', { id: `${form.name}-h`, text: 'Status' }),
		quickBtn ? h('div', { class: 'actions' }, quickBtn) : null,
		h('details', {}, h('summary', { text: 'Cancel, no-show or another status…' }), form.el));
}

// ---------------------------------------------------------------- moving

// move(cal, a, to) - the move dialog for appointment a (from the schedule
// or GET), the new local start to filled in; for a series, which
// occurrences move.
export function move(cal, a, to) {
	const { app } = cal;
	modal(app, 'Move appointment', (close) => {
		const form = new Form({
			name: 'move',
			submit: 'Move',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: close })],
			onsubmit: async (v, f) => {
				conflict.clear();
				if (!isDate(v.date)) return f.fieldError('date', 'Enter the date as YYYY-MM-DD.');
				if (!/^\d{2}:\d{2}$/.test(v.start)) return f.fieldError('start', 'Enter a start time such as 10:00.');
				const minutes = Number(v.minutes);
				if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) return f.fieldError('minutes', 'Length must be between 5 and 480 minutes.');
				const start = `${v.date}T${v.start}`;
				const send = async (override) => {
					const r = v.scope === 'series' ? await moveSeries(cal, a, start, minutes, override)
						: await api('PATCH', `/api/v1/appointments/${a.id}`, {
							version: a.version, scope: v.scope || 'this', start, minutes, tz: cal.tz, ...(override ? { override: true } : {}),
						});
					close();
					app.status(r.count > 1 ? `Moved ${r.count} appointments.` : `Moved to ${dateWords(v.date)} at ${v.start}.`);
					await cal.reload(r.appointment.id);
				};
				try {
					await send(false);
				} catch (err) {
					if (!isConflict(err)) throw err;
					conflict.show(err, () => send(true));
				}
				return undefined;
			},
		});
		form.add({ name: 'date', label: 'New date', type: 'date', value: dateOf(to) });
		form.add({ name: 'start', label: `New start time (${cal.tz})`, type: 'time', value: hm(to) });
		form.add({ name: 'minutes', label: 'Length in minutes', type: 'number', value: String(a.minutes), inputmode: 'numeric' });
		if (a.series) {
			form.add({ name: 'scope', label: 'Move which appointments', options: [['this', 'Only this one'], ['following', 'This and the following ones'], ['series', 'The whole series (from the next one on)']] });
		}
		const conflict = conflictBox(form, 'Move');
		return [h('p', { text: `Now: ${dateWords(dateOf(a.local_start))}, ${timeWords(a)}${a.client ? ` with ${a.client.name}` : ''}.` }), form.el];
	});
}

// moveSeries(cal, a, start, minutes, override) - move a whole series by the
// same shift as a: the API moves a series from one occurrence on (scope
// following), so the shift is applied to the series' next occurrence that
// has not started yet, found by reading back month by month from a's.
async function moveSeries(cal, a, start, minutes, override) {
	const now = Date.now();
	const today = todayIn(cal.tz);
	let first = a;
	for (let m = dateOf(a.local_start), i = 0; i < 24 && m.slice(0, 7) >= today.slice(0, 7); m = addMonths(m, -1), i++) {
		const v = await api('GET', `/api/v1/schedule?view=month&date=${m}&tz=${encodeURIComponent(cal.tz)}&clinician=${a.clinician.id}&limit=2000`);
		const mine = v.appointments.filter((x) => x.series === a.series);
		if (mine.length === 0) break;
		for (const x of mine) if (!cancelled(x.status) && Date.parse(x.start) >= now && x.start < first.start) first = x;
	}
	const delta = between(a.local_start, start);
	return api('PATCH', `/api/v1/appointments/${first.id}`, {
		version: first.version, scope: 'following', start: shift(first.local_start, delta), minutes, tz: cal.tz, ...(override ? { override: true } : {}),
	});
}

// lists() - what a booking form offers: {clinicians, services, rooms}.
export async function lists() {
	const [clinicians, services, rooms] = await Promise.all([
		api('GET', '/api/v1/clinicians').then((r) => r.clinicians),
		api('GET', '/api/v1/services').then((r) => r.services),
		api('GET', '/api/v1/rooms').then((r) => r.rooms),
	]);
	return { clinicians, services, rooms };
}
