// app.js - the browser app's entry point: the session, the screens it
// allows, hash routes (#/today, #/clients, #/clients/new, #/clients/ID,
// #/clients/ID/access, #/clients/ID/notes/new, #/notes/ID, #/admin/users,
// and the screens loaded on first use: chart history, consents, plans,
// psychotherapy notes, consent documents, the client's #/portal),
// the header, keyboard shortcuts and the warning before automatic sign-out.
//
// Talks only to this origin (api.js). Client ids may appear in the URL;
// names and search terms never do, nor in document.title.
// Never: keeps client data after sign-out - ending a session empties the
// page, forgets the CSRF token and stops every timer.
import { api, configure, forgetCsrf, hasCsrf, setCsrf } from './js/api.js';
import * as auth from './js/auth.js';
import * as clients from './js/clients.js';
import { h, screen } from './js/dom.js';
import { IdleWatch } from './js/idle.js';
import * as access from './js/access.js';
import * as admin from './js/admin.js';
import * as chart from './js/chart.js';
import * as notes from './js/notes.js';
import * as today from './js/today.js';
import { shortcuts } from './js/keys.js';

const ROLES = {
	owner: 'Practice owner', clinician: 'Clinician', supervisor: 'Supervisor', scheduler: 'Front desk',
	biller: 'Biller', auditor: 'Privacy officer', client: 'Client',
};
const REGISTER = new Set(['owner', 'clinician', 'scheduler']);
const CLINICAL = new Set(['clinician', 'supervisor']); // the treating team: notes, diagnoses
const CHART = new Set(['owner', 'clinician', 'supervisor', 'scheduler', 'auditor']); // who opens a chart
const AUDIT = new Set(['owner', 'auditor']); // who reads a client's access report
const CALENDAR = new Set(['owner', 'clinician', 'supervisor', 'scheduler', 'biller']); // who sees the calendar
const RIGHTS = new Set(['owner', 'auditor', 'clinician']); // the rights desk (a clinician: their clients' requests)
const BOOKERS = new Set(['owner', 'clinician', 'scheduler']); // waitlist and booking requests
const PRACTICE_DAY = new Set(['owner', 'scheduler']); // the whole practice, a column per clinician

const $ = (id) => document.getElementById(id);
const view = $('view');
const statusEl = $('status');
const header = $('top');
const dialog = $('idle');

let session = null; // {user, must_change_password, must_enrol_mfa, session: {idle_seconds…}}
let idle = null;
let flash = ''; // a notice for the next screen (app.go)

const app = {
	view,
	gen: 0, // bumped on every screen change and at sign-out; late answers check it

	live(gen) { return gen === app.gen && session !== null; },

	status(text) { statusEl.textContent = text; },

	canRegister() { return session !== null && REGISTER.has(session.user.role); },
	clinical() { return session !== null && CLINICAL.has(session.user.role); },
	canChart() { return session !== null && CHART.has(session.user.role); },
	canAudit() { return session !== null && AUDIT.has(session.user.role); },
	role() { return session?.user.role ?? null; },
	roleName() { return session ? (ROLES[session.user.role] ?? session.user.role) : ''; },
	userId() { return session?.user.id ?? null; },

	// leave - set by a screen with unsaved work (the note editor): called
	// before another screen replaces it and before sign-out; returns a
	// promise that settles when the work is on the server (or has failed).
	leave: null,
	dirty: null, // set with leave: true while words are not yet on the server
	async flush() {
		const f = app.leave;
		app.leave = null;
		if (f) await f();
	},
	// chartId - the client whose chart is shown (for the "n" shortcut).
	chartId: null,
	glass: null, // {id, until}: the break-glass grant this page just opened
	afterList: null, // run once the client list is shown (the "/" shortcut)

	// go(hash, notice) - show another screen; notice is announced there.
	go(hash, notice = '') {
		flash = notice;
		if (location.hash === hash) route();
		else location.hash = hash;
	},

	signOutButton() {
		return h('button', { type: 'button', class: 'secondary', text: 'Sign out', onclick: () => signOut() });
	},

	// signedIn(login, password) - after POST auth/login answered 200.
	async signedIn(login, password) {
		const { csrf_token: token, ...rest } = login;
		setCsrf(token);
		session = rest;
		app.status('');
		next(password);
	},

	// proceed() - re-read the session and show the next step.
	async proceed() {
		const gen = ++app.gen;
		try {
			const s = await api('GET', '/api/v1/auth/session');
			if (gen !== app.gen) return;
			session = s;
			next(null);
		} catch (err) {
			if (err.status !== 401) app.status(err.message);
		}
	},
};

