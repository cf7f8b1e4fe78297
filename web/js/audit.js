// audit.js - the audit trail search for the owner and the privacy officer
// (GET /api/v1/audit): filters by actor, client, event and a date range,
// newest first, 50 at a time with "Older entries". The trail holds ids,
// event names and flags only, and this screen shows only those: no client
// name is looked up here (the access report of a client is one link away).
//
// The filters are ids and dates, so they may travel in the query string of
// the API request; they are not kept in the page's own URL.
// Never: shows or asks for a name, a search term or any text of a record.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, when } from './fmt.js';

const PAGE = 50;
const ID = /^[A-Za-z0-9._:=,/ -]{1,64}$/; // what the server accepts as an id (audit_id_ok)

// query(v) - the API query string for the form's values, or {field, error}.
export function query(v, page = PAGE) {
	const q = new URLSearchParams();
	for (const k of ['actor', 'client', 'event']) {
		const t = v[k].trim();
		if (t === '') continue;
		if (!ID.test(t)) return { field: k, error: 'Use an id or an event name (letters, digits and . _ : - only).' };
		q.set(k, t);
	}
	// Dates are the reader's local days: from the first second of "from" to
	// the last second of "to", as unix seconds.
	const start = (ymd, plus) => {
		const [y, m, d] = ymd.split('-').map(Number);
		return Math.floor(new Date(y, m - 1, d + plus).getTime() / 1000);
	};
	if (v.from) q.set('from', String(start(v.from, 0)));
	if (v.to) q.set('to', String(start(v.to, 1) - 1));
	if (v.from && v.to && v.to < v.from) return { field: 'to', error: 'The end date is before the start date.' };
	q.set('limit', String(page));
	return { q };
}

// show(app) - the search form and the results.
export function show(app) {
	const gen = app.gen;
	const tbody = h('tbody');
	const count = h('p', { class: 'count', role: 'status' });
	const error = alertLine();
	const more = h('button', { type: 'button', class: 'secondary', text: 'Older entries', hidden: true });
	let params = null;
	let next = null;

	async function load(before) {
		const q = new URLSearchParams(params);
		if (before) q.set('before', before);
		try {
			const r = await api('GET', `/api/v1/audit?${q}`);
			if (!app.live(gen)) return;
			tbody.append(...r.events.map((e) => h('tr', { class: e.outcome === 'ok' ? null : 'refused' },
				h('td', { 'data-label': 'Seq', text: String(e.seq) }),
				h('td', { 'data-label': 'When', text: when(e.at) }),
				h('td', { 'data-label': 'Event' }, h('code', { class: 'event', text: e.event })),
				h('td', { 'data-label': 'Actor' }, h('code', { text: e.actor }), h('span', { class: 'meta', text: ` ${e.actor_role}` })),
				h('td', { 'data-label': 'Client' }, e.client ? h('a', { href: `#/clients/${e.client}/access`, 'aria-label': `Access report of client ${e.client}` }, h('code', { text: e.client })) : '—'),
				h('td', { 'data-label': 'Object' }, e.object_id ? h('code', { text: `${e.object_type} ${e.object_id}` }) : (e.object_type || '—')),
				h('td', { 'data-label': 'Purpose', text: e.purpose || '—' }),
				h('td', { 'data-label': 'Outcome' }, e.outcome === 'ok' ? 'allowed' : h('span', { class: 'badge overdue', text: e.outcome === 'denied' ? 'refused' : e.outcome })),
				h('td', { 'data-label': 'Detail' }, e.detail ? h('code', { text: e.detail }) : '—'))));
			next = r.next;
			more.hidden = next === null;
			const n = tbody.children.length;
			count.textContent = n === 0 ? 'No event matches.' : `${n} event${n === 1 ? '' : 's'}${next ? '; older ones to load' : ''}.`;
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}
	more.addEventListener('click', () => load(next));

	const form = new Form({
		name: 'audit',
		submit: 'Search',
		onsubmit: async (v, f) => {
			const r = query(v);
			if (r.error) { f.fieldError(r.field, r.error); return; }
			params = r.q.toString();
			tbody.replaceChildren();
			error.textContent = '';
			count.textContent = 'Searching…';
			await load(null);
		},
	});
	form.add({ name: 'actor', label: 'Actor (user id)', hint: 'The id of a user, or "system".', spellcheck: 'false', autocapitalize: 'none' });
	form.add({ name: 'client', label: 'Client id', spellcheck: 'false', autocapitalize: 'none' });
	form.add({ name: 'event', label: 'Event', hint: 'For example client.read, note.sign, settings.update.', spellcheck: 'false', autocapitalize: 'none' });
	form.add({ name: 'from', label: 'From (date)', type: 'date' });
	form.add({ name: 'to', label: 'To (date, included)', type: 'date' });
	form.body.classList.add('filters');

	screen(app.view, 'Audit trail', 'Audit trail',
		h('p', { text: 'Every recorded action, newest first. The trail holds ids, event names and flags, never the content of a record; it is hash-chained so a change to it shows.' }),
		form.el, count, error,
		h('div', { class: 'table-wrap' }, h('table', { class: 'report audit' },
			h('caption', { class: 'visually-hidden', text: 'Audit events, newest first' }),
			h('thead', {}, h('tr', {}, ['Seq', 'When', 'Event', 'Actor', 'Client', 'Object', 'Purpose', 'Outcome', 'Detail'].map((t) => h('th', { scope: 'col', text: t })))),
			tbody)),
		h('div', { class: 'actions' }, more));
	params = new URLSearchParams({ limit: String(PAGE) }).toString();
	count.textContent = 'Loading…';
	load(null);
}
