// requests.js - booking requests. Staff (#/requests; owner, clinicians,
// front desk): pending requests first, with the client's name, time,
// length and message; the request's clinician or the owner approves
// (a 409 conflict shows the server's message and "Approve anyway") or
// declines with a reason (required, next to its field). The client's
// portal (portalSection): ask for an appointment with a clinician of their
// care team and see each request's status (and the reason of a decline).
//
// The API decides who may decide (the front desk sees, does not decide).
// Never: puts a name, message or reason in the URL or the title.
import { api } from './api.js';
import { Form, h, screen } from './dom.js';
import { alertLine, part, when } from './fmt.js';
import { browserZone, dateOf, dateWords, isDate, todayIn } from './caltime.js';

const STATUS = { pending: 'Waiting for the practice', approved: 'Booked', declined: 'Declined' };
const startWords = (r) => `${dateWords(dateOf(r.start))} at ${r.start.slice(11, 16)} (${r.tz}), ${r.minutes} minutes${r.telehealth ? ', video' : ''}`;

// show(app, query) - the staff screen; query ?status=pending|approved|declined.
export async function show(app, query) {
	const gen = app.gen;
	const q = new URLSearchParams(query ?? '');
	const status = ['pending', 'approved', 'declined'].includes(q.get('status')) ? q.get('status') : 'pending';
	const error = alertLine();
	const count = h('p', { class: 'count', text: 'Loading…' });
	const list = h('ul', { class: 'dx-list rq-list', 'aria-labelledby': 'rq-h' });
	const mayDecide = (r) => app.role() === 'owner' || (app.role() === 'clinician' && r.clinician === app.userId());
	const tabs = h('nav', { 'aria-label': 'Requests by status' }, h('ul', { class: 'cal-views' },
		[['pending', 'Pending'], ['approved', 'Approved'], ['declined', 'Declined']].map(([k, t]) => h('li', {},
			h('a', { href: `#/requests?status=${k}`, text: t, 'aria-current': k === status ? 'page' : null })))));
	document.getElementById('nav-requests')?.setAttribute('aria-current', 'page');
	screen(app.view, 'Booking requests', 'Booking requests',
		h('p', { class: 'back' }, h('a', { href: '#/calendar', text: '‹ Calendar' }), ' · ', h('a', { href: '#/waitlist', text: 'Waitlist' })),
		tabs, error, part('rq-h', { pending: 'Pending', approved: 'Approved', declined: 'Declined' }[status], count, list));
	let r;
	let clinicians = [];
	try {
		[r, clinicians] = await Promise.all([
			api('GET', `/api/v1/booking-requests?status=${status}`),
			api('GET', '/api/v1/clinicians').then((x) => x.clinicians),
		]);
	} catch (err) {
		if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
		return;
	}
	if (!app.live(gen)) return;
	count.textContent = r.requests.length === 0 ? 'No requests.' : `${r.requests.length} request${r.requests.length === 1 ? '' : 's'}.`;
	// each client's name once (audited reads, as Today does)
	const names = new Map();
	await Promise.all([...new Set(r.requests.map((x) => x.client))].map(async (id) => {
		try {
			const c = await api('GET', `/api/v1/clients/${id}`);
			names.set(id, c.preferred_name ? `${c.legal_name} (${c.preferred_name})` : c.legal_name);
		} catch { names.set(id, 'A client'); }
	}));
	if (!app.live(gen)) return;
	const named = (id) => clinicians.find((c) => c.id === id)?.name ?? 'a clinician';
	list.replaceChildren(...r.requests.map((x) => {
		const who = names.get(x.client);
		const whose = `${who} for ${dateWords(dateOf(x.start))} at ${x.start.slice(11, 16)}`;
		const panel = h('div', { class: 'rq-panel' });
		const msg = h('p', { class: 'wl-note' });
		const li = h('li', { 'data-id': x.id },
			h('div', {}, h('strong', { text: who }), ' ', h('span', { class: 'meta', text: `with ${named(x.clinician)}` }),
				h('p', { text: startWords(x) }), msg,
				h('p', { class: 'meta', text: `Asked ${when(x.created_at)}${x.decided_at ? `; decided ${when(x.decided_at)}` : ''}` })),
			x.status === 'pending' && mayDecide(x) ? h('span', { class: 'row-actions' },
				h('button', { type: 'button', class: 'small', text: 'Approve', 'aria-label': `Approve the request of ${whose}`, onclick: (ev) => approve(x, who, panel, ev.currentTarget, false) }),
				h('button', { type: 'button', class: 'small secondary', text: 'Decline…', 'aria-label': `Decline the request of ${whose}`, onclick: () => decline(x, who, whose, panel) })) : null,
			panel);
		// the message (and a decline's reason) come with the request itself
		api('GET', `/api/v1/booking-requests/${x.id}`).then((full) => {
			if (!app.live(gen)) return;
			msg.textContent = [full.message ? `“${full.message}”` : '', full.reason ? `Reason: ${full.reason}` : ''].filter(Boolean).join(' ');
		}, () => null);
		return li;
	}));

	async function approve(x, who, panel, button, override) {
		button.disabled = true;
		try {
			await api('POST', `/api/v1/booking-requests/${x.id}/approve`, override ? { version: x.version, override: true } : { version: x.version });
			app.go(`#/requests?status=${status}`, `Approved: ${who} is booked on ${dateWords(dateOf(x.start))} at ${x.start.slice(11, 16)} (${x.tz}).`);
		} catch (err) {
			button.disabled = false;
			const again = err.status === 409 && err.code === 'conflict' && !override && !/decided|changed/.test(err.message);
			panel.replaceChildren(h('p', { class: 'form-alert', role: 'alert', text: `${err.message}${err.status === 409 ? '. Nothing was changed.' : ''}` }),
				again ? h('button', { type: 'button', class: 'small secondary', text: 'Approve anyway', onclick: (ev) => approve(x, who, panel, ev.currentTarget, true) }) : null);
		}
	}

	function decline(x, who, whose, panel) {
		const form = new Form({
			name: 'decline',
			submit: 'Decline the request',
			extra: [h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => panel.replaceChildren() })],
			onsubmit: async (v, f) => {
				if (!v.reason.trim()) return f.fieldError('reason', 'Give the client a reason.');
				await api('POST', `/api/v1/booking-requests/${x.id}/decline`, { version: x.version, reason: v.reason.trim() });
				app.go(`#/requests?status=${status}`, `Declined the request of ${who}.`);
				return undefined;
			},
		});
		form.add({ name: 'reason', label: 'Reason (the client sees it)', rows: 2, maxlength: 500 });
		panel.replaceChildren(h('div', { class: 'sign-panel', role: 'group', 'aria-label': `Decline the request of ${whose}` }, form.el));
		form.fields.get('reason').input.focus();
	}
}

