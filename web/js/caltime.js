// caltime.js - the calendar's arithmetic on wall-clock dates and times, as
// pure functions: days of a week or month, moving a local time, the RRULE
// value behind the booking form's recurrence choices, and the words for
// statuses, zones and rules.
//
// Local times are the API's strings ("2030-11-05T10:00:00", in the zone the
// view asked for); arithmetic is done on them as if they were UTC, so the
// browser's own zone never shifts a day or an hour.
// Never: touches the page or the network.

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
	'October', 'November', 'December'];
const BYDAY = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const ORDINAL = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', '-1': 'last' };

export const STATUSES = [
	['scheduled', 'Scheduled'], ['confirmed', 'Confirmed'], ['arrived', 'Arrived'], ['completed', 'Completed'],
	['cancelled_by_client', 'Cancelled by client'], ['cancelled_by_clinician', 'Cancelled by clinician'],
	['late_cancel', 'Late cancellation'], ['no_show', 'No-show'],
];
const STATUS_TEXT = Object.fromEntries(STATUSES);
export const statusText = (s) => STATUS_TEXT[s] ?? s;
// cancelled(s) - the appointment no longer holds its time.
export const cancelled = (s) => s === 'cancelled_by_client' || s === 'cancelled_by_clinician' || s === 'late_cancel' || s === 'no_show';

const pad = (n) => String(n).padStart(2, '0');
const ms = (date) => Date.parse(`${date}T00:00:00Z`);
const iso = (t) => new Date(t).toISOString().slice(0, 10);

// isDate(s) - a real calendar date written YYYY-MM-DD.
export function isDate(s) {
	return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(ms(s)) && iso(ms(s)) === s;
}

// todayIn(tz, now) - today's date in a zone (the browser's if tz fails).
export function todayIn(tz, now = new Date()) {
	try {
		const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
			.formatToParts(now).map((x) => [x.type, x.value]));
		return `${p.year}-${p.month}-${p.day}`;
	} catch {
		return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
	}
}

// browserZone() - the IANA zone the browser runs in ("UTC" if unknown).
export function browserZone() {
	try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}

// zones() - every IANA zone the browser knows, UTC first.
export function zones() {
	let list = [];
	try { list = Intl.supportedValuesOf('timeZone'); } catch { list = []; }
	return ['UTC', ...list.filter((z) => z !== 'UTC')];
}

// zoneAbbrev(tz, date) - the zone's short name on that day ("EST", "GMT+1").
export function zoneAbbrev(tz, date) {
	try {
		const part = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' })
			.formatToParts(new Date(`${date}T12:00:00Z`)).find((x) => x.type === 'timeZoneName');
		return part ? part.value : '';
	} catch {
		return '';
	}
}

export const addDays = (date, n) => iso(ms(date) + n * DAY_MS);
export const weekday = (date) => new Date(ms(date)).getUTCDay(); // 0 Sunday
// monday(date) - the Monday of date's week (weeks run Monday to Sunday, as the API's).
export const monday = (date) => addDays(date, -((weekday(date) + 6) % 7));
export const firstOfMonth = (date) => `${date.slice(0, 7)}-01`;
export function addMonths(date, n) {
	const d = new Date(ms(firstOfMonth(date)));
	d.setUTCMonth(d.getUTCMonth() + n);
	return iso(d.getTime());
}

// days(view, date) - the dates a view shows: 1, 7 (Monday first), or the
// month's weeks from the Monday before the 1st to the Sunday after the end.
export function days(view, date) {
	if (view === 'day') return [date];
	if (view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(monday(date), i));
	const first = firstOfMonth(date);
	const last = addDays(addMonths(date, 1), -1);
	const out = [];
	for (let d = monday(first); d <= last || weekday(d) !== 1; d = addDays(d, 1)) out.push(d);
	return out;
}

// step(view, date, n) - the date n views later (n may be negative).
export function step(view, date, n) {
	if (view === 'day') return addDays(date, n);
	if (view === 'week') return addDays(monday(date), 7 * n);
	return addMonths(date, n);
}

