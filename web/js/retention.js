// retention.js - the owner's retention rules: one per jurisdiction the
// practice treats clients in (years after the last contact, age of
// majority, years after majority for a minor, a note citing the law), which
// one is the practice's default, adding and changing one, making one the
// default and deleting one. The server checks every number and refuses to
// delete the default or a rule clients fall under; its message is shown
// next to the field it names. Changes need a fresh confirmation of
// password and code (re-authentication), asked for in a dialog.
//
// Never: shows or sends anything about a client (rules describe laws).
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { withReauth } from './admin.js';
import { alertLine, confirmPanel, day, part } from './fmt.js';

const WHY = 'Changing retention rules needs your password and a fresh code (valid for 5 minutes).';
const years = (n) => `${n} year${n === 1 ? '' : 's'}`;

export async function show(app) {
	const gen = app.gen;
	const tbody = h('tbody');
	const error = alertLine();
	const panel = h('div', { class: 'row-panel' });
	let rules = [];

	async function act(fn, done) {
		error.textContent = '';
		try {
			const r = await withReauth(fn, WHY);
			if (r === undefined || !app.live(gen)) return;
			app.status(done);
			await load();
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	const body = (r, extra = {}) => ({ adult_years: r.adult_years, majority_age: r.majority_age, minor_years: r.minor_years, note: r.note, ...extra });

	function row(r) {
		const acts = h('div', { class: 'row-actions' },
			h('button', { type: 'button', class: 'small secondary', text: 'Edit', 'aria-label': `Edit the rule of ${r.code}`,
				onclick: () => edit(r) }),
			r.default ? null : h('button', { type: 'button', class: 'small secondary', text: 'Make default', 'aria-label': `Make ${r.code} the default rule`,
				onclick: () => act(() => api('PUT', `/api/v1/retention-rules/${r.code}`, body(r, { default: true })), `${r.code} is now the default rule.`) }),
			r.default ? null : h('button', { type: 'button', class: 'small secondary', text: 'Delete', 'aria-label': `Delete the rule of ${r.code}`,
				onclick: () => confirmPanel(panel, `Delete the retention rule of ${r.code}? Clients whose jurisdiction it is keep it until you change them.`, 'Delete the rule',
					() => act(async () => { await api('DELETE', `/api/v1/retention-rules/${r.code}`); return true; }, `The rule of ${r.code} was deleted.`)) }));
		return h('tr', {},
			h('th', { scope: 'row', 'data-label': 'Jurisdiction' }, r.code, r.default ? h('span', { class: 'badge', text: ' default' }) : null),
			h('td', { 'data-label': 'After last contact', text: years(r.adult_years) }),
			h('td', { 'data-label': 'Age of majority', text: String(r.majority_age) }),
			h('td', { 'data-label': 'Minors: after majority', text: years(r.minor_years) }),
			h('td', { 'data-label': 'Law', text: r.note }),
			h('td', { 'data-label': 'Changed', text: day(r.updated_at) }),
			h('td', { 'data-label': 'Actions' }, acts));
	}

	async function load() {
		try {
			const r = await api('GET', '/api/v1/retention-rules');
			if (!app.live(gen)) return;
			rules = r.rules;
			tbody.replaceChildren(...rules.map(row));
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	const form = new Form({
		name: 'rule',
		submit: 'Save rule',
		onsubmit: async (v, f) => {
			const code = v.code.trim().toUpperCase();
			const num = (k) => (/^\d+$/.test(v[k].trim()) ? Number(v[k].trim()) : v[k]);
			const saved = await withReauth(() => api('PUT', `/api/v1/retention-rules/${encodeURIComponent(code)}`,
				{ adult_years: num('adult_years'), majority_age: num('majority_age'), minor_years: num('minor_years'), note: v.note.trim(), ...(v.default ? { default: true } : {}) }), WHY);
			if (saved === undefined || !app.live(gen)) return;
			app.status(`The rule of ${saved.code} was saved.`);
			f.fields.get('code').input.value = '';
			f.fields.get('note').input.value = '';
			f.fields.get('default').input.checked = false;
			await load();
		},
	});
	form.add({ name: 'code', label: 'Jurisdiction code', hint: 'ISO 3166: a country (GB, DE) or a state or region (US-WA, US-CA).', maxlength: 6, autocapitalize: 'characters', spellcheck: 'false' });
	form.add({ name: 'adult_years', label: 'Years to keep after the last contact', inputmode: 'numeric', value: '7' });
	form.add({ name: 'majority_age', label: 'Age of majority', inputmode: 'numeric', value: '18' });
	form.add({ name: 'minor_years', label: 'Years to keep a minor’s record after majority', inputmode: 'numeric', value: '7' });
	form.add({ name: 'note', label: 'Law or citation (optional)', maxlength: 500 });
	form.add({ name: 'default', label: 'Make this the practice’s default rule', type: 'checkbox' });

	// edit(r) - fill the form with a rule to change it.
	function edit(r) {
		for (const k of ['code', 'adult_years', 'majority_age', 'minor_years', 'note']) form.fields.get(k).input.value = String(r[k]);
		form.fields.get('default').input.checked = r.default;
		form.fields.get('adult_years').input.focus();
	}

	screen(app.view, 'Retention rules', 'Retention rules',
		h('p', { text: 'How long the law where each client is treated makes the practice keep their record. A client without a jurisdiction falls under the default rule. An erasure request waits until the date its rule sets.' }),
		error,
		h('div', { class: 'table-wrap' }, h('table', { class: 'report rules' },
			h('caption', { class: 'visually-hidden', text: 'Retention rules by jurisdiction' }),
			h('thead', {}, h('tr', {}, ['Jurisdiction', 'After last contact', 'Age of majority', 'Minors: after majority', 'Law', 'Changed', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
			tbody)),
		panel,
		part('rule-form-h', 'Add or change a rule', form.el));
	await load();
}
