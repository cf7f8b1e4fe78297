// calendar.js - the calendar screen (#/calendar?view=&date=&clinician=&
// room=&status=&tz=): day and week as a time grid, month as a table, and
// at phone width a day or week agenda list; filters by clinician, room
// and status; times in one IANA zone, named on the screen (the
// clinician's working-hours zone, else the browser's, or one chosen).
//
// Booking: click or Enter on an empty slot. Moving: drag an appointment
// with the pointer, or focus it, press M, move it with the arrow keys and
// press Enter; both open the move dialog (appointment.js) with the new
// time, where a series asks which occurrences move.
//
// The URL carries the view, a date, zone and user/room ids, never a name.
// Never: keeps appointments outside this screen's elements and closures.
import { api } from './api.js';
import { h, screen } from './dom.js';
import { book, details, move } from './appointment.js';
import {
	STATUSES, browserZone, cancelled, clock, dateOf, dateWords, days, isDate, lanes, local, minuteOfDay, minutes,
	rangeWords, statusText, step, timeWords, todayIn, zoneAbbrev, zones,
} from './caltime.js';

const BOOKERS = new Set(['owner', 'clinician', 'scheduler']);
const HOURS = new Set(['owner', 'clinician', 'scheduler', 'supervisor']);
const VIEWS = [['day', 'Day'], ['week', 'Week'], ['month', 'Month']];
const STATUS_SETS = {
	'': null,
	active: 'scheduled,confirmed,arrived,completed',
	cancelled: 'cancelled_by_client,cancelled_by_clinician,late_cancel,no_show',
};
const NARROW = '(max-width: 40rem)';
const SLOT = 30; // minutes per bookable slot
const ROW = 5; // minutes per grid row
const SNAP = 15; // minutes a drag or an arrow key moves by
const MONTH_SHOWN = 4; // appointments listed in a month cell

// parse(query) - the screen's parameters from the hash's query string.
export function parse(query) {
	const q = new URLSearchParams(query ?? '');
	const view = ['day', 'week', 'month'].includes(q.get('view')) ? q.get('view') : null;
	const id = (k) => (/^[0-9a-f]{32}$/.test(q.get(k) ?? '') ? q.get(k) : null);
	return {
		view,
		date: isDate(q.get('date')) ? q.get('date') : null,
		clinician: q.get('clinician') === 'all' ? 'all' : id('clinician'),
		room: id('room'),
		status: Object.hasOwn(STATUS_SETS, q.get('status') ?? '') || STATUSES.some(([s]) => s === q.get('status')) ? (q.get('status') ?? '') : '',
		tz: /^[A-Za-z_+\-/0-9]{1,64}$/.test(q.get('tz') ?? '') ? q.get('tz') : null,
	};
}

// href(p) - the hash of a calendar with parameters p.
export function href(p) {
	const q = new URLSearchParams();
	for (const k of ['view', 'date', 'clinician', 'room', 'status', 'tz']) if (p[k]) q.set(k, p[k]);
	return `#/calendar?${q}`;
}

