// diagnoses.js - the diagnoses section of a chart: the list (primary first,
// then active, then resolved), resolve / reopen / make primary, and adding
// one with an ICD-10-CM search as you type (a combobox over GET icd10).
//
// The search words are a medical term, not a client's data, so they may
// travel in the URL of GET /api/v1/icd10 (the API documents this).
// Never: keeps a client's diagnoses outside this section's elements.
import { api } from './api.js';
import { Form, h } from './dom.js';

const SUGGEST = 10;
const DEBOUNCE_MS = 200;

export function today() {
	const d = new Date();
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function order(a, b) {
	const rank = (d) => (d.primary ? 0 : d.resolved ? 2 : 1);
	return rank(a) - rank(b) || a.code.localeCompare(b.code);
}

// section(app, clientId) - the section element; it loads itself.
export function section(app, clientId) {
	const gen = app.gen;
	const list = h('ul', { class: 'dx-list', 'aria-labelledby': 'dx-h' });
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const count = h('p', { class: 'count', text: 'Loading diagnoses…' });
	const addBtn = h('button', { type: 'button', class: 'secondary', text: 'Add a diagnosis', 'aria-expanded': 'false' });
	const addArea = h('div', { class: 'dx-add' });
	const el = h('section', { class: 'chart-part', 'aria-labelledby': 'dx-h' },
		h('h2', { id: 'dx-h', text: 'Diagnoses' }), count, error, list, h('div', { class: 'actions' }, addBtn), addArea);

	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/diagnoses`);
			if (!app.live(gen)) return;
			render(r.diagnoses.slice().sort(order));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}

	async function change(d, body, done) {
		error.textContent = '';
		try {
			await api('PATCH', `/api/v1/diagnoses/${d.id}`, { version: d.version, ...body });
			if (!app.live(gen)) return;
			app.status(done);
			await load();
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	function render(ds) {
		count.textContent = ds.length === 0 ? 'No diagnosis recorded.' : '';
		list.replaceChildren(...ds.map((d) => {
			const label = `${d.code} ${d.title}`;
			const state = d.resolved ? `resolved ${d.resolved_on}` : 'active';
			const acts = [];
			if (!d.resolved && !d.primary) acts.push(h('button', { type: 'button', class: 'small secondary', text: 'Make primary', 'aria-label': `Make ${d.code} primary`, onclick: () => change(d, { primary: true }, `${d.code} is now the primary diagnosis.`) }));
			if (!d.resolved) acts.push(h('button', { type: 'button', class: 'small secondary', text: 'Resolve', 'aria-label': `Resolve ${d.code}`, onclick: () => change(d, { resolved: true, resolved_on: today() }, `${d.code} resolved.`) }));
			else acts.push(h('button', { type: 'button', class: 'small secondary', text: 'Reopen', 'aria-label': `Reopen ${d.code}`, onclick: () => change(d, { resolved: false }, `${d.code} reopened.`) }));
			return h('li', { class: d.resolved ? 'resolved' : null },
				h('span', { class: 'dx-code', text: d.code }), ' ',
				h('span', { class: 'dx-title', text: d.title }), ' ',
				d.primary ? h('span', { class: 'badge', text: 'Primary' }) : null,
				h('span', { class: 'meta', text: [d.onset ? `onset ${d.onset}` : null, state].filter(Boolean).join(' · ') }),
				h('span', { class: 'row-actions', 'aria-label': label }, acts));
		}));
	}

	addBtn.addEventListener('click', () => {
		if (addArea.firstChild) {
			addArea.replaceChildren();
			addBtn.setAttribute('aria-expanded', 'false');
			return;
		}
		addBtn.setAttribute('aria-expanded', 'true');
		addArea.append(addForm(app, clientId, async () => {
			addArea.replaceChildren();
			addBtn.setAttribute('aria-expanded', 'false');
			await load();
			addBtn.focus();
		}));
		addArea.querySelector('input').focus();
	});

	load();
	return el;
}

// addForm(app, clientId, added) - the add form with its code combobox.
function addForm(app, clientId, added) {
	let chosen = null; // {code, title}
	const form = new Form({
		name: 'dx',
		submit: 'Add diagnosis',
		onsubmit: async (v, f) => {
			if (!chosen) {
				f.fieldError('code', 'Choose a diagnosis from the suggestions (type a code or words).');
				return;
			}
			const body = { code: chosen.code, primary: v.primary };
			if (v.onset !== '') body.onset = v.onset;
			await api('POST', `/api/v1/clients/${clientId}/diagnoses`, body);
			app.status(`${chosen.code} ${chosen.title} added.`);
			await added();
		},
	});
	const input = form.add({ name: 'code', label: 'Diagnosis (ICD-10-CM)', hint: 'Type a code (F41.1) or words (generalized anxiety), then choose from the list.' });
	const listId = `${form.name}-options`;
	const listbox = h('ul', { id: listId, role: 'listbox', class: 'combo-list', 'aria-label': 'Matching diagnoses', hidden: true });
	const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
	input.setAttribute('role', 'combobox');
	input.setAttribute('aria-autocomplete', 'list');
	input.setAttribute('aria-expanded', 'false');
	input.setAttribute('aria-controls', listId);
	input.after(listbox, live);
	form.add({ name: 'onset', label: 'Onset (optional)', type: 'date' });
	const primary = form.add({ name: 'primary', label: 'Primary diagnosis', type: 'checkbox' });
	primary.closest('.field').classList.add('check');

	let timer = null;
	let seq = 0;
	let active = -1;
	let options = [];

	function close() {
		listbox.hidden = true;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
		active = -1;
	}
	function highlight(i) {
		active = i;
		[...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
		if (i >= 0) {
			input.setAttribute('aria-activedescendant', listbox.children[i].id);
			listbox.children[i].scrollIntoView({ block: 'nearest' });
		} else input.removeAttribute('aria-activedescendant');
	}
	function choose(i) {
		chosen = options[i];
		input.value = `${chosen.code} ${chosen.title}`;
		close();
		live.textContent = `${chosen.code} ${chosen.title} chosen.`;
	}
	async function suggest() {
		const q = input.value.trim();
		const mine = ++seq;
		if (q.length < 2) { options = []; close(); return; }
		try {
			const r = await api('GET', `/api/v1/icd10?q=${encodeURIComponent(q)}&limit=${SUGGEST}`);
			if (mine !== seq) return; // a newer search is on its way
			options = r.codes;
			listbox.replaceChildren(...options.map((c, k) => h('li', {
				id: `${listId}-${k}`, role: 'option', 'aria-selected': 'false',
				onmousedown: (ev) => ev.preventDefault(), onclick: () => choose(k),
			}, h('span', { class: 'dx-code', text: c.code }), ' ', c.title)));
			listbox.hidden = options.length === 0;
			input.setAttribute('aria-expanded', options.length ? 'true' : 'false');
			active = -1;
			live.textContent = options.length === 0 ? 'No matching diagnosis.' : `${options.length} suggestions; use the arrow keys.`;
		} catch (err) {
			if (mine === seq) { close(); form.fieldError('code', err.message); }
		}
	}
	input.addEventListener('input', () => {
		chosen = null;
		clearTimeout(timer);
		timer = setTimeout(suggest, DEBOUNCE_MS);
	});
	input.addEventListener('keydown', (ev) => {
		if (ev.key === 'ArrowDown' && options.length) {
			ev.preventDefault();
			if (listbox.hidden) { listbox.hidden = false; input.setAttribute('aria-expanded', 'true'); }
			highlight(Math.min(active + 1, options.length - 1));
		} else if (ev.key === 'ArrowUp' && options.length) {
			ev.preventDefault();
			highlight(Math.max(active - 1, 0));
		} else if (ev.key === 'Enter' && !listbox.hidden && active >= 0) {
			ev.preventDefault();
			choose(active);
		} else if (ev.key === 'Escape' && !listbox.hidden) {
			ev.preventDefault();
			close();
		}
	});
	input.addEventListener('blur', () => close());
	return form.el;
}
