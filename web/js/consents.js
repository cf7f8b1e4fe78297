// consents.js - consent and releases: a client's consents (given and
// withdrawn), signing one (the exact text is shown first, with its hash,
// then signed with a typed name), withdrawing in one click and a confirm,
// the release-of-information form with every HIPAA 164.508(c) element and
// an error next to each missing one, a disclosure under a release, the
// accounting of disclosures; and the owner's consent documents (a new
// version, with or without re-consent).
//
// The text a signer is shown is the server's preview, and the signature
// carries that text's hash: the server refuses it if the text changed.
// Never: composes consent text in the page; keeps names or recipients
// after the screen.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { withReauth } from './admin.js';
import { alertLine, confirmPanel, day, part, when } from './fmt.js';

export const PURPOSES = [['treatment', 'Treatment'], ['telehealth', 'Telehealth (video sessions)'], ['email', 'Email'], ['sms', 'Text messages'],
	['insurance_billing', 'Insurance billing'], ['release', 'Release of information'], ['psychotherapy_notes', 'Psychotherapy notes'],
	['ai_processing', 'Private AI processing'], ['research', 'Research']];
const purposeText = (p) => (PURPOSES.find(([k]) => k === p) ?? [p, p])[1];
const today = () => day(new Date().toISOString());

// current(templates) - the newest version of each purpose in effect today.
function current(templates) {
	const best = new Map();
	for (const t of templates) {
		if (t.effective_from > today()) continue;
		if (!best.has(t.purpose) || best.get(t.purpose).version < t.version) best.set(t.purpose, t);
	}
	return [...best.values()].sort((a, b) => a.purpose.localeCompare(b.purpose));
}

