// amendments.js - amendment requests (HIPAA 164.526): the list with due
// dates and overdue ones marked, asking for one (a chart field, a note, a
// plan or a diagnosis), and each step: extend once, accept with the
// amended text, deny with a reason and basis, the client's statement of
// disagreement, and the practice's rebuttal. Used in the chart (treating
// team) and in the client's portal (request and disagree only).
//
// Never: keeps a request's text after the screen; offers a step the
// server would refuse for the role.
import { api } from './api.js';
import { Form, h } from './dom.js';
import { alertLine, day, part, when } from './fmt.js';
import { CHART_FIELDS } from './chart.js';

const STATUS = { pending: 'Pending', accepted: 'Accepted', denied: 'Denied' };
const BASIS = [['', 'No basis given'], ['accurate_complete', 'The record is accurate and complete'], ['not_created_here', 'Not created by this practice'],
	['not_in_record_set', 'Not part of the designated record set'], ['not_available_for_access', 'Not available for access']];
const FIELD_NAMES = [['legal_name', 'Legal name'], ['preferred_name', 'Preferred name'], ['pronouns', 'Pronouns'], ['date_of_birth', 'Date of birth'],
	['email', 'Email'], ['phone', 'Phone'], ['address', 'Address'], ...CHART_FIELDS.map((f) => [f.name, f.label])];
const TARGETS = { chart: 'a chart detail', note: 'a note', plan: 'a treatment plan', diagnosis: 'a diagnosis' };

function targetText(t) {
	if (t.type === 'chart') return `Chart detail: ${(FIELD_NAMES.find(([k]) => k === t.field) ?? [t.field, t.field])[1]}`;
	return `About ${TARGETS[t.type] ?? t.type}`;
}

// section(app, clientId, opts) - the requests and the form to make one.
// opts.portal: the client's own view.
export function section(app, clientId, opts = {}) {
	const gen = app.gen;
	const portal = opts.portal === true;
	const clinical = app.clinical();
	const ul = h('ul', { class: 'dx-list amendments', 'aria-labelledby': 'am-h' });
	const count = h('p', { class: 'count', text: 'Loading amendment requests…' });
	const error = alertLine();
	const area = h('div');
	const newBtn = h('button', { type: 'button', class: 'secondary', text: portal ? 'Ask for a correction' : 'Record a request from the client', 'aria-expanded': 'false' });

	async function load() {
		try {
			const r = await api('GET', `/api/v1/clients/${clientId}/amendments`);
			if (!app.live(gen)) return;
			const open = r.amendments.filter((a) => a.status === 'pending').length;
			const late = r.amendments.filter((a) => a.overdue).length;
			count.textContent = r.amendments.length === 0 ? 'No amendment requests.'
				: `${r.amendments.length} request${r.amendments.length === 1 ? '' : 's'}; ${open} pending${late ? `, ${late} overdue` : ''}.`;
			ul.replaceChildren(...r.amendments.slice().reverse().map(row));
		} catch (err) {
			if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		}
	}

	// step(where, name, specs, submit, go) - a small inline form for one step.
	function step(where, name, specs, submit, go) {
		const form = new Form({
			name,
			submit,
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => where.replaceChildren() })],
			onsubmit: async (v, f) => {
				for (const s of specs) if (s.required && v[s.name].trim() === '') { f.fieldError(s.name, `${s.label} is required.`); return; }
				await go(v);
				if (!app.live(gen)) return;
				where.replaceChildren();
				await load();
			},
		});
		for (const s of specs) form.add(s);
		where.replaceChildren(form.el);
		form.el.querySelector('textarea, input, select').focus();
	}

	function row(a) {
		const panel = h('div', { class: 'row-panel' });
		const facts = h('dl', { class: 'record compact' },
			h('dt', { text: 'Asked for' }), h('dd', { text: a.change }),
			h('dt', { text: 'Why' }), h('dd', { text: a.reason }),
			h('dt', { text: 'Received' }), h('dd', { text: `${when(a.received_at)} (${a.requested_via === 'portal' ? 'in the portal' : 'recorded by the practice'})` }),
			h('dt', { text: 'Decision due' }), h('dd', { text: day(a.due_at) }));
		const add = (label, s, extra = '') => { if (s) facts.append(h('dt', { text: label }), h('dd', { text: `${s.text ?? ''}${extra} (${when(s.at)})` })); };
		add('Extended', a.extension);
		if (a.decision) {
			const basis = a.decision.basis ? ` Basis: ${(BASIS.find(([k]) => k === a.decision.basis) ?? ['', a.decision.basis])[1]}.` : '';
			add(a.status === 'accepted' ? 'Accepted; amended text' : 'Denied; reason', a.decision, `${basis}${a.decision.addendum ? ' Added to the note as a signed addendum.' : ''}`);
		}
		add('Statement of disagreement', a.disagreement);
		add('Rebuttal', a.rebuttal);
		const acts = h('div', { class: 'row-actions' });
		const btn = (text, fn) => acts.append(h('button', { type: 'button', class: 'small secondary', text, onclick: fn }));
		if (clinical && a.status === 'pending') {
			if (!a.extension) btn('Extend 30 days', () => step(panel, 'am-extend', [{ name: 'reason', label: 'Reason for the extension (told to the client)', rows: 2, required: true }], 'Extend',
				(v) => api('POST', `/api/v1/amendments/${a.id}/extend`, { reason: v.reason.trim() })));
			btn('Accept', () => step(panel, 'am-accept', [{ name: 'text', label: 'The amended text', rows: 3, required: true, value: a.change }], 'Accept the amendment',
				(v) => api('POST', `/api/v1/amendments/${a.id}/accept`, { text: v.text.trim() })));
			btn('Deny', () => step(panel, 'am-deny', [{ name: 'reason', label: 'Reason for the denial (sent to the client)', rows: 3, required: true }, { name: 'basis', label: 'Basis', options: BASIS }], 'Deny the request',
				(v) => api('POST', `/api/v1/amendments/${a.id}/deny`, v.basis ? { reason: v.reason.trim(), basis: v.basis } : { reason: v.reason.trim() })));
		}
		if (a.status === 'denied' && !a.disagreement) {
			btn(portal ? 'I disagree: add a statement' : 'Record the client\'s disagreement', () => step(panel, 'am-disagree',
				[{ name: 'text', label: 'Statement of disagreement', hint: 'It will travel with this part of the record from now on.', rows: 4, required: true }], 'Add the statement',
				(v) => api('POST', `/api/v1/amendments/${a.id}/disagreement`, { text: v.text.trim() })));
		}
		if (clinical && a.disagreement && !a.rebuttal) {
			btn('Add a rebuttal', () => step(panel, 'am-rebut', [{ name: 'text', label: 'Rebuttal', rows: 4, required: true }], 'Add the rebuttal',
				(v) => api('POST', `/api/v1/amendments/${a.id}/rebuttal`, { text: v.text.trim() })));
		}
		return h('li', { class: 'amendment' },
			h('span', { class: 'name', text: targetText(a.target) }), ' ',
			h('span', { class: `badge status-${a.status}`, text: STATUS[a.status] ?? a.status }), ' ',
			a.overdue ? h('span', { class: 'badge overdue', text: 'Overdue' }) : null,
			a.status === 'pending' ? h('span', { class: 'meta', text: `due ${day(a.due_at)}` }) : null,
			facts, acts, panel);
	}

	newBtn.addEventListener('click', async () => {
		if (area.firstChild) { area.replaceChildren(); newBtn.setAttribute('aria-expanded', 'false'); return; }
		newBtn.setAttribute('aria-expanded', 'true');
		area.append(await requestForm(app, clientId, portal, async () => {
			area.replaceChildren();
			newBtn.setAttribute('aria-expanded', 'false');
			await load();
			newBtn.focus();
		}));
		area.querySelector('select').focus();
	});
	load();
	return part('am-h', portal ? 'Corrections I asked for' : 'Amendment requests', count, error, ul, h('div', { class: 'actions' }, newBtn), area);
}

