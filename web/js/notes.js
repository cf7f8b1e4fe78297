// notes.js - progress notes: the list in a chart, starting a note from a
// template, the editor that saves the draft to the server as you type,
// signing, addenda and a supervisor's co-signature.
//
// Autosave: every change marks the draft unsaved and, SAVE_DELAY_MS after
// the typing pauses, PATCHes the whole draft with its version. A failed
// save keeps the text on the page and is tried again (backing off to
// RETRY_MAX_MS); a save is also forced before another screen, before
// signing and before sign-out. So if the session ends mid-note, what was
// typed up to the last pause is already on the server.
// Never: stores note text in the browser (no localStorage, no
// sessionStorage, no URL); text lives only in the editor's fields.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';

export const SAVE_DELAY_MS = 800;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30000;

const LABELS = {
	subjective: 'Subjective', objective: 'Objective', assessment: 'Assessment', plan: 'Plan',
	data: 'Data', behavior: 'Behavior', intervention: 'Intervention', response: 'Response',
	presenting_problem: 'Presenting problem', history: 'History', mental_status: 'Mental status',
	diagnostic_impression: 'Diagnostic impression', reason: 'Reason for discharge', summary: 'Summary of treatment',
	progress: 'Progress', recommendations: 'Recommendations',
	risk_suicidal: 'Suicidal ideation', risk_homicidal: 'Homicidal ideation', safety_plan: 'Safety plan',
};
const RISK = new Set(['risk_suicidal', 'risk_homicidal', 'safety_plan']);
// The levels the server accepts for the two ideation fields (reportable:
// GET /api/v1/reports/risk); empty means not assessed.
const LEVELS = [['', 'Not assessed'], ['denies', 'Denies'], ['passive', 'Passive ideation'],
	['active_no_plan', 'Active, no plan'], ['plan', 'With a plan'], ['intent', 'With intent']];
const LEVEL_FIELDS = new Set(['risk_suicidal', 'risk_homicidal']);
const TITLES = { soap: 'SOAP', dap: 'DAP', birp: 'BIRP', intake: 'Intake assessment', discharge: 'Discharge summary' };
const STATUS = { draft: 'Draft', awaiting_cosign: 'Awaiting co-signature', signed: 'Signed' };

export const label = (f) => LABELS[f] ?? f.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
export const templateTitle = (t) => TITLES[t] ?? t;
export const statusText = (s) => STATUS[s] ?? s;

function when(iso) {
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function clock(d = new Date()) {
	return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function badge(status) {
	return h('span', { class: `badge status-${status}`, text: statusText(status) });
}

function noteRow(n) {
	return h('li', {}, h('a', { href: `#/notes/${n.id}` },
		h('span', { class: 'name', text: `${n.date} · ${templateTitle(n.template)}` }), ' ',
		badge(n.status), ' ',
		h('span', { class: 'meta', text: `by ${n.author_name}` })));
}

// section(app, clientId) - the notes part of a chart: newest first, older
// pages on demand, and "New note".
export function section(app, clientId) {
	const gen = app.gen;
	const list = h('ul', { class: 'note-list', 'aria-labelledby': 'notes-h' });
	const count = h('p', { class: 'count', text: 'Loading notes…' });
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const more = h('button', { type: 'button', class: 'secondary', text: 'Older notes', hidden: true });
	let next = null;
	async function load(before) {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/notes${before ? `?before=${encodeURIComponent(before)}` : ''}`);
			if (!app.live(gen)) return;
			list.append(...r.notes.map(noteRow));
			next = r.next;
			more.hidden = next === null;
			count.textContent = list.children.length === 0 ? 'No notes yet.' : '';
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}
	more.addEventListener('click', () => load(next));
	load(null);
	return h('section', { class: 'chart-part', 'aria-labelledby': 'notes-h' },
		h('h2', { id: 'notes-h', text: 'Notes' }),
		h('p', {}, h('a', { href: `#/clients/${clientId}/notes/new`, class: 'button', text: 'New note', 'aria-keyshortcuts': 'n' })),
		count, error, list, h('div', { class: 'actions' }, more));
}

function historyLink(noteId) {
	return h('a', { href: `#/notes/${noteId}/history`, text: 'Saved versions of this note' });
}

function chartLink(clientId, text = 'Back to the chart') {
	return h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text }));
}

