// access.js - a client's access report (who looked at the record, when,
// what and why: GET /api/v1/audit/clients/ID, owner and privacy officer)
// and the break-the-glass dialog a clinician sees for a client outside
// their care team (POST /api/v1/clients/ID/break-glass with a reason).
//
// Never: puts the reason in a URL; keeps a report after its screen.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';

const PAGE = 100;
const EVENTS = {
	'client.read': 'opened the record', 'client.update': 'changed the record', 'client.create': 'registered the client',
	'client.list': 'listed clients', 'client.search': 'searched clients',
	'note.read': 'read a note', 'note.list': 'listed notes', 'note.create': 'started a note', 'note.update': 'edited a draft note',
	'note.sign': 'signed a note', 'note.cosign': 'co-signed a note', 'note.addendum': 'added an addendum',
	'diagnosis.read': 'read diagnoses', 'diagnosis.add': 'added a diagnosis', 'diagnosis.update': 'changed a diagnosis',
	'client.break_glass': 'used emergency access', 'client.care_team': 'changed the care team', 'audit.access_report': 'read this access report',
};
const ROLES = { owner: 'owner', clinician: 'clinician', supervisor: 'supervisor', scheduler: 'front desk', biller: 'biller', auditor: 'privacy officer', client: 'client', system: 'system' };

// report(app, clientId) - the access report, newest first, paged.
export async function report(app, clientId) {
	const gen = app.gen;
	const tbody = h('tbody');
	const count = h('p', { class: 'count', role: 'status', text: 'Loading…' });
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const more = h('button', { type: 'button', class: 'secondary', text: 'Older entries', hidden: true });
	const table = h('table', { class: 'report' },
		h('caption', { class: 'visually-hidden', text: 'Who looked at this record' }),
		h('thead', {}, h('tr', {}, ['When', 'Who', 'Role', 'What', 'Why', 'Outcome'].map((t) => h('th', { scope: 'col', text: t })))),
		tbody);
	let next = null;
	async function load(before) {
		try {
			const r = await api('GET', `/api/v1/audit/clients/${clientId}?limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
			if (!app.live(gen)) return;
			tbody.append(...r.events.map((e) => h('tr', {},
				h('td', { 'data-label': 'When', text: new Date(e.at).toLocaleString() }),
				h('td', { 'data-label': 'Who', text: e.actor_name || e.actor }),
				h('td', { 'data-label': 'Role', text: ROLES[e.actor_role] ?? e.actor_role }),
				h('td', { 'data-label': 'What', text: EVENTS[e.event] ?? e.event }),
				h('td', { 'data-label': 'Why', text: e.purpose || '—' }),
				h('td', { 'data-label': 'Outcome', text: e.outcome === 'ok' ? 'allowed' : e.outcome === 'denied' ? 'refused' : e.outcome }))));
			next = r.next;
			more.hidden = next === null;
			const n = tbody.children.length;
			count.textContent = n === 0 ? 'Nobody has looked at this record yet.' : `${n} entr${n === 1 ? 'y' : 'ies'}${next ? '; older ones to load' : ''}.`;
		} catch (err) {
			if (!app.live(gen)) return;
			count.textContent = '';
			error.textContent = err.status === 404 ? 'There is no client at this address.' : err.message;
		}
	}
	more.addEventListener('click', () => load(next));
	screen(app.view, 'Access report', 'Access report',
		h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text: 'Back to the record' })),
		h('p', { text: 'Every time someone opened, searched or changed this client\'s record, from the tamper-evident audit trail.' }),
		count, error, h('div', { class: 'table-wrap' }, table), h('div', { class: 'actions' }, more));
	await load(null);
}

// breakGlass(app, clientId, opened) - the dialog: a reason is required;
// access is time-boxed and reviewed. opened(expiresAt) after success.
export function breakGlass(app, clientId, opened) {
	const dialog = h('dialog', { class: 'bg-dialog', 'aria-labelledby': 'bg-title', 'aria-describedby': 'bg-text' });
	const form = new Form({
		name: 'bg',
		submit: 'Open the record',
		extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => dialog.close() })],
		onsubmit: async (v, f) => {
			if (v.reason.trim().length < 10) {
				f.fieldError('reason', 'Give the reason in a few words (at least 10 characters).');
				return;
			}
			const r = await api('POST', `/api/v1/clients/${clientId}/break-glass`, { reason: v.reason.trim() });
			dialog.close();
			opened(r.expires_at);
		},
	});
	form.add({ name: 'reason', label: 'Reason', hint: 'Why you need this record now (for example: covering a crisis call for a colleague).', rows: 3, maxlength: 500 });
	dialog.append(h('h2', { id: 'bg-title', text: 'Emergency access (break the glass)' }),
		h('p', { id: 'bg-text', text: 'This client is not on your care team. You may open the record for a limited time if you have a clinical reason. Your reason and every view are recorded and reviewed by the practice.' }),
		form.el);
	dialog.addEventListener('close', () => dialog.remove());
	document.body.append(dialog);
	dialog.showModal();
	form.fields.get('reason').input.focus();
}