// requestForm(app, clientId, portal, done) - what should change, and why.
async function requestForm(app, clientId, portal, done) {
	const targets = { chart: [], plan: [], note: [], diagnosis: [] };
	const jobs = [api('GET', `/api/v1/clients/${clientId}/plans`).then((r) => { targets.plan = r.plans.map((p) => [p.id, `${p.title} (version ${p.version})`]); }, () => null)];
	if (!portal) {
		jobs.push(api('GET', `/api/v1/clients/${clientId}/notes`).then((r) => { targets.note = r.notes.map((n) => [n.id, `${n.date} note by ${n.author_name}`]); }, () => null));
		jobs.push(api('GET', `/api/v1/clients/${clientId}/diagnoses`).then((r) => { targets.diagnosis = r.diagnoses.map((d) => [d.id, `${d.code} ${d.title}`]); }, () => null));
	}
	await Promise.all(jobs);
	const types = [['chart', 'A detail of the chart'], ['plan', 'A treatment plan']];
	if (!portal) types.push(['note', 'A note'], ['diagnosis', 'A diagnosis']);
	const form = new Form({
		name: 'am-new',
		submit: 'Send the request',
		extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => done() })],
		onsubmit: async (v, f) => {
			const body = { target_type: v.target_type, change: v.change.trim(), reason: v.reason.trim() };
			if (v.target_type === 'chart') body.field = v.field;
			else if (!v.target_id) { f.fieldError('target_id', 'Choose which one.'); return; } else body.target_id = v.target_id;
			if (body.change === '') { f.fieldError('change', 'Say what should change.'); return; }
			if (body.reason === '') { f.fieldError('reason', 'Say why.'); return; }
			await api('POST', `/api/v1/clients/${clientId}/amendments`, body);
			app.status(portal ? 'Your request was sent. The practice must answer within 60 days.' : 'The request is recorded; it is due in 60 days.');
			await done();
		},
	});
	const type = form.add({ name: 'target_type', label: 'What should be corrected', options: types });
	const field = form.add({ name: 'field', label: 'Which detail', options: FIELD_NAMES });
	const target = form.add({ name: 'target_id', label: 'Which one', options: [] });
	form.add({ name: 'change', label: 'What it should say', rows: 3, maxlength: 4000 });
	form.add({ name: 'reason', label: 'Why', rows: 3, maxlength: 4000 });
	const sync = () => {
		const t = type.value;
		form.fields.get('field').row.hidden = t !== 'chart';
		form.fields.get('target_id').row.hidden = t === 'chart';
		if (t !== 'chart') {
			const opts = targets[t] ?? [];
			target.replaceChildren(...(opts.length ? opts : [['', 'None recorded']]).map(([k, x]) => h('option', { value: k, text: x })));
		}
	};
	type.addEventListener('change', sync);
	sync();
	field.value = 'address';
	return form.el;
}
