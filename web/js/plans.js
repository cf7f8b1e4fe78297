// plans.js - treatment plans: the list in a chart, the editor (problems ->
// goals -> objectives and interventions, with target and review dates),
// one version shown as the exact text the server rendered with its
// SHA-256, every version, and the signature (the client in their portal,
// or recorded in person by a clinician).
//
// The signer is shown `text` exactly as the server rendered it, and the
// page sends that version's `text_sha256` back with the typed name, so a
// signature can only be over the words on the screen.
// Never: renders the plan text itself for signing, or keeps a plan after
// its screen.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, part, when } from './fmt.js';

const MAX = { problems: 10, goals: 6, objectives: 6, interventions: 6 };

// section(app, clientId) - the chart's plans: the newest version of each.
export function section(app, clientId) {
	const gen = app.gen;
	const ul = h('ul', { class: 'note-list', 'aria-labelledby': 'plans-h' });
	const count = h('p', { class: 'count', text: 'Loading treatment plans…' });
	const error = alertLine();
	api('GET', `/api/v1/clients/${clientId}/plans`).then((r) => {
		if (!app.live(gen)) return;
		count.textContent = r.plans.length === 0 ? 'No treatment plan yet.' : '';
		ul.replaceChildren(...r.plans.map((p) => planRow(p)));
	}, (err) => { if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; } });
	return part('plans-h', 'Treatment plans', count, error, ul,
		app.clinical() ? h('p', {}, h('a', { href: `#/clients/${clientId}/plans/new`, class: 'button', text: 'New treatment plan' })) : null);
}

export function planRow(p) {
	return h('li', {}, h('a', { href: `#/plans/${p.id}` },
		h('span', { class: 'name', text: p.title ?? 'Treatment plan' }), ' ',
		h('span', { class: p.signature ? 'badge' : 'badge status-awaiting_cosign', text: p.signature ? 'Signed' : 'Not signed' }), ' ',
		h('span', { class: 'meta', text: `version ${p.version} · review by ${p.review_date ?? '—'}` })));
}

// ---- the editor ---------------------------------------------------------

let seq = 0;

// input(label, value, opts) - a labelled one-line field with its error line.
function input(label, value, opts = {}) {
	const id = `pl-${++seq}`;
	const err = h('p', { class: 'field-error', id: `${id}-e` });
	const el = h('input', { id, type: opts.type ?? 'text', autocomplete: 'off', 'aria-describedby': `${id}-e`, maxlength: opts.max });
	el.value = value ?? '';
	const row = h('div', { class: 'field' }, h('label', { for: id, text: label }), el, err);
	return { row, el, err, required: opts.required === true, label };
}

function removeBtn(text, node, after) {
	return h('button', { type: 'button', class: 'small secondary', text, onclick: () => { node.remove(); after(); } });
}

