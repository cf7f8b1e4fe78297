// fmt.js - small shared helpers of the chart's screens: dates and times
// for people, file sizes, and the confirm-in-place panel used before an
// action that cannot be undone (withdraw, remove, sign).
//
// Never: keeps any value between calls (pure functions and elements;
// clientNames' lookup lives in the closure of the screen that made it).
import { h } from './dom.js';
import { api } from './api.js';

// when(iso) - a date and time in the reader's locale (the text as is if it
// is not a time).
export function when(iso) {
	const d = new Date(iso);
	return iso && !Number.isNaN(d.getTime()) ? d.toLocaleString() : (iso ?? '');
}

// day(iso) - the date part of a time, YYYY-MM-DD in the reader's zone.
export function day(iso) {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso ?? '';
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// size(n) - bytes for people: "812 bytes", "1.4 MB".
export function size(n) {
	if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
	return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

// confirmPanel(where, question, yes, go) - replace where's content with a
// question, a "yes" button that runs go() and a "Cancel" button; the
// focus moves to the yes button. Returns the panel.
export function confirmPanel(where, question, yes, go) {
	const id = `confirm-${Math.random().toString(36).slice(2, 8)}`;
	const panel = h('div', { class: 'sign-panel', role: 'group', 'aria-labelledby': id },
		h('p', { id, text: question }),
		h('div', { class: 'actions' },
			h('button', { type: 'button', text: yes, onclick: () => { where.replaceChildren(); go(); } }),
			h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => where.replaceChildren() })));
	where.replaceChildren(panel);
	panel.querySelector('button').focus();
	return panel;
}

// part(id, title, ...kids) - a chart section with its h2.
export function part(id, title, ...kids) {
	return h('section', { class: 'chart-part', 'aria-labelledby': id }, h('h2', { id, text: title }), ...kids);
}

// alertLine() - an empty role=alert paragraph for a section's errors.
export function alertLine() {
	return h('p', { class: 'form-alert', role: 'alert' });
}

// clientName(c) - "Legal (Preferred)", or the legal name alone.
export function clientName(c) {
	return c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name;
}

// clientNames() - a per-screen lookup of clients' display names by id
// (GET /api/v1/clients/ID, audited like any read; once per client):
// name(id) resolves to the name, or to fallback when it cannot be read.
export function clientNames(fallback = 'a client') {
	const names = new Map();
	return (id) => {
		if (!names.has(id)) names.set(id, api('GET', `/api/v1/clients/${id}`).then(clientName, () => fallback));
		return names.get(id);
	};
}