// next(password) - the first unfinished sign-in step, or the app.
function next(password) {
	app.gen++;
	if (session.must_change_password) {
		showHeader(false);
		auth.password(app, password);
	} else if (session.must_enrol_mfa) {
		showHeader(false);
		auth.enrol(app);
	} else {
		showHeader(true);
		startIdle();
		route();
	}
}

function showHeader(on) {
	header.hidden = !on;
	$('who-name').textContent = on ? session.user.name : '';
	$('who-role').textContent = on ? (ROLES[session.user.role] ?? session.user.role) : '';
	$('nav-new').parentElement.hidden = !(on && app.canRegister());
	$('nav-today').parentElement.hidden = !(on && app.clinical());
	$('nav-users').parentElement.hidden = !(on && session.user.role === 'owner');
	$('nav-consents').parentElement.hidden = !(on && session.user.role === 'owner');
	$('nav-research').parentElement.hidden = !(on && session.user.role === 'owner');
	$('nav-portal').parentElement.hidden = !(on && session.user.role === 'client');
	$('nav-clients').parentElement.hidden = on && session.user.role === 'client';
	$('nav-calendar').parentElement.hidden = !(on && CALENDAR.has(session.user.role));
	$('nav-rights').parentElement.hidden = !(on && RIGHTS.has(session.user.role));
	$('nav-audit').parentElement.hidden = !(on && AUDIT.has(session.user.role));
	$('nav-breaches').parentElement.hidden = !(on && AUDIT.has(session.user.role));
	$('nav-settings').parentElement.hidden = !(on && session.user.role === 'owner');
	$('nav-waitlist').parentElement.hidden = !(on && BOOKERS.has(session.user.role));
	$('nav-requests').parentElement.hidden = !(on && BOOKERS.has(session.user.role));
}

// later(name, fn) - run fn(module) once js/NAME.js has loaded, if the
// screen asked for it is still the current one: screens used less often
// are not part of the first load.
function later(name, fn) {
	const gen = app.gen;
	import(`./js/${name}.js`).then((m) => { if (app.live(gen)) fn(m); },
		() => { if (app.live(gen)) screen(view, 'Error', 'This page could not be loaded', h('p', { text: 'Check the connection and reload the page.' })); });
}