// editor(app, clientId, planId) - a new plan (planId null) or the next
// version of one, prefilled from its newest version.
export async function editor(app, clientId, planId) {
	const gen = app.gen;
	let base = null;
	if (planId) {
		screen(app.view, 'Edit treatment plan', 'Edit treatment plan', h('p', { text: 'Loading…' }));
		try {
			base = await api('GET', `/api/v1/plans/${planId}`);
		} catch (err) {
			if (app.live(gen)) screen(app.view, 'Edit treatment plan', 'Edit treatment plan', h('p', { class: 'form-alert', role: 'alert', text: err.message }));
			return;
		}
		if (!app.live(gen)) return;
		clientId = base.client;
	}
	app.chartId = clientId;
	const doc = base?.plan ?? { title: '', review_date: '', problems: [{ problem: '', goals: [{ goal: '', objectives: [{}], interventions: [] }] }] };
	const fields = []; // every input, for the checks
	const track = (f) => { fields.push(f); return f; };

	const title = track(input('Title', doc.title, { required: true, max: 200 }));
	const start = track(input('Start date', doc.start_date, { type: 'date' }));
	const review = track(input('Review date', doc.review_date, { type: 'date', required: true }));
	const problems = h('div', { class: 'plan-problems' });
	const addProblem = h('button', { type: 'button', class: 'secondary', text: 'Add a problem' });

	function renumber() {
		[...problems.children].forEach((pf, i) => {
			pf.querySelector(':scope > legend').textContent = `Problem ${i + 1}`;
			[...pf.querySelector('.plan-goals').children].forEach((gf, j) => {
				gf.querySelector(':scope > legend').textContent = `Goal ${i + 1}.${j + 1}`;
				[...gf.querySelector('.plan-objectives').children].forEach((of, k) => { of.querySelector(':scope > legend').textContent = `Objective ${i + 1}.${j + 1}.${k + 1}`; });
				[...gf.querySelector('.plan-interventions').children].forEach((itf, k) => { itf.querySelector(':scope > legend').textContent = `Intervention ${i + 1}.${j + 1}.${k + 1}`; });
			});
		});
		addProblem.disabled = problems.children.length >= MAX.problems;
	}
	const live = (f) => f.el.isConnected;

	function objective(o) {
		const what = track(input('Objective', o.what, { required: true, max: 2000 }));
		const measure = track(input('How it is measured', o.measure, { required: true, max: 200 }));
		const target = track(input('Target', o.target, { required: true, max: 200 }));
		const date = track(input('Target date', o.target_date, { type: 'date' }));
		const fs = h('fieldset', { class: 'plan-objective' }, h('legend'), what.row, measure.row, target.row, date.row);
		fs.append(h('div', { class: 'actions' }, removeBtn('Remove this objective', fs, renumber)));
		fs.read = () => ({ what: what.el.value.trim(), measure: measure.el.value.trim(), target: target.el.value.trim(), target_date: date.el.value || undefined });
		return fs;
	}
	function intervention(iv) {
		const what = track(input('Intervention', iv.what, { required: true, max: 2000 }));
		const freq = track(input('Frequency', iv.frequency, { max: 200 }));
		const fs = h('fieldset', { class: 'plan-intervention' }, h('legend'), what.row, freq.row);
		fs.append(h('div', { class: 'actions' }, removeBtn('Remove this intervention', fs, renumber)));
		fs.read = () => ({ what: what.el.value.trim(), frequency: freq.el.value.trim() || undefined });
		return fs;
	}
	function goal(g) {
		const text = track(input('Goal', g.goal, { required: true, max: 2000 }));
		const date = track(input('Target date', g.target_date, { type: 'date' }));
		const objs = h('div', { class: 'plan-objectives' }, (g.objectives ?? [{}]).map(objective));
		const ivs = h('div', { class: 'plan-interventions' }, (g.interventions ?? []).map(intervention));
		const fs = h('fieldset', { class: 'plan-goal' }, h('legend'), text.row, date.row, objs,
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'small secondary', text: 'Add an objective', onclick: () => { if (objs.children.length < MAX.objectives) { objs.append(objective({})); renumber(); objs.lastChild.querySelector('input').focus(); } } })),
			ivs,
			h('div', { class: 'actions' },
				h('button', { type: 'button', class: 'small secondary', text: 'Add an intervention', onclick: () => { if (ivs.children.length < MAX.interventions) { ivs.append(intervention({})); renumber(); ivs.lastChild.querySelector('input').focus(); } } })));
		fs.append(h('div', { class: 'actions' }, removeBtn('Remove this goal', fs, renumber)));
		fs.read = () => ({ goal: text.el.value.trim(), target_date: date.el.value || undefined,
			objectives: [...objs.children].map((o) => o.read()), interventions: [...ivs.children].map((o) => o.read()) });
		return fs;
	}
	function problem(p) {
		const text = track(input('Problem', p.problem, { required: true, max: 2000 }));
		const goals = h('div', { class: 'plan-goals' }, (p.goals ?? [{}]).map(goal));
		const acts = h('div', { class: 'actions' },
			h('button', { type: 'button', class: 'small secondary', text: 'Add a goal', onclick: () => { if (goals.children.length < MAX.goals) { goals.append(goal({})); renumber(); goals.lastChild.querySelector('input').focus(); } } }));
		const fs = h('fieldset', { class: 'plan-problem' }, h('legend'), text.row, goals, acts);
		acts.append(removeBtn('Remove this problem', fs, renumber));
		fs.read = () => ({ problem: text.el.value.trim(), goals: [...goals.children].map((g) => g.read()) });
		return fs;
	}
	problems.append(...doc.problems.map(problem));
	addProblem.addEventListener('click', () => { problems.append(problem({})); renumber(); problems.lastChild.querySelector('input').focus(); });
	renumber();

	const conflict = h('div', { class: 'conflict', role: 'alert' });
	const form = new Form({
		name: 'plan',
		submit: planId ? 'Save a new version' : 'Save the plan',
		extra: [h('a', { href: planId ? `#/plans/${planId}` : `#/clients/${clientId}`, class: 'button secondary-link', text: 'Cancel' })],
		onsubmit: async () => {
			let first = null;
			for (const f of fields) {
				f.err.textContent = '';
				f.el.removeAttribute('aria-invalid');
				if (!live(f)) continue;
				let msg = null;
				if (f.required && f.el.value.trim() === '') msg = `${f.label} is required.`;
				else if (f.el.type === 'date' && f.el.validity.badInput) msg = `${f.label} must be a real date, YYYY-MM-DD.`;
				if (msg) {
					f.err.textContent = msg;
					f.el.setAttribute('aria-invalid', 'true');
					first ??= f;
				}
			}
			if (problems.children.length === 0) { form.alert.textContent = 'A plan needs at least one problem.'; addProblem.focus(); return; }
			for (const pf of problems.querySelectorAll('.plan-goals')) {
				if (pf.children.length === 0) { form.alert.textContent = 'Every problem needs at least one goal.'; return; }
			}
			for (const gf of problems.querySelectorAll('.plan-objectives')) {
				if (gf.children.length === 0) { form.alert.textContent = 'Every goal needs at least one objective.'; return; }
			}
			if (first) {
				form.alert.textContent = `Please check “${first.label}”.`;
				first.el.focus();
				return;
			}
			const body = { title: title.el.value.trim(), review_date: review.el.value, problems: [...problems.children].map((p) => p.read()) };
			if (start.el.value) body.start_date = start.el.value;
			const clean = JSON.parse(JSON.stringify(body)); // drops the empty optional members
			let r;
			try {
				r = planId ? await api('PUT', `/api/v1/plans/${planId}`, { ...clean, version: base.version })
					: await api('POST', `/api/v1/clients/${clientId}/plans`, clean);
			} catch (err) {
				if (err.status !== 409) throw err;
				conflict.replaceChildren(h('p', {}, h('strong', { text: 'This plan was changed since you opened it.' }),
					' Your changes have not been saved. Open the plan again to see the newest version.'),
				h('a', { href: `#/plans/${planId}`, text: 'Open the newest version' }));
				return;
			}
			if (!app.live(gen)) return;
			app.go(`#/plans/${r.id}`, `Treatment plan saved (version ${r.version}). It needs the client's signature.`);
		},
	});
	form.body.append(title.row, start.row, review.row, problems, h('div', { class: 'actions' }, addProblem));
	form.el.insertBefore(conflict, form.body);
	screen(app.view, 'Treatment plan', planId ? `Edit treatment plan (new version after ${base.version})` : 'New treatment plan',
		h('p', { class: 'back' }, h('a', { href: `#/clients/${clientId}`, text: 'Back to the chart' })),
		h('p', { class: 'hint', text: 'Each save is a new version; earlier versions and their signatures are kept.' }), form.el);
}

