// admin.js - the owner's user administration: the list of users, adding
// one (the one-time password is shown once), changing a role, disabling
// and enabling, resetting two-step sign-in. The server asks for a fresh
// confirmation of password and code for these (re-authentication): the
// page then shows a dialog, confirms, and repeats the action once.
//
// Never: keeps a password or code after the dialog closes.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';

export const ROLE_OPTIONS = [
	['clinician', 'Clinician'], ['supervisor', 'Supervisor'], ['scheduler', 'Front desk'],
	['biller', 'Biller'], ['auditor', 'Privacy officer'], ['owner', 'Practice owner'],
];
const roleText = (r) => (ROLE_OPTIONS.find(([v]) => v === r) ?? [r, r])[1];

const needsReauth = (err) => err?.reauth === true;

// reauthDialog(why) - resolves true once the password and code are
// confirmed, false if the user cancels. why: the sentence saying what for.
export function reauthDialog(why = 'Changing users needs your password and a fresh code (valid for 5 minutes).') {
	return new Promise((resolve) => {
		let ok = false;
		const dialog = h('dialog', { 'aria-labelledby': 'reauth-title', 'aria-describedby': 'reauth-text' });
		const form = new Form({
			name: 'reauth',
			submit: 'Confirm',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => dialog.close() })],
			onsubmit: async (v) => {
				await api('POST', '/api/v1/auth/reauth', { password: v.password, code: v.code });
				ok = true;
				dialog.close();
			},
		});
		form.add({ name: 'password', label: 'Your password', type: 'password', autocomplete: 'current-password' });
		form.add({ name: 'code', label: 'Code from your authenticator app', inputmode: 'numeric', autocomplete: 'one-time-code' });
		dialog.append(h('h2', { id: 'reauth-title', text: 'Confirm it is you' }),
			h('p', { id: 'reauth-text', text: why }), form.el);
		dialog.addEventListener('close', () => { dialog.remove(); resolve(ok); });
		document.body.append(dialog);
		dialog.showModal();
		form.fields.get('password').input.focus();
	});
}

// withReauth(fn, why) - run fn; if the server wants a re-authentication,
// ask for it (why: what for) and run fn once more. Throws fn's error
// otherwise; undefined if the user cancels.
export async function withReauth(fn, why) {
	try {
		return await fn();
	} catch (err) {
		if (!needsReauth(err)) throw err;
		if (!(await reauthDialog(why))) return undefined;
		return fn();
	}
}

export async function users(app) {
	const gen = app.gen;
	const tbody = h('tbody');
	const error = h('p', { class: 'form-alert', role: 'alert' });
	const created = h('div', { class: 'created', role: 'status' });

	async function act(fn, done) {
		error.textContent = '';
		try {
			const r = await withReauth(fn);
			if (r === undefined || !app.live(gen)) return;
			app.status(done);
			await load();
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	function row(u) {
		const self = u.id === app.userId();
		const sel = h('select', { id: `role-${u.id}`, 'aria-label': `Role of ${u.name}`, disabled: self },
			ROLE_OPTIONS.map(([v, t]) => h('option', { value: v, text: t, selected: v === u.role })));
		const acts = h('div', { class: 'row-actions' });
		if (!self) {
			acts.append(
				h('button', { type: 'button', class: 'small secondary', text: 'Change role', 'aria-label': `Change the role of ${u.name}`,
					onclick: () => act(() => api('PATCH', `/api/v1/users/${u.id}`, { role: sel.value }), `${u.name} is now ${roleText(sel.value)}.`) }),
				h('button', { type: 'button', class: 'small secondary', text: u.disabled ? 'Enable' : 'Disable', 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.name}`,
					onclick: () => act(() => api('PATCH', `/api/v1/users/${u.id}`, { disabled: !u.disabled }), `${u.name} ${u.disabled ? 'enabled' : 'disabled'}.`) }),
				u.mfa_enrolled ? h('button', { type: 'button', class: 'small secondary', text: 'Reset two-step', 'aria-label': `Reset two-step sign-in of ${u.name}`,
					onclick: () => act(() => api('POST', `/api/v1/users/${u.id}/reset-mfa`, {}), `${u.name} sets up two-step sign-in again at their next sign-in.`) }) : null);
		}
		return h('tr', { class: u.disabled ? 'disabled' : null },
			h('td', { 'data-label': 'Name', text: u.name }),
			h('td', { 'data-label': 'Email', text: u.email }),
			h('td', { 'data-label': 'Role' }, sel),
			h('td', { 'data-label': 'Two-step', text: u.mfa_enrolled ? 'set up' : 'not yet' }),
			h('td', { 'data-label': 'Status', text: u.disabled ? 'disabled' : 'active' }),
			h('td', { 'data-label': 'Actions' }, self ? h('span', { class: 'meta', text: 'you' }) : acts));
	}

	async function load() {
		try {
			const r = await api('GET', '/api/v1/users');
			if (app.live(gen)) tbody.replaceChildren(...r.users.map(row));
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}

	const form = new Form({
		name: 'new-user',
		submit: 'Add user',
		onsubmit: async (v, f) => {
			created.replaceChildren();
			const u = await withReauth(() => api('POST', '/api/v1/users', { name: v.name.trim(), email: v.email.trim(), role: v.role }));
			if (u === undefined || !app.live(gen)) return;
			for (const k of ['name', 'email']) f.fields.get(k).input.value = '';
			created.append(h('p', {}, h('strong', { text: `${u.name} added.` }), ' Give them this one-time password in person or by phone; it is shown only now:'),
				h('p', { class: 'secret', id: 'one-time-password', text: u.one_time_password }));
			await load();
		},
	});
	form.add({ name: 'name', label: 'Name', autocomplete: 'off' });
	form.add({ name: 'email', label: 'Email', type: 'email', spellcheck: 'false', autocapitalize: 'none' });
	form.add({ name: 'role', label: 'Role', options: ROLE_OPTIONS.slice(0, 5) });

	screen(app.view, 'Users', 'Users', error,
		h('nav', { class: 'admin-nav', 'aria-label': 'Practice administration' }, h('a', { href: '#/admin/retention', text: 'Retention rules' })),
		h('div', { class: 'table-wrap' }, h('table', { class: 'report users' },
			h('caption', { class: 'visually-hidden', text: 'Users of the practice' }),
			h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Two-step', 'Status', 'Actions'].map((t) => h('th', { scope: 'col', text: t })))),
			tbody)),
		h('section', { class: 'chart-part', 'aria-labelledby': 'add-user-h' }, h('h2', { id: 'add-user-h', text: 'Add a user' }), form.el, created));
	await load();
}
