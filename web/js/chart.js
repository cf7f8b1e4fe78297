// chart.js - the chart beyond demographics: which optional fields the
// practice collects (GET settings/chart), the emergency contact, contact
// preferences and confidential alternates, intake and referral, the care
// team with its primary clinician, guardians (add, edit, remove, with
// scopes), the chart's history (who changed what, when) and a note's
// saved versions.
//
// Client data lives only in this screen's elements and closures.
// Never: shows a field the practice does not collect in a form (a value
// recorded before collection stopped is still shown, and may be cleared).
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, confirmPanel, part, when } from './fmt.js';

// The chart's fields beyond demographics, in the order shown. collect:
// the practice setting that switches the field on; bool: yes/no/not asked.
export const CHART_FIELDS = [
	{ name: 'emergency_name', label: 'Emergency contact', collect: 'collect_emergency_contact' },
	{ name: 'emergency_relationship', label: 'Emergency contact relationship', collect: 'collect_emergency_contact' },
	{ name: 'emergency_phone', label: 'Emergency contact phone', type: 'tel', collect: 'collect_emergency_contact' },
	{ name: 'may_email', label: 'May we email?', bool: true },
	{ name: 'may_text', label: 'May we send text messages?', bool: true },
	{ name: 'may_voicemail', label: 'May we leave a voicemail?', bool: true },
	{ name: 'alt_email', label: 'Confidential email', type: 'email', spellcheck: 'false', autocapitalize: 'none', hint: 'Confidential communications: email goes here instead of the ordinary address.' },
	{ name: 'alt_phone', label: 'Confidential phone', type: 'tel', hint: 'Calls and text messages go here instead of the ordinary number.' },
	{ name: 'alt_address', label: 'Confidential postal address', rows: 3, hint: 'Letters go here instead of the home address.' },
	{ name: 'intake_date', label: 'Intake date', type: 'date', collect: 'collect_intake_date' },
	{ name: 'referral_source', label: 'Referral source', collect: 'collect_referral_source' },
	{ name: 'jurisdiction', label: 'Jurisdiction (retention rule)', maxlength: 6, spellcheck: 'false', autocapitalize: 'characters', hint: 'The code of one of the practice’s retention rules, such as US-WA; empty: the practice’s default rule.' },
];
const BOOL = [['', 'Not asked'], ['yes', 'Yes'], ['no', 'No']];
const SCOPES = [['scheduling', 'Scheduling'], ['billing', 'Billing'], ['records', 'Records']];
const CHANNELS = [['email', 'Email'], ['sms', 'Text message'], ['voice', 'Voicemail'], ['post', 'Post']];
const REASONS = { ok: 'allowed', not_asked: 'not asked (treated as no)', refused: 'refused by the client', no_destination: 'no address or number recorded' };

export const boolText = (v) => (v === true ? 'Yes' : v === false ? 'No' : 'Not asked');

// collects() - the practice's collect_* settings ({} if unreadable: then
// only fields that already hold a value are offered).
export async function collects() {
	try {
		return await api('GET', '/api/v1/settings/chart');
	} catch {
		return {};
	}
}

// formFields(settings, c) - the chart fields a form offers: every field
// that is always collected, optional ones the practice collects, and any
// that already hold a value (so it can be seen and cleared).
export function formFields(settings, c) {
	return CHART_FIELDS.filter((f) => !f.collect || settings[f.collect] === 1 || (c && c[f.name] !== null && c[f.name] !== undefined));
}

// addChartFields(form, fields, c) - add the fields to a Form, filled from c.
export function addChartFields(form, fields, c) {
	for (const f of fields) {
		if (f.bool) {
			const v = c?.[f.name];
			form.add({ name: f.name, label: f.label, options: BOOL, value: v === true ? 'yes' : v === false ? 'no' : '' });
		} else {
			form.add({ ...f, value: c?.[f.name] ?? '' });
		}
	}
}

// toApi(f, text) - a form value as the API wants it (null clears).
export function toApi(f, text) {
	if (f.bool) return text === 'yes' ? true : text === 'no' ? false : null;
	const t = text.trim();
	return t === '' ? null : t;
}

