// rights.js - the rights desk: clients' access and export requests with
// their legal due dates (30 days under HIPAA, one calendar month under
// GDPR; one extension), overdue ones first and marked, extend; recording a
// request that came by post or phone; erasure requests with their status,
// recording one (the answer: done, or blocked and until when),
// what blocks them and the date they become possible; legal holds on a
// client (place, release).
//
// The owner and the privacy officer see the whole practice (GET
// /api/v1/access-requests, /erasure-requests). A clinician sees the open
// requests of the clients on their care teams (the same route, filtered by
// the server), and no erasure requests or holds, which the API keeps to the
// owner and privacy officer.
// Never: puts a name or a reason in a URL; keeps anything after the screen.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { combobox } from './combo.js';
import { alertLine, clientName, clientNames, day, part, when } from './fmt.js';
import { withReauth } from './admin.js';
import { BASIS as BASES, erasureAnswer } from './myrights.js';

const KIND = { access: 'Access (a copy to read)', portability: 'Export (portability, FHIR)' };
const LAW = { hipaa: 'HIPAA: 30 days', gdpr: 'GDPR: one month' };
const MORE = { hipaa: '30 more days', gdpr: 'two more months' };
const BLOCK = { retention: 'the retention rule', legal_hold: 'a legal hold' };
const BASIS = { 'gdpr-17': 'GDPR article 17', mhmda: 'Washington MHMDA', other: 'other' };

// daysUntil(ymd) - whole days from the reader's today to a YYYY-MM-DD date.
export function daysUntil(ymd, now = new Date()) {
	const [y, m, d] = ymd.split('-').map(Number);
	const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
	return Math.round((Date.UTC(y, m - 1, d) - today) / 86_400_000);
}

// dueWords(r) - "2030-04-16 (in 12 days)", "(today)" or "(passed)".
function dueWords(r) {
	const n = daysUntil(r.due_on);
	if (r.overdue) return `${r.due_on} (passed)`;
	if (n === 0) return `${r.due_on} (today)`;
	return n > 0 ? `${r.due_on} (in ${n} day${n === 1 ? '' : 's'})` : r.due_on;
}

// show(app) - the rights desk.
export async function show(app) {
	const wide = app.canAudit(); // owner, privacy officer: the whole practice
	const holds = wide ? holdSection(app) : null;
	const access = accessSection(app, holds);
	const erasure = wide ? erasureSection(app, holds) : null;
	screen(app.view, 'Rights desk', 'Rights desk',
		h('p', { text: wide ? 'Requests from clients under their rights of access, portability and erasure, with the dates the law sets, and legal holds.'
			: 'Access and export requests from the clients on your care teams, with the dates the law sets.' }),
		h('nav', { class: 'desk-nav', 'aria-label': 'On this page' }, h('ul', { class: 'plain' },
			h('li', {}, h('a', { href: '#ar-h', text: 'Access and export requests', onclick: jump('ar-h') })),
			wide ? h('li', {}, h('a', { href: '#er-h', text: 'Erasure requests', onclick: jump('er-h') })) : null,
			wide ? h('li', {}, h('a', { href: '#lh-h', text: 'Legal holds', onclick: jump('lh-h') })) : null)),
		access.el, erasure?.el, holds?.el);
	await Promise.all([access.load(), erasure?.load()]);
}

// jump(id) - an in-page link that moves the focus without touching the
// hash (the hash is the route).
function jump(id) {
	return (ev) => {
		ev.preventDefault();
		const el = document.getElementById(id);
		el?.setAttribute('tabindex', '-1');
		el?.focus();
	};
}