// ---- one plan -------------------------------------------------------------

// open(app, planId, version, opts) - one version: its exact text and hash,
// signature, versions, the amendment requests about it, and signing.
// opts.portal: the client's own view (back link to their record).
export async function open(app, planId, version, opts = {}) {
	const gen = app.gen;
	screen(app.view, 'Treatment plan', 'Treatment plan', h('p', { text: 'Loading…' }));
	let p;
	let vs;
	try {
		[p, vs] = await Promise.all([api('GET', `/api/v1/plans/${planId}${version ? `?version=${version}` : ''}`), api('GET', `/api/v1/plans/${planId}/versions`)]);
	} catch (err) {
		if (app.live(gen)) screen(app.view, 'Treatment plan', err.status === 404 ? 'Treatment plan not found' : 'Treatment plan', h('p', { class: 'form-alert', role: 'alert', text: err.status === 404 ? 'There is no plan at this address, or it is outside your access.' : err.message }));
		return;
	}
	if (!app.live(gen)) return;
	if (!opts.portal) app.chartId = p.client;
	const newest = p.version === p.latest;
	const back = opts.portal ? h('p', { class: 'back' }, h('a', { href: '#/portal', text: 'Back to my record' }))
		: h('p', { class: 'back' }, h('a', { href: `#/clients/${p.client}`, text: 'Back to the chart' }));
	const sig = p.signature
		? h('p', { class: 'signature signed', text: `Signed by ${p.signature.name} on ${when(p.signature.signed_at)} (${p.signature.method === 'portal' ? 'in the client portal' : 'in person, recorded by a clinician'}). SHA-256 of the signed text: ${p.signature.text_sha256}.` })
		: h('p', { class: 'awaiting', text: newest ? 'Not signed yet.' : 'This version was never signed; a newer version replaced it.' });
	const parts = [back,
		h('p', { class: 'note-meta', text: `Version ${p.version} of ${p.latest}, saved ${when(p.version_created_at)}.` }),
		sig,
		h('h2', { id: 'plan-text-h', text: 'The plan, exactly as it is signed' }),
		h('pre', { class: 'plan-text', tabindex: '0', 'aria-labelledby': 'plan-text-h', text: p.text }),
		h('p', { class: 'signature hash' }, 'SHA-256 of this text: ', h('code', { text: p.text_sha256 }))];
	if (newest && !p.signature) parts.push(signForm(app, p, opts.portal));
	if (app.clinical() && newest) parts.push(h('p', {}, h('a', { href: `#/plans/${p.id}/edit`, class: 'button', text: p.signature ? 'Revise (a new version to sign)' : 'Edit (a new version)' })));
	parts.push(part('versions-h', 'Versions', h('ol', { class: 'versions', reversed: true }, vs.versions.map((v) => h('li', {},
		v.version === p.version ? h('strong', { text: `Version ${v.version} (shown)` }) : h('a', { href: `#/plans/${p.id}/v/${v.version}`, text: `Version ${v.version}` }),
		' ', h('span', { class: 'meta', text: `saved ${when(v.version_created_at)} · ${v.signature ? `signed by ${v.signature.name}` : 'not signed'}` }))))));
	const ams = p.amendments ?? [];
	if (ams.length) {
		parts.push(part('plan-am-h', 'Amendment requests about this plan', h('ul', { class: 'plain' }, ams.map((a) => h('li', { text: `${a.status} · received ${when(a.received_at)}: ${a.change}` })))));
	}
	screen(app.view, 'Treatment plan', p.plan?.title ?? 'Treatment plan', ...parts);
}

