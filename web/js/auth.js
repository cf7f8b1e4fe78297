// auth.js - the sign-in screens: sign in, choose a new password, set up
// two-step sign-in (QR code and key), and the recovery codes shown once.
//
// Never: keeps a password or a recovery code beyond the screen that needs
// it, or shows which part of a failed sign-in was wrong (the server's one
// generic answer is shown as it is).
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { safeSvg } from './svg.js';

// signIn(app) - email, password and the code (TOTP or recovery code).
export function signIn(app) {
	const form = new Form({
		name: 'signin',
		submit: 'Sign in',
		onsubmit: async (v) => {
			const body = { email: v.email.trim(), password: v.password };
			const code = v.code.replace(/\s+/g, '');
			if (code !== '') body.code = code;
			let r;
			try {
				r = await api('POST', '/api/v1/auth/login', body);
			} catch (err) {
				form.fields.get('password').input.value = '';
				form.fields.get('code').input.value = '';
				throw err;
			}
			await app.signedIn(r, v.password);
		},
	});
	form.add({ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', spellcheck: 'false', autocapitalize: 'none' });
	form.add({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' });
	form.add({
		name: 'code', label: 'Code', autocomplete: 'one-time-code', spellcheck: 'false', autocapitalize: 'none',
		hint: 'The 6-digit code from your authenticator app, or one of your recovery codes. Leave it empty the first time you sign in.',
	});
	screen(app.view, 'Sign in', 'Sign in to Confidant', form.el);
}

// password(app, oneTime) - the first sign-in's new password. oneTime is
// the password just used to sign in (null after a reload: then asked for).
export function password(app, oneTime) {
	let current = oneTime;
	const form = new Form({
		name: 'password',
		submit: 'Save the new password',
		extra: [app.signOutButton()],
		onsubmit: async (v, f) => {
			if (v.new !== v.repeat) return f.fieldError('repeat', 'The two passwords are not the same.');
			try {
				await api('POST', '/api/v1/auth/password', { current: current ?? v.current, new: v.new });
			} catch (err) {
				if (err.status !== 400) throw err;
				if (/current/i.test(err.message)) {
					current = null;
					return f.fail(err, f.fields.has('current') ? 'current' : undefined);
				}
				return f.fieldError('new', `This password cannot be used: ${err.message}.`);
			}
			current = null;
			app.status('Your new password is saved.');
			return app.proceed();
		},
	});
	if (current === null) {
		form.add({ name: 'current', label: 'One-time password', type: 'password', autocomplete: 'current-password' });
	}
	form.add({
		name: 'new', label: 'New password', type: 'password', autocomplete: 'new-password',
		hint: 'At least 12 characters. A few unrelated words make a password that is strong and easy to remember; digits and symbols are not required.',
	});
	form.add({ name: 'repeat', label: 'New password again', type: 'password', autocomplete: 'new-password' });
	screen(app.view, 'Choose a password', 'Choose your own password',
		h('p', { text: 'You signed in with a one-time password. Choose the password you will use from now on.' }),
		form.el);
}

// enrol(app) - the QR code, the key as text, and the code that confirms.
export async function enrol(app) {
	const gen = app.gen;
	screen(app.view, 'Set up two-step sign-in', 'Set up two-step sign-in', h('p', { text: 'Preparing…' }));
	let r;
	try {
		r = await api('POST', '/api/v1/auth/mfa/enrol', {});
	} catch (err) {
		if (!app.live(gen)) return;
		screen(app.view, 'Set up two-step sign-in', 'Set up two-step sign-in',
			h('p', { class: 'form-alert', role: 'alert', text: err.message }),
			h('div', { class: 'actions' },
				h('button', { type: 'button', text: 'Try again', onclick: () => enrol(app) }),
				app.signOutButton()));
		return;
	}
	if (!app.live(gen)) return;
	const svg = safeSvg(r.qr_svg, 'QR code to scan with an authenticator app');
	let secret = '';
	try { secret = new URL(r.otpauth_uri).searchParams.get('secret') ?? ''; } catch { secret = ''; }
	const form = new Form({
		name: 'mfa',
		submit: 'Confirm',
		extra: [app.signOutButton()],
		onsubmit: async (v, f) => {
			let res;
			try {
				res = await api('POST', '/api/v1/auth/mfa/confirm', { code: v.code.replace(/\s+/g, '') });
			} catch (err) {
				if (err.status === 400) return f.fieldError('code', err.message);
				throw err;
			}
			return recovery(app, res.recovery_codes);
		},
	});
	form.add({ name: 'code', label: 'Code shown by the app', inputmode: 'numeric', autocomplete: 'one-time-code', hint: '6 digits' });
	screen(app.view, 'Set up two-step sign-in', 'Set up two-step sign-in',
		h('p', { text: 'Each time you sign in you will also enter a code from an authenticator app on your phone.' }),
		h('ol', { class: 'steps' },
			h('li', {}, h('p', { text: 'In the authenticator app, add an account by scanning this QR code:' }),
				h('figure', { class: 'qr' }, svg ?? h('p', { text: 'The QR code could not be shown; use the key below.' }))),
			h('li', {}, h('p', { id: 'mfa-key-label', text: 'Or, if you cannot scan it, type this key into the app:' }),
				h('p', {}, h('code', { class: 'secret', id: 'mfa-secret', 'aria-labelledby': 'mfa-key-label', text: secret.replace(/(.{4})(?=.)/g, '$1 ') }))),
			h('li', {}, h('p', { text: 'Enter the code the app now shows for Confidant:' }), form.el)));
}

// recovery(app, codes) - shown once; gone from the page when confirmed.
export function recovery(app, codes) {
	const list = h('ol', { class: 'codes' }, codes.map((c) => h('li', {}, h('code', { text: c }))));
	const done = h('button', {
		type: 'button', text: 'I have saved them',
		onclick: () => {
			list.remove();
			codes.length = 0;
			app.proceed();
		},
	});
	const print = h('button', { type: 'button', class: 'secondary', text: 'Print them', onclick: () => window.print() });
	screen(app.view, 'Recovery codes', 'Save your recovery codes',
		h('p', { text: 'Two-step sign-in is set up. If you lose your phone, each of these codes signs you in once instead of a code from the app.' }),
		h('p', { class: 'warning', text: 'They are shown only now. Print them or keep them in a password manager, somewhere only you can reach.' }),
		list,
		h('div', { class: 'actions' }, done, print));
}
