// myrights.js - the rights a client exercises, and the export staff make for
// them: downloading the record (FHIR JSON, readable HTML, PDF; staff may
// fulfil an open access request with it), asking for a copy or an export
// (an access request, with its legal due date), asking for erasure (with a
// confirm step; the answer says when it happens or what blocks it and
// until when), and the client's privacy page (what is held, where, who
// may see it, until when, consents, disclosures, their rights).
//
// The server decides who may do what (the client, the owner, a clinician
// on the care team) and asks for a fresh password and code before an
// export or an erasure request (admin.js withReauth shows the dialog).
// Never: names the client in a file name or a URL, or keeps a downloaded
// record in the page (the Blob's address is revoked).
import { api, file } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, day, part, when } from './fmt.js';
import { withReauth } from './admin.js';
import { PURPOSES } from './consents.js';

export const FORMATS = [['fhir', 'FHIR JSON (for another practice\'s system)'], ['html', 'Readable page (HTML)'], ['pdf', 'PDF document']];
const EXT = { fhir: 'fhir.json', html: 'html', pdf: 'pdf' };
const KIND = [['access', 'A copy to read (access)'], ['portability', 'An export for another provider (portability)']];
const LAW = [['hipaa', 'HIPAA (United States): within 30 days'], ['gdpr', 'GDPR (Europe): within one month']];
export const BASIS = [['gdpr-17', 'GDPR article 17 (right to erasure)'], ['mhmda', 'Washington My Health My Data Act'], ['other', 'Another reason']];
const BLOCK = { retention: 'the retention rule', legal_hold: 'a legal hold' };
const STATUS = { open: 'Open', extended: 'Extended', fulfilled: 'Answered' };

// save(blob, name) - hand a Blob to the browser as a download named name.
export function save(blob, name) {
	const url = URL.createObjectURL(blob);
	const a = h('a', { href: url, download: name, hidden: true });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60_000); // after the download has started
}

// downloadRecord(clientId, format, request) - fetch the export (after a
// re-authentication if the server asks for one) and save it under a
// generic name. Resolves true once saved, false if the dialog was cancelled.
export async function downloadRecord(clientId, format, request) {
	const q = new URLSearchParams({ format });
	if (request) q.set('request', request);
	const blob = await withReauth(() => file(`/api/v1/clients/${clientId}/export?${q}`),
		'Downloading a health record needs your password and a fresh code (valid for 5 minutes).');
	if (blob === undefined) return false;
	save(blob, `health-record.${EXT[format] ?? 'bin'}`);
	return true;
}

// exportSection(app, clientId, opts) - "Export the record" on the chart
// (opts.portal: "Download my record" in the portal). Staff may choose an
// open access request of the client that the download fulfils.
export function exportSection(app, clientId, opts = {}) {
	const gen = app.gen;
	const portal = opts.portal === true;
	let open = [];
	const form = new Form({
		name: portal ? 'my-export' : 'export',
		submit: portal ? 'Download my record' : 'Download the record',
		onsubmit: async (v) => {
			const ok = await downloadRecord(clientId, v.format, portal ? null : v.request);
			if (!ok || !app.live(gen)) return;
			const what = FORMATS.find(([k]) => k === v.format)?.[1] ?? v.format;
			app.status(`The record was downloaded: ${what}${v.request ? '; the access request is answered' : ''}.`);
			if (v.request) await loadRequests();
		},
	});
	form.add({ name: 'format', label: 'Format', options: FORMATS,
		hint: portal ? 'Everything in your record except psychotherapy notes, which the law keeps apart.' : 'The designated record set; never psychotherapy notes.' });
	let reqSelect = null;
	async function loadRequests() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/access-requests`);
			if (!app.live(gen)) return;
			open = r.requests.filter((x) => x.status !== 'fulfilled');
			reqSelect.replaceChildren(h('option', { value: '', text: 'None: only download' }),
				...open.map((x) => h('option', { value: x.id, text: `${x.kind === 'portability' ? 'Export' : 'Access'} request received ${x.received_on}, due ${x.due_on}` })));
		} catch { /* the download works without it */ }
	}
	if (!portal) {
		reqSelect = form.add({ name: 'request', label: 'Answers an access request', options: [['', 'None: only download']],
			hint: 'Choose the client\'s open request this copy answers; it is then marked answered.' });
		loadRequests();
	}
	return part(portal ? 'my-export-h' : 'export-h', portal ? 'Download my record' : 'Export the record',
		portal ? h('p', { class: 'hint', text: 'A copy of your record to keep or to give to another provider. You are asked for your password and a code first.' }) : null,
		form.el);
}

// requestSection(app, clientId) - "Ask for a copy or an export": the
// client's access requests with their due dates, and a new one.
export function requestSection(app, clientId) {
	const gen = app.gen;
	const ul = h('ul', { class: 'dx-list', 'aria-labelledby': 'my-ar-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	const error = alertLine();
	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/access-requests`);
			if (!app.live(gen)) return;
			count.textContent = r.requests.length === 0 ? 'You have not asked yet.' : `${r.requests.length} request${r.requests.length === 1 ? '' : 's'}.`;
			ul.replaceChildren(...r.requests.map((x) => h('li', {},
				h('span', { class: 'name', text: x.kind === 'portability' ? 'An export' : 'A copy' }), ' ',
				h('span', { class: x.status === 'fulfilled' ? 'badge' : 'badge status-pending', text: STATUS[x.status] ?? x.status }), ' ',
				h('span', { class: 'meta', text: x.status === 'fulfilled' ? `answered ${day(x.fulfilled_at)}` : `asked ${x.received_on}, answer due by ${x.due_on}${x.extension_reason ? ` (extended: ${x.extension_reason})` : ''}` }))));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}
	const form = new Form({
		name: 'my-ar',
		submit: 'Ask for it',
		onsubmit: async (v) => {
			const r = await api('POST', `/api/v1/clients/${clientId}/access-requests`, { kind: v.kind, jurisdiction: v.jurisdiction });
			if (!app.live(gen)) return;
			app.status(`Your request was received: the practice answers by ${r.due_on}.`);
			await load();
		},
	});
	form.add({ name: 'kind', label: 'What you ask for', options: KIND });
	form.add({ name: 'jurisdiction', label: 'Law that applies to you', options: LAW });
	load();
	return part('my-ar-h', 'Ask for a copy or an export',
		h('p', { class: 'hint', text: 'The practice prepares it and answers within the time the law sets. You can also download your record yourself above.' }),
		count, error, ul, form.el);
}