// portalSection(app, c) - the client's "Appointments" section: ask for
// one with a clinician of their care team, and their requests' status.
export function portalSection(app, c) {
	const gen = app.gen;
	const list = h('ul', { class: 'dx-list rq-list', 'aria-labelledby': 'my-rq-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	const err = alertLine();
	const holder = h('div', {});
	const load = async () => {
		try {
			const r = await api('GET', '/api/v1/booking-requests');
			if (!app.live(gen)) return;
			count.textContent = r.requests.length === 0 ? 'You have not asked for an appointment here yet.' : '';
			list.replaceChildren(...r.requests.map((x) => {
				const li = h('li', { 'data-id': x.id }, h('span', { text: startWords(x) }), ' ',
					h('span', { class: `badge rq-${x.status}`, text: STATUS[x.status] ?? x.status }));
				if (x.status === 'declined') {
					api('GET', `/api/v1/booking-requests/${x.id}`).then((full) => {
						if (app.live(gen) && full.reason) li.append(h('p', { class: 'meta', text: `Reason: ${full.reason}` }));
					}, () => null);
				}
				return li;
			}));
		} catch (e) { if (app.live(gen)) { count.textContent = ''; err.textContent = e.message; } }
	};
	api('GET', `/api/v1/clients/${c.id}/care-team`).then((t) => {
		if (!app.live(gen)) return;
		const team = (t.clinicians ?? []).filter((m) => m.role === 'clinician' || m.primary);
		if (team.length === 0) {
			holder.replaceChildren(h('p', { text: 'To ask for an appointment, please contact the practice: no clinician is assigned to you yet.' }));
			return;
		}
		const tz = browserZone();
		const form = new Form({
			name: 'ask',
			submit: 'Ask for this appointment',
			onsubmit: async (v, f) => {
				if (!isDate(v.date) || v.date < todayIn(tz)) return f.fieldError('date', 'Choose a day from today on.');
				if (!/^\d{2}:\d{2}$/.test(v.time)) return f.fieldError('time', 'Choose a time.');
				await api('POST', '/api/v1/booking-requests', {
					client: c.id, clinician: v.clinician, start: `${v.date}T${v.time}`, tz, minutes: 50,
					telehealth: v.where === 'video', message: v.message || null,
				});
				app.status('Your request was sent. The practice will confirm or decline it.');
				f.el.reset();
				await load();
				return undefined;
			},
		});
		form.add({ name: 'clinician', label: 'With', options: team.map((m) => [m.id, m.name]) });
		form.add({ name: 'date', label: 'Day', type: 'date', value: todayIn(tz) });
		form.add({ name: 'time', label: `Time (${tz})`, type: 'time', value: '10:00' });
		form.add({ name: 'where', label: 'Where', options: [['office', 'At the office'], ['video', 'Video']] });
		form.add({ name: 'message', label: 'Message (optional)', rows: 2, maxlength: 2000 });
		holder.replaceChildren(form.el);
	}, (e) => { if (app.live(gen)) holder.replaceChildren(h('p', { class: 'form-alert', role: 'alert', text: e.message })); });
	load();
	return part('my-rq-h', 'Appointments', h('h3', { text: 'Ask for an appointment' }), holder, h('h3', { text: 'My requests' }), count, err, list);
}