// detailRows(dl, c, settings) - the chart fields into a <dl>: collected
// ones always, others only when they hold a value.
export function detailRows(dl, c, settings) {
	for (const f of CHART_FIELDS) {
		const v = c[f.name];
		if (f.collect && settings[f.collect] !== 1 && (v === null || v === undefined)) continue;
		const text = f.bool ? boolText(v) : v;
		dl.append(h('dt', { text: f.label }), h('dd', { class: text ? null : 'none', text: text || 'not recorded' }));
	}
	if (c.contact_routes) {
		const ul = h('ul', { class: 'plain' }, CHANNELS.map(([k, t]) => {
			const r = c.contact_routes[k];
			if (!r) return null;
			const where = r.allowed && r.confidential ? ', to the confidential alternate' : '';
			return h('li', { text: `${t}: ${REASONS[r.reason] ?? r.reason}${where}` });
		}));
		dl.append(h('dt', { text: 'How we may contact' }), h('dd', {}, ul));
	}
}

// careTeam(app, clientId, primary) - the care team section; resolves the
// list of clinicians ({id, name, role, primary}) once read.
export function careTeam(app, clientId) {
	const gen = app.gen;
	const ul = h('ul', { class: 'plain team' });
	const count = h('p', { class: 'count', text: 'Loading the care team…' });
	const error = alertLine();
	const el = part('team-h', 'Care team', count, error, ul);
	const ready = api('GET', `/api/v1/clients/${clientId}/care-team`).then((r) => {
		if (!app.live(gen)) return [];
		count.textContent = r.clinicians.length === 0 ? 'Nobody is on the care team yet.' : '';
		ul.replaceChildren(...r.clinicians.map((m) => h('li', {}, h('span', { class: 'name', text: m.name }), ' ',
			h('span', { class: 'meta', text: m.role === 'supervisor' ? 'supervisor' : 'clinician' }), ' ',
			m.primary ? h('span', { class: 'badge', text: 'Primary clinician' }) : null)));
		return r.clinicians;
	}, (err) => {
		if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		return [];
	});
	return { el, ready };
}