// accessSection(app, holds) - the access and export requests.
function accessSection(app, holds) {
	const gen = app.gen;
	const tbody = h('tbody');
	const count = h('p', { class: 'count', role: 'status', text: 'Loading…' });
	const error = alertLine();
	const nameOf = clientNames('a client');

	async function rowsOf() {
		// the whole practice for the owner and privacy officer; a
		// clinician's own clients (the server filters by care team)
		return (await api('GET', '/api/v1/access-requests')).requests;
	}

	async function load() {
		error.textContent = '';
		try {
			const rows = await rowsOf();
			if (!app.live(gen)) return;
			const late = rows.filter((r) => r.overdue).length;
			count.textContent = rows.length === 0 ? 'No open requests.'
				: `${rows.length} open request${rows.length === 1 ? '' : 's'}${late ? `, ${late} overdue` : ''}, soonest due first.`;
			tbody.replaceChildren(...await Promise.all(rows.map(row)));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}

	async function row(r) {
		const who = await nameOf(r.client);
		const panel = h('div', { class: 'row-panel' });
		const acts = h('div', { class: 'row-actions' });
		if (r.status === 'open' && !r.overdue) {
			acts.append(h('button', { type: 'button', class: 'small secondary', text: 'Extend', 'aria-label': `Extend the request of ${who}`,
				onclick: () => extendForm(panel, r, who) }));
		}
		if (holds) acts.append(h('button', { type: 'button', class: 'small secondary', text: 'Legal holds', 'aria-label': `Legal holds of ${who}`, onclick: () => holds.open(r.client, who) }));
		const due = h('span', { class: r.overdue ? 'due overdue' : 'due' }, r.overdue ? h('span', { class: 'badge overdue', text: 'Overdue' }) : null, ' ', dueWords(r));
		return h('tr', { class: r.overdue ? 'late' : null },
			h('td', { 'data-label': 'Client' }, h('a', { href: `#/clients/${r.client}`, text: who })),
			h('td', { 'data-label': 'Request', text: `${KIND[r.kind] ?? r.kind}; ${r.requested_via === 'portal' ? 'in the portal' : 'recorded by the practice'}` }),
			h('td', { 'data-label': 'Law', text: LAW[r.jurisdiction] ?? r.jurisdiction }),
			h('td', { 'data-label': 'Received', class: 'date', text: r.received_on }),
			h('td', { 'data-label': 'Due' }, due,
				r.status === 'extended' ? h('span', { class: 'meta block', text: `Extended ${day(r.extended_at)}${r.extension_reason ? `: ${r.extension_reason}` : ''}` }) : null),
			h('td', { 'data-label': 'Actions' }, acts, panel));
	}

	function extendForm(panel, r, who) {
		const form = new Form({
			name: 'ar-extend',
			submit: `Extend by ${MORE[r.jurisdiction] ?? 'the allowed time'}`,
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => panel.replaceChildren() })],
			onsubmit: async (v, f) => {
				if (v.reason.trim() === '') { f.fieldError('reason', 'Give the reason; the client is told it.'); return; }
				await api('POST', `/api/v1/access-requests/${r.id}/extend`, { reason: v.reason.trim() });
				if (!app.live(gen)) return;
				app.status(`The request of ${who} is extended.`);
				await load();
			},
		});
		form.add({ name: 'reason', label: 'Reason for the extension (told to the client)', rows: 2, maxlength: 2000,
			hint: 'The law allows one extension, before the due date.' });
		panel.replaceChildren(form.el);
		form.fields.get('reason').input.focus();
	}

	// The form for a request that came by post, email or phone.
	const area = h('div');
	const newBtn = h('button', { type: 'button', class: 'secondary', text: 'Record a request', 'aria-expanded': 'false' });
	newBtn.addEventListener('click', () => {
		if (area.firstChild) { area.replaceChildren(); newBtn.setAttribute('aria-expanded', 'false'); return; }
		newBtn.setAttribute('aria-expanded', 'true');
		let chosen = null;
		const form = new Form({
			name: 'ar-new',
			submit: 'Record the request',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => { area.replaceChildren(); newBtn.setAttribute('aria-expanded', 'false'); newBtn.focus(); } })],
			onsubmit: async (v, f) => {
				if (!chosen) { f.fieldError('client', 'Type two letters of the name and choose the client.'); return; }
				const body = { kind: v.kind, jurisdiction: v.jurisdiction };
				if (v.received_on) body.received_on = v.received_on;
				const r = await api('POST', `/api/v1/clients/${chosen.id}/access-requests`, body);
				if (!app.live(gen)) return;
				app.status(`Request recorded for ${clientName(chosen)}: due ${r.due_on}.`);
				area.replaceChildren();
				newBtn.setAttribute('aria-expanded', 'false');
				await load();
			},
		});
		clientPicker(form, (c) => { chosen = c; });
		form.add({ name: 'kind', label: 'What the client asks for', options: Object.entries(KIND) });
		form.add({ name: 'jurisdiction', label: 'Law that applies', options: Object.entries(LAW) });
		form.add({ name: 'received_on', label: 'Received on', type: 'date', value: day(new Date().toISOString()), hint: 'The deadline counts from this day; not in the future.' });
		area.replaceChildren(form.el);
		form.fields.get('client').input.focus();
	});

	const el = part('ar-h', 'Access and export requests',
		h('p', { class: 'hint', text: 'HIPAA 164.524: answer within 30 days, once extendable by 30. GDPR article 12: within one month, once extendable by two.' }),
		count, error,
		h('div', { class: 'table-wrap' }, h('table', { class: 'report requests' },
			h('caption', { class: 'visually-hidden', text: 'Open access and export requests, soonest due first' }),
			h('thead', {}, h('tr', {}, ['Client', 'Request', 'Law', 'Received', 'Due', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
			tbody)),
		h('div', { class: 'actions' }, newBtn), area);
	return { el, load };
}

// clientPicker(form, chosen) - a "Client" combobox over client search.
function clientPicker(form, chosen) {
	const input = form.add({ name: 'client', label: 'Client', hint: 'Type two letters of the name, then choose.', autocomplete: 'off' });
	combobox(input, {
		noun: 'client',
		search: async (q) => (await api('POST', '/api/v1/clients/search', { query: q, limit: 8 })).clients,
		label: clientName,
		node: (c) => h('span', {}, h('span', { class: 'name', text: clientName(c) }), c.date_of_birth ? h('span', { class: 'meta', text: ` born ${c.date_of_birth}` }) : null),
		chosen,
	});
	return input;
}

// erasureSection(app, holds) - erasure requests, newest first.
function erasureSection(app, holds) {
	const gen = app.gen;
	const tbody = h('tbody');
	const count = h('p', { class: 'count', role: 'status', text: 'Loading…' });
	const error = alertLine();
	const nameOf = clientNames('no longer on record');

	async function row(r) {
		const who = r.status === 'done' ? 'erased' : await nameOf(r.client);
		const blocked = (r.blocked_by ?? []).map((b) => BLOCK[b] ?? b);
		const ret = r.retention;
		return h('tr', {},
			h('td', { 'data-label': 'Client' }, r.status === 'done' ? h('span', { class: 'meta', text: `${r.client.slice(0, 8)}… (erased)` })
				: h('a', { href: `#/clients/${r.client}`, text: who })),
			h('td', { 'data-label': 'Asked', text: `${day(r.requested_at)}, ${r.requested_via === 'portal' ? 'in the portal' : 'by the practice'} (${BASIS[r.basis] ?? r.basis})` }),
			h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${r.status === 'done' ? '' : 'status-pending'}`, text: r.status === 'done' ? 'Erased' : 'Scheduled' })),
			h('td', { 'data-label': 'Blocked by', text: blocked.length ? blocked.join(' and ') : '—' }),
			h('td', { 'data-label': 'Possible from' }, r.status === 'done' ? `done ${day(r.done_at)}`
				: [r.not_before ? day(r.not_before) : 'when every hold is released',
					ret ? h('span', { class: 'meta block', text: `${ret.rule === 'minor' ? 'Minor' : 'Adult'} rule: last contact ${day(ret.last_contact)}, keep until ${day(ret.retain_until)}; ${ret.active_holds} active hold${ret.active_holds === 1 ? '' : 's'}` }) : null]),
			h('td', { 'data-label': 'Actions' }, r.status === 'done' ? null
				: h('button', { type: 'button', class: 'small secondary', text: 'Legal holds', 'aria-label': `Legal holds of ${who}`, onclick: () => holds.open(r.client, who) })));
	}

	async function load() {
		try {
			const r = await api('GET', '/api/v1/erasure-requests');
			if (!app.live(gen)) return;
			const waiting = r.requests.filter((x) => x.status === 'scheduled').length;
			count.textContent = r.requests.length === 0 ? 'No erasure requests.' : `${r.requests.length} request${r.requests.length === 1 ? '' : 's'}; ${waiting} waiting.`;
			tbody.replaceChildren(...await Promise.all(r.requests.map(row)));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}
	holds.onchange = load;

	// The form for an erasure request that came by post, email or phone:
	// the answer (done, or blocked and until when) is shown under it.
	const area = h('div');
	const answer = h('div');
	const newBtn = h('button', { type: 'button', class: 'secondary', text: 'Record an erasure request', 'aria-expanded': 'false' });
	const closeForm = () => { area.replaceChildren(); newBtn.setAttribute('aria-expanded', 'false'); };
	newBtn.addEventListener('click', () => {
		if (area.firstChild) { closeForm(); return; }
		newBtn.setAttribute('aria-expanded', 'true');
		answer.replaceChildren();
		let chosen = null;
		const form = new Form({
			name: 'er-new',
			submit: 'Record the erasure request',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => { closeForm(); newBtn.focus(); } })],
			onsubmit: async (v, f) => {
				if (!chosen) { f.fieldError('client', 'Type two letters of the name and choose the client.'); return; }
				if (!v.understood) { f.fieldError('understood', 'Confirm that you understand the record may be erased at once.'); return; }
				const who = clientName(chosen);
				const r = await withReauth(() => api('POST', `/api/v1/clients/${chosen.id}/erasure-requests`, { basis: v.basis }),
					'Recording an erasure request needs your password and a fresh code (valid for 5 minutes).');
				if (r === undefined || !app.live(gen)) return;
				closeForm();
				answer.replaceChildren(h('h3', { id: 'er-answer-h', tabindex: '-1', text: `Erasure request of ${r.status === 'done' ? 'a client (erased)' : who}` }), erasureAnswer(r));
				answer.querySelector('h3').focus();
				app.status(r.status === 'done' ? 'The record was erased.' : `Erasure request recorded; not possible before ${r.not_before ? day(r.not_before) : 'every hold is released'}.`);
				await load();
			},
		});
		clientPicker(form, (c) => { chosen = c; });
		form.add({ name: 'basis', label: 'Basis', options: BASES });
		form.add({ name: 'understood', label: 'I understand: if no retention rule or legal hold requires keeping the record, it is erased at once and cannot be recovered', type: 'checkbox' }).closest('.field').classList.add('check');
		area.replaceChildren(form.el);
		form.fields.get('client').input.focus();
	});

	const el = part('er-h', 'Erasure requests',
		h('p', { class: 'hint', text: 'A record is erased (its keys destroyed) as soon as no retention rule or legal hold requires keeping it; until then the request waits and is carried out by itself.' }),
		count, error,
		h('div', { class: 'table-wrap' }, h('table', { class: 'report requests' },
			h('caption', { class: 'visually-hidden', text: 'Erasure requests, newest first' }),
			h('thead', {}, h('tr', {}, ['Client', 'Asked', 'Status', 'Blocked by', 'Possible from', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
			tbody)),
		h('div', { class: 'actions' }, newBtn), area, answer);
	return { el, load };
}

// holdSection(app) - one client's legal holds: choose the client, see the
// holds, place one, release one (each with a reason).
function holdSection(app) {
	const gen = app.gen;
	const body = h('div', { class: 'holds' });
	const error = alertLine();
	const self = { el: null, onchange: null, open: null };
	let client = null; // {id, name}

	async function show() {
		body.replaceChildren(h('p', { class: 'count', text: 'Loading…' }));
		let r;
		try {
			r = await api('GET', `/api/v1/clients/${client.id}/legal-holds`);
		} catch (err) {
			if (app.live(gen)) { body.replaceChildren(); error.textContent = err.status === 404 ? 'There is no client at this address.' : err.message; }
			return;
		}
		if (!app.live(gen)) return;
		const active = r.holds.filter((x) => x.active).length;
		const ul = h('ul', { class: 'dx-list', 'aria-labelledby': 'lh-client' });
		ul.append(...r.holds.map((x) => {
			const panel = h('div', { class: 'row-panel' });
			return h('li', { class: x.active ? null : 'resolved' },
				h('span', { class: x.active ? 'badge status-pending' : 'badge status-draft', text: x.active ? 'Active' : 'Released' }), ' ',
				h('span', { class: 'name', text: x.reason }), ' ',
				h('span', { class: 'meta', text: `placed ${when(x.set_at)}${x.released_at ? `; released ${when(x.released_at)}: ${x.release_reason ?? ''}` : ''}` }),
				x.active ? h('span', { class: 'row-actions' }, h('button', { type: 'button', class: 'small secondary', text: 'Release', 'aria-label': `Release the hold: ${x.reason}`,
					onclick: () => reasonForm(panel, 'lh-release', 'Reason for the release', 'Release the hold', async (reason) => {
						await api('POST', `/api/v1/legal-holds/${x.id}/release`, { reason });
						app.status('The legal hold is released.');
					}) })) : null,
				panel);
		}));
		const place = h('div');
		const placeBtn = h('button', { type: 'button', text: 'Place a legal hold', onclick: () => reasonForm(place, 'lh-place', 'Reason for the hold', 'Place the hold', async (reason) => {
			await api('POST', `/api/v1/clients/${client.id}/legal-holds`, { reason });
			app.status('Legal hold placed: the record cannot be erased while it is active.');
		}, 'For example a litigation or an investigation. No erasure happens while a hold is active.') });
		body.replaceChildren(
			h('h3', { id: 'lh-client', text: `Holds on the record of ${client.name}` }),
			h('p', { class: 'count', text: r.holds.length === 0 ? 'No legal hold.' : `${active} active, ${r.holds.length - active} released.` }),
			ul, h('div', { class: 'actions' }, placeBtn), place);
	}

	// reasonForm(where, name, label, submit, go, hint) - a reason, then go(reason).
	function reasonForm(where, name, label, submit, go, hint) {
		const form = new Form({
			name,
			submit,
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => where.replaceChildren() })],
			onsubmit: async (v, f) => {
				if (v.reason.trim() === '') { f.fieldError('reason', `${label} is required.`); return; }
				await go(v.reason.trim());
				if (!app.live(gen)) return;
				await show();
				await self.onchange?.();
			},
		});
		form.add({ name: 'reason', label, rows: 2, maxlength: 2000, hint });
		where.replaceChildren(form.el);
		form.fields.get('reason').input.focus();
	}

	const pick = new Form({
		name: 'lh-pick',
		submit: 'Show the holds',
		onsubmit: async (v, f) => {
			if (!pick.chosen) { f.fieldError('client', 'Type two letters of the name and choose the client.'); return; }
			client = { id: pick.chosen.id, name: clientName(pick.chosen) };
			await show();
		},
	});
	clientPicker(pick, (c) => { pick.chosen = c; });

	self.open = (id, name) => {
		error.textContent = '';
		client = { id, name };
		show().then(() => { if (app.live(gen)) document.getElementById('lh-client')?.setAttribute('tabindex', '-1'); document.getElementById('lh-client')?.focus(); });
	};
	self.el = part('lh-h', 'Legal holds',
		h('p', { class: 'hint', text: 'A legal hold keeps a client\'s record from being erased, whatever the retention rule says, until it is released.' }),
		pick.el, error, body);
	return self;
}
