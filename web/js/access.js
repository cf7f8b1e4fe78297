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
	'consent.give': 'recorded a consent', 'consent.withdraw': 'withdrew a consent', 'consent.read': 'read the consents',
	'disclosure.release': 'disclosed information under a release', 'disclosure.accounting': 'read the accounting of disclosures',
	'client.history': 'read the chart\'s history', 'note.history': 'read a note\'s versions', 'guardian.list': 'read the guardians',
	'guardian.add': 'added a guardian', 'guardian.update': 'changed a guardian', 'guardian.remove': 'removed a guardian',
	'care_team.read': 'read the care team', 'attachment.upload': 'uploaded a file', 'attachment.read': 'listed or read files',
	'attachment.download': 'downloaded a file', 'plan.create': 'wrote a treatment plan', 'plan.read': 'read a treatment plan',
	'plan.list': 'listed treatment plans', 'plan.update': 'revised a treatment plan', 'plan.sign': 'signed a treatment plan',
	'amendment.request': 'asked for an amendment', 'amendment.read': 'read amendment requests', 'amendment.extend': 'extended an amendment deadline',
	'amendment.accept': 'accepted an amendment', 'amendment.deny': 'denied an amendment', 'amendment.disagree': 'added a statement of disagreement',
	'amendment.rebut': 'added a rebuttal', 'psychotherapy_note.create': 'wrote a psychotherapy note', 'psychotherapy_note.read': 'read a psychotherapy note',
	'psychotherapy_note.list': 'listed psychotherapy notes', 'psychotherapy_note.update': 'changed a psychotherapy note',
	'psychotherapy_note.share': 'shared a psychotherapy note', 'psychotherapy_note.unshare': 'took back a psychotherapy note',
	'research.include': 'included de-identified data in a research export (you consented)',
};
const ROLES = { owner: 'owner', clinician: 'clinician', supervisor: 'supervisor', scheduler: 'front desk', biller: 'biller', auditor: 'privacy officer', client: 'client', system: 'system' };

// report(app, clientId, opts) - the access report, newest first, paged.
// opts.portal: the client's own ("who looked at my record").
export async function report(app, clientId, opts = {}) {
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
	screen(app.view, 'Access report', opts.portal ? 'Who looked at my record' : 'Access report',
		h('p', { class: 'back' }, h('a', { href: opts.portal ? '#/portal' : `#/clients/${clientId}`, text: opts.portal ? 'Back to my record' : 'Back to the record' })),
		h('p', { text: opts.portal ? 'Every time someone at the practice opened, searched or changed your record, from the tamper-evident audit trail.'
			: 'Every time someone opened, searched or changed this client\'s record, from the tamper-evident audit trail.' }),
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