// dateWords(date, short) - "Tuesday 5 November 2030" / "Tue 5 Nov".
export function dateWords(date, short = false) {
	const d = new Date(ms(date));
	if (short) return `${WEEKDAYS[d.getUTCDay()].slice(0, 3)} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()].slice(0, 3)}`;
	return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
export const monthWords = (date) => `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;

// rangeWords(view, date) - what the view covers, in words.
export function rangeWords(view, date) {
	if (view === 'day') return dateWords(date);
	if (view === 'month') return monthWords(date);
	const ds = days('week', date);
	return `Week of ${dateWords(ds[0])} to ${dateWords(ds[6])}`;
}

// Local date-times: "YYYY-MM-DDTHH:MM[:SS]".
export const dateOf = (local) => local.slice(0, 10);
export const hm = (local) => local.slice(11, 16);
export const minuteOfDay = (local) => Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));
// minutes("09:30") - 570.
export const minutes = (t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
export const clock = (minute) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
export const local = (date, minute) => `${date}T${clock(minute)}`;

// shift(local, minutes) - a local time moved by minutes (days roll over).
export function shift(localTime, minutes) {
	const t = Date.parse(`${localTime.slice(0, 16)}:00Z`) + minutes * 60_000;
	return new Date(t).toISOString().slice(0, 16);
}

// between(a, b) - minutes from local time a to local time b.
export const between = (a, b) => (Date.parse(`${b.slice(0, 16)}:00Z`) - Date.parse(`${a.slice(0, 16)}:00Z`)) / 60_000;

// timeWords(a) - "10:00–10:50" for an appointment's local times.
export const timeWords = (a) => `${hm(a.local_start)}–${hm(a.local_end)}`;

// nthWeekday(date) - which weekday of its month date is: {n: 1..4 or -1
// for the last, day: "TU"}. A fifth weekday is the last one.
export function nthWeekday(date) {
	const dom = Number(date.slice(8, 10));
	const n = Math.ceil(dom / 7);
	return { n: n >= 5 ? -1 : n, day: BYDAY[weekday(date)] };
}

// rrule({repeat, date, end, count, until}) - the RRULE value for the
// booking form's choices, or null for a single appointment. repeat: none,
// weekly, biweekly, monthly (by weekday, like the start date); end: count
// (COUNT=n) or until (UNTIL=the date, the last day included).
export function rrule({ repeat, date, end, count, until }) {
	let r;
	if (repeat === 'weekly') r = 'FREQ=WEEKLY';
	else if (repeat === 'biweekly') r = 'FREQ=WEEKLY;INTERVAL=2';
	else if (repeat === 'monthly') {
		const { n, day } = nthWeekday(date);
		r = `FREQ=MONTHLY;BYDAY=${n}${day}`;
	} else return null;
	if (end === 'until') return `${r};UNTIL=${until.replaceAll('-', '')}`;
	return `${r};COUNT=${count}`;
}

// monthlyWords(date) - "on the second Tuesday" for the form's choice.
export function monthlyWords(date) {
	const { n } = nthWeekday(date);
	return `Monthly on the ${ORDINAL[n]} ${WEEKDAYS[weekday(date)]}`;
}

// ruleWords(rule) - an RRULE in words ("every week, 6 times").
export function ruleWords(rule) {
	if (!rule) return '';
	const p = Object.fromEntries(rule.split(';').map((kv) => kv.split('=')));
	const every = p.INTERVAL && p.INTERVAL !== '1' ? `every ${p.INTERVAL} ` : 'every ';
	const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[p.FREQ] ?? p.FREQ?.toLowerCase();
	let s = `${every}${unit}${p.INTERVAL && p.INTERVAL !== '1' ? 's' : ''}`;
	if (p.FREQ === 'MONTHLY' && p.BYDAY) {
		const m = /^(-?\d)([A-Z]{2})$/.exec(p.BYDAY);
		if (m) s = `every month on the ${ORDINAL[m[1]]} ${WEEKDAYS[BYDAY.indexOf(m[2])]}`;
	}
	if (p.COUNT) s += `, ${p.COUNT} times`;
	if (p.UNTIL) s += `, until ${p.UNTIL.slice(0, 4)}-${p.UNTIL.slice(4, 6)}-${p.UNTIL.slice(6, 8)}`;
	return s;
}

// lanes(items) - side-by-side columns for overlapping appointments of one
// day: items [{start, end}] (minutes) in start order; returns [{lane,
// lanes}] per item, lanes being how many share its cluster.
export function lanes(items) {
	const out = items.map(() => ({ lane: 0, lanes: 1 }));
	let cluster = [];
	let clusterEnd = -1;
	const close = () => {
		const n = Math.max(1, ...cluster.map((i) => out[i].lane + 1));
		for (const i of cluster) out[i].lanes = n;
		cluster = [];
	};
	items.forEach((it, i) => {
		if (it.start >= clusterEnd) { close(); clusterEnd = -1; }
		const used = new Set(cluster.filter((j) => items[j].end > it.start).map((j) => out[j].lane));
		let lane = 0;
		while (used.has(lane)) lane++;
		out[i].lane = lane;
		cluster.push(i);
		clusterEnd = Math.max(clusterEnd, it.end);
	});
	close();
	return out;
}
