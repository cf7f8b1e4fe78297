// privacy.js - the public privacy notice (/privacy.html): who keeps the
// data, where, for how long, every integration that could send data out
// (and whether this practice turned it on), and that there are no
// trackers. Read from GET /api/v1/privacy-notice, which is generated from
// the same lists the server enforces. Needs no sign-in.
import { h } from './dom.js';

async function show() {
	const box = document.getElementById('notice');
	let n;
	try {
		const r = await fetch('/api/v1/privacy-notice', { credentials: 'same-origin' });
		if (!r.ok) throw new Error(String(r.status));
		n = await r.json();
	} catch {
		box.replaceChildren(h('p', { class: 'error', text: 'The notice could not be loaded. Try again later.' }));
		return;
	}
	const p = n.practice;
	box.replaceChildren(
		h('p', { text: `${p.name ?? 'This practice'} keeps your information on ${p.server_location}.` }),
		p.privacy_contact ? h('p', { text: `Questions about your privacy: ${p.privacy_contact}` }) : null,
		h('h2', { text: 'No trackers' }),
		h('p', { text: n.no_trackers }),
		h('h2', { text: 'How long we keep it' }),
		h('p', { text: n.retention }),
		h('h2', { text: 'What can leave this server' }),
		h('p', { text: 'Only through these integrations, and only when the practice turned them on and you consented:' }),
		h('table', {},
			h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Integration' }), h('th', { scope: 'col', text: 'What it sends' }), h('th', { scope: 'col', text: 'In use here' }), h('th', { scope: 'col', text: 'Needs your consent' }))),
			h('tbody', {}, n.integrations.map((i) => h('tr', {},
				h('th', { scope: 'row', text: i.purpose }),
				h('td', { text: i.sends }),
				h('td', { text: i.configured ? 'Yes' : 'No' }),
				h('td', { text: i.needs_consent.replaceAll('_', ' ') }))))),
	);
}

show();