// show(app, params) - load what the screen needs, then draw it.
export async function show(app, params) {
	const gen = app.gen;
	const role = app.role();
	const canBook = BOOKERS.has(role);
	const p = { ...params };
	const narrow = window.matchMedia(NARROW);
	if (!p.view) p.view = narrow.matches ? 'day' : 'week';
	const error = h('p', { class: 'form-alert', role: 'alert' });
	screen(app.view, 'Calendar', 'Calendar', h('p', { class: 'count', text: 'Loading the calendar…' }), error);
	let clinicians = [];
	let rooms = [];
	let services = [];
	let hours = null;
	try {
		[clinicians, rooms, services] = await Promise.all([
			api('GET', '/api/v1/clinicians').then((r) => r.clinicians),
			api('GET', '/api/v1/rooms').then((r) => r.rooms),
			api('GET', '/api/v1/services').then((r) => r.services),
		]);
		if (!p.clinician && role === 'clinician') p.clinician = app.userId();
		if (p.clinician === 'all') p.clinician = null;
		if (p.clinician && HOURS.has(role)) {
			hours = await api('GET', `/api/v1/clinicians/${p.clinician}/working-hours`).catch(() => null);
		}
	} catch (err) {
		if (app.live(gen)) error.textContent = err.message;
		return;
	}
	if (!app.live(gen)) return;
	p.tz = p.tz || (hours && hours.tz) || browserZone();
	if (!p.date) p.date = todayIn(p.tz);

	const cal = {
		app, tz: p.tz, clinicians, services, rooms, canBook,
		clinician: p.clinician ?? (role === 'clinician' ? app.userId() : null),
		reload: (focusId) => load(focusId),
	};
	const body = h('div', { class: 'cal-body' });
	const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'assertive' });
	const count = h('p', { class: 'count' });
	const go = (changes) => app.go(href({ ...p, clinician: p.clinician ?? (role === 'clinician' ? 'all' : null), ...changes }));
	let data = null; // the last schedule answer, for a re-draw on resize
	let away = []; // the clinician's time off in the range shown (GET time-off)

	document.getElementById('nav-calendar')?.setAttribute('aria-current', 'page');
	const title = h('h2', { class: 'cal-range', id: 'cal-range', text: rangeWords(p.view, p.date) });
	screen(app.view, 'Calendar', 'Calendar',
		toolbar(), filters(), title,
		h('p', { class: 'cal-zone', id: 'cal-zone' }, 'Times in ', h('strong', { text: p.tz }),
			zoneAbbrev(p.tz, p.date) ? ` (${zoneAbbrev(p.tz, p.date)})` : ''),
		error, count, body, live,
		h('p', { class: 'hint', id: 'cal-keys' },
			p.view === 'month' ? 'A day\'s number opens that day; an appointment opens its details.'
				: canBook ? 'In the grid: arrow keys move between free slots, Enter books one. On an appointment: Enter opens it, M then arrow keys and Enter moves it (Escape cancels).'
					: 'On an appointment, Enter opens it.'));
	if (role === 'owner' || role === 'scheduler') app.view.querySelector('.cal-more')?.append(h('a', { class: 'button secondary', href: `#/calendar/practice?${new URLSearchParams({ date: p.date, tz: p.tz })}`, text: 'Practice day by clinician' }));

	function toolbar() {
		const unit = { day: 'day', week: 'week', month: 'month' }[p.view];
		const date = h('input', { type: 'date', id: 'cal-date', name: 'date', value: p.date, required: true });
		const jump = h('form', { class: 'cal-jump', method: 'post', 'aria-label': 'Go to a date' },
			h('label', { for: 'cal-date', text: 'Go to date' }), date,
			h('button', { type: 'submit', class: 'secondary', text: 'Go' }));
		jump.addEventListener('submit', (ev) => {
			ev.preventDefault();
			if (isDate(date.value)) go({ date: date.value });
		});
		return h('div', { class: 'cal-toolbar' },
			h('nav', { 'aria-label': 'Calendar view' }, h('ul', { class: 'cal-views' }, VIEWS.map(([v, t]) => h('li', {},
				h('a', { href: href({ ...p, view: v, clinician: p.clinician ?? (role === 'clinician' ? 'all' : null) }), text: t, 'aria-current': v === p.view ? 'page' : null }))))),
			h('div', { class: 'cal-step' },
				h('button', { type: 'button', class: 'secondary', text: '‹ Previous', 'aria-label': `Previous ${unit}`, onclick: () => go({ date: step(p.view, p.date, -1) }) }),
				h('button', { type: 'button', class: 'secondary', text: 'Today', onclick: () => go({ date: todayIn(p.tz) }) }),
				h('button', { type: 'button', class: 'secondary', text: 'Next ›', 'aria-label': `Next ${unit}`, onclick: () => go({ date: step(p.view, p.date, 1) }) })),
			jump,
			h('div', { class: 'cal-more' },
				canBook ? h('button', { type: 'button', text: 'New appointment', onclick: () => book(cal, { date: p.date, minute: 9 * 60 }) }) : null,
				HOURS.has(role) ? h('a', { class: 'button secondary', href: `#/calendar/hours${p.clinician ? `?clinician=${p.clinician}` : ''}`, text: 'Hours, time off and free slots' }) : null));
	}

	function filters() {
		const sel = (id, label, value, options) => {
			const s = h('select', { id, name: id }, options.map(([v, t]) => h('option', { value: v, text: t })));
			s.value = value ?? '';
			return [h('div', { class: 'field' }, h('label', { for: id, text: label }), s), s];
		};
		const [fc, c] = sel('cal-clinician', 'Clinician', p.clinician ?? 'all', [['all', 'Whole practice'], ...clinicians.map((x) => [x.id, x.name])]);
		const [fr, r] = sel('cal-room', 'Room', p.room ?? '', [['', 'All rooms'], ...rooms.map((x) => [x.id, x.name])]);
		const [fs, s] = sel('cal-status', 'Status', p.status, [['', 'All statuses'], ['active', 'Not cancelled'], ['cancelled', 'Cancelled and no-shows'], ...STATUSES]);
		const zs = zones();
		if (!zs.includes(p.tz)) zs.unshift(p.tz);
		const [fz, z] = sel('cal-tz', 'Time zone', p.tz, zs.map((x) => [x, x]));
		const form = h('form', { class: 'cal-filters', method: 'post', 'aria-label': 'Filters' }, fc, fr, fs, fz,
			h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', text: 'Show' })));
		// at phone width the filters fold away under their summary
		const box = h('details', { class: 'cal-filter-box', open: !narrow.matches }, h('summary', { text: 'Clinician, room, status and time zone' }), form);
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			// a new clinician brings their own zone unless one was chosen here
			const tz = z.value !== p.tz || c.value === (p.clinician ?? 'all') ? z.value : null;
			go({ clinician: c.value, room: r.value || null, status: s.value || null, tz });
		});
		return box;
	}

	async function load(focusId) {
		error.textContent = '';
		const q = new URLSearchParams({ view: p.view, date: p.date, tz: p.tz, limit: '2000' });
		if (p.clinician) q.set('clinician', p.clinician);
		if (p.room) q.set('room', p.room);
		const st = Object.hasOwn(STATUS_SETS, p.status) ? STATUS_SETS[p.status] : p.status;
		if (st) q.set('status', st);
		try {
			const r = await api('GET', `/api/v1/schedule?${q}`);
			const shown = days(p.view, p.date);
			away = p.clinician && HOURS.has(role) && p.view !== 'month'
				? await api('GET', `/api/v1/clinicians/${p.clinician}/time-off?${new URLSearchParams({ from: shown[0], to: step('day', shown[shown.length - 1], 1), tz: p.tz })}`).then((x) => x.time_off, () => [])
				: [];
			if (!app.live(gen)) return;
			data = r;
			draw(focusId);
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	function draw(focusId) {
		const list = data.appointments;
		count.textContent = `${list.length === 0 ? 'No appointments' : `${list.length} appointment${list.length === 1 ? '' : 's'}`}${data.truncated ? ' (more than shown: narrow the filters)' : ''}.`;
		const ds = days(p.view, p.date);
		if (p.view === 'month') body.replaceChildren(month(ds, list));
		else if (narrow.matches) body.replaceChildren(agenda(ds, list));
		else body.replaceChildren(grid(ds, list));
		if (narrow.matches && p.view !== 'month') awayAgenda(ds);
		const el = focusId ? body.querySelector(`[data-id="${focusId}"]`) : null;
		el?.focus();
	}

	// ---- day and week: the time grid

	function grid(ds, list) {
		const on = (d) => list.filter((a) => dateOf(a.local_start) === d);
		const endOf = (a) => (dateOf(a.local_end) === dateOf(a.local_start) ? minuteOfDay(a.local_end) : 24 * 60);
		let from = 7 * 60;
		let to = 20 * 60;
		for (const a of list) {
			from = Math.min(from, Math.floor(minuteOfDay(a.local_start) / 60) * 60);
			to = Math.max(to, Math.ceil(endOf(a) / 60) * 60);
		}
		if (hours && hours.tz === p.tz) {
			for (const s of hours.hours) {
				from = Math.min(from, Math.floor(minutes(s.start) / 60) * 60);
				to = Math.max(to, Math.ceil(minutes(s.end) / 60) * 60);
			}
		}
		const row = (m) => Math.floor((m - from) / ROW) + 2;
		const g = h('div', { class: `cal-grid days-${ds.length}`, role: 'group', 'aria-labelledby': 'cal-range', 'aria-describedby': 'cal-zone cal-keys' });
		g.append(h('div', { class: 'cal-corner', 'aria-hidden': 'true' }));
		ds.forEach((d, i) => {
			const head = h('div', { class: `cal-dayhead${d === todayIn(p.tz) ? ' today' : ''}` },
				p.view === 'week' ? h('a', { href: href({ ...p, view: 'day', date: d, clinician: p.clinician ?? 'all' }), text: dateWords(d, true), 'aria-label': `${dateWords(d)}: day view` })
					: h('span', { text: dateWords(d) }));
			place(head, 1, i + 2);
			g.append(head);
		});
		for (let m = from; m < to; m += 60) {
			const t = h('div', { class: 'cal-hour', 'aria-hidden': 'true', text: clock(m) });
			place(t, `${row(m)} / span ${60 / ROW}`, 1);
			g.append(t);
		}
		const working = (d, m) => {
			if (!hours || hours.tz !== p.tz) return true;
			const wd = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${d}T00:00:00Z`).getUTCDay()];
			return hours.hours.some((s) => s.day === wd && s.start <= clock(m) && clock(m + SLOT) <= s.end);
		};
		// empty slots: bookable buttons, one tab stop for all (arrow keys move)
		const slots = new Map();
		let first = null;
		ds.forEach((d, i) => {
			for (let m = from; m < to; m += SLOT) {
				const label = `${dateWords(d)}, ${clock(m)}${working(d, m) ? '' : ' (outside working hours)'}`;
				const s = canBook
					? h('button', { type: 'button', class: 'cal-slot', tabindex: '-1', 'aria-label': `Book ${label}`, 'data-day': String(i), 'data-min': String(m) })
					: h('div', { class: 'cal-slot', 'aria-hidden': 'true' });
				if (!working(d, m)) s.classList.add('off');
				if (m % 60 === 0) s.classList.add('hour');
				place(s, `${row(m)} / span ${SLOT / ROW}`, i + 2);
				g.append(s);
				slots.set(`${i}:${m}`, s);
				if (canBook && !first && (m >= 9 * 60 || m + SLOT >= to)) first = s;
			}
		});
		if (first) first.tabIndex = 0;
		const todayCol = ds.indexOf(todayIn(p.tz));
		if (canBook && todayCol > 0) {
			const t = slots.get(`${todayCol}:${Number(first.dataset.min)}`);
			if (t) { first.tabIndex = -1; t.tabIndex = 0; }
		}
		g.addEventListener('click', (ev) => {
			const s = ev.target.closest('button.cal-slot');
			if (s) book(cal, { date: ds[Number(s.dataset.day)], minute: Number(s.dataset.min) });
		});
		g.addEventListener('keydown', (ev) => {
			const s = ev.target.closest('button.cal-slot');
			if (!s) return;
			const i = Number(s.dataset.day);
			const m = Number(s.dataset.min);
			const to2 = {
				ArrowUp: [i, m - SLOT], ArrowDown: [i, m + SLOT], ArrowLeft: [i - 1, m], ArrowRight: [i + 1, m],
				Home: [i, from], End: [i, to - SLOT],
			}[ev.key];
			if (!to2) return;
			ev.preventDefault();
			const n = slots.get(`${to2[0]}:${to2[1]}`);
			if (!n) return;
			s.tabIndex = -1;
			n.tabIndex = 0;
			n.focus();
		});
		// appointments, side by side where they overlap
		ds.forEach((d, i) => {
			const mine = on(d);
			const ls = lanes(mine.map((a) => ({ start: minuteOfDay(a.local_start), end: endOf(a) })));
			mine.forEach((a, k) => {
				const el = apptButton(a, p.clinician === null);
				place(el, `${row(minuteOfDay(a.local_start))} / ${Math.max(row(endOf(a)), row(minuteOfDay(a.local_start)) + 1)}`, i + 2);
				if (ls[k].lanes > 1) {
					el.style.marginLeft = `${(ls[k].lane * 100) / ls[k].lanes}%`;
					el.style.width = `${100 / ls[k].lanes}%`;
				}
				if (canBook && a.client && !cancelled(a.status)) movable(el, a, { g, ds, from, to, row, slots });
				g.append(el);
			});
		});
		// time off: a band over the hours it covers (clicks go through)
		ds.forEach((d, i) => {
			for (const [s, e] of awayOn(d, from, to)) {
				const band = h('div', { class: 'cal-away', text: `Time off ${clock(s)}–${clock(e)}` });
				place(band, `${row(s)} / ${row(e)}`, i + 2);
				g.append(band);
			}
		});
		return h('div', { class: 'cal-scroll' }, g);
	}

	// apptButton(a, withClinician) - an appointment: opens its details.
	function apptButton(a, withClinician) {
		const who = a.client ? a.client.name : 'Busy';
		const where = a.telehealth ? 'telehealth' : (a.room ? a.room.name : '');
		const label = [`${timeWords(a)}`, who, withClinician ? `with ${a.clinician.name}` : null, statusText(a.status), where,
			a.series ? 'repeats' : null].filter(Boolean).join(', ');
		const el = h('button', {
			type: 'button', class: `cal-appt status-${a.status}${cancelled(a.status) ? ' off' : ''}`, 'data-id': a.id,
			'aria-label': label, 'aria-describedby': 'cal-keys',
		},
		h('span', { class: 'cal-time', text: timeWords(a) }), ' ',
		h('span', { class: 'cal-who', text: who }), ' ',
		h('span', { class: 'cal-meta', text: [withClinician ? a.clinician.name : null, a.status !== 'scheduled' ? statusText(a.status) : null, where].filter(Boolean).join(' · ') }));
		el.addEventListener('click', (ev) => {
			if (el.dataset.dragged === '1') { el.dataset.dragged = ''; ev.preventDefault(); return; }
			details(cal, a.id);
		});
		return el;
	}

	// movable(el, a, grid) - drag with a pointer, or M and the arrow keys.
	function movable(el, a, { g, ds, from, to, row }) {
		const len = Math.max(SNAP, minuteOfDay(a.local_end) - minuteOfDay(a.local_start));
		const home = { day: ds.indexOf(dateOf(a.local_start)), min: minuteOfDay(a.local_start) };
		let at = { ...home };
		let moving = false;
		const put = () => {
			place(el, `${row(at.min)} / ${row(at.min + len)}`, at.day + 2);
		};
		const say = () => { live.textContent = `${dateWords(ds[at.day])}, ${clock(at.min)} to ${clock(at.min + len)}.`; };
		const end = (commit) => {
			moving = false;
			el.classList.remove('moving');
			const changed = at.day !== home.day || at.min !== home.min;
			const target = local(ds[at.day], at.min);
			at = { ...home };
			put();
			if (commit && changed) move(cal, a, target);
			else if (commit === false) live.textContent = 'Move cancelled.';
		};
		const clamp = (day, min) => ({
			day: Math.min(Math.max(day, 0), ds.length - 1),
			min: Math.min(Math.max(min, from), to - len),
		});
		el.addEventListener('keydown', (ev) => {
			if (!moving && (ev.key === 'm' || ev.key === 'M') && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
				ev.preventDefault();
				moving = true;
				el.classList.add('moving');
				live.textContent = `Moving ${timeWords(a)}. Arrow keys move it by ${SNAP} minutes or a day; Enter to choose, Escape to cancel.`;
				return;
			}
			if (!moving) return;
			const d = { ArrowUp: [0, -SNAP], ArrowDown: [0, SNAP], ArrowLeft: [-1, 0], ArrowRight: [1, 0] }[ev.key];
			if (d) {
				ev.preventDefault();
				at = clamp(at.day + d[0], at.min + d[1]);
				put();
				say();
				el.focus();
			} else if (ev.key === 'Enter') {
				ev.preventDefault();
				end(true);
			} else if (ev.key === 'Escape') {
				ev.preventDefault();
				end(false);
			}
		});
		el.addEventListener('blur', () => { if (moving) end(false); });
		// pointer: measure the grid when the drag starts
		let drag = null;
		el.addEventListener('pointerdown', (ev) => {
			if (ev.button !== 0) return;
			const heads = [...g.querySelectorAll('.cal-dayhead')].map((x) => x.getBoundingClientRect());
			const top = g.querySelector('.cal-slot').getBoundingClientRect();
			const rowPx = top.height / (SLOT / ROW);
			drag = { x: ev.clientX, y: ev.clientY, heads, top: top.top, rowPx, grab: Math.floor((ev.clientY - el.getBoundingClientRect().top) / rowPx) * ROW, on: false };
		});
		el.addEventListener('pointermove', (ev) => {
			if (!drag) return;
			if (!drag.on && Math.hypot(ev.clientX - drag.x, ev.clientY - drag.y) < 6) return;
			if (!drag.on) {
				drag.on = true;
				el.setPointerCapture(ev.pointerId);
				el.classList.add('moving');
			}
			let day = drag.heads.findIndex((r) => ev.clientX >= r.left && ev.clientX < r.right);
			if (day < 0) day = ev.clientX < drag.heads[0].left ? 0 : ds.length - 1;
			const min = from + Math.round(((ev.clientY - drag.top) / drag.rowPx * ROW - drag.grab) / SNAP) * SNAP;
			at = clamp(day, min);
			put();
		});
		const drop = (commit) => {
			if (!drag) return;
			const was = drag.on;
			drag = null;
			if (!was) return;
			el.dataset.dragged = '1';
			end(commit);
		};
		el.addEventListener('pointerup', () => drop(true));
		el.addEventListener('pointercancel', () => drop(false));
	}

	// ---- month

	function month(ds, list) {
		const thisMonth = p.date.slice(0, 7);
		const table = h('table', { class: 'cal-month' },
			h('caption', { class: 'visually-hidden', text: `${rangeWords('month', p.date)}, times in ${p.tz}` }),
			h('thead', {}, h('tr', {}, ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
				.map((d) => h('th', { scope: 'col', abbr: d }, h('span', { 'aria-hidden': 'true', text: d.slice(0, 3) }), h('span', { class: 'visually-hidden', text: d }))))));
		const tbody = h('tbody');
		for (let w = 0; w < ds.length; w += 7) {
			tbody.append(h('tr', {}, ds.slice(w, w + 7).map((d) => {
				const mine = list.filter((a) => dateOf(a.local_start) === d);
				const more = mine.length - MONTH_SHOWN;
				const td = h('td', { class: `${d.slice(0, 7) === thisMonth ? '' : 'other'}${d === todayIn(p.tz) ? ' today' : ''}`.trim() || null },
					h('a', {
						class: 'cal-daynum', href: href({ ...p, view: 'day', date: d, clinician: p.clinician ?? 'all' }), text: String(Number(d.slice(8))),
						'aria-label': `${dateWords(d)}, ${mine.length === 0 ? 'no appointments' : `${mine.length} appointment${mine.length === 1 ? '' : 's'}`}`,
					}),
					mine.length ? h('ul', {}, mine.slice(0, MONTH_SHOWN).map((a) => h('li', {}, apptButton(a, false)))) : null,
					more > 0 ? h('a', { class: 'cal-more-link', href: href({ ...p, view: 'day', date: d, clinician: p.clinician ?? 'all' }), text: `${more} more` }) : null);
				if (canBook) {
					td.addEventListener('click', (ev) => {
						if (ev.target === td) book(cal, { date: d, minute: 9 * 60 });
					});
				}
				return td;
			})));
		}
		table.append(tbody);
		return h('div', { class: 'cal-scroll' }, table);
	}

	// ---- phone width: a list per day

	// awayOn(d, from, to) - [start, end] minutes of time off on day d.
	function awayOn(d, from, to) {
		const out = [];
		for (const t of away) {
			if (dateOf(t.local_start) > d || dateOf(t.local_end) < d) continue;
			const a = Math.max(dateOf(t.local_start) === d ? minuteOfDay(t.local_start) : 0, from);
			const b = Math.min(dateOf(t.local_end) === d ? minuteOfDay(t.local_end) : 24 * 60, to);
			if (b > a) out.push([a, b]);
		}
		return out;
	}

	// awayAgenda(ds) - the phone agenda's days say when the clinician is away.
	function awayAgenda(ds) {
		for (const d of ds) {
			const sec = body.querySelector(`[aria-labelledby="agenda-${d}"]`);
			for (const [a, b] of awayOn(d, 0, 24 * 60)) sec?.querySelector('h3').after(h('p', { class: 'cal-away-line', text: `Time off ${clock(a)}–${b === 24 * 60 ? '24:00' : clock(b)}` }));
		}
	}


	function agenda(ds, list) {
		return h('div', { class: 'cal-agenda' }, ds.map((d) => {
			const mine = list.filter((a) => dateOf(a.local_start) === d);
			const id = `agenda-${d}`;
			return h('section', { 'aria-labelledby': id },
				h('h3', { id, class: d === todayIn(p.tz) ? 'today' : null, text: dateWords(d) }),
				mine.length ? h('ul', {}, mine.map((a) => h('li', {}, apptButton(a, p.clinician === null))))
					: h('p', { class: 'meta', text: 'No appointments.' }),
				canBook ? h('button', { type: 'button', class: 'secondary small', text: 'Book on this day', 'aria-label': `Book on ${dateWords(d)}`, onclick: () => book(cal, { date: d, minute: 9 * 60 }) }) : null);
		}));
	}

	// re-draw (not re-load) when the width crosses the phone breakpoint
	const onWidth = () => {
		if (!app.live(gen)) { narrow.removeEventListener('change', onWidth); return; }
		if (data && p.view !== 'month') draw();
	};
	narrow.addEventListener('change', onWidth);
	await load();
}

// place(el, row, col) - an element's cell in the CSS grid. Set through the
// CSSOM, which the Content-Security-Policy allows (no style attribute is
// ever written as markup).
function place(el, row, col) {
	el.style.gridRow = String(row);
	el.style.gridColumn = String(col);
}
