// practice.js - the whole practice on one day (#/calendar/practice?date=
// &tz=; owner and front desk): one column per clinician, from one GET
// /api/v1/schedule?view=day (no clinician filter). The header row and the
// time column stay in place while the grid scrolls both ways, so 50
// columns scroll smoothly (the browser only lays out the grid; no script
// runs while scrolling).
//
// Keyboard: the grid is one tab stop. Arrow keys move between half-hour
// cells (an appointment that starts in a cell stands for it), Left/Right
// to the neighbouring clinician at the same time, Home/End the day's first
// and last cell, PageUp/PageDown four hours; Enter books an empty cell or
// opens an appointment. The cell's clinician and time are its label.
//
// The URL carries the date and zone only. Never: keeps appointments
// outside this screen's elements and closures.
import { api } from './api.js';
import { h, screen } from './dom.js';
import { book, details, lists } from './appointment.js';
import { href } from './calendar.js';
import {
	browserZone, cancelled, clock, dateOf, dateWords, isDate, minuteOfDay, statusText, step, timeWords, todayIn,
	zoneAbbrev, zones,
} from './caltime.js';

const SLOT = 30; // minutes per cell
const ROW = 5; // minutes per grid row

// parse(query) - {date, tz} from the hash's query string.
export function parse(query) {
	const q = new URLSearchParams(query ?? '');
	return {
		date: isDate(q.get('date')) ? q.get('date') : null,
		tz: /^[A-Za-z_+\-/0-9]{1,64}$/.test(q.get('tz') ?? '') ? q.get('tz') : null,
	};
}

const link = (p) => {
	const q = new URLSearchParams();
	if (p.date) q.set('date', p.date);
	if (p.tz) q.set('tz', p.tz);
	return `#/calendar/practice?${q}`;
};

