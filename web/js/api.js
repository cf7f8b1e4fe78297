// api.js - every request the app makes: same origin only, JSON, the CSRF
// token on every request that is not a GET, and one place that notices a
// session has ended (401).
//
// The CSRF token is kept in memory and in sessionStorage (this tab only,
// gone when the tab closes) so that a reload keeps the session; the
// session itself is an HttpOnly cookie this code never sees.
// Never: puts a name, a search term or any client field in a URL.

const CSRF_KEY = 'confidant.csrf';

let csrf = null;
try { csrf = sessionStorage.getItem(CSRF_KEY); } catch { csrf = null; }

const hooks = { unauthenticated: () => {}, activity: () => {} };

// ApiError - a refused request: HTTP status, the API's stable code, its
// message (names fields, never values) and request id.
export class ApiError extends Error {
	constructor(status, code, message, requestId) {
		super(message);
		this.status = status;
		this.code = code;
		this.requestId = requestId ?? null;
	}
}

// configure({unauthenticated(err), activity()}) - called on a 401 from any
// route but sign-in, and after every answered request (the server counts
// its idle time from requests).
export function configure(h) {
	Object.assign(hooks, h);
}

export function hasCsrf() {
	return csrf !== null && csrf !== '';
}

export function setCsrf(token) {
	csrf = token;
	try { sessionStorage.setItem(CSRF_KEY, token); } catch { /* private mode: memory only */ }
}

export function forgetCsrf() {
	csrf = null;
	try { sessionStorage.removeItem(CSRF_KEY); } catch { /* nothing stored */ }
}

// api(method, path, body) - the parsed JSON answer, or throws ApiError.
export async function api(method, path, body) {
	const headers = { accept: 'application/json' };
	const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' };
	if (method !== 'GET') {
		if (csrf) headers['x-csrf-token'] = csrf;
		if (method !== 'DELETE') { // DELETE routes take no body
			headers['content-type'] = 'application/json';
			init.body = JSON.stringify(body ?? {});
		}
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch {
		throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
	}
	let json = null;
	try { json = await res.json(); } catch { json = null; }
	if (res.ok) {
		hooks.activity();
		return json;
	}
	const err = new ApiError(res.status, json?.error ?? 'internal',
		json?.message ?? 'Something went wrong; please try again.', json?.request_id);
	return Promise.reject(refused(err, path));
}

// refused(err, path) - mark an error that asks for a re-authentication and
// tell the hooks: a route that needs a fresh password and code answers 401
// ("Confirm your password…"), psychotherapy notes answer 403 ("Re-authenticate
// to open…") while the session is alive; the caller asks for them
// (admin.js withReauth). Any other 401 ends the session.
function refused(err, path) {
	err.reauth = (err.status === 401 && /^Confirm your password/.test(err.message))
		|| (err.status === 403 && /^Re-authenticate/.test(err.message));
	if (err.status === 401 && path !== '/api/v1/auth/login' && !err.reauth) hooks.unauthenticated(err);
	else hooks.activity();
	return err;
}

// upload(path, file, headers, progress) - POST a file as the raw body
// (XMLHttpRequest, for its upload progress events); progress(sent, total)
// as it goes. The parsed JSON answer, or throws ApiError (415, 413…).
export function upload(path, file, headers, progress) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', path);
		xhr.setRequestHeader('accept', 'application/json');
		if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
		for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
		xhr.upload.addEventListener('progress', (ev) => progress(ev.loaded, ev.lengthComputable ? ev.total : file.size));
		xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The upload was interrupted (no connection). Nothing was stored; try again.')));
		xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'The upload was cancelled. Nothing was stored.')));
		xhr.addEventListener('load', () => {
			let json = null;
			try { json = JSON.parse(xhr.responseText); } catch { json = null; }
			if (xhr.status >= 200 && xhr.status < 300) {
				hooks.activity();
				resolve(json);
				return;
			}
			reject(refused(new ApiError(xhr.status, json?.error ?? 'internal',
				json?.message ?? 'Something went wrong; please try again.', json?.request_id), path));
		});
		xhr.send(file);
	});
}

// raw(path, accept, read) - GET path with the session; read(res) of an
// answer that is ok, or throws ApiError like api().
async function raw(path, accept, read) {
	let res;
	try {
		res = await fetch(path, { method: 'GET', headers: { accept }, credentials: 'same-origin', cache: 'no-store', redirect: 'error', referrerPolicy: 'no-referrer' });
	} catch {
		throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
	}
	if (res.ok) {
		hooks.activity();
		return read(res);
	}
	let json = null;
	try { json = await res.json(); } catch { json = null; }
	return Promise.reject(refused(new ApiError(res.status, json?.error ?? 'internal',
		json?.message ?? 'Something went wrong; please try again.', json?.request_id), path));
}

// text(path) - GET a text answer (a breach's letters, text/plain): the
// body as a string, or throws ApiError like api().
export function text(path) {
	return raw(path, 'text/plain', (res) => res.text());
}

// file(path) - GET a file (an export: FHIR JSON, HTML, PDF) as a Blob with
// the session cookie, or throws ApiError like api() (a re-authentication
// asked for is marked, see refused()).
export function file(path) {
	return raw(path, '*/*', (res) => res.blob());
}