// section(app, clientId, opts) - the consents section: history, withdraw,
// and (for those who may) "Sign a consent". opts.portal for the client.
export function section(app, clientId, opts = {}) {
	const gen = app.gen;
	const portal = opts.portal === true;
	const mayGive = portal || ['owner', 'clinician', 'scheduler'].includes(app.role());
	const mayDisclose = !portal && ['owner', 'clinician'].includes(app.role());
	const ul = h('ul', { class: 'dx-list consents', 'aria-labelledby': 'cons-h' });
	const count = h('p', { class: 'count', text: 'Loading consents…' });
	const error = alertLine();
	const area = h('div');
	const signBtn = mayGive ? h('button', { type: 'button', text: portal ? 'Read and sign a consent' : 'Record a consent or release', 'aria-expanded': 'false' }) : null;

	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/consents`);
			if (!app.live(gen)) return;
			count.textContent = r.consents.length === 0 ? 'No consent signed yet.' : '';
			ul.replaceChildren(...r.consents.map(row));
			opts.onload?.(r.consents);
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}

	function row(c) {
		const panel = h('div', { class: 'row-panel' });
		const given = c.status === 'given';
		const acts = h('span', { class: 'row-actions' });
		if (given && mayGive) {
			acts.append(h('button', { type: 'button', class: 'small secondary', text: 'Withdraw', 'aria-label': `Withdraw consent: ${purposeText(c.purpose)}`,
				onclick: () => confirmPanel(panel, `Withdraw this consent (${purposeText(c.purpose)})? It stops now; what was already done under it stays.`, 'Withdraw now', async () => {
					try {
						await api('POST', `/api/v1/consents/${c.id}/withdraw`, {});
						if (!app.live(gen)) return;
						app.status(`Consent withdrawn: ${purposeText(c.purpose)}.`);
						await load();
					} catch (err) { if (app.live(gen)) error.textContent = err.message; }
				}) }));
		}
		if (given && mayDisclose && c.purpose === 'release') {
			acts.append(h('button', { type: 'button', class: 'small secondary', text: 'Disclose under this release', 'aria-label': `Disclose to ${c.recipient}`,
				onclick: () => confirmPanel(panel, `Send ${c.scope} to ${c.recipient}, as this release allows? The disclosure is recorded in the accounting.`, 'Disclose', async () => {
					try {
						const r = await api('POST', `/api/v1/clients/${clientId}/disclosures`, { authorization: c.id });
						if (!app.live(gen)) return;
						app.status(`Disclosed ${r.disclosure.scope} to ${r.disclosure.recipient}: a FHIR bundle of ${r.bundle.entry.length} resource${r.bundle.entry.length === 1 ? '' : 's'}.`);
						opts.ondisclose?.();
					} catch (err) { if (app.live(gen)) error.textContent = err.message; }
				}) }));
		}
		const release = c.purpose === 'release'
			? h('span', { class: 'meta', text: `to ${c.recipient}: ${c.description} (${c.scope}); for ${c.release_purpose}; expires ${[c.expires_on, c.expiry_event].filter(Boolean).join(' or ')}` })
			: null;
		return h('li', { class: given ? null : 'resolved' },
			h('span', { class: 'name', text: purposeText(c.purpose) }), ' ',
			h('span', { class: given ? 'badge' : 'badge status-draft', text: given ? 'Given' : 'Withdrawn' }), ' ',
			h('span', { class: 'meta', text: `version ${c.template_version} · signed by ${c.signed_name ?? '—'} (${c.signer}) ${when(c.signed_at)}${c.withdrawn_at ? ` · withdrawn ${when(c.withdrawn_at)}` : ''}` }),
			release, acts, panel);
	}

	signBtn?.addEventListener('click', async () => {
		if (area.firstChild) { area.replaceChildren(); signBtn.setAttribute('aria-expanded', 'false'); return; }
		signBtn.setAttribute('aria-expanded', 'true');
		const flow = await signFlow(app, clientId, portal, async () => {
			area.replaceChildren();
			signBtn.setAttribute('aria-expanded', 'false');
			await load();
			signBtn.focus();
		});
		if (!app.live(gen)) return;
		area.replaceChildren(flow);
		area.querySelector('select, input').focus();
	});
	load();
	return part('cons-h', portal ? 'My consents' : 'Consents', count, error, ul, signBtn ? h('div', { class: 'actions' }, signBtn) : null, area);
}

// signFlow(app, clientId, portal, done) - choose a document (and for a
// release, its elements), see the exact text, then sign with a name.
async function signFlow(app, clientId, portal, done) {
	const gen = app.gen;
	const wrap = h('div', { class: 'sign-flow' });
	let templates;
	try {
		templates = current((await api('GET', '/api/v1/consent-templates')).templates);
	} catch (err) {
		wrap.append(h('p', { class: 'form-alert', role: 'alert', text: err.message }));
		return wrap;
	}
	if (templates.length === 0) {
		wrap.append(h('p', { text: 'The practice has no consent documents yet.' }));
		return wrap;
	}
	const previewArea = h('div', { class: 'preview' });
	let request = null;
	const form = new Form({
		name: 'consent',
		submit: 'Show the text to sign',
		extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => done() })],
		onsubmit: async (v, f) => {
			previewArea.replaceChildren();
			const t = templates.find((x) => x.id === v.template);
			const body = { template: v.template };
			if (!portal) body.signer = v.signer;
			if (t.purpose === 'release') {
				const miss = [['recipient', 'Who receives the information is required.'], ['description', 'Say which information, specifically.'], ['release_purpose', 'Say why it is disclosed.']]
					.find(([k]) => v[k].trim() === '');
				if (miss) { f.fieldError(miss[0], miss[1]); return; }
				if (v.expires_on === '' && v.expiry_event.trim() === '') { f.fieldError('expires_on', 'Give an expiry date, or an event that ends the release.'); return; }
				if (v.expires_on !== '' && v.expires_on < today()) { f.fieldError('expires_on', 'The expiry date must be today or later.'); return; }
				const scope = ['demographics', 'diagnoses'].filter((k) => v[`scope_${k}`]);
				if (scope.length === 0) { f.fieldError('scope_demographics', 'Choose what may be released.'); return; }
				Object.assign(body, { recipient: v.recipient.trim(), description: v.description.trim(), release_purpose: v.release_purpose.trim(), scope: scope.join(',') });
				if (v.expires_on) body.expires_on = v.expires_on;
				if (v.expiry_event.trim()) body.expiry_event = v.expiry_event.trim();
			}
			let pv;
			try {
				pv = await api('POST', `/api/v1/clients/${clientId}/consents/preview`, body);
			} catch (err) {
				const m = /needs (recipient|description|release_purpose|scope|expires_on)\b|^(expires_on|expiry_event|signer)\b/.exec(err.message);
				if (m) return f.fail(err, (m[1] ?? m[2]) === 'scope' ? 'scope_demographics' : (m[1] ?? m[2]));
				throw err;
			}
			if (!app.live(gen)) return undefined;
			request = body;
			previewArea.replaceChildren(signPart(pv));
			previewArea.querySelector('.consent-text').focus();
			return undefined;
		},
	});
	const sel = form.add({ name: 'template', label: 'Document', options: templates.map((t) => [t.id, `${t.title} — ${purposeText(t.purpose)}, version ${t.version}`]) });
	if (!portal) form.add({ name: 'signer', label: 'Who signs', options: [['client', 'The client'], ['guardian', 'A guardian, for the client']] });
	const rel = h('fieldset', { class: 'release' }, h('legend', { text: 'Release of information: every element is required by law' }));
	const releaseFields = [
		{ name: 'recipient', label: 'Recipient', hint: 'The person or organisation who receives it.' },
		{ name: 'description', label: 'Information to be released', hint: 'Specifically, for example "diagnoses and contact details".' },
		{ name: 'release_purpose', label: 'Purpose of the release', hint: 'For example "coordination of care", or "at the request of the client".' },
		{ name: 'expires_on', label: 'Expires on', type: 'date', hint: 'A date, or an event below (or both).' },
		{ name: 'expiry_event', label: 'Or expires when', hint: 'For example "at the end of treatment".' },
	];
	for (const s of releaseFields) form.add(s);
	for (const [k, t] of [['demographics', 'Release demographics (name, date of birth, contact details)'], ['diagnoses', 'Release diagnoses']]) {
		form.add({ name: `scope_${k}`, label: t, type: 'checkbox' }).closest('.field').classList.add('check');
	}
	for (const k of [...releaseFields.map((s) => s.name), 'scope_demographics', 'scope_diagnoses']) rel.append(form.fields.get(k).row);
	form.body.append(rel);
	const sync = () => {
		rel.hidden = templates.find((x) => x.id === sel.value)?.purpose !== 'release';
		previewArea.replaceChildren();
	};
	sel.addEventListener('change', sync);
	form.el.addEventListener('input', () => { if (request) { request = null; previewArea.replaceChildren(); } });
	sync();

	// signPart(pv) - the exact text, its hash, and the typed-name signature.
	function signPart(pv) {
		const sign = new Form({
			name: 'consent-sign',
			submit: 'Sign',
			onsubmit: async (v, f) => {
				if (v.signed_name.trim() === '') { f.fieldError('signed_name', portal ? 'Type your full name to sign.' : 'Type the signer\'s name as they signed.'); return; }
				try {
					await api('POST', `/api/v1/clients/${clientId}/consents`, { ...request, signed_name: v.signed_name.trim(), text_hash: pv.text_hash });
				} catch (err) {
					if (err.status === 409) { f.alert.textContent = 'The document changed since it was shown. Show the text again and read the new version before signing.'; return; }
					throw err;
				}
				if (!app.live(gen)) return;
				app.status('Signed. A copy of the exact text and its fingerprint are kept with the signature.');
				await done();
			},
		});
		sign.add({ name: 'signed_name', label: portal ? 'Your full name' : 'Signer\'s name, as typed or written by them', autocomplete: portal ? 'name' : 'off',
			hint: 'Typing the name signs exactly the text above; the time and the fingerprint of the text are kept with it.' });
		return h('section', { class: 'sign-panel', 'aria-labelledby': 'cons-text-h' },
			h('h3', { id: 'cons-text-h', text: 'The text to sign, exactly' }),
			h('pre', { class: 'consent-text plan-text', tabindex: '0', 'aria-labelledby': 'cons-text-h', text: pv.text }),
			h('p', { class: 'signature hash' }, 'Fingerprint (BLAKE2b-256) of this text: ', h('code', { text: pv.text_hash })),
			sign.el);
	}
	wrap.append(form.el, previewArea);
	return wrap;
}

// accounting(app, clientId) - the accounting of disclosures section.
function accounting(app, clientId) {
	const gen = app.gen;
	const tbody = h('tbody');
	const count = h('p', { class: 'count', text: 'Loading…' });
	const error = alertLine();
	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/disclosures`);
			if (!app.live(gen)) return;
			count.textContent = r.disclosures.length === 0 ? `No disclosure in the last ${r.years} years.` : `${r.disclosures.length} disclosure${r.disclosures.length === 1 ? '' : 's'} in the last ${r.years} years.`;
			tbody.replaceChildren(...r.disclosures.map((d) => h('tr', {},
				h('td', { 'data-label': 'When', text: when(d.disclosed_at) }),
				h('td', { 'data-label': 'To', text: d.recipient ?? '—' }),
				h('td', { 'data-label': 'What', text: `${d.description ?? ''} (${d.scope})` }),
				h('td', { 'data-label': 'Why', text: d.purpose ?? '—' }))));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}
	load();
	const el = part('acc-h', 'Accounting of disclosures', h('p', { class: 'hint', text: 'Every release of this client\'s information outside the practice in the last six years (HIPAA 164.528).' }),
		count, error, h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
			h('caption', { class: 'visually-hidden', text: 'Disclosures' }),
			h('thead', {}, h('tr', {}, ['When', 'To', 'What', 'Why'].map((t) => h('th', { scope: 'col', text: t })))), tbody)));
	el.reload = load;
	return el;
}

