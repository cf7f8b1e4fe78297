// combo.js - an ARIA 1.2 combobox over an input: suggestions from an
// asynchronous search as the user types (after a pause), a listbox driven
// by the arrow keys, Enter, Escape or a click, and a polite announcement.
// A late answer to an older query is ignored.
//
// Never: keeps what was typed or found beyond the input's own elements.
import { h } from './dom.js';

let seqIds = 0;

// combobox(input, {search(q) -> Promise<items>, label(item) -> string,
// node(item) -> Node, chosen(item), noun, min, delay}) - wires input; the
// listbox and live region are placed after it. Returns {clear()}.
export function combobox(input, { search, label, node, chosen, noun = 'match', min = 2, delay = 250 }) {
	const listId = `combo-${++seqIds}`;
	const listbox = h('ul', { id: listId, role: 'listbox', class: 'combo-list', 'aria-label': `Matching ${noun}es`, hidden: true });
	const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
	input.setAttribute('role', 'combobox');
	input.setAttribute('aria-autocomplete', 'list');
	input.setAttribute('aria-expanded', 'false');
	input.setAttribute('aria-controls', listId);
	input.after(listbox, live);
	let timer = null;
	let asked = 0;
	let active = -1;
	let items = [];

	const open = (on) => {
		listbox.hidden = !on;
		input.setAttribute('aria-expanded', on ? 'true' : 'false');
		if (!on) { input.removeAttribute('aria-activedescendant'); active = -1; }
	};
	const mark = (i) => {
		active = i;
		[...listbox.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
		if (i >= 0) input.setAttribute('aria-activedescendant', `${listId}-${i}`);
	};
	const take = (i) => {
		const it = items[i];
		input.value = label(it);
		open(false);
		live.textContent = `${label(it)} chosen.`;
		chosen(it);
	};
	async function suggest() {
		const q = input.value.trim();
		const mine = ++asked;
		if (q.length < min) { items = []; open(false); return; }
		try {
			const found = await search(q);
			if (mine !== asked) return;
			items = found;
			listbox.replaceChildren(...items.map((it, k) => h('li', {
				id: `${listId}-${k}`, role: 'option', 'aria-selected': 'false',
				onmousedown: (ev) => ev.preventDefault(), onclick: () => take(k),
			}, node(it))));
			open(items.length > 0);
			live.textContent = items.length === 0 ? `No ${noun} found.` : `${items.length} ${noun}${items.length === 1 ? '' : 'es'}; use the arrow keys.`;
		} catch (err) {
			if (mine === asked) { open(false); live.textContent = err.message; }
		}
	}
	input.addEventListener('input', () => {
		chosen(null);
		clearTimeout(timer);
		timer = setTimeout(suggest, delay);
	});
	input.addEventListener('keydown', (ev) => {
		if (ev.key === 'ArrowDown' && items.length) {
			ev.preventDefault();
			open(true);
			mark(Math.min(active + 1, items.length - 1));
		} else if (ev.key === 'ArrowUp' && items.length) {
			ev.preventDefault();
			mark(Math.max(active - 1, 0));
		} else if (ev.key === 'Enter' && !listbox.hidden && active >= 0) {
			ev.preventDefault();
			take(active);
		} else if (ev.key === 'Escape' && !listbox.hidden) {
			ev.preventDefault();
			ev.stopPropagation(); // closes the list, not the dialog around it
			open(false);
		}
	});
	input.addEventListener('blur', () => open(false));
	return { clear: () => { items = []; open(false); } };
}
