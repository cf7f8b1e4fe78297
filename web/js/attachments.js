// attachments.js - files in a chart: the list (newest first), download
// links, and an upload with a progress bar. The body of the upload is the
// file itself; its name and description travel percent-encoded in the
// Confidant-Filename and Confidant-Description headers (never in a URL).
//
// The server decides the type by the content: a refused file is a 415 or
// a 413 shown next to the file field, and nothing is stored.
// Never: reads a file into the page (it is sent as it is), or keeps a name
// or description after the screen.
import { ApiError, api, upload } from './api.js';
import { Form, h } from './dom.js';
import { alertLine, part, size, when } from './fmt.js';

export const MAX_BYTES = 26214400; // 25 MiB, the server's limit
const TYPES = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', txt: 'text/plain' };
const KINDS = { 'application/pdf': 'PDF', 'image/png': 'PNG image', 'image/jpeg': 'JPEG image', 'image/webp': 'WebP image', 'image/gif': 'GIF image', 'text/plain': 'text' };

// typeOf(file) - the declared type: the browser's, or from the extension.
function typeOf(file) {
	if (file.type) return file.type;
	const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
	return TYPES[ext] ?? 'application/octet-stream';
}

// list(app, clientId, ul, count, error) - fill ul with the chart's files.
export async function fill(app, clientId, ul, count, error) {
	const gen = app.gen;
	try {
		const r = await api('GET', `/api/v1/clients/${clientId}/attachments`);
		if (!app.live(gen)) return;
		count.textContent = r.attachments.length === 0 ? 'No files yet.' : `${r.attachments.length} file${r.attachments.length === 1 ? '' : 's'}.`;
		ul.replaceChildren(...r.attachments.map((a) => h('li', {},
			h('a', { href: `/api/v1/attachments/${a.id}/content`, download: a.filename, class: 'name', text: a.filename, 'aria-label': `Download ${a.filename}` }), ' ',
			h('span', { class: 'meta', text: `${KINDS[a.content_type] ?? a.content_type} · ${size(a.size)} · added ${when(a.created_at)}` }),
			a.description ? h('span', { class: 'desc', text: a.description }) : null)));
	} catch (err) {
		if (app.live(gen)) { count.textContent = ''; error.textContent = err.message; }
	}
}

// section(app, clientId) - the chart's files and the upload form.
export function section(app, clientId) {
	const gen = app.gen;
	const ul = h('ul', { class: 'dx-list files', 'aria-labelledby': 'files-h' });
	const count = h('p', { class: 'count', text: 'Loading files…' });
	const error = alertLine();
	const bar = h('progress', { max: '100', value: '0', id: 'upload-progress', 'aria-label': 'Upload progress', hidden: true });
	const barText = h('p', { class: 'meta', role: 'status', 'aria-live': 'polite' });
	const form = new Form({
		name: 'upload',
		submit: 'Upload',
		onsubmit: async (v, f) => {
			const file = f.fields.get('file').input.files[0];
			if (!file) { f.fieldError('file', 'Choose a file first.'); return; }
			if (file.size === 0) { f.fieldError('file', 'This file is empty.'); return; }
			if (file.size > MAX_BYTES) { f.fieldError('file', `This file is ${size(file.size)}; the limit is 25 MB.`); return; }
			const headers = { 'content-type': typeOf(file), 'confidant-filename': encodeURIComponent(file.name) };
			if (v.description.trim()) headers['confidant-description'] = encodeURIComponent(v.description.trim());
			bar.hidden = false;
			bar.value = 0;
			barText.textContent = `Uploading ${size(file.size)}…`;
			let r;
			try {
				r = await upload(`/api/v1/clients/${clientId}/attachments`, file, headers, (sent, total) => {
					bar.value = total ? Math.round((sent / total) * 100) : 0;
					bar.setAttribute('aria-valuetext', `${bar.value} percent`);
				});
			} catch (err) {
				bar.hidden = true;
				barText.textContent = '';
				if (!(err instanceof ApiError)) throw err;
				if (err.status === 415) return f.fieldError('file', `This file was not accepted: ${err.message} Accepted: PDF, PNG, JPEG, WebP, GIF and plain UTF-8 text.`);
				if (err.status === 413) return f.fieldError('file', 'This file is larger than the 25 MB limit; nothing was stored.');
				if (/^Confidant-Description/i.test(err.message)) return f.fieldError('description', err.message);
				if (/^Confidant-Filename/i.test(err.message)) return f.fieldError('file', err.message);
				throw err;
			}
			if (!app.live(gen)) return;
			bar.value = 100;
			barText.textContent = `${r.filename} uploaded (${size(r.size)}).`;
			f.fields.get('file').input.value = '';
			f.fields.get('description').input.value = '';
			await fill(app, clientId, ul, count, error);
			return undefined;
		},
	});
	form.add({ name: 'file', label: 'File', type: 'file', hint: 'PDF, PNG, JPEG, WebP, GIF or plain text; at most 25 MB. Files are kept, never changed or deleted.' })
		.setAttribute('accept', '.pdf,.png,.jpg,.jpeg,.webp,.gif,.txt,application/pdf,image/png,image/jpeg,image/webp,image/gif,text/plain');
	form.add({ name: 'description', label: 'Description (optional)', maxlength: 1000 });
	form.el.insertBefore(h('div', { class: 'upload-progress' }, bar, barText), form.alert);
	fill(app, clientId, ul, count, error);
	return part('files-h', 'Files', count, error, ul,
		h('details', { class: 'add-form' }, h('summary', { text: 'Upload a file' }), form.el));
}
