// today.js - a clinician's today view: their unsigned drafts and, for a
// supervisor, the notes awaiting their co-signature (GET /api/v1/me/notes).
// The list has no names; each client's name is read through GET
// /api/v1/clients/ID (audited like any other read), once per client.
//
// Never: caches names beyond this screen's elements.
import { api } from './api.js';
import { h, screen } from './dom.js';
import { statusText, templateTitle } from './notes.js';
import * as upcoming from './upcoming.js';

function when(iso) {
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

// requests(app, gen, out) - how many of the clinician's clients' access
// and export requests are open, and how many of those are overdue.
async function requests(app, gen, out) {
	const r = await api('GET', '/api/v1/access-requests');
	if (!app.live(gen)) return;
	const late = r.requests.filter((x) => x.overdue).length;
	out.textContent = r.requests.length === 0 ? 'No open requests.'
		: `${r.requests.length} open request${r.requests.length === 1 ? '' : 's'}${late ? `, ${late} overdue` : ''}.`;
	out.classList.toggle('overdue', late > 0);
}

export async function show(app) {
	const gen = app.gen;
	const drafts = h('ul', { class: 'note-list', 'aria-labelledby': 'drafts-h' });
	const draftsCount = h('p', { class: 'count', text: 'Loading…' });
	const cosign = h('ul', { class: 'note-list', 'aria-labelledby': 'cosign-h' });
	const cosignCount = h('p', { class: 'count', text: 'Loading…' });
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const supervisor = app.role() === 'supervisor';
	const rightsCount = h('p', { class: 'count', id: 'today-rights-count', text: 'Loading…' });
	screen(app.view, 'Today', 'Today', error,
		app.role() === 'clinician' ? upcoming.section(app) : null,
		h('section', { class: 'chart-part', 'aria-labelledby': 'drafts-h' }, h('h2', { id: 'drafts-h', text: 'Unsigned drafts' }), draftsCount, drafts),
		supervisor ? h('section', { class: 'chart-part', 'aria-labelledby': 'cosign-h' }, h('h2', { id: 'cosign-h', text: 'Awaiting your co-signature' }), cosignCount, cosign) : null,
		app.role() === 'clinician' ? h('section', { class: 'chart-part', 'aria-labelledby': 'rights-h' }, h('h2', { id: 'rights-h', text: 'Clients\' requests' }),
			rightsCount,
			h('p', {}, 'Access and export requests have legal due dates (30 days, or one month under GDPR); they are listed, soonest due first, on the ',
				h('a', { id: 'today-rights', href: '#/rights', text: 'rights desk' }), '.')) : null,
		h('p', {}, h('a', { href: '#/clients', text: 'All clients' })));
	const names = new Map(); // client id -> promise of a display name
	const nameOf = (id) => {
		if (!names.has(id)) {
			names.set(id, api('GET', `/api/v1/clients/${id}`).then(
				(c) => (c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name),
				() => 'a client'));
		}
		return names.get(id);
	};
	async function fill(status, ul, count, none) {
		const r = await api('GET', `/api/v1/me/notes?status=${status}`);
		if (!app.live(gen)) return;
		count.textContent = r.notes.length === 0 ? none : `${r.notes.length} note${r.notes.length === 1 ? '' : 's'}.`;
		const rows = await Promise.all(r.notes.map(async (n) => {
			const who = await nameOf(n.client);
			const meta = status === 'draft' ? `last saved ${when(n.updated_at)}` : `by ${n.author_name}, signed ${when(n.signed_at)}`;
			return h('li', {}, h('a', { href: `#/notes/${n.id}` },
				h('span', { class: 'name', text: who }), ' ',
				h('span', { text: `${n.date} · ${templateTitle(n.template)}` }), ' ',
				h('span', { class: `badge status-${n.status}`, text: statusText(n.status) }), ' ',
				h('span', { class: 'meta', text: meta })));
		}));
		if (app.live(gen)) ul.replaceChildren(...rows);
	}
	try {
		await Promise.all([
			fill('draft', drafts, draftsCount, 'No unsigned drafts. Well done.'),
			supervisor ? fill('awaiting_cosign', cosign, cosignCount, 'Nothing awaits your co-signature.') : null,
			app.role() === 'clinician' ? requests(app, gen, rightsCount) : null,
		]);
	} catch (err) {
		if (app.live(gen)) error.textContent = err.message;
	}
}
