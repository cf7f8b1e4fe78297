// breach.js - handling a breach (owner, privacy officer): the breach-impact
// report (GET /api/v1/audit/breach: which clients an actor, a session or an
// address touched in a window), recording the breach with that filter
// (POST /api/v1/breaches), the recorded breaches with their deadlines
// (individuals 60 days, HHS, media, the supervisory authority 72 hours,
// all from discovery), and each breach's notification letters
// (GET /api/v1/breaches/ID/letters, text), one per page when printed.
//
// Letters are PHI (names, postal addresses): they live only in the letters
// screen's elements and are made again by the server, and audited, each
// time they are opened.
// Never: puts a name or letter text in a URL or in storage; describes a
// client in the breach's texts (the form says so).
import { api, text } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, part, when } from './fmt.js';

const FILTER = ['actor', 'session', 'source'];
const DEADLINES = [
	['individuals', 'Notify each individual', 'HIPAA 164.404: without unreasonable delay, at most 60 days'],
	['supervisory_authority', 'Notify the supervisory authority', 'GDPR 33: within 72 hours'],
	['hhs', 'Notify HHS', 'HIPAA 164.408: at once for 500 or more, else within 60 days of the year\'s end'],
	['media', 'Notify the media', 'HIPAA 164.406: 500 or more in a state'],
];

// seconds(local) - a datetime-local value as unix seconds (NaN if empty).
const seconds = (local) => (local ? Math.floor(new Date(local).getTime() / 1000) : NaN);