// portalRoute(hash) - the client's own screens; true if hash was one.
function portalRoute(hash) {
	let m;
	if (hash === '' || hash === '#' || hash === '#/' || hash === '#/portal' || hash === '#/clients') later('portal', (p) => p.home(app));
	else if (hash === '#/portal/access') later('portal', (p) => p.access(app));
	else if (hash === '#/portal/privacy') later('portal', (p) => p.privacy(app));
	else if ((m = /^#\/portal\/plans\/([0-9a-f]{32})(?:\/v\/(\d+))?$/.exec(hash))) later('plans', (p) => p.open(app, m[1], m[2] ?? null, { portal: true }));
	else if ((m = /^#\/portal\/video\/([0-9a-f]{32})$/.exec(hash))) later('telehealth', (t) => t.show(app, m[1], { portal: true }));
	else return false;
	return true;
}

function startIdle() {
	idle?.stop();
	idle = new IdleWatch({
		idleSeconds: session.session?.idle_seconds ?? 900,
		onWarn: () => { if (!dialog.open) dialog.showModal(); $('idle-stay').focus(); },
		onEnd: () => signOut('For privacy you were signed out after a period without activity. Please sign in again.'),
	});
}

// endSession(message) - forget everything of the session and show sign-in.
function endSession(message) {
	app.gen++;
	app.leave = null;
	app.dirty = null;
	app.chartId = null;
	session = null;
	idle?.stop();
	idle = null;
	forgetCsrf();
	if (dialog.open) dialog.close();
	showHeader(false);
	view.replaceChildren();
	history.replaceState(null, '', location.pathname);
	auth.signIn(app);
	app.status(message ?? '');
}

// signOut(message) - end the session on the server too.
async function signOut(message) {
	if (session !== null) {
		// A note being written goes to the server first (bounded wait).
		await Promise.race([app.flush().catch(() => null), new Promise((r) => { setTimeout(r, 5000); })]);
		if (session === null) return;
		const done = api('POST', '/api/v1/auth/logout', {}).catch(() => null);
		endSession(message ?? 'You have signed out.');
		await done;
	} else {
		endSession(message);
	}
}

// denied(what) - the page for a screen the role may not open.
function denied(what) {
	screen(view, 'Not available', 'Not available',
		h('p', { class: 'denied', text: `${what} is not available to your role (${app.roleName()}).` }),
		h('p', { text: 'If you need it for your work, ask the practice owner.' }),
		h('p', {}, h('a', { href: '#/clients', text: 'Go to the client list' })));
}

function route() {
	if (session === null || session.must_change_password || session.must_enrol_mfa) return;
	app.flush();
	app.chartId = null;
	app.gen++;
	app.status(flash);
	flash = '';
	const hash = location.hash;
	for (const a of document.querySelectorAll('#top nav a')) {
		const home = app.clinical() ? 'nav-today' : 'nav-clients';
		if (a.getAttribute('href') === hash || ((hash === '' || hash === '#/') && a.id === (app.role() === 'client' ? 'nav-portal' : home))) a.setAttribute('aria-current', 'page');
		else a.removeAttribute('aria-current');
	}
	let m;
	if (app.role() === 'client') {
		if (!portalRoute(hash)) denied('This page');
		return;
	}
	if (hash === '' || hash === '#' || hash === '#/') {
		if (app.clinical()) today.show(app);
		else clients.list(app);
	} else if (hash === '#/clients') clients.list(app);
	else if (hash === '#/today') {
		if (app.clinical()) today.show(app);
		else denied('The today view of notes');
	} else if (hash === '#/clients/new') clients.create(app);
	else if (hash === '#/admin/users') {
		if (app.role() === 'owner') admin.users(app);
		else denied('User administration');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})$/.exec(hash))) {
		if (app.canChart()) clients.detail(app, m[1]);
		else denied('A client\'s chart');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/access$/.exec(hash))) {
		if (app.canAudit()) access.report(app, m[1]);
		else denied('A client\'s access report');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/notes\/new$/.exec(hash))) {
		if (app.clinical()) notes.create(app, m[1]);
		else denied('Writing notes');
	} else if ((m = /^#\/calendar(?:\?(.*))?$/.exec(hash))) {
		if (CALENDAR.has(app.role())) later('calendar', (c) => c.show(app, c.parse(m[1])));
		else denied('The calendar');
	} else if ((m = /^#\/calendar\/hours(?:\?(.*))?$/.exec(hash))) {
		if (CALENDAR.has(app.role()) && app.role() !== 'biller') later('hours', (x) => x.show(app, m[1]));
		else denied('Working hours and time off');
	} else if ((m = /^#\/calendar\/practice(?:\?(.*))?$/.exec(hash))) {
		if (PRACTICE_DAY.has(app.role())) later('practice', (x) => x.show(app, x.parse(m[1])));
		else denied('The whole practice\'s day');
	} else if (hash === '#/waitlist') {
		if (BOOKERS.has(app.role())) later('waitlist', (x) => x.show(app));
		else denied('The waitlist');
	} else if ((m = /^#\/requests(?:\?(.*))?$/.exec(hash))) {
		if (BOOKERS.has(app.role())) later('requests', (x) => x.show(app, m[1]));
		else denied('Booking requests');
	} else if ((m = /^#\/notes\/([0-9a-f]{32})$/.exec(hash))) {
		if (app.clinical()) notes.open(app, m[1]);
		else denied('A client\'s notes');
	} else if ((m = /^#\/notes\/([0-9a-f]{32})\/history$/.exec(hash))) {
		if (app.clinical()) chart.noteHistory(app, m[1], notes.label);
		else denied('A client\'s notes');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/history$/.exec(hash))) {
		if (app.canChart()) chart.history(app, m[1]);
		else denied('A client\'s chart');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/consents$/.exec(hash))) {
		if (app.canChart()) later('consents', (c) => c.show(app, m[1]));
		else denied('A client\'s consents');
	} else if (hash === '#/admin/research') {
		if (app.role() === 'owner') later('research', (r) => r.show(app));
		else denied('The research export');
	} else if (hash === '#/admin/retention') {
		if (app.role() === 'owner') later('retention', (r) => r.show(app));
		else denied('Retention rules');
	} else if (hash === '#/admin/consents') {
		if (app.role() === 'owner') later('consents', (c) => c.templates(app));
		else denied('Consent documents');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/plans\/new$/.exec(hash))) {
		if (app.clinical()) later('plans', (p) => p.editor(app, m[1], null));
		else denied('Treatment plans');
	} else if ((m = /^#\/plans\/([0-9a-f]{32})(?:\/v\/(\d+))?$/.exec(hash))) {
		if (app.clinical()) later('plans', (p) => p.open(app, m[1], m[2] ?? null));
		else denied('Treatment plans');
	} else if ((m = /^#\/plans\/([0-9a-f]{32})\/edit$/.exec(hash))) {
		if (app.clinical()) later('plans', (p) => p.editor(app, null, m[1]));
		else denied('Treatment plans');
	} else if ((m = /^#\/clients\/([0-9a-f]{32})\/psychotherapy-notes\/new$/.exec(hash))) {
		if (app.clinical()) later('pnotes', (p) => p.create(app, m[1]));
		else denied('Psychotherapy notes');
	} else if ((m = /^#\/psychotherapy-notes\/([0-9a-f]{32})$/.exec(hash))) {
		if (app.clinical()) later('pnotes', (p) => p.open(app, m[1]));
		else denied('Psychotherapy notes');
	} else if (hash === '#/admin/settings') {
		if (app.role() === 'owner') later('settings', (x) => x.show(app));
		else denied('Practice settings');
	} else if (hash === '#/rights') {
		if (RIGHTS.has(app.role())) later('rights', (x) => x.show(app));
		else denied('The rights desk');
	} else if (hash === '#/audit') {
		if (app.canAudit()) later('audit', (x) => x.show(app));
		else denied('The audit trail');
	} else if (hash === '#/breaches') {
		if (app.canAudit()) later('breach', (x) => x.show(app));
		else denied('Breach handling');
	} else if ((m = /^#\/breaches\/([0-9a-f]{32})\/letters$/.exec(hash))) {
		if (app.canAudit()) later('breach', (x) => x.letters(app, m[1]));
		else denied('Breach notification letters');
	} else if ((m = /^#\/video\/([0-9a-f]{32})$/.exec(hash))) {
		if (app.clinical()) later('telehealth', (t) => t.show(app, m[1]));
		else denied('Video sessions');
	} else screen(view, 'Not found', 'Page not found', h('p', {}, h('a', { href: '#/clients', text: 'Go to the client list' })));
}

configure({
	unauthenticated: () => {
		if (session !== null) endSession('Your session has ended. Please sign in again.');
	},
	activity: () => idle?.touch(),
});

window.addEventListener('hashchange', route);
// Closing the tab with words not yet on the server: the browser asks first.
window.addEventListener('beforeunload', (ev) => {
	if (app.leave !== null && app.dirty?.()) ev.preventDefault();
});
shortcuts(app, {
	isSignedIn: () => session !== null && !session.must_change_password && !session.must_enrol_mfa,
	dialog: $('keys'),
	opener: $('keys-open'),
	closer: $('keys-close'),
});
$('signout').addEventListener('click', () => signOut());
async function stay() {
	try {
		await api('GET', '/api/v1/auth/session');
		if (dialog.open) dialog.close();
		app.status('You are still signed in.');
	} catch (err) {
		if (err.status !== 401) app.status(err.message);
	}
}
$('idle-stay').addEventListener('click', stay);
$('idle-out').addEventListener('click', () => signOut());
// Escape answers the question too: someone pressed a key, so they are there.
dialog.addEventListener('cancel', (ev) => {
	ev.preventDefault();
	stay();
});
$('skip').addEventListener('click', (ev) => {
	ev.preventDefault();
	(view.querySelector('h1') ?? $('main')).focus();
});

// A reload keeps the session if this tab still has its CSRF token.
async function boot() {
	if (hasCsrf()) {
		try {
			session = await api('GET', '/api/v1/auth/session');
			next(null);
			return;
		} catch {
			session = null;
		}
	}
	forgetCsrf();
	auth.signIn(app);
}
boot();
