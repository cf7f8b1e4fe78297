// waitlist.js - the waitlist screen (#/waitlist; owner, clinicians, front
// desk): who is waiting for which clinician, days and times, in person or
// video; add a client (client search), take one off, and "Offer a slot":
// the next free slots of the entry's clinician (GET free-slots) each with
// "Offer this slot", which books the appointment (POST appointments, with
// the conflict answer and "Book anyway") and takes the client off the
// waitlist.
//
// The API decides what each role sees (a clinician: clients they reach
// and entries naming them). Names and notes live only in this screen's
// elements. Never: puts a name or a note in the URL or the title.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, confirmPanel, part, when } from './fmt.js';
import { combobox } from './combo.js';
import { browserZone, dateOf, dateWords, hm, isDate, todayIn } from './caltime.js';

const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']];
const TELE = { yes: 'video', no: 'in person', either: 'in person or video' };
const clientName = (c) => (c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name);

// show(app) - the screen.
export async function show(app) {
	const gen = app.gen;
	const error = alertLine();
	screen(app.view, 'Waitlist', 'Waitlist', h('p', { class: 'count', text: 'Loading…' }), error);
	let clinicians;
	let services;
	try {
		[clinicians, services] = await Promise.all([
			api('GET', '/api/v1/clinicians').then((r) => r.clinicians),
			api('GET', '/api/v1/services').then((r) => r.services),
		]);
	} catch (err) {
		if (app.live(gen)) error.textContent = err.message;
		return;
	}
	if (!app.live(gen)) return;
	const named = (id) => clinicians.find((c) => c.id === id)?.name ?? 'a clinician';
	const count = h('p', { class: 'count', id: 'wl-count' });
	const list = h('ul', { class: 'dx-list wl-list', 'aria-labelledby': 'wl-h' });

	async function load(focusId) {
		error.textContent = '';
		let r;
		try {
			r = await api('GET', '/api/v1/waitlist');
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
			return;
		}
		if (!app.live(gen)) return;
		count.textContent = r.waitlist.length === 0 ? 'Nobody is waiting.' : `${r.waitlist.length} waiting, longest first.`;
		list.replaceChildren(...r.waitlist.map((w) => row(w)));
		if (focusId) list.querySelector(`[data-id="${focusId}"] button`)?.focus();
	}

	function row(w) {
		const who = w.client_name ?? 'A client (not in your care)';
		const days = w.days.length ? w.days.map((d) => DAYS.find(([k]) => k === d)?.[1] ?? d).join(', ') : 'any day';
		const what = `${w.clinician ? `with ${named(w.clinician)}` : 'any clinician'}; ${days}, ${w.earliest}–${w.latest}; ${TELE[w.telehealth] ?? w.telehealth}`;
		const panel = h('div', { class: 'wl-panel' });
		const li = h('li', { 'data-id': w.id },
			h('div', {}, h('strong', { text: who }), ' ', h('span', { class: 'meta', text: what }),
				w.note ? h('p', { class: 'wl-note', text: w.note }) : null,
				h('p', { class: 'meta', text: `Waiting since ${when(w.created_at)}` })),
			h('span', { class: 'row-actions' },
				w.client_name ? h('button', { type: 'button', class: 'small', text: 'Offer a slot', 'aria-label': `Offer a slot to ${who}`, onclick: () => offer(w, who, panel) }) : null,
				h('button', {
					type: 'button', class: 'small secondary', text: 'Remove', 'aria-label': `Remove ${who} from the waitlist`,
					onclick: () => confirmPanel(panel, `Take ${who} off the waitlist?`, 'Remove', async () => {
						try {
							await api('POST', `/api/v1/waitlist/${w.id}/remove`, {});
							app.status(`${who} is off the waitlist.`);
							await load();
						} catch (err) { panel.replaceChildren(h('p', { class: 'form-alert', role: 'alert', text: err.message })); }
					}),
				})),
			panel);
		return li;
	}

	// offer(w, who, panel) - free slots of the entry's clinician (or one
	// chosen), each with "Offer this slot".
	function offer(w, who, panel) {
		const slots = h('ul', { class: 'dx-list cal-free', 'aria-label': `Free slots for ${who}` });
		const form = new Form({
			name: 'offer',
			submit: 'Find free slots',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Close', onclick: () => panel.replaceChildren() })],
			onsubmit: async (v, f) => {
				const minutes = Number(v.minutes);
				if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) return f.fieldError('minutes', 'Length must be between 5 and 480 minutes.');
				if (v.from && !isDate(v.from)) return f.fieldError('from', 'Enter a date.');
				const qs = new URLSearchParams({ minutes: String(minutes), count: '6' });
				if (v.from) qs.set('from', v.from);
				const r = await api('GET', `/api/v1/clinicians/${v.clinician}/free-slots?${qs}`);
				const fit = r.slots.filter((s) => hm(s.local_start) >= w.earliest && hm(s.local_end) <= w.latest);
				const shown = fit.length ? fit : r.slots;
				slots.replaceChildren(...shown.map((s) => {
					const text = `${dateWords(dateOf(s.local_start))}, ${hm(s.local_start)}–${hm(s.local_end)}`;
					const msg = h('div', { class: 'wl-book' });
					return h('li', {}, h('span', { text: `${text} (${r.tz})` }),
						h('span', { class: 'row-actions' }, h('button', {
							type: 'button', class: 'small', text: 'Offer this slot', 'aria-label': `Offer ${text} to ${who}`,
							onclick: (ev) => bookSlot(w, who, v, r.tz, s, minutes, msg, ev.currentTarget),
						})), msg);
				}));
				app.status(shown.length ? `${shown.length} free slots${fit.length ? ' within the client\'s times' : ' (none within the client\'s times)'}.` : 'No free slot in the next 90 days.');
				return undefined;
			},
		});
		form.add({ name: 'clinician', label: 'Clinician', value: w.clinician ?? clinicians[0]?.id, options: clinicians.map((c) => [c.id, c.name]) });
		const svc = form.add({ name: 'service', label: 'Service', options: [['', 'No service'], ...services.map((s) => [s.id, `${s.name} (${s.minutes} min)`])] });
		const len = form.add({ name: 'minutes', label: 'Length in minutes', type: 'number', value: '50', inputmode: 'numeric' });
		svc.addEventListener('change', () => { const s = services.find((x) => x.id === svc.value); if (s) len.value = String(s.minutes); });
		form.add({ name: 'from', label: 'From', type: 'date', value: todayIn(browserZone()) });
		panel.replaceChildren(h('div', { class: 'sign-panel', role: 'group', 'aria-label': `Offer a slot to ${who}` }, form.el, slots));
		form.fields.get('clinician').input.focus();
	}

	async function bookSlot(w, who, v, tz, s, minutes, msg, button) {
		const body = {
			clinician: v.clinician, clients: [w.client], start: s.local_start.slice(0, 16), minutes, tz,
			telehealth: w.telehealth === 'yes',
		};
		if (v.service) body.service = v.service;
		const send = async (override) => {
			button.disabled = true;
			try {
				const r = await api('POST', '/api/v1/appointments', override ? { ...body, override: true } : body);
				await api('POST', `/api/v1/waitlist/${w.id}/remove`, {}).catch(() => null);
				app.status(`Booked ${who} on ${dateWords(dateOf(r.appointment.local_start))} at ${hm(r.appointment.local_start)}; off the waitlist.`);
				await load();
			} catch (err) {
				button.disabled = false;
				if (err.status === 409 && err.code === 'conflict' && !override) {
					msg.replaceChildren(h('p', { class: 'form-alert', role: 'alert', text: `${err.message}. Nothing was changed.` }),
						h('button', { type: 'button', class: 'small secondary', text: 'Book anyway', onclick: () => send(true) }));
				} else {
					msg.replaceChildren(h('p', { class: 'form-alert', role: 'alert', text: err.message }));
				}
			}
		};
		await send(false);
	}

	// the add form: client (search), clinician or any, days, times, where, note
	let chosen = null;
	const form = new Form({
		name: 'wl',
		submit: 'Add to the waitlist',
		onsubmit: async (v, f) => {
			if (!chosen || clientName(chosen) !== v.client) return f.fieldError('client', 'Choose a client from the suggestions.');
			if (!v.earliest || !v.latest || v.earliest >= v.latest) return f.fieldError('latest', 'Enter a time after the earliest.');
			const days = DAYS.map(([k]) => k).filter((k) => f.el.querySelector(`input[name="day-${k}"]`).checked);
			const r = await api('POST', '/api/v1/waitlist', {
				client: chosen.id, clinician: v.clinician || null, days, earliest: v.earliest, latest: v.latest,
				telehealth: v.telehealth, note: v.note || null,
			});
			app.status(`${clientName(chosen)} is on the waitlist.`);
			f.el.reset();
			chosen = null;
			await load(r.id);
			return undefined;
		},
	});
	const who = form.add({ name: 'client', label: 'Client', hint: 'Type two letters or more of a name, then choose from the list.', spellcheck: 'false' });
	combobox(who, {
		noun: 'client',
		search: async (q) => (await api('POST', '/api/v1/clients/search', { query: q, limit: 8 })).clients,
		label: clientName,
		node: (c) => h('span', {}, h('span', { class: 'name', text: clientName(c) }), c.date_of_birth ? h('span', { class: 'meta', text: ` born ${c.date_of_birth}` }) : null),
		chosen: (c) => { chosen = c; },
	});
	form.add({ name: 'clinician', label: 'Clinician', options: [['', 'Any clinician'], ...clinicians.map((c) => [c.id, c.name])] });
	const days = h('fieldset', { class: 'wl-days' }, h('legend', { text: 'Days (none ticked: any day)' }),
		DAYS.map(([k, t]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `day-${k}`, value: k }), ` ${t}`)));
	form.body.append(days);
	form.add({ name: 'earliest', label: 'Earliest start', type: 'time', value: '09:00' });
	form.add({ name: 'latest', label: 'Latest end', type: 'time', value: '17:00' });
	form.add({ name: 'telehealth', label: 'Where', options: [['either', 'In person or video'], ['no', 'In person'], ['yes', 'Video (telehealth)']] });
	form.add({ name: 'note', label: 'Note (optional)', rows: 2, maxlength: 2000, hint: 'Scheduling needs only; it is stored encrypted.' });

	document.getElementById('nav-waitlist')?.setAttribute('aria-current', 'page');
	screen(app.view, 'Waitlist', 'Waitlist',
		h('p', { class: 'back' }, h('a', { href: '#/calendar', text: '‹ Calendar' }), ' · ', h('a', { href: '#/requests', text: 'Booking requests' })),
		error,
		part('wl-h', 'Waiting', count, list),
		part('wl-add-h', 'Add to the waitlist', form.el));
	await load();
}
