// upcoming.js - the next appointments on a clinician's Today: the first
// few that have not started yet, this month and next, in the zone of the
// clinician's working hours (else the browser's), each opening the
// calendar on its day.
//
// Never: keeps names beyond this section's elements.
import { api } from './api.js';
import { h } from './dom.js';
import { href } from './calendar.js';
import { addMonths, browserZone, dateOf, dateWords, statusText, timeWords, todayIn } from './caltime.js';

const NEXT = 5; // appointments listed

// section(app) - the section element; it loads itself.
export function section(app) {
	const gen = app.gen;
	const me = app.userId();
	const list = h('ul', { class: 'note-list next-appts', 'aria-labelledby': 'next-h' });
	const count = h('p', { class: 'count', text: 'Loading…' });
	const zone = h('p', { class: 'meta' });
	const el = h('section', { class: 'chart-part', 'aria-labelledby': 'next-h' },
		h('h2', { id: 'next-h', text: 'Next appointments' }), zone, count, list);
	(async () => {
		const hours = await api('GET', `/api/v1/clinicians/${me}/working-hours`).catch(() => null);
		const tz = (hours && hours.tz) || browserZone();
		const month = todayIn(tz);
		const q = (date) => api('GET', `/api/v1/schedule?view=month&date=${date}&tz=${encodeURIComponent(tz)}&clinician=${me}&limit=500`);
		const [a, b] = await Promise.all([q(month), q(addMonths(month, 1))]);
		if (!app.live(gen)) return;
		const t = Date.now();
		const next = [...a.appointments, ...b.appointments].filter((x) => Date.parse(x.end) > t).slice(0, NEXT);
		zone.textContent = `Times in ${tz}.`;
		count.textContent = next.length === 0 ? 'No appointments in the next weeks.' : '';
		list.replaceChildren(...next.map((x) => h('li', {}, h('a', { href: href({ view: 'day', date: dateOf(x.local_start), clinician: me, tz }) },
			h('span', { class: 'name', text: x.client ? x.client.name : 'Busy' }), ' ',
			h('span', { text: `${dateWords(dateOf(x.local_start))} · ${timeWords(x)}` }), ' ',
			x.status !== 'scheduled' ? h('span', { class: 'badge', text: statusText(x.status) }) : null,
			h('span', { class: 'meta', text: x.telehealth ? 'telehealth' : (x.room ? x.room.name : '') })))));
	})().catch((err) => { if (app.live(gen)) count.textContent = err.message; });
	return el;
}