// guardians(app, clientId, settings, canEdit) - the guardians section:
// list with scopes; add, edit and remove for those who may change the
// record. Hidden when the practice does not collect guardians and none
// is recorded.
export function guardians(app, clientId, settings, canEdit) {
	const gen = app.gen;
	const ul = h('ul', { class: 'dx-list guardians', 'aria-labelledby': 'guard-h' });
	const count = h('p', { class: 'count', text: 'Loading guardians…' });
	const error = alertLine();
	const area = h('div');
	const collected = settings.collect_guardians === 1;
	const addBtn = canEdit && collected ? h('button', { type: 'button', class: 'secondary', text: 'Add a guardian', 'aria-expanded': 'false' }) : null;
	const el = part('guard-h', 'Guardians', count, error, ul, addBtn ? h('div', { class: 'actions' }, addBtn) : null, area);
	el.hidden = !collected;

	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/guardians`);
			if (!app.live(gen)) return;
			el.hidden = !collected && r.guardians.length === 0;
			count.textContent = r.guardians.length === 0 ? 'No guardian recorded.' : '';
			ul.replaceChildren(...r.guardians.map(row));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}

	function row(g) {
		const sub = h('div', { class: 'row-panel' });
		const scopes = g.scopes.length ? g.scopes.map((s) => (SCOPES.find(([k]) => k === s) ?? [s, s])[1]).join(', ') : 'nothing yet';
		const facts = [g.relationship, g.phone, g.email].filter(Boolean).join(' · ');
		const acts = canEdit ? h('span', { class: 'row-actions' },
			h('button', { type: 'button', class: 'small secondary', text: 'Edit', 'aria-label': `Edit guardian ${g.name}`, onclick: () => { sub.replaceChildren(guardianForm(g, () => { sub.replaceChildren(); })); sub.querySelector('input').focus(); } }),
			h('button', { type: 'button', class: 'small secondary', text: 'Remove', 'aria-label': `Remove guardian ${g.name}`,
				onclick: () => confirmPanel(sub, `Remove ${g.name} as a guardian? The chart's history keeps the record of them.`, 'Remove', async () => {
					try {
						await api('DELETE', `/api/v1/guardians/${g.id}`);
						app.status(`${g.name} removed as a guardian.`);
						await load();
						addBtn?.focus();
					} catch (err) { if (app.live(gen)) error.textContent = err.message; }
				}) })) : null;
		return h('li', {}, h('span', { class: 'name', text: g.name }), ' ',
			h('span', { class: 'meta', text: facts }), ' ',
			h('span', { class: 'meta', text: `may see: ${scopes}` }), acts, sub);
	}

	// guardianForm(g, done) - add (g null) or edit g.
	function guardianForm(g, done) {
		const form = new Form({
			name: 'guardian',
			submit: g ? 'Save guardian' : 'Add guardian',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => done() })],
			onsubmit: async (v, f) => {
				if (v.name.trim() === '') { f.fieldError('name', 'Name is required.'); return; }
				const body = {
					name: v.name.trim(),
					relationship: v.relationship.trim() || null,
					phone: v.phone.trim() || null,
					email: v.email.trim() || null,
					scopes: SCOPES.filter(([k]) => v[`scope_${k}`]).map(([k]) => k),
				};
				if (!g) for (const k of ['relationship', 'phone', 'email']) if (body[k] === null) delete body[k];
				if (g) await api('PATCH', `/api/v1/guardians/${g.id}`, { version: g.version, ...body });
				else await api('POST', `/api/v1/clients/${clientId}/guardians`, body);
				if (!app.live(gen)) return;
				app.status(g ? `${body.name} saved.` : `${body.name} added as a guardian.`);
				done();
				await load();
			},
		});
		form.add({ name: 'name', label: 'Guardian\'s name', value: g?.name ?? '' });
		form.add({ name: 'relationship', label: 'Relationship', value: g?.relationship ?? '' });
		form.add({ name: 'phone', label: 'Phone', type: 'tel', value: g?.phone ?? '' });
		form.add({ name: 'email', label: 'Email', type: 'email', value: g?.email ?? '', spellcheck: 'false', autocapitalize: 'none' });
		for (const [k, t] of SCOPES) {
			const box = form.add({ name: `scope_${k}`, label: `May see ${t.toLowerCase()}`, type: 'checkbox' });
			box.checked = g ? g.scopes.includes(k) : false;
			box.closest('.field').classList.add('check');
		}
		return form.el;
	}

	addBtn?.addEventListener('click', () => {
		if (area.firstChild) { area.replaceChildren(); addBtn.setAttribute('aria-expanded', 'false'); return; }
		addBtn.setAttribute('aria-expanded', 'true');
		area.append(guardianForm(null, () => { area.replaceChildren(); addBtn.setAttribute('aria-expanded', 'false'); addBtn.focus(); }));
		area.querySelector('input').focus();
	});
	load();
	return el;
}

// people(app, clientId) - user id -> name, for history: the care team,
// oneself, and for the owner every user.
async function people(app, clientId) {
	const map = new Map([[app.userId(), 'you']]);
	const jobs = [api('GET', `/api/v1/clients/${clientId}/care-team`).then((r) => { for (const m of r.clinicians) if (!map.has(m.id)) map.set(m.id, m.name); }, () => null)];
	if (app.role() === 'owner') jobs.push(api('GET', '/api/v1/users').then((r) => { for (const u of r.users) if (!map.has(u.id)) map.set(u.id, u.name); }, () => null));
	await Promise.all(jobs);
	return map;
}

const ACTIONS = {
	create: 'registered the client', update: 'changed the chart', baseline: 'state before history began',
	'guardian.add': 'added a guardian', 'guardian.update': 'changed a guardian', 'guardian.remove': 'removed a guardian',
};
const LABELS = {
	legal_name: 'Legal name', preferred_name: 'Preferred name', pronouns: 'Pronouns', date_of_birth: 'Date of birth',
	email: 'Email', phone: 'Phone', address: 'Address', status: 'Status', primary_clinician: 'Primary clinician',
	name: 'Name', relationship: 'Relationship', scopes: 'May see',
};
for (const f of CHART_FIELDS) LABELS[f.name] = f.label;
const show = (v) => (v === null || v === undefined ? '(empty)' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : Array.isArray(v) ? v.join(', ') || '(none)' : String(v));