// create(app, clientId) - choose a template and a date; the draft is
// created on the server at once, then edited.
export async function create(app, clientId) {
	const gen = app.gen;
	app.chartId = clientId;
	screen(app.view, 'New note', 'New note', chartLink(clientId), h('p', { text: 'Loading templates…' }));
	let templates;
	try {
		templates = (await api('GET', '/api/v1/note-templates')).templates;
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'New note', 'New note', chartLink(clientId), h('p', { class: 'form-alert', role: 'alert', text: err.message }));
		return;
	}
	if (!app.live(gen)) return;
	const form = new Form({
		name: 'new-note',
		submit: 'Start the note',
		onsubmit: async (v) => {
			const t = templates.find((x) => x.name === v.template);
			const n = await api('POST', `/api/v1/clients/${clientId}/notes`, { template: v.template, date: v.date, fields: {} });
			if (!app.live(gen)) return;
			app.go(`#/notes/${n.id}`, `${t?.title ?? 'Note'} draft started; it saves itself as you type.`);
		},
	});
	form.add({ name: 'template', label: 'Template', options: templates.map((t) => [t.name, t.title]) });
	form.add({ name: 'date', label: 'Date of service', type: 'date', value: new Date().toISOString().slice(0, 10) });
	screen(app.view, 'New note', 'New note', chartLink(clientId), form.el);
}

// open(app, noteId) - the editor for a draft, or the signed note.
export async function open(app, noteId) {
	const gen = app.gen;
	screen(app.view, 'Note', 'Note', h('p', { text: 'Loading…' }));
	let n;
	let templates;
	try {
		[n, templates] = await Promise.all([api('GET', `/api/v1/notes/${noteId}`), api('GET', '/api/v1/note-templates')]);
	} catch (err) {
		if (!app.live(gen)) return;
		const text = err.status === 404 ? 'There is no note at this address, or it is outside your access.' : err.message;
		screen(app.view, 'Note', err.status === 404 ? 'Note not found' : 'Note', h('p', { class: 'form-alert', role: 'alert', text }),
			h('p', {}, h('a', { href: '#/clients', text: 'Go to the client list' })));
		return;
	}
	if (!app.live(gen)) return;
	app.chartId = n.client;
	const fields = templates.templates.find((t) => t.name === n.template)?.fields ?? Object.keys(n.fields ?? {});
	if (n.status === 'draft' && n.author === app.userId()) editor(app, n, fields);
	else view(app, n, fields);
}

