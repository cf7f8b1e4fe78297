// research.js - the owner's de-identified research export: what goes in
// and what never does, a button that makes one (after the password and a
// fresh code), the cohort and who was left out, the rows, and the file to
// save. Loaded on first use.
//
// Never: shows or saves anything the server did not put in a row; keeps
// an export after the screen is left (the file is made on request).
import { api } from './api.js';
import { withReauth } from './admin.js';
import { h, screen } from './dom.js';
import { alertLine, part } from './fmt.js';

const WHY = 'A research export needs your password and a fresh code (valid for 5 minutes).';

function sessions(byYear) {
	const years = Object.keys(byYear);
	return years.length === 0 ? 'none' : years.map((y) => `${y}: ${byYear[y]}`).join(', ');
}

function diagnoses(list) {
	return list.length === 0 ? 'none' : list.map((d) => `${d.code}${d.onset_year ? ` (${d.onset_year})` : ''}${d.resolved ? ' resolved' : ''}`).join(', ');
}

// rowsTable(x) - the export's rows, one per pseudonymous client.
function rowsTable(x) {
	return h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
		h('caption', { text: `${x.cohort} clients, export ${x.id.slice(0, 8)} of ${x.generated_on}` }),
		h('thead', {}, h('tr', {}, ['Pseudonym', 'Age band', 'Status', 'Diagnoses (onset year)', 'Completed sessions by year'].map((t) => h('th', { scope: 'col', text: t })))),
		h('tbody', {}, x.rows.map((r) => h('tr', {},
			h('th', { scope: 'row', 'data-label': 'Pseudonym', text: r.pid }),
			h('td', { 'data-label': 'Age band', text: r.age_band }),
			h('td', { 'data-label': 'Status', text: r.status }),
			h('td', { 'data-label': 'Diagnoses', text: diagnoses(r.diagnoses) }),
			h('td', { 'data-label': 'Sessions', text: sessions(r.sessions_by_year) }))))));
}

// saveLink(x) - a link that saves the export as JSON, made from the rows
// already on the page (no second request, no second audit event).
function saveLink(x) {
	const url = URL.createObjectURL(new Blob([JSON.stringify(x, null, 1)], { type: 'application/json' }));
	return h('a', { href: url, download: `research-export-${x.generated_on}-${x.id.slice(0, 8)}.json`, class: 'button', text: 'Save as a JSON file' });
}

export function show(app) {
	const gen = app.gen;
	const error = alertLine();
	const result = h('div', { id: 'research-result', 'aria-live': 'polite' });
	const button = h('button', { type: 'button', text: 'Make a research export' });
	button.addEventListener('click', async () => {
		error.textContent = '';
		button.disabled = true;
		try {
			const x = await withReauth(() => api('POST', '/api/v1/research-exports', {}), WHY);
			if (x === undefined || !app.live(gen)) return;
			const left = [];
			if (x.left_out.not_in_force) left.push(`${x.left_out.not_in_force} whose consent was withdrawn, expired or replaced`);
			if (x.left_out.restricted) left.push(`${x.left_out.restricted} whose record is restricted`);
			result.replaceChildren(
				h('h2', { text: `Export of ${x.generated_on}: ${x.cohort} clients` }),
				h('p', { text: left.length ? `Left out: ${left.join('; ')}.` : 'Nobody who consented was left out.' }),
				h('p', {}, saveLink(x)),
				rowsTable(x));
			app.status(`Research export made: ${x.cohort} clients.`);
		} catch (err) {
			if (app.live(gen)) error.textContent = err.message;
		} finally {
			button.disabled = false;
		}
	});
	screen(app.view, 'Research export', 'Research export',
		h('p', { text: 'A de-identified data set for research, made only from clients who signed the research consent and whose record is not restricted.' }),
		part('research-in', 'What each row holds',
			h('ul', {},
				h('li', { text: 'a pseudonym drawn for this export only (two exports cannot be joined)' }),
				h('li', { text: 'an age band (everyone over 89 is “90+”), the care status' }),
				h('li', { text: 'diagnosis codes with the year of onset, and completed sessions per year' })),
			h('p', { text: 'Never a name, contact detail, address, exact date, record number, note text, plan or psychotherapy note. With fewer than 5 consenting clients nothing is exported. Each included client’s record shows the export in their access report.' })),
		error, h('p', {}, button), result);
}