// history(app, clientId) - the chart's history screen, oldest first.
export async function history(app, clientId) {
	const gen = app.gen;
	const back = h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text: 'Back to the chart' }));
	screen(app.view, 'Chart history', 'Chart history', back, h('p', { text: 'Loading…' }));
	let r;
	let names;
	try {
		[r, names] = await Promise.all([api('GET', `/api/v1/clients/${clientId}/history`), people(app, clientId)]);
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'Chart history', 'Chart history', back, h('p', { class: 'form-alert', role: 'alert', text: err.status === 404 ? 'There is no client at this address, or it is outside your access.' : err.message }));
		return;
	}
	if (!app.live(gen)) return;
	const who = (id) => (id === null ? 'before history was kept' : names.get(id) ?? 'another practice user');
	const rows = r.versions.slice().reverse().map((v) => {
		const changes = h('ul', { class: 'plain changes' }, (v.changed ?? []).map((f) => {
			const before = v.previous && f in v.previous ? `${show(v.previous[f])} → ` : '';
			return h('li', {}, h('span', { class: 'field-name', text: `${LABELS[f] ?? f}: ` }), `${before}${show(v.values?.[f])}`);
		}));
		return h('tr', {},
			h('td', { 'data-label': 'When', text: when(v.at) }),
			h('td', { 'data-label': 'Who', text: who(v.by) }),
			h('td', { 'data-label': 'What', text: `${ACTIONS[v.action] ?? v.action}${v.object?.type === 'guardian' ? ' (guardian)' : ''}` }),
			h('td', { 'data-label': 'Changes' }, changes));
	});
	screen(app.view, 'Chart history', 'Chart history', back,
		h('p', { text: 'Every change to this chart, newest first: who made it, when, and the value before and after.' }),
		h('p', { class: 'count', role: 'status', text: `${rows.length} change${rows.length === 1 ? '' : 's'}.` }),
		h('div', { class: 'table-wrap' }, h('table', { class: 'report history' },
			h('caption', { class: 'visually-hidden', text: 'Changes to this chart' }),
			h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Changes'].map((t) => h('th', { scope: 'col', text: t })))),
			h('tbody', {}, rows))));
}

// noteHistory(app, noteId, label) - every saved version of a note.
export async function noteHistory(app, noteId, label) {
	const gen = app.gen;
	const back = h('p', { class: 'back' }, h('a', { href: `#/notes/${noteId}`, text: 'Back to the note' }));
	screen(app.view, 'Note history', 'Note versions', back, h('p', { text: 'Loading…' }));
	let r;
	try {
		r = await api('GET', `/api/v1/notes/${noteId}/history`);
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'Note history', 'Note versions', back, h('p', { class: 'form-alert', role: 'alert', text: err.status === 404 ? 'There is no note at this address, or it is outside your access.' : err.message }));
		return;
	}
	if (!app.live(gen)) return;
	const names = await people(app, r.client);
	if (!app.live(gen)) return;
	const items = r.versions.slice().reverse().map((v) => h('li', {},
		h('details', {},
			h('summary', {}, `Version ${v.version}, saved ${when(v.saved_at)} by ${names.get(v.saved_by) ?? 'another practice user'}`,
				v.changed?.length ? h('span', { class: 'meta', text: ` · changed ${v.changed.map((f) => (f === 'date' ? 'date of service' : label(f))).join(', ')}` }) : null),
			h('p', { class: 'meta', text: `Date of service ${v.date}` }),
			Object.entries(v.content ?? {}).flatMap(([k, t]) => [h('h3', { text: label(k) }), h('p', { class: 'note-text', text: t })]))));
	screen(app.view, 'Note history', 'Note versions', back,
		h('p', { text: 'Every saved version of this note, newest first. Signing adds no version: the signed text is the newest one.' }),
		h('ol', { class: 'versions' }, items));
}