// local(d) - a Date as a datetime-local value in the reader's zone.
function local(d) {
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// left(iso, now) - "in 3 days", "in 5 hours", or "passed".
export function left(iso, now = Date.now()) {
	const ms = new Date(iso).getTime() - now;
	if (ms <= 0) return 'passed';
	const hrs = Math.floor(ms / 3_600_000);
	if (hrs < 48) return `in ${hrs} hour${hrs === 1 ? '' : 's'}`;
	const days = Math.floor(hrs / 24);
	return `in ${days} days`;
}

// show(app) - the impact report, the record form and the breaches.
export async function show(app) {
	const gen = app.gen;
	const error = alertLine();
	const result = h('div', { class: 'impact' });
	const recordArea = h('div');
	const list = h('div');
	let filter = null; // the filter of the last report run

	const report = new Form({
		name: 'impact',
		submit: 'Run the impact report',
		onsubmit: async (v, f) => {
			recordArea.replaceChildren();
			const q = new URLSearchParams();
			for (const k of FILTER) if (v[k].trim()) q.set(k, v[k].trim());
			if ([...q.keys()].length === 0) { f.fieldError('actor', 'Give a user id, a session id or an address (at least one).'); return; }
			for (const k of ['from', 'to']) {
				if (!v[k]) continue;
				const s = seconds(v[k]);
				if (Number.isNaN(s)) { f.fieldError(k, 'Give a date and time.'); return; }
				q.set(k, String(s));
			}
			if (v.from && v.to && seconds(v.to) < seconds(v.from)) { f.fieldError('to', 'The end is before the start.'); return; }
			const r = await api('GET', `/api/v1/audit/breach?${q}`);
			if (!app.live(gen)) return;
			filter = Object.fromEntries(q);
			showImpact(r, q);
		},
	});
	report.add({ name: 'actor', label: 'User id', hint: 'The account that was misused, if known.', spellcheck: 'false', autocapitalize: 'none' });
	report.add({ name: 'session', label: 'Session id', spellcheck: 'false', autocapitalize: 'none' });
	report.add({ name: 'source', label: 'Network address', hint: 'For example 203.0.113.7.', spellcheck: 'false', autocapitalize: 'none' });
	report.add({ name: 'from', label: 'From', type: 'datetime-local', hint: 'In your time zone; empty for the beginning of the trail.' });
	report.add({ name: 'to', label: 'To', type: 'datetime-local', hint: 'Empty for now.' });

	function showImpact(r, q) {
		const csv = new URLSearchParams(q);
		csv.set('format', 'csv');
		const n = r.clients.length;
		result.replaceChildren(...[
			h('h3', { id: 'impact-h', tabindex: '-1', text: `${n} client${n === 1 ? '' : 's'} affected` }),
			h('p', { class: 'count', role: 'status', text: `${r.total_events} event${r.total_events === 1 ? '' : 's'} in the window; ${r.unattributed_events} not tied to a client.` }),
			n ? h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
				h('caption', { class: 'visually-hidden', text: 'Clients whose records were touched' }),
				h('thead', {}, h('tr', {}, ['Client id', 'Events', 'First', 'Last'].map((t) => h('th', { scope: 'col', text: t })))),
				h('tbody', {}, r.clients.map((c) => h('tr', {},
					h('td', { 'data-label': 'Client id' }, h('a', { href: `#/clients/${c.client}/access`, 'aria-label': `Access report of client ${c.client}` }, h('code', { text: c.client }))),
					h('td', { 'data-label': 'Events', text: String(c.events) }),
					h('td', { 'data-label': 'First', text: when(c.first) }),
					h('td', { 'data-label': 'Last', text: when(c.last) })))))) : null,
			h('p', {}, h('a', { href: `/api/v1/audit/breach?${csv}`, download: 'breach-impact.csv', text: 'Download as CSV' })),
			h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Record this breach…', onclick: () => recordForm() }))].filter(Boolean));
		result.querySelector('h3').focus();
	}

	function recordForm() {
		const form = new Form({
			name: 'breach',
			submit: 'Record the breach',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => recordArea.replaceChildren() })],
			onsubmit: async (v, f) => {
				const disc = seconds(v.discovered_at);
				if (Number.isNaN(disc)) { f.fieldError('discovered_at', 'Give the date and time of discovery.'); return; }
				for (const k of ['description', 'info_types', 'consequences', 'steps', 'actions', 'contact']) {
					if (v[k].trim() === '') { f.fieldError(k, `${f.fields.get(k).label} is required.`); return; }
				}
				const body = { discovered_at: disc, ...filter };
				for (const k of ['from', 'to']) if (body[k]) body[k] = Number(body[k]);
				for (const k of ['description', 'info_types', 'consequences', 'steps', 'actions', 'contact']) body[k] = v[k].trim();
				const b = await api('POST', '/api/v1/breaches', body);
				if (!app.live(gen)) return;
				recordArea.replaceChildren();
				app.status(`Breach recorded: ${b.affected} client${b.affected === 1 ? '' : 's'} to notify by ${when(b.deadlines.individuals)}.`);
				await loadList();
			},
		});
		form.add({ name: 'discovered_at', label: 'Discovered at', type: 'datetime-local', value: local(new Date()), hint: 'Deadlines count from this moment.' });
		form.add({ name: 'description', label: 'What happened', rows: 3, hint: 'Describe the incident, never a client: this text goes into every letter.' });
		form.add({ name: 'info_types', label: 'Kinds of information involved', hint: 'For example names, dates of birth, diagnoses.' });
		form.add({ name: 'consequences', label: 'Likely consequences', rows: 2 });
		form.add({ name: 'steps', label: 'What individuals should do', rows: 2 });
		form.add({ name: 'actions', label: 'What the practice is doing', rows: 2 });
		form.add({ name: 'contact', label: 'How to reach the practice', hint: 'A phone number, an address, the privacy officer.' });
		recordArea.replaceChildren(part('rec-h', 'Record the breach',
			h('p', { class: 'hint', text: `With the filter of the report above: ${Object.entries(filter).map(([k, x]) => `${k} ${k === 'from' || k === 'to' ? when(new Date(Number(x) * 1000).toISOString()) : x}`).join(', ')}.` }),
			form.el));
		form.fields.get('description').input.focus();
	}

	async function loadList() {
		try {
			const r = await api('GET', '/api/v1/breaches');
			if (!app.live(gen)) return;
			list.replaceChildren(r.breaches.length === 0 ? h('p', { class: 'count', text: 'No breach recorded.' })
				: h('ul', { class: 'dx-list breaches', 'aria-labelledby': 'br-h' }, r.breaches.map(item)));
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	function item(b) {
		const now = Date.now();
		const rows = DEADLINES.filter(([k]) => b.deadlines[k]).map(([k, what, law]) => {
			const late = new Date(b.deadlines[k]).getTime() <= now;
			return h('tr', { class: late ? 'late' : null },
				h('td', { 'data-label': 'Duty' }, what, h('span', { class: 'meta block', text: law })),
				h('td', { 'data-label': 'Deadline', text: when(b.deadlines[k]) }),
				h('td', { 'data-label': 'Time left' }, late ? h('span', { class: 'badge overdue', text: 'Passed' }) : left(b.deadlines[k], now)));
		});
		return h('li', { class: 'breach' },
			h('span', { class: 'name', text: `Discovered ${when(b.discovered_at)}` }), ' ',
			h('span', { class: 'badge', text: `${b.affected} affected` }),
			h('p', { class: 'desc', text: b.description }),
			h('div', { class: 'table-wrap' }, h('table', { class: 'report deadlines' },
				h('caption', { class: 'visually-hidden', text: 'Notification deadlines' }),
				h('thead', {}, h('tr', {}, ['Duty', 'Deadline', 'Time left'].map((t) => h('th', { scope: 'col', text: t })))),
				h('tbody', {}, rows))),
			h('p', {}, h('a', { href: `#/breaches/${b.id}/letters`, text: `Notification letters (${b.affected})` })));
	}

	screen(app.view, 'Breaches', 'Breaches',
		h('p', { text: 'Find who was affected from the audit trail, record the breach, keep its deadlines and print the letters.' }),
		error,
		part('impact-form-h', 'Breach-impact report', h('p', { class: 'hint', text: 'Which clients\' records an account, a session or a network address touched, from the tamper-evident audit trail.' }), report.el, result),
		recordArea,
		part('br-h', 'Recorded breaches', list));
	await loadList();
}

// letters(app, id) - a breach's letters, one article each; print puts
// each on its own page and leaves everything else out.
export async function letters(app, id) {
	const gen = app.gen;
	const area = h('div', { class: 'letters' }, h('p', { class: 'count', text: 'Loading…' }));
	const error = alertLine();
	screen(app.view, 'Notification letters', 'Notification letters',
		h('p', { class: 'back' }, h('a', { href: '#/breaches', text: 'Back to breaches' })),
		h('p', { class: 'hint', text: 'Each letter is made now from the audit trail and addressed as the client asked to be contacted. Opening them is recorded.' }),
		error, area);
	let body;
	try {
		body = await text(`/api/v1/breaches/${id}/letters`);
	} catch (err) {
		if (app.live(gen)) { area.replaceChildren(); error.textContent = err.status === 404 ? 'There is no breach at this address.' : err.message; }
		return;
	}
	if (!app.live(gen)) return;
	const parts = body.split('\f').map((t) => t.replace(/^\n+|\s+$/g, '')).filter((t) => t !== '');
	area.replaceChildren(...[
		h('p', { class: 'count', text: parts.length === 0 ? 'No letter: no affected client is still on record.' : `${parts.length} letter${parts.length === 1 ? '' : 's'}.` }),
		parts.length ? h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Print the letters', onclick: () => window.print() })) : null,
		...parts.map((t, i) => h('article', { class: 'letter', 'aria-label': `Letter ${i + 1} of ${parts.length}` }, h('pre', { class: 'letter-text', text: t })))].filter(Boolean));
}