// signForm(app, p, portal) - sign the version shown, with a typed name.
function signForm(app, p, portal) {
	const gen = app.gen;
	const form = new Form({
		name: 'plan-sign',
		submit: portal ? 'Sign the plan' : 'Record the signature',
		onsubmit: async (v, f) => {
			if (v.name.trim() === '') { f.fieldError('name', portal ? 'Type your full name to sign.' : 'Type the client\'s name as they gave it.'); return; }
			if (!v.agree) { f.fieldError('agree', 'Confirm that the text above was read.'); return; }
			await api('POST', `/api/v1/plans/${p.id}/sign`, { version: p.version, name: v.name.trim(), text_sha256: p.text_sha256 });
			if (!app.live(gen)) return;
			app.status('The plan is signed.');
			open(app, p.id, null, { portal });
		},
	});
	form.add({ name: 'name', label: portal ? 'Your full name' : 'The client\'s name, as they sign', autocomplete: portal ? 'name' : 'off',
		hint: portal ? 'Typing your name is your signature on exactly the text above.' : 'Only when the client signs in person, in front of you.' });
	const agree = form.add({ name: 'agree', label: portal ? 'I have read the plan above' : 'The client read the plan above', type: 'checkbox' });
	agree.closest('.field').classList.add('check');
	return part('plan-sign-h', portal ? 'Sign this plan' : 'Signature (in person)', form.el);
}
