// clients.js - the client list (paged), search, a client's record, editing
// it (with the version read, so a concurrent change is refused, not lost)
// and registering a new client. The chart's other parts (plans,
// attachments, amendment requests, psychotherapy notes) are modules loaded
// when a chart first shows them, so the first screen stays small.
//
// Client data lives only in the elements of the current screen and the
// closures of their handlers: nothing is cached at module level, so
// replacing the screen (or signing out) leaves no reference to it.
// Never: puts a name or a search term in the URL or in document.title.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import * as access from './access.js';
import * as chart from './chart.js';
import * as diagnoses from './diagnoses.js';
import * as notes from './notes.js';

const PAGE = 50;
const SEARCH_LIMIT = 50;
const ID = /^[0-9a-f]{32}$/;

const STATUS = [['active', 'Active'], ['prospective', 'Prospective'], ['discharged', 'Discharged']];

// The editable fields of a client, in the order shown.
const FIELDS = [
	{ name: 'legal_name', label: 'Legal name', hint: 'Required.' },
	{ name: 'preferred_name', label: 'Preferred name' },
	{ name: 'pronouns', label: 'Pronouns' },
	{ name: 'date_of_birth', label: 'Date of birth', type: 'date' },
	{ name: 'email', label: 'Email', type: 'email', spellcheck: 'false', autocapitalize: 'none' },
	{ name: 'phone', label: 'Phone', type: 'tel' },
	{ name: 'address', label: 'Address', rows: 3 },
	{ name: 'status', label: 'Status', options: STATUS },
];

function statusText(s) {
	return (STATUS.find(([v]) => v === s) ?? [s, s])[1];
}

function displayName(c) {
	return c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name;
}

