// pnotes.js - psychotherapy notes (HIPAA 164.501), kept visibly apart from
// the record: their own section at the foot of a chart, with its own
// label and look, never in the notes list; writing one, reading and
// changing one's own, sharing it with (and taking it back from) one's
// supervisor, and a supervisor reading one shared with them.
//
// The author's key opens only for a session that proved the password: the
// server answers 403 "Re-authenticate to open psychotherapy notes" and the
// page asks for the password and code (admin.js withReauth) and retries.
// Never: puts note text anywhere but this screen's fields (no storage, no
// URL, no title); mixes these notes into the record's notes.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { withReauth } from './admin.js';
import { alertLine, when } from './fmt.js';

const WHY = 'Psychotherapy notes are sealed under your own key: confirm your password and a fresh code to open them.';
const LABEL = 'Psychotherapy notes (kept apart from the record)';
const EXPLAIN = 'Your private process notes. Only you, and a supervisor you share one with, can open them. They are never part of the client\'s record, its notes, exports, claims, search or the client portal.';

// section(app, clientId) - the separate section of a chart.
export function section(app, clientId) {
	const gen = app.gen;
	const ul = h('ul', { class: 'note-list', 'aria-labelledby': 'pn-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	const error = alertLine();
	api('GET', `/api/v1/clients/${clientId}/psychotherapy-notes`).then((r) => {
		if (!app.live(gen)) return;
		const ns = r.psychotherapy_notes;
		count.textContent = ns.length === 0 ? 'None.' : '';
		ul.replaceChildren(...ns.map((n) => h('li', {}, h('a', { href: `#/psychotherapy-notes/${n.id}` },
			h('span', { class: 'name', text: `Written ${when(n.created_at)}` }), ' ',
			n.author === app.userId() ? null : h('span', { class: 'badge', text: 'Shared with you' }), ' ',
			h('span', { class: 'meta', text: `last changed ${when(n.updated_at)}` })))));
	}, (err) => { if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; } });
	return h('section', { class: 'chart-part pnotes', 'aria-labelledby': 'pn-h' },
		h('h2', { id: 'pn-h', text: LABEL }),
		h('p', { class: 'hint', text: EXPLAIN }),
		count, error, ul,
		h('p', {}, h('a', { href: `#/clients/${clientId}/psychotherapy-notes/new`, class: 'button', text: 'Write a psychotherapy note' })));
}

function frame(app, heading, clientId, ...kids) {
	return screen(app.view, 'Psychotherapy note', heading,
		clientId ? h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text: 'Back to the chart' })) : null,
		h('div', { class: 'pnotes apart' }, h('p', { class: 'apart-label', text: LABEL }), h('p', { class: 'hint', text: EXPLAIN }), ...kids));
}

// create(app, clientId) - write a new one.
export function create(app, clientId) {
	const gen = app.gen;
	app.chartId = clientId;
	const form = new Form({
		name: 'pnote',
		submit: 'Save the psychotherapy note',
		onsubmit: async (v, f) => {
			if (v.body.trim() === '') { f.fieldError('body', 'Write the note first.'); return; }
			const n = await withReauth(() => api('POST', `/api/v1/clients/${clientId}/psychotherapy-notes`, { body: v.body }), WHY);
			if (n === undefined || !app.live(gen)) return;
			app.go(`#/psychotherapy-notes/${n.id}`, 'Psychotherapy note saved, apart from the record.');
		},
	});
	form.add({ name: 'body', label: 'Psychotherapy note', rows: 10, spellcheck: 'true' });
	frame(app, 'New psychotherapy note', clientId, form.el);
	form.fields.get('body').input.focus();
}