// erasureAnswer(r) - the answer to an erasure request, for people: done,
// or scheduled with what blocks it and the date it becomes possible.
export function erasureAnswer(r) {
	if (r.status === 'done') {
		return h('div', { class: 'sign-panel erasure-answer', role: 'status' },
			h('p', {}, h('strong', { text: 'Erased. ' }), `The record was erased on ${day(r.done_at ?? r.requested_at)}; it cannot be recovered.`));
	}
	const blocked = (r.blocked_by ?? []).map((b) => BLOCK[b] ?? b);
	return h('div', { class: 'sign-panel erasure-answer', role: 'status' },
		h('p', {}, h('strong', { text: 'Not yet possible. ' }), `Blocked by ${blocked.length ? blocked.join(' and ') : 'an obligation to keep the record'}.`),
		h('p', { text: r.not_before ? `It becomes possible on ${day(r.not_before)} and is carried out then by itself.` : 'It is carried out by itself once every legal hold is released.' }),
		r.message ? h('p', { class: 'meta', text: r.message }) : null);
}

// erasureSection(app, clientId) - "Ask us to erase my data", with a
// confirm step and the answer.
export function erasureSection(app, clientId) {
	const gen = app.gen;
	const confirm = h('div');
	const answer = h('div');
	const form = new Form({
		name: 'my-erase',
		submit: 'Ask us to erase my data',
		onsubmit: async (v) => {
			answer.replaceChildren();
			const yes = h('button', { type: 'button', text: 'Yes, erase my data' });
			const no = h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => { confirm.replaceChildren(); form.button.focus(); } });
			const err = alertLine();
			yes.addEventListener('click', async () => {
				err.textContent = '';
				yes.disabled = true;
				try {
					const r = await withReauth(() => api('POST', `/api/v1/clients/${clientId}/erasure-requests`, { basis: v.basis }),
						'Asking for erasure needs your password and a fresh code (valid for 5 minutes).');
					if (r === undefined || !app.live(gen)) return;
					confirm.replaceChildren();
					answer.replaceChildren(erasureAnswer(r));
					app.status(r.status === 'done' ? 'Your data was erased.' : 'Your request was recorded.');
				} catch (e) {
					if (app.live(gen)) err.textContent = e.message;
				} finally {
					yes.disabled = false;
				}
			});
			confirm.replaceChildren(h('div', { class: 'sign-panel', role: 'group', 'aria-labelledby': 'my-erase-q' },
				h('p', { id: 'my-erase-q', text: 'Erase your record? If no law requires the practice to keep it, it is erased at once and cannot be recovered, and your portal account is closed. Otherwise it is erased on the first day it may be.' }),
				err, h('div', { class: 'actions' }, yes, no)));
			yes.focus();
		},
	});
	form.add({ name: 'basis', label: 'Under which right', options: BASIS });
	return part('my-erase-h', 'Ask us to erase my data',
		h('p', { class: 'hint', text: 'Health records must often be kept for years after the last session; the answer says until when.' }),
		form.el, confirm, answer);
}