// show(app, clientId) - the chart's consents screen.
export function show(app, clientId) {
	app.chartId = clientId;
	const acc = accounting(app, clientId);
	screen(app.view, 'Consents', 'Consents and releases',
		h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text: 'Back to the chart' })),
		section(app, clientId, { ondisclose: () => acc.reload() }), acc);
}

// templates(app) - the owner's consent documents: every version, and a
// new version of a purpose (which may require everyone to consent again).
export async function templates(app) {
	const gen = app.gen;
	const tbody = h('tbody');
	const error = alertLine();
	let all = [];
	async function load() {
		try {
			all = (await api('GET', '/api/v1/consent-templates')).templates;
			if (!app.live(gen)) return;
			tbody.replaceChildren(...all.slice().sort((a, b) => a.purpose.localeCompare(b.purpose) || b.version - a.version).map((t) => h('tr', {},
				h('td', { 'data-label': 'Purpose', text: purposeText(t.purpose) }),
				h('td', { 'data-label': 'Title', text: t.title }),
				h('td', { 'data-label': 'Version', text: String(t.version) }),
				h('td', { 'data-label': 'In effect from', text: t.effective_from }),
				h('td', { 'data-label': 'Re-consent', text: t.requires_reconsent ? 'required' : 'no' }),
				h('td', { 'data-label': 'Actions' }, h('button', { type: 'button', class: 'small secondary', text: 'New version', 'aria-label': `New version of ${t.title}`, onclick: () => prefill(t) })))));
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		}
	}
	const form = new Form({
		name: 'tpl',
		submit: 'Publish this version',
		onsubmit: async (v, f) => {
			for (const [k, msg] of [['title', 'Title is required.'], ['body', 'The text is required.'], ['effective_from', 'Give the date it takes effect.']]) {
				if (v[k].trim() === '') { f.fieldError(k, msg); return; }
			}
			const body = { purpose: v.purpose, title: v.title.trim(), body: v.body, effective_from: v.effective_from, requires_reconsent: v.requires_reconsent };
			const t = await withReauth(() => api('POST', '/api/v1/consent-templates', body), 'Publishing a consent document needs your password and a fresh code (valid for 5 minutes).');
			if (t === undefined || !app.live(gen)) return;
			app.status(`${t.title}: version ${t.version} published${t.requires_reconsent ? '; everyone who signed an earlier version must consent again' : ''}.`);
			await load();
		},
	});
	form.add({ name: 'purpose', label: 'Purpose', options: PURPOSES });
	form.add({ name: 'title', label: 'Title', maxlength: 200 });
	form.add({ name: 'body', label: 'Text', rows: 10, hint: 'Exactly what the client reads and signs. A published version never changes: write a new version instead.' });
	form.add({ name: 'effective_from', label: 'In effect from', type: 'date', value: today() });
	form.add({ name: 'requires_reconsent', label: 'Everyone must consent again (earlier signatures stop counting from that date)', type: 'checkbox' }).closest('.field').classList.add('check');
	async function prefill(t) {
		try {
			const full = await api('GET', `/api/v1/consent-templates/${t.id}`);
			if (!app.live(gen)) return;
			form.fields.get('purpose').input.value = full.purpose;
			form.fields.get('title').input.value = full.title;
			form.fields.get('body').input.value = full.body ?? '';
			form.fields.get('title').input.focus();
		} catch (err) { if (app.live(gen)) error.textContent = err.message; }
	}
	screen(app.view, 'Consent documents', 'Consent documents', error,
		h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
			h('caption', { class: 'visually-hidden', text: 'Consent documents and their versions' }),
			h('thead', {}, h('tr', {}, ['Purpose', 'Title', 'Version', 'In effect from', 'Re-consent', 'Actions'].map((x) => h('th', { scope: 'col', text: x })))), tbody)),
		part('tpl-h', 'Publish a document or a new version', form.el));
	await load();
}