// editor(app, n, fieldNames) - a draft, saved to the server as it is typed.
function editor(app, n, fieldNames) {
	let version = n.version;
	let saved = JSON.stringify({ date: n.date, fields: n.fields ?? {} }); // what the server has
	let inflight = null; // the promise of the save on its way
	let timer = null;
	let retryMs = RETRY_MIN_MS;
	let stopped = false; // conflict, signed, or gone
	const indicator = h('p', { class: 'autosave', id: 'autosave', role: 'status', 'aria-live': 'polite', text: 'All changes saved.' });
	const conflict = h('div', { class: 'conflict', role: 'alert' });
	const form = new Form({ name: 'note', submit: 'Sign and lock', onsubmit: () => confirmSign() });
	form.add({ name: 'date', label: 'Date of service', type: 'date', value: n.date });
	const riskStart = h('h2', { class: 'risk-h', text: 'Risk' });
	let riskAdded = false;
	for (const f of fieldNames) {
		if (RISK.has(f) && !riskAdded) { form.body.append(riskStart); riskAdded = true; }
		if (LEVEL_FIELDS.has(f)) form.add({ name: f, label: label(f), options: LEVELS, value: n.fields?.[f] ?? '' });
		else form.add({ name: f, label: label(f), rows: RISK.has(f) ? 2 : 6, value: n.fields?.[f] ?? '', spellcheck: 'true' });
	}
	const signPanel = h('div', { class: 'sign-panel', hidden: true });
	form.el.insertBefore(signPanel, form.alert);
	form.el.insertBefore(conflict, form.body);

	const current = () => {
		const v = form.values();
		const out = {};
		for (const f of fieldNames) if (v[f] !== '') out[f] = v[f];
		return { date: v.date, fields: out };
	};
	const dirty = () => JSON.stringify(current()) !== saved;
	const show = (text, cls) => { indicator.textContent = text; indicator.className = `autosave ${cls ?? ''}`.trim(); };

	// save() - send what is on the page now; resolves when the page's text
	// is on the server or a save failed (then a retry is scheduled).
	async function save() {
		clearTimeout(timer);
		timer = null;
		if (stopped) return;
		if (inflight) { await inflight; if (dirty()) return save(); return; }
		if (!dirty()) { show(`All changes saved${saved === null ? '' : ''}.`); return; }
		const snap = current();
		if (snap.date === '') { show('Not saved: the date of service is missing.', 'error'); return; }
		show('Saving…', 'saving');
		inflight = (async () => {
			try {
				const r = await api('PATCH', `/api/v1/notes/${n.id}`, { version, date: snap.date, fields: snap.fields });
				version = r.version;
				saved = JSON.stringify(snap);
				retryMs = RETRY_MIN_MS;
				show(dirty() ? 'Unsaved changes…' : `Draft saved at ${clock()}.`, dirty() ? 'pending' : 'saved');
				if (dirty()) schedule();
			} catch (err) {
				if (err.status === 409) {
					stopped = true;
					show('Not saved: this draft was changed elsewhere.', 'error');
					conflict.replaceChildren(h('p', {}, h('strong', { text: 'This draft was changed in another window or was signed.' }),
						' Your text below has not been saved. Copy anything you need, then reload the note.'),
					h('button', { type: 'button', text: 'Reload the note', onclick: () => { app.leave = null; app.dirty = null; open(app, n.id); } }));
				} else if (err.status === 401) {
					stopped = true; // the session ended: sign-in takes over
				} else if (err.status === 400) {
					show(`Not saved: ${err.message}`, 'error');
				} else {
					show(`Not saved yet (${err.status === 0 ? 'no connection' : 'the server is busy'}); your text is kept here and will be sent again in ${Math.round(retryMs / 1000)} s.`, 'error');
					timer = setTimeout(save, retryMs);
					retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
				}
			} finally {
				inflight = null;
			}
		})();
		await inflight;
	}
	function schedule() {
		clearTimeout(timer);
		timer = setTimeout(save, SAVE_DELAY_MS);
	}
	form.el.addEventListener('input', () => {
		if (stopped) return;
		show('Unsaved changes…', 'pending');
		schedule();
	});
	form.el.addEventListener('focusout', () => { if (dirty() && !stopped) save(); });

	async function confirmSign() {
		await save();
		if (dirty()) { form.alert.textContent = 'The draft could not be saved, so it was not signed. Try again in a moment.'; return; }
		signPanel.hidden = false;
		signPanel.replaceChildren(
			h('p', { id: 'sign-q', text: 'Signing locks this note: it can never be edited again, and corrections become signed addenda. Sign it now?' }),
			h('div', { class: 'actions' },
				h('button', { type: 'button', text: 'Sign now', 'aria-describedby': 'sign-q', onclick: () => sign() }),
				h('button', { type: 'button', class: 'secondary', text: 'Keep editing', onclick: () => { signPanel.hidden = true; form.button.focus(); } })));
		signPanel.querySelector('button').focus();
	}
	async function sign() {
		await save();
		if (dirty()) { form.alert.textContent = 'The draft could not be saved, so it was not signed.'; return; }
		try {
			const r = await api('POST', `/api/v1/notes/${n.id}/sign`, {});
			stopped = true;
			app.leave = null;
			app.dirty = null;
			app.status(r.status === 'awaiting_cosign' ? 'Note signed; it now awaits your supervisor\'s co-signature.' : 'Note signed and locked.');
			open(app, n.id);
		} catch (err) {
			signPanel.hidden = true;
			form.fail(err);
		}
	}

	app.leave = () => save();
	app.dirty = () => !stopped && dirty();
	screen(app.view, 'Note', `${templateTitle(n.template)} note (draft)`, chartLink(n.client),
		h('p', { class: 'note-meta' }, badge(n.status), ` Started ${when(n.created_at)} by ${n.author_name}. `, historyLink(n.id)),
		indicator, form.el);
}

