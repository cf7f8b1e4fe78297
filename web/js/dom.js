// dom.js - building the page without HTML strings, and forms whose errors
// sit next to the field they concern.
//
// Never: parses text as HTML (no innerHTML, insertAdjacentHTML or
// document.write): every value reaches the page as a text node or an
// attribute, so a client's name can never become markup.

// h(tag, props, ...kids) - an element. props: "class", "text", "on<event>"
// handlers; other keys become attributes (true = present, null/false =
// absent). kids: nodes or strings (as text), arrays of them, null skipped.
export function h(tag, props = {}, ...kids) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(props ?? {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
		else if (k === 'class') el.className = v;
		else if (k === 'text') el.textContent = v;
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	for (const c of kids.flat()) {
		if (c === null || c === undefined || c === false) continue;
		el.append(c instanceof Node ? c : String(c));
	}
	return el;
}

// screen(view, title, ...kids) - replace the view with one screen: its
// single h1 (which takes the focus, so a screen reader hears the change),
// then kids. title goes into document.title and must never name a client.
export function screen(view, title, heading, ...kids) {
	const h1 = h('h1', { tabindex: '-1', text: heading ?? title });
	view.replaceChildren(h1, ...kids.flat().filter(Boolean));
	document.title = `${title} · Confidant`;
	h1.focus({ preventScroll: false });
	return h1;
}

let formSeq = 0;

// Form - a form with labelled fields, an error next to each field, a
// form-level alert and a busy state. The submit handler receives the
// values; an ApiError it throws is shown by fail().
export class Form {
	constructor({ name, submit, onsubmit, extra = [] }) {
		this.name = `${name}-${++formSeq}`;
		this.fields = new Map();
		this.alert = h('p', { class: 'form-alert', role: 'alert', id: `${this.name}-alert` });
		this.button = h('button', { type: 'submit', text: submit });
		this.body = h('div', { class: 'fields' });
		this.el = h('form', { method: 'post', novalidate: true, 'aria-describedby': `${this.name}-alert` },
			this.body, this.alert, h('div', { class: 'actions' }, this.button, ...extra));
		this.el.addEventListener('submit', (ev) => {
			ev.preventDefault();
			if (this.busy) return;
			this.clearErrors();
			this.setBusy(true);
			Promise.resolve()
				.then(() => onsubmit(this.values(), this))
				.catch((err) => this.fail(err))
				.finally(() => this.setBusy(false));
		});
	}

	// add(spec) - a field: {name, label, type, value, hint, autocomplete,
	// options: [[value, text]…] for a select, rows for a textarea, inputmode,
	// maxlength}. Returns the control.
	add(spec) {
		const id = `${this.name}-${spec.name}`;
		const hintId = spec.hint ? `${id}-hint` : null;
		const errId = `${id}-error`;
		let input;
		const common = {
			id, name: spec.name, autocomplete: spec.autocomplete ?? 'off',
			'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
			inputmode: spec.inputmode, maxlength: spec.maxlength, spellcheck: spec.spellcheck,
			autocapitalize: spec.autocapitalize, required: spec.required,
		};
		if (spec.options) {
			input = h('select', common, spec.options.map(([v, t]) => h('option', { value: v, text: t })));
		} else if (spec.rows) {
			input = h('textarea', { ...common, rows: spec.rows });
		} else {
			input = h('input', { ...common, type: spec.type ?? 'text' });
		}
		if (spec.value !== undefined && spec.value !== null) input.value = spec.value;
		const error = h('p', { class: 'field-error', id: errId });
		const row = h('div', { class: 'field' },
			h('label', { for: id, text: spec.label }),
			hintId ? h('p', { class: 'hint', id: hintId, text: spec.hint }) : null,
			input, error);
		this.body.append(row);
		this.fields.set(spec.name, { input, error, label: spec.label, row });
		return input;
	}

	values() {
		const out = {};
		for (const [k, f] of this.fields) out[k] = f.input.type === 'checkbox' ? f.input.checked : f.input.value;
		return out;
	}

	clearErrors() {
		this.alert.textContent = '';
		for (const f of this.fields.values()) {
			f.error.textContent = '';
			f.input.removeAttribute('aria-invalid');
		}
	}

	// fieldError(name, text) - show text next to a field and move there.
	fieldError(name, text) {
		const f = this.fields.get(name);
		if (!f) {
			this.alert.textContent = text;
			return;
		}
		f.error.textContent = text;
		f.input.setAttribute('aria-invalid', 'true');
		this.alert.textContent = `Please check “${f.label}”.`;
		f.input.focus();
	}

	// fail(err, field) - an error from the API: next to the field its message
	// names (or the given field), otherwise above the buttons.
	fail(err, field) {
		const msg = err && err.message ? err.message : 'Something went wrong; please try again.';
		if (field) return this.fieldError(field, msg);
		const m = /^([a-z_]+)\b(.*)$/s.exec(msg);
		if (m && this.fields.has(m[1])) return this.fieldError(m[1], `${this.fields.get(m[1]).label}${m[2]}`);
		this.alert.textContent = msg;
		return undefined;
	}

	setBusy(on) {
		this.busy = on;
		this.el.setAttribute('aria-busy', on ? 'true' : 'false');
		this.button.disabled = on;
	}
}