// privacyPage(app, clientId) - the client's privacy page (#/portal/privacy).
export async function privacyPage(app, clientId) {
	const gen = app.gen;
	const back = h('p', { class: 'back' }, h('a', { href: '#/portal', text: 'Back to my record' }));
	screen(app.view, 'My privacy page', 'My privacy page', back, h('p', { text: 'Loading…' }));
	let p;
	try {
		p = await api('GET', `/api/v1/clients/${clientId}/privacy`);
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'My privacy page', 'My privacy page', back, h('p', { class: 'form-alert', role: 'alert', text: err.message }));
		return;
	}
	if (!app.live(gen)) return;
	const rule = p.retention_rule;
	const cats = h('div', { class: 'table-wrap' }, h('table', { class: 'report privacy-cats' },
		h('caption', { class: 'visually-hidden', text: 'What your record holds' }),
		h('thead', {}, h('tr', {}, ['What', 'Holds', 'Who may see it', 'Items'].map((t) => h('th', { scope: 'col', text: t })))),
		h('tbody', {}, p.categories.map((c) => h('tr', {},
			h('th', { scope: 'row', 'data-label': 'What', text: c.name }),
			h('td', { 'data-label': 'Holds', text: c.what }),
			h('td', { 'data-label': 'Who may see it', text: c.who }),
			h('td', { 'data-label': 'Items', text: c.count === undefined ? '—' : String(c.count) }))))));
	const consUl = h('ul', { class: 'dx-list', 'aria-labelledby': 'pp-cons-h' });
	const consCount = h('p', { class: 'count', text: 'Loading…' });
	const discUl = h('ul', { class: 'dx-list', 'aria-labelledby': 'pp-disc-h' });
	const discCount = h('p', { class: 'count', text: 'Loading…' });
	const purpose = (x) => (PURPOSES.find(([k]) => k === x) ?? [x, x])[1];
	api('GET', `/api/v1/clients/${clientId}/consents`).then((r) => {
		if (!app.live(gen)) return;
		consCount.textContent = r.consents.length === 0 ? 'No consent recorded.' : '';
		consUl.replaceChildren(...r.consents.map((c) => h('li', {}, h('span', { class: 'name', text: purpose(c.purpose) }), ' ',
			h('span', { class: c.status === 'given' ? 'badge' : 'badge status-draft', text: c.status === 'given' ? 'Given' : 'Withdrawn' }))));
	}, (err) => { if (app.live(gen)) consCount.textContent = err.message; });
	api('GET', `/api/v1/clients/${clientId}/disclosures`).then((r) => {
		if (!app.live(gen)) return;
		discCount.textContent = r.disclosures.length === 0 ? `Nothing was released outside the practice in the last ${r.years} years.` : '';
		discUl.replaceChildren(...r.disclosures.map((d) => h('li', {}, h('span', { class: 'name', text: d.recipient ?? 'a recipient' }), ' ',
			h('span', { class: 'meta', text: `${when(d.disclosed_at)}: ${d.description ?? ''} (${d.scope})${d.purpose ? `, for ${d.purpose}` : ''}` }))));
	}, (err) => { if (app.live(gen)) discCount.textContent = err.message; });
	screen(app.view, 'My privacy page', 'My privacy page', back,
		part('pp-where-h', 'Where it is kept',
			h('p', { text: `${p.practice.name ?? 'The practice'} keeps your record on ${p.practice.server_location}.` }),
			p.practice.privacy_contact ? h('p', { text: `Questions about your privacy: ${p.practice.privacy_contact}` }) : null,
			h('p', { text: p.no_trackers })),
		part('pp-what-h', 'What we hold', cats),
		part('pp-keep-h', 'How long we keep it', h('p', { text: p.retention }),
			rule?.retain_until ? h('p', { class: 'retain-until' }, 'Your record is kept until ', h('strong', { text: day(rule.retain_until) }),
				`${rule.jurisdiction ? `, under the rule of ${rule.jurisdiction}` : ''} (${rule.basis === 'minor' ? 'the rule for records of minors' : 'years after the last contact'}).`) : null),
		part('pp-cons-h', 'Your consents', consCount, consUl),
		part('pp-disc-h', 'What was released outside the practice', discCount, discUl),
		part('pp-out-h', 'What can leave this server', h('ul', { class: 'plain' }, p.integrations.map((i) => h('li', {},
			`${i.purpose}: ${i.sends}. ${i.configured ? 'In use here' : 'Not in use here'}; needs your consent (${i.needs_consent.replaceAll('_', ' ')}).`)))),
		part('pp-rights-h', 'Your rights', h('ul', { class: 'plain' }, p.rights.map((r) => h('li', {}, h('strong', { text: `${r.right}: ` }), r.how))),
			h('p', {}, h('a', { href: '#/portal/access', text: 'Who looked at my record' }))));
}
