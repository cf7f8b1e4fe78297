// portal.js - the client's own portal (role client), phone width first:
// a summary of their record, their consents (sign, withdraw), treatment
// plans (read the exact text, sign), corrections they asked for (ask,
// disagree with a denial), their files (download), who looked at their
// record, and their rights (download the record, ask for a copy, ask for
// erasure, the privacy page: myrights.js).
//
// The server decides what a client sees (their own record only); this
// module only arranges it. Psychotherapy notes are never shown here: the
// API does not give them to a client.
// Never: keeps the record after sign-out or outside this screen.
import { api } from './api.js';
import { h, screen } from './dom.js';
import { alertLine, part, when } from './fmt.js';
import { boolText } from './chart.js';
import * as consents from './consents.js';
import * as amendments from './amendments.js';
import * as attachments from './attachments.js';
import { planRow } from './plans.js';
import { portalSection as bookingRequests } from './requests.js';
import * as myrights from './myrights.js';

// me(app) - the client's own record ({} fields), or null.
export async function me() {
	const r = await api('GET', '/api/v1/clients?limit=1');
	return r.clients[0] ?? null;
}

// home(app) - the portal's first screen.
export async function home(app) {
	const gen = app.gen;
	screen(app.view, 'My record', 'My record', h('p', { text: 'Loading…' }));
	let c;
	try {
		c = await me();
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'My record', 'My record', h('p', { class: 'form-alert', role: 'alert', text: err.message }));
		return;
	}
	if (!app.live(gen)) return;
	if (!c) {
		screen(app.view, 'My record', 'My record', h('p', { text: 'Your account is not linked to a record yet. Please contact the practice.' }));
		return;
	}
	const dl = h('dl', { class: 'record' });
	const rows = [['Name', c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name], ['Pronouns', c.pronouns], ['Date of birth', c.date_of_birth],
		['Email', c.email], ['Phone', c.phone], ['Address', c.address],
		['Email from us', boolText(c.may_email)], ['Text messages', boolText(c.may_text)], ['Voicemail', boolText(c.may_voicemail)]];
	if (c.alt_email || c.alt_phone || c.alt_address) rows.push(['Confidential contact', [c.alt_email, c.alt_phone, c.alt_address].filter(Boolean).join('\n')]);
	for (const [k, v] of rows) dl.append(h('dt', { text: k }), h('dd', { class: v ? null : 'none', text: v || 'not recorded' }));

	const plansUl = h('ul', { class: 'note-list', 'aria-labelledby': 'my-plans-h' });
	const plansCount = h('p', { class: 'count', text: 'Loading…' });
	const plansErr = alertLine();
	api('GET', `/api/v1/clients/${c.id}/plans`).then((r) => {
		if (!app.live(gen)) return;
		plansCount.textContent = r.plans.length === 0 ? 'No treatment plan yet.' : `${r.plans.filter((p) => !p.signature).length} waiting for your signature.`;
		plansUl.replaceChildren(...r.plans.map((p) => {
			const li = planRow(p);
			li.querySelector('a').setAttribute('href', `#/portal/plans/${p.id}`);
			return li;
		}));
	}, (err) => { if (app.live(gen)) { plansCount.textContent = ''; plansErr.textContent = err.message; } });

	const filesUl = h('ul', { class: 'dx-list files', 'aria-labelledby': 'my-files-h' });
	const filesCount = h('p', { class: 'count', text: 'Loading…' });
	const filesErr = alertLine();
	attachments.fill(app, c.id, filesUl, filesCount, filesErr);

	screen(app.view, 'My record', `Hello, ${c.preferred_name || c.legal_name}`,
		h('nav', { class: 'portal-nav', 'aria-label': 'On this page' }, h('ul', { class: 'plain' },
			[['#my-details-h', 'My details'], ['#cons-h', 'Consents'], ['#my-plans-h', 'Treatment plans'], ['#am-h', 'Corrections'], ['#my-files-h', 'Files']]
				.map(([href, t]) => h('li', {}, h('a', { href, text: t, onclick: (ev) => { ev.preventDefault(); const el = document.querySelector(href); el?.setAttribute('tabindex', '-1'); el?.focus(); } }))),
			h('li', {}, h('a', { href: '#my-export-h', text: 'My rights', onclick: (ev) => { ev.preventDefault(); const el = document.querySelector('#my-export-h'); el?.setAttribute('tabindex', '-1'); el?.focus(); } })),
			h('li', {}, h('a', { href: '#/portal/privacy', text: 'My privacy page' })),
			h('li', {}, h('a', { href: '#/portal/access', text: 'Who looked at my record' })))),
		part('my-details-h', 'My details', dl, h('p', { class: 'hint', text: 'Something wrong? Ask for a correction below.' })),
		consents.section(app, c.id, { portal: true }),
		part('my-plans-h', 'Treatment plans', plansCount, plansErr, plansUl),
		amendments.section(app, c.id, { portal: true }),
		part('my-files-h', 'Files', filesCount, filesErr, filesUl),
		videoPart(app),
		myrights.exportSection(app, c.id, { portal: true }),
		myrights.requestSection(app, c.id),
		myrights.erasureSection(app, c.id),
		h('p', { class: 'meta', text: `Your record was created ${when(c.created_at)}.` }));
	app.view.lastElementChild.before(bookingRequests(app, c));
}

// access(app) - "who looked at my record".
export async function access(app) {
	const gen = app.gen;
	let c;
	try { c = await me(); } catch (err) { if (app.live(gen)) app.status(err.message); return; }
	if (!app.live(gen) || !c) return;
	const mod = await import('./access.js');
	if (app.live(gen)) mod.report(app, c.id, { portal: true });
}

// privacy(app) - the client's privacy page.
export async function privacy(app) {
	const gen = app.gen;
	let c;
	try { c = await me(); } catch (err) { if (app.live(gen)) app.status(err.message); return; }
	if (app.live(gen) && c) await myrights.privacyPage(app, c.id);
}

// videoPart(app) - "Video sessions": the appointments booked from the
// client's requests, each with a way into its video screen (the server
// answers whether it is a video appointment and whether consent is in
// force). A link from the clinician (#/portal/video/<id>) works as well.
function videoPart(app) {
	const gen = app.gen;
	const ul = h('ul', { class: 'plain', 'aria-labelledby': 'my-video-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	api('GET', '/api/v1/booking-requests').then((r) => {
		if (!app.live(gen)) return;
		const booked = (r.requests ?? []).filter((b) => b.appointment);
		count.textContent = booked.length ? '' : 'No booked appointment to join yet.';
		ul.replaceChildren(...booked.map((b) => h('li', {}, h('a', { href: `#/portal/video/${b.appointment}`, text: `Join the video session of ${when(b.start)}` }))));
	}, () => { if (app.live(gen)) count.textContent = ''; });
	return part('my-video-h', 'Video sessions', count, ul);
}