// show(app, params) - load the clinicians and the day, then draw.
export async function show(app, params) {
	const gen = app.gen;
	const p = { ...params };
	p.tz = p.tz || browserZone();
	if (!p.date) p.date = todayIn(p.tz);
	const error = h('p', { class: 'form-alert', role: 'alert' });
	screen(app.view, 'Practice day', 'Whole practice, one day', h('p', { class: 'count', text: 'Loading…' }), error);
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
	const body = h('div', { class: 'pd-body' });
	const count = h('p', { class: 'count', id: 'pd-count' });
	const cal = {
		app, tz: p.tz, clinicians, services, rooms, canBook: true, clinician: null,
		reload: (focusId) => load(focusId),
	};
	const go = (changes) => app.go(link({ ...p, ...changes }));
	const date = h('input', { type: 'date', id: 'pd-date', name: 'date', value: p.date, required: true });
	const jump = h('form', { class: 'cal-jump', method: 'post', 'aria-label': 'Go to a date' },
		h('label', { for: 'pd-date', text: 'Go to date' }), date, h('button', { type: 'submit', class: 'secondary', text: 'Go' }));
	jump.addEventListener('submit', (ev) => { ev.preventDefault(); if (isDate(date.value)) go({ date: date.value }); });
	const zs = zones();
	if (!zs.includes(p.tz)) zs.unshift(p.tz);
	const zone = h('select', { id: 'pd-tz', name: 'tz' }, zs.map((z) => h('option', { value: z, text: z })));
	zone.value = p.tz;
	const zoneForm = h('form', { class: 'cal-jump', method: 'post', 'aria-label': 'Time zone' },
		h('label', { for: 'pd-tz', text: 'Time zone' }), zone, h('button', { type: 'submit', class: 'secondary', text: 'Show' }));
	zoneForm.addEventListener('submit', (ev) => { ev.preventDefault(); go({ tz: zone.value }); });
	document.getElementById('nav-calendar')?.setAttribute('aria-current', 'page');
	screen(app.view, 'Practice day', 'Whole practice, one day',
		h('div', { class: 'cal-toolbar' },
			h('p', { class: 'back' }, h('a', { href: href({ view: 'day', date: p.date, clinician: 'all', tz: p.tz }), text: '‹ Calendar' })),
			h('div', { class: 'cal-step' },
				h('button', { type: 'button', class: 'secondary', text: '‹ Previous', 'aria-label': 'Previous day', onclick: () => go({ date: step('day', p.date, -1) }) }),
				h('button', { type: 'button', class: 'secondary', text: 'Today', onclick: () => go({ date: todayIn(p.tz) }) }),
				h('button', { type: 'button', class: 'secondary', text: 'Next ›', 'aria-label': 'Next day', onclick: () => go({ date: step('day', p.date, 1) }) })),
			jump, zoneForm),
		h('h2', { class: 'cal-range', id: 'pd-range', text: dateWords(p.date) }),
		h('p', { class: 'cal-zone', id: 'pd-zone' }, 'Times in ', h('strong', { text: p.tz }), zoneAbbrev(p.tz, p.date) ? ` (${zoneAbbrev(p.tz, p.date)})` : ''),
		error, count, body,
		h('p', { class: 'hint', id: 'pd-keys', text: 'In the grid: arrow keys move between half hours and clinicians, Page Up and Page Down by four hours, Enter books a free half hour or opens an appointment.' }));

	async function load(focusId) {
		error.textContent = '';
		try {
			const r = await api('GET', `/api/v1/schedule?${new URLSearchParams({ view: 'day', date: p.date, tz: p.tz, limit: '2000' })}`);
			if (!app.live(gen)) return;
			count.textContent = `${clinicians.length} clinician${clinicians.length === 1 ? '' : 's'}; ${r.appointments.length === 0 ? 'no appointments' : `${r.appointments.length} appointment${r.appointments.length === 1 ? '' : 's'}`}${r.truncated ? ' (more than shown)' : ''}.`;
			body.replaceChildren(grid(r.appointments));
			const el = focusId ? body.querySelector(`[data-id="${focusId}"]`) : null;
			if (el) {
				body.querySelector('.pd-grid [tabindex="0"]')?.setAttribute('tabindex', '-1');
				el.tabIndex = 0;
				el.focus();
			}
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	function grid(list) {
		const endOf = (a) => (dateOf(a.local_end) === dateOf(a.local_start) ? minuteOfDay(a.local_end) : 24 * 60);
		const mine = (a) => dateOf(a.local_start) === p.date;
		let from = 8 * 60;
		let to = 18 * 60;
		for (const a of list.filter(mine)) {
			from = Math.min(from, Math.floor(minuteOfDay(a.local_start) / 60) * 60);
			to = Math.max(to, Math.ceil(endOf(a) / 60) * 60);
		}
		const row = (m) => Math.floor((m - from) / ROW) + 2;
		const g = h('div', { class: 'pd-grid', role: 'group', 'aria-labelledby': 'pd-range', 'aria-describedby': 'pd-zone pd-keys' });
		g.style.gridTemplateColumns = `4rem repeat(${clinicians.length}, minmax(9.5rem, 1fr))`;
		g.style.gridTemplateRows = `auto repeat(${(to - from) / ROW}, 0.4rem)`;
		const corner = h('div', { class: 'pd-corner', 'aria-hidden': 'true' });
		put(corner, 1, 1);
		g.append(corner);
		clinicians.forEach((c, i) => {
			const head = h('div', { class: 'pd-head', id: `pd-h-${c.id}` }, h('a', { href: href({ view: 'day', date: p.date, clinician: c.id, tz: p.tz }), text: c.name }));
			put(head, 1, i + 2);
			g.append(head);
		});
		for (let m = from; m < to; m += 60) {
			const t = h('div', { class: 'pd-hour', 'aria-hidden': 'true', text: clock(m) });
			put(t, `${row(m)} / span ${60 / ROW}`, 1);
			g.append(t);
		}
		// cells[i] - clinician i's half hours: an appointment or a free slot
		const byClin = new Map(clinicians.map((c) => [c.id, []]));
		for (const a of list.filter(mine)) byClin.get(a.clinician.id)?.push(a);
		const cells = clinicians.map((c, i) => {
			const appts = byClin.get(c.id);
			const out = [];
			for (let m = from; m < to; m += SLOT) {
				const a = appts.find((x) => minuteOfDay(x.local_start) >= m && minuteOfDay(x.local_start) < m + SLOT && !out.some((o) => o.a === x));
				const covered = appts.some((x) => minuteOfDay(x.local_start) < m && endOf(x) > m && !cancelled(x.status));
				if (a) {
					out.push({ m, a, el: apptButton(a, c) });
				} else {
					const s = h('button', { type: 'button', class: `pd-slot${m % 60 === 0 ? ' hour' : ''}${covered ? ' busy' : ''}`, tabindex: '-1', 'data-col': String(i), 'data-min': String(m), 'aria-label': `Book ${c.name}, ${clock(m)}${covered ? ' (during an appointment)' : ''}` });
					put(s, `${row(m)} / span ${SLOT / ROW}`, i + 2);
					out.push({ m, el: s });
				}
			}
			return out;
		});
		// appointments (after the slots, so they paint above them)
		cells.forEach((col, i) => {
			for (const x of col) {
				x.el.dataset.col = String(i);
				x.el.dataset.min = String(x.m);
				x.el.tabIndex = -1;
				if (x.a) put(x.el, `${row(minuteOfDay(x.a.local_start))} / ${Math.max(row(endOf(x.a)), row(minuteOfDay(x.a.local_start)) + 1)}`, i + 2);
				g.append(x.el);
			}
		});
		const start = cells[0]?.find((x) => x.m >= 9 * 60) ?? cells[0]?.[0];
		if (start) start.el.tabIndex = 0;
		const at = (i, m) => {
			const col = cells[i];
			if (!col) return null;
			let best = col[0];
			for (const x of col) if (x.m <= m) best = x;
			return best;
		};
		g.addEventListener('keydown', (ev) => {
			const el = ev.target.closest('[data-col]');
			if (!el) return;
			const i = Number(el.dataset.col);
			const m = Number(el.dataset.min);
			const col = cells[i];
			const k = col.findIndex((x) => x.el === el);
			const target = {
				ArrowUp: () => col[k - 1], ArrowDown: () => col[k + 1],
				ArrowLeft: () => at(i - 1, m), ArrowRight: () => at(i + 1, m),
				Home: () => col[0], End: () => col[col.length - 1],
				PageUp: () => at(i, m - 240) ?? col[0], PageDown: () => at(i, m + 240) ?? col[col.length - 1],
			}[ev.key]?.();
			if (!target && !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(ev.key)) return;
			ev.preventDefault();
			if (!target) return;
			el.tabIndex = -1;
			target.el.tabIndex = 0;
			target.el.focus();
		});
		g.addEventListener('click', (ev) => {
			const s = ev.target.closest('button.pd-slot');
			if (!s) return;
			book({ ...cal, clinician: clinicians[Number(s.dataset.col)].id }, { date: p.date, minute: Number(s.dataset.min) });
		});
		return h('div', { class: 'pd-scroll', tabindex: '-1' }, g);
	}

	function apptButton(a, c) {
		const who = a.client ? a.client.name : 'Busy';
		const where = a.telehealth ? 'telehealth' : (a.room ? a.room.name : '');
		const el = h('button', {
			type: 'button', class: `cal-appt pd-appt status-${a.status}${cancelled(a.status) ? ' off' : ''}`, 'data-id': a.id,
			'aria-label': [`${c.name}, ${timeWords(a)}`, who, statusText(a.status), where].filter(Boolean).join(', '),
		}, h('span', { class: 'cal-time', text: timeWords(a) }), ' ', h('span', { class: 'cal-who', text: who }),
		where || a.status !== 'scheduled' ? h('span', { class: 'cal-meta', text: [a.status !== 'scheduled' ? statusText(a.status) : null, where].filter(Boolean).join(' · ') }) : null);
		el.addEventListener('click', () => details({ ...cal, clinician: c.id }, a.id));
		return el;
	}

	await load();
}

// put(el, row, col) - an element's cell, set through the CSSOM (allowed by
// the Content-Security-Policy; no style attribute is written as markup).
function put(el, row, col) {
	el.style.gridRow = String(row);
	el.style.gridColumn = String(col);
}