// view(app, n, fieldNames) - a signed note (or another author's draft):
// read only, with its signature, addenda, co-signature and addendum form.
function view(app, n, fieldNames) {
	const body = h('div', { class: 'note-body' });
	for (const f of fieldNames) {
		const v = n.fields?.[f];
		if (v === undefined && RISK.has(f)) continue;
		body.append(h('h2', { text: label(f) }), h('p', { class: v ? 'note-text' : 'note-text none', text: v || 'not recorded' }));
	}
	const meta = [h('p', { class: 'note-meta' }, badge(n.status), ` ${n.date} · written by ${n.author_name}`)];
	if (n.signed_at) {
		meta.push(h('p', { class: 'signature', text: `Signed by ${n.author_name}, ${when(n.signed_at)}. Content hash ${n.content_hash}.` }));
	}
	if (n.status === 'awaiting_cosign') meta.push(h('p', { class: 'awaiting', text: 'This note is awaiting co-signature by the author\'s supervisor.' }));
	if (n.cosigned_at) meta.push(h('p', { class: 'signature', text: `Co-signed ${when(n.cosigned_at)}.` }));
	if (n.status === 'draft') meta.push(h('p', { text: 'A draft by another clinician: only its author edits and signs it.' }));

	meta.push(h('p', {}, historyLink(n.id)));
	const parts = [chartLink(n.client), ...meta, body];
	const adds = n.addenda ?? [];
	parts.push(h('section', { class: 'addenda', 'aria-labelledby': 'add-h' },
		h('h2', { id: 'add-h', text: `Addenda (${adds.length})` }),
		adds.length === 0 ? h('p', { class: 'count', text: 'None.' }) : h('ol', {}, adds.map((a) => h('li', {},
			h('p', { class: 'note-text', text: a.text }),
			h('p', { class: 'signature', text: `Signed by ${a.author_name}, ${when(a.signed_at)}. Hash ${a.content_hash}.` }))))));

	const actions = h('div', { class: 'actions note-actions' });
	if (n.status === 'awaiting_cosign' && app.role() === 'supervisor') {
		actions.append(h('button', { type: 'button', text: 'Co-sign', onclick: async (ev) => {
			ev.target.disabled = true;
			try {
				await api('POST', `/api/v1/notes/${n.id}/cosign`, {});
				app.status('Note co-signed.');
				open(app, n.id);
			} catch (err) {
				ev.target.disabled = false;
				app.status(err.message);
			}
		} }));
	}
	actions.append(h('button', { type: 'button', class: 'secondary', text: 'Print', onclick: () => window.print() }));
	parts.push(actions);
	if (n.status !== 'draft') {
		const form = new Form({
			name: 'addendum',
			submit: 'Sign addendum',
			onsubmit: async (v, f) => {
				if (v.text.trim() === '') { f.fieldError('text', 'Write the addendum first.'); return; }
				await api('POST', `/api/v1/notes/${n.id}/addenda`, { text: v.text });
				app.status('Addendum signed and added.');
				open(app, n.id);
			},
		});
		form.add({ name: 'text', label: 'Addendum', hint: 'A signed correction or addition; the note itself does not change.', rows: 4, spellcheck: 'true' });
		parts.push(h('section', { class: 'add-form', 'aria-label': 'Add an addendum' }, form.el));
	}
	screen(app.view, 'Note', `${templateTitle(n.template)} note`, ...parts);
}