// open(app, id) - read one; its author changes and shares it.
export async function open(app, id) {
	const gen = app.gen;
	frame(app, 'Psychotherapy note', null, h('p', { text: 'Loading…' }));
	let n;
	try {
		n = await withReauth(() => api('GET', `/api/v1/psychotherapy-notes/${id}`), WHY);
	} catch (err) {
		if (app.live(gen)) frame(app, 'Psychotherapy note', null, h('p', { class: 'form-alert', role: 'alert', text: err.status === 404 ? 'There is no psychotherapy note at this address, or it is not yours to open.' : err.message }));
		return;
	}
	if (!app.live(gen)) return;
	if (n === undefined) {
		frame(app, 'Psychotherapy note', null, h('p', { text: 'The note stays closed until you confirm your password and code.' }),
			h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Try again', onclick: () => open(app, id) })));
		return;
	}
	app.chartId = n.client;
	if (n.author !== app.userId()) {
		frame(app, 'Psychotherapy note (shared with you)', n.client,
			h('p', { class: 'note-meta', text: `Written ${when(n.created_at)}, last changed ${when(n.updated_at)}. Shared with you by its author for supervision: read only.` }),
			h('p', { class: 'note-text', text: n.body }));
		return;
	}
	let version = n.version;
	const conflict = h('div', { class: 'conflict', role: 'alert' });
	const form = new Form({
		name: 'pnote-edit',
		submit: 'Save changes',
		onsubmit: async (v, f) => {
			if (v.body.trim() === '') { f.fieldError('body', 'A psychotherapy note cannot be empty.'); return; }
			try {
				const r = await withReauth(() => api('PUT', `/api/v1/psychotherapy-notes/${id}`, { version, body: v.body }), WHY);
				if (r === undefined || !app.live(gen)) return;
				version = r.version;
				app.status(`Saved at ${new Date().toLocaleTimeString()}.`);
			} catch (err) {
				if (err.status !== 409) throw err;
				conflict.replaceChildren(h('p', { text: 'This note was changed in another window; your text here was not saved. Copy it, then reload the note.' }),
					h('button', { type: 'button', text: 'Reload the note', onclick: () => open(app, id) }));
			}
		},
	});
	form.add({ name: 'body', label: 'Psychotherapy note', rows: 10, value: n.body, spellcheck: 'true' });
	form.el.insertBefore(conflict, form.body);
	frame(app, 'Psychotherapy note', n.client,
		h('p', { class: 'note-meta', text: `Written ${when(n.created_at)}, last changed ${when(n.updated_at)}.` }),
		form.el, await shareArea(app, n));
}

// shareArea(app, n) - share with a supervisor on the client's care team,
// or take a share back.
async function shareArea(app, n) {
	const gen = app.gen;
	const out = h('section', { class: 'share', 'aria-labelledby': 'share-h' }, h('h2', { id: 'share-h', text: 'Share with your supervisor' }));
	const error = alertLine();
	let team = [];
	try { team = (await api('GET', `/api/v1/clients/${n.client}/care-team`)).clinicians; } catch { team = []; }
	if (!app.live(gen)) return out;
	let shared = new Set(n.shared_with ?? []);
	const sups = team.filter((m) => m.role === 'supervisor');
	const list = h('ul', { class: 'plain' });
	function render() {
		list.replaceChildren(...sups.map((s) => {
			const on = shared.has(s.id);
			return h('li', {}, h('span', { text: `${s.name}: ${on ? 'shared' : 'not shared'} ` }),
				h('button', { type: 'button', class: 'small secondary', text: on ? 'Take back' : 'Share', 'aria-label': `${on ? 'Take back from' : 'Share with'} ${s.name}`,
					onclick: async () => {
						error.textContent = '';
						try {
							await withReauth(() => api('POST', `/api/v1/psychotherapy-notes/${n.id}/${on ? 'unshare' : 'share'}`, { user_id: s.id }), WHY);
							if (!app.live(gen)) return;
							if (on) shared.delete(s.id); else shared.add(s.id);
							shared = new Set(shared);
							app.status(on ? `No longer shared with ${s.name}.` : `Shared with ${s.name}: they may read it, not change it.`);
							render();
						} catch (err) { if (app.live(gen)) error.textContent = err.message; }
					} }));
		}));
	}
	render();
	out.append(h('p', { class: 'hint', text: 'A supervisor you share a note with may read it, not change or pass it on. Only your own supervisor is accepted.' }),
		sups.length === 0 ? h('p', { class: 'count', text: 'No supervisor is on this client\'s care team; the practice owner can add yours.' }) : list, error);
	return out;
}