function when(iso) {
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function backLink() {
	return h('p', { class: 'back' }, h('a', { href: '#/clients', text: 'All clients' }));
}

// row(c, link) - a list entry; a link to the chart only for roles that
// may open one (billing sees names, not charts).
function row(c, link) {
	if (!ID.test(c.id)) return null;
	const meta = [c.date_of_birth ? `born ${c.date_of_birth}` : null, statusText(c.status)].filter(Boolean).join(' · ');
	const kids = [h('span', { class: 'name', text: displayName(c) }), ' ', h('span', { class: 'meta', text: meta })];
	return h('li', {}, link ? h('a', { href: `#/clients/${c.id}` }, kids) : h('span', { class: 'entry' }, kids));
}

// list(app) - the first page of clients, "Load more", and search.
export function list(app) {
	const gen = app.gen;
	const link = app.canChart();
	const rowOf = (c) => row(c, link);
	const q = h('input', { type: 'search', id: 'client-search', name: 'query', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'client-search-hint' });
	const clearBtn = h('button', { type: 'button', class: 'secondary', text: 'Show all', hidden: true });
	const search = h('form', { role: 'search', method: 'post', class: 'search', 'aria-label': 'Client search' },
		h('label', { for: 'client-search', text: 'Search clients' }),
		h('p', { class: 'hint', id: 'client-search-hint', text: 'The beginnings of name words, or a date of birth as YYYY-MM-DD.' }),
		h('div', { class: 'inline' }, q, h('button', { type: 'submit', text: 'Search' }), clearBtn));
	const count = h('p', { class: 'count', role: 'status' });
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const ul = h('ul', { class: 'client-list', 'aria-labelledby': 'clients-h' });
	const more = h('button', { type: 'button', class: 'secondary', text: 'Load more clients', hidden: true });
	let next = null;
	let busy = false;

	async function load(after) {
		const path = `/api/v1/clients?limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
		const r = await api('GET', path);
		if (!app.live(gen)) return;
		const first = r.clients.length > 0 ? ul.children.length : -1;
		if (!after) ul.replaceChildren();
		ul.append(...r.clients.map(rowOf).filter(Boolean));
		next = r.next;
		more.hidden = next === null;
		const n = ul.children.length;
		count.textContent = n === 0 ? 'No clients yet.' : `${n} client${n === 1 ? '' : 's'} shown${next ? '; more to load' : ''}.`;
		if (after && first >= 0) ul.children[first]?.querySelector('a')?.focus();
	}

	async function guarded(fn) {
		if (busy) return;
		busy = true;
		error.textContent = '';
		try { await fn(); } catch (err) { if (app.live(gen)) error.textContent = err.message; } finally { busy = false; }
	}

	search.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const query = q.value.trim();
		if (query === '') {
			clearBtn.hidden = true;
			guarded(() => load(null));
			return;
		}
		guarded(async () => {
			const r = await api('POST', '/api/v1/clients/search', { query, limit: SEARCH_LIMIT });
			if (!app.live(gen)) return;
			ul.replaceChildren(...r.clients.map(rowOf).filter(Boolean));
			next = null;
			more.hidden = true;
			clearBtn.hidden = false;
			const n = ul.children.length;
			count.textContent = n === 0 ? 'No client matches.'
				: `${n} matching client${n === 1 ? '' : 's'}${n === SEARCH_LIMIT ? ' (the first ones: add words to narrow it)' : ''}.`;
		});
	});
	clearBtn.addEventListener('click', () => {
		q.value = '';
		clearBtn.hidden = true;
		guarded(() => load(null));
		q.focus();
	});
	more.addEventListener('click', () => guarded(() => load(next)));

	const h1 = screen(app.view, 'Clients', 'Clients', search, count, error, ul, h('div', { class: 'actions' }, more),
		app.canRegister() ? h('p', {}, h('a', { href: '#/clients/new', class: 'button', text: 'New client' })) : null);
	h1.id = 'clients-h';
	if (app.afterList) {
		const f = app.afterList;
		app.afterList = null;
		f();
	}
	guarded(() => load(null));
}

// addFields(form, c, extra) - the client fields, filled from c (or
// empty), then the chart fields the practice collects (extra).
function addFields(form, c, extra) {
	for (const f of FIELDS) {
		form.add({ ...f, value: c ? (c[f.name] ?? '') : (f.name === 'status' ? 'active' : ''), autocomplete: 'off' });
	}
	form.fields.get('legal_name').input.required = true;
	chart.addChartFields(form, extra, c);
}

// lazy(app, mod, fn, ...args) - a placeholder replaced by mod's fn(app,
// ...args) once the module has loaded (if the screen is still shown).
export function lazy(app, mod, fn, ...args) {
	const gen = app.gen;
	const slot = h('div', { class: 'slot' });
	import(`./${mod}.js`).then((m) => { if (app.live(gen)) slot.replaceWith(m[fn](app, ...args)); },
		() => { if (app.live(gen)) slot.replaceWith(h('p', { class: 'form-alert', role: 'alert', text: 'A part of this page could not be loaded; reload the page.' })); });
	return slot;
}

// badDate(form) - a date field the browser could not read (half typed).
function badDate(form) {
	const f = form.fields.get('date_of_birth');
	if (f.input.validity.badInput) {
		form.fieldError('date_of_birth', 'Date of birth must be a real date, YYYY-MM-DD');
		return true;
	}
	return false;
}

// detail(app, id) - one client's record, and its edit form.
export async function detail(app, id) {
	const gen = app.gen;
	screen(app.view, 'Client record', 'Client record', backLink(), h('p', { text: 'Loading…' }));
	let c;
	let settings;
	try {
		[c, settings] = await Promise.all([api('GET', `/api/v1/clients/${id}`), chart.collects()]);
	} catch (err) {
		if (!app.live(gen)) return;
		if (err.status === 404 && app.clinical()) {
			notReached(app, id);
		} else if (err.status === 404) {
			screen(app.view, 'Client not found', 'Client not found', backLink(),
				h('p', { text: 'There is no client at this address, or the record is outside your access.' }));
		} else {
			screen(app.view, 'Client record', 'Client record', backLink(), h('p', { class: 'form-alert', role: 'alert', text: err.message }));
		}
		return;
	}
	if (app.live(gen)) show(app, c, settings);
}

// notReached(app, id) - a clinician asked for a client they do not reach:
// the same words as "not found" (the API does not say which), and the
// break-the-glass dialog for an emergency.
function notReached(app, id) {
	const btn = h('button', { type: 'button', class: 'secondary', text: 'Emergency access (break the glass)…' });
	btn.addEventListener('click', () => access.breakGlass(app, id, (until) => {
		app.status(`Emergency access granted until ${new Date(until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}. Every view is recorded.`);
		app.glass = { id, until };
		detail(app, id);
	}));
	screen(app.view, 'Client not found', 'Client not found', backLink(),
		h('p', { text: 'There is no client at this address, or the client is not on your care team.' }),
		h('p', { text: 'In an emergency you may open a record outside your care team for a limited time, with a reason that is recorded and reviewed.' }),
		h('div', { class: 'actions' }, btn));
}

// restrictedNote(app, c) - a restricted record (GDPR Art. 18) says so at
// the top; the owner and the privacy officer may lift it there.
function restrictedNote(app, c) {
	if (!c.restricted) return null;
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const lift = ['owner', 'auditor'].includes(app.role())
		? h('button', { type: 'button', class: 'small secondary', text: 'Lift the restriction',
			onclick: async () => {
				error.textContent = '';
				try {
					await api('POST', `/api/v1/clients/${c.id}/restriction/lift`, {});
					app.status('The restriction was lifted: the record may be processed again.');
					detail(app, c.id);
				} catch (err) {
					error.textContent = err.message;
				}
			} })
		: null;
	return h('div', { class: 'glass restricted', role: 'note', id: 'restricted-note' },
		h('p', {}, h('strong', { text: 'Restricted. ' }), 'Processing of this record is restricted (GDPR Art. 18): it is only stored, and read for legal claims. It is left out of lists, the calendar shows no name, and changes are refused.'),
		lift, error);
}

function show(app, c, settings) {
	const dl = h('dl', { class: 'record' });
	for (const f of FIELDS) {
		const v = f.name === 'status' ? statusText(c.status) : c[f.name];
		dl.append(h('dt', { text: f.label }), h('dd', { class: v ? null : 'none', text: v || 'not recorded' }));
	}
	chart.detailRows(dl, c, settings);
	dl.append(h('dt', { text: 'Registered' }), h('dd', { text: when(c.created_at) }),
		h('dt', { text: 'Last changed' }), h('dd', { text: `${when(c.updated_at)} (version ${c.version})` }));
	const edit = app.canRegister()
		? h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Edit', onclick: () => editForm(app, c, settings) }))
		: null;
	const glass = app.glass?.id === c.id && Date.parse(app.glass.until) > Date.now()
		? h('p', { class: 'glass', role: 'note', text: `Emergency access (break the glass) until ${new Date(app.glass.until).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: your reason and every view are recorded and reviewed.` })
		: null;
	const parts = [backLink(), glass, restrictedNote(app, c), h('section', { class: 'chart-part', 'aria-labelledby': 'demo-h' }, h('h2', { id: 'demo-h', text: 'Details' }), dl, edit)];
	parts.push(chart.careTeam(app, c.id).el, chart.guardians(app, c.id, settings, app.canRegister()));
	if (app.clinical()) {
		parts.push(diagnoses.section(app, c.id), lazy(app, 'plans', 'section', c.id), notes.section(app, c.id),
			lazy(app, 'attachments', 'section', c.id), lazy(app, 'amendments', 'section', c.id));
	}
	// the right of access: the owner, a clinician on the care team (the server decides)
	if (['owner', 'clinician'].includes(app.role())) parts.push(lazy(app, 'myrights', 'exportSection', c.id));
	const links = [h('li', {}, h('a', { href: `#/clients/${c.id}/consents`, text: 'Consents, releases and disclosures' })),
		h('li', {}, h('a', { href: `#/clients/${c.id}/history`, text: 'Chart history: who changed what, and when' }))];
	if (app.canAudit()) {
		links.push(h('li', {}, h('a', { href: `#/clients/${c.id}/access`, text: 'Access report: who looked at this record' })));
	}
	parts.push(h('nav', { class: 'chart-part chart-links', 'aria-label': 'More about this client' }, h('ul', { class: 'plain' }, links)));
	// Psychotherapy notes: last, apart from the record, never mixed with it.
	if (app.clinical()) parts.push(lazy(app, 'pnotes', 'section', c.id));
	screen(app.view, 'Client record', displayName(c), ...parts);
	app.chartId = c.id;
}

async function editForm(app, c, settings) {
	const gen = app.gen;
	const extra = chart.formFields(settings, c);
	const team = await chart.careTeam(app, c.id).ready;
	if (!app.live(gen)) return;
	const conflict = h('div', { class: 'conflict', role: 'alert' });
	const form = new Form({
		name: 'edit',
		submit: 'Save changes',
		extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => show(app, c, settings) })],
		onsubmit: async (v, f) => {
			if (badDate(f)) return;
			conflict.replaceChildren();
			const body = { version: c.version };
			for (const { name } of FIELDS) {
				const nv = v[name].trim();
				if (nv !== (c[name] ?? '')) body[name] = nv === '' ? null : nv;
			}
			for (const f of extra) {
				const nv = chart.toApi(f, v[f.name]);
				if (nv !== (c[f.name] ?? null)) body[f.name] = nv;
			}
			if ('primary_clinician' in v && (v.primary_clinician || null) !== (c.primary_clinician ?? null)) {
				body.primary_clinician = v.primary_clinician || null;
			}
			if (Object.keys(body).length === 1) {
				app.status('Nothing to save: no field was changed.');
				show(app, c, settings);
				return;
			}
			let updated;
			try {
				updated = await api('PATCH', `/api/v1/clients/${c.id}`, body);
			} catch (err) {
				if (err.status !== 409) throw err;
				conflict.append(
					h('p', {}, h('strong', { text: 'This record was changed since you read it.' }),
						' Someone saved a change while you were editing, so your changes have not been saved. Reload the record to see the current version, then make your changes again.'),
					h('button', { type: 'button', text: 'Reload the record', onclick: () => reload() }));
				conflict.querySelector('button').focus();
				return;
			}
			if (!app.live(gen)) return;
			app.status('Changes saved.');
			show(app, updated, settings);
		},
	});
	async function reload() {
		try {
			const fresh = await api('GET', `/api/v1/clients/${c.id}`);
			if (!app.live(gen)) return;
			await editForm(app, fresh, settings);
			// said once the new form is on the page, not before
			if (app.live(gen)) app.status('The current version is shown; your earlier changes were not saved.');
		} catch (err) {
			if (app.live(gen)) form.alert.textContent = err.message;
		}
	}
	addFields(form, c, extra);
	if (team.length > 0) {
		form.add({ name: 'primary_clinician', label: 'Primary clinician', value: c.primary_clinician ?? '',
			options: [['', 'None chosen'], ...team.map((m) => [m.id, m.name])] });
	}
	form.el.insertBefore(conflict, form.alert);
	screen(app.view, 'Edit client record', `Edit ${displayName(c)}`, backLink(), form.el);
}

// create(app) - register a new client; on success, open their record.
export async function create(app) {
	if (!app.canRegister()) {
		screen(app.view, 'New client', 'New client', backLink(), h('p', { text: 'Your role does not register clients.' }));
		return;
	}
	const gen = app.gen;
	const settings = await chart.collects();
	if (!app.live(gen)) return;
	const extra = chart.formFields(settings, null);
	const form = new Form({
		name: 'new-client',
		submit: 'Register client',
		onsubmit: async (v, f) => {
			if (badDate(f)) return;
			const body = {};
			for (const { name } of FIELDS) {
				const x = v[name].trim();
				if (x !== '') body[name] = x;
			}
			for (const f of extra) {
				const x = chart.toApi(f, v[f.name]);
				if (x !== null) body[f.name] = x;
			}
			const c = await api('POST', '/api/v1/clients', body);
			if (!app.live(gen)) return;
			app.go(`#/clients/${c.id}`, 'Client registered.');
		},
	});
	addFields(form, null, extra);
	screen(app.view, 'New client', 'New client', backLink(), form.el);
}
