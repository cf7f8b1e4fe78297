// telehealth.js - the video screen of a telehealth appointment, for its
// clinician (host: from the appointment's details) and its client (guest:
// from the portal). Starts or joins the session over HTTPS, opens the
// signaling WebSocket on this origin (the join token in its first message,
// never in the URL), then connects browser to browser with
// RTCPeerConnection (DTLS-SRTP) using only the ICE servers the join
// answered. Waiting room for guests; hosts see who waits and admit them.
// Mute, camera off, leave (and, for a host, end) are labelled buttons.
// Loaded on first use.
//
// Never: records (no MediaRecorder), sends media through the server, uses
// a STUN or TURN server the practice did not configure, puts the token in
// a URL, or keeps the camera on after the screen is left.
import { api } from './api.js';
import { h, screen } from './dom.js';

const WAIT_POLL_MS = 3000; // how often a host looks for someone waiting

const REASONS = {
	ended: 'The session has ended.',
	consent: 'The video session stopped: the client\'s consent to video sessions was withdrawn.',
};

// show(app, apptId, {portal}) - the video screen of appointment apptId.
export async function show(app, apptId, { portal = false } = {}) {
	const gen = app.gen;
	const back = portal ? '#/portal' : '#/calendar';
	screen(app.view, 'Video session', 'Video session', h('p', { role: 'status', text: 'Starting…' }));
	let j;
	try {
		j = await api('POST', `/api/v1/appointments/${apptId}/telehealth`, {});
	} catch (err) {
		if (app.live(gen)) {
			screen(app.view, 'Video session', 'Video session',
				h('p', { class: 'form-alert', role: 'alert', id: 'video-refused', text: err.message }),
				h('p', {}, h('a', { href: back, text: portal ? 'Back to my record' : 'Back to the calendar' })));
		}
		return;
	}
	if (!app.live(gen)) return;
	room(app, gen, j, back);
}

// room(app, gen, j, back) - the screen once the server answered the join.
function room(app, gen, j, back) {
	const status = h('p', { role: 'status', id: 'video-status', class: 'video-status', text: 'Asking for your camera and microphone…' });
	const alert = h('p', { class: 'form-alert', role: 'alert', id: 'video-alert' });
	const local = h('video', { id: 'video-local', class: 'video-local', muted: true, autoplay: true, playsinline: true, 'aria-label': 'Your camera' });
	local.muted = true;
	const remotes = h('div', { class: 'video-remotes', id: 'video-remotes' });
	const waiting = h('ul', { class: 'plain', id: 'video-waiting', 'aria-label': 'Waiting room' });
	const muteBtn = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', text: 'Mute microphone' });
	const camBtn = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', text: 'Turn camera off' });
	const leaveBtn = h('button', { type: 'button', text: 'Leave' });
	const endBtn = j.role === 'host' ? h('button', { type: 'button', class: 'danger', text: 'End the session for everyone' }) : null;
	screen(app.view, 'Video session', 'Video session', status, alert,
		h('div', { class: 'video-grid' }, remotes, local),
		j.role === 'host' ? h('section', { 'aria-labelledby': 'video-wait-h' }, h('h2', { id: 'video-wait-h', text: 'Waiting room' }), waiting) : null,
		h('div', { class: 'actions video-actions' }, muteBtn, camBtn, leaveBtn, endBtn),
		h('p', { class: 'hint', text: 'The video goes directly between your browsers, encrypted. Nothing is recorded.' }));

	const pcs = new Map(); // peer participant id -> RTCPeerConnection
	let stream = null, ws = null, done = false, poll = null;

	const say = (t) => { status.textContent = t; };
	const send = (m) => { if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m)); };

	function stop(message, isAlert) {
		if (done) return;
		done = true;
		clearInterval(poll);
		window.removeEventListener('hashchange', onLeave);
		for (const pc of pcs.values()) pc.close();
		pcs.clear();
		stream?.getTracks().forEach((t) => t.stop());
		if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000);
		if (!app.live(gen)) return;
		remotes.replaceChildren();
		local.srcObject = null;
		for (const b of [muteBtn, camBtn, leaveBtn, endBtn]) if (b) b.disabled = true;
		if (isAlert) { alert.textContent = message; say(''); } else say(message);
	}
	const onLeave = () => stop('You left the session.');
	window.addEventListener('hashchange', onLeave);

	function peer(id) {
		let pc = pcs.get(id);
		if (pc) return pc;
		pc = new RTCPeerConnection({ iceServers: j.ice_servers ?? [] });
		stream.getTracks().forEach((t) => pc.addTrack(t, stream));
		const v = h('video', { class: 'video-remote', autoplay: true, playsinline: true, 'data-peer': id, 'aria-label': j.role === 'host' ? 'The client' : 'Your clinician' });
		remotes.append(v);
		pc.ontrack = (e) => { if (v.srcObject !== e.streams[0]) v.srcObject = e.streams[0]; };
		pc.onicecandidate = (e) => send({ type: 'ice', candidate: e.candidate ? e.candidate.toJSON() : null, to: id });
		pc.onconnectionstatechange = () => {
			if (pc.connectionState === 'connected') say('Connected.');
			else if (pc.connectionState === 'failed') say('The connection failed. Leave and join again.');
		};
		pcs.set(id, pc);
		return pc;
	}
	function drop(id) {
		pcs.get(id)?.close();
		pcs.delete(id);
		remotes.querySelector(`video[data-peer="${id}"]`)?.remove();
	}

	async function onMessage(m) {
		if (m.type === 'waiting') say('You are in the waiting room. Your clinician will let you in.');
		else if (m.type === 'admitted') send({ type: 'join', token: j.token });
		else if (m.type === 'joined') {
			say(m.peers.length ? 'Connecting…' : 'Waiting for the other person to join.');
			for (const id of m.peers) { // the newcomer offers to everyone already in
				const pc = peer(id);
				await pc.setLocalDescription(await pc.createOffer());
				send({ type: 'offer', sdp: pc.localDescription.sdp, to: id });
			}
		} else if (m.type === 'peer') say('Connecting…');
		else if (m.type === 'offer') {
			const pc = peer(m.from);
			await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
			await pc.setLocalDescription(await pc.createAnswer());
			send({ type: 'answer', sdp: pc.localDescription.sdp, to: m.from });
		} else if (m.type === 'answer') await pcs.get(m.from)?.setRemoteDescription({ type: 'answer', sdp: m.sdp });
		else if (m.type === 'ice') { if (m.candidate) await pcs.get(m.from)?.addIceCandidate(m.candidate); }
		else if (m.type === 'leave' || m.type === 'bye') { drop(m.from); if (pcs.size === 0) say('The other person left.'); }
		else if (m.type === 'closed') stop(REASONS[m.reason] ?? 'The session has ended.', m.reason === 'consent');
		else if (m.type === 'error') stop(m.error === 'consent_required' ? 'The video session cannot go on: consent to video sessions is not in force.' : 'The video session could not be joined. Leave and try again.', true);
	}

	async function admitList() {
		try {
			const r = await api('GET', `/api/v1/telehealth/${j.room}`);
			if (done || !app.live(gen)) return;
			const w = r.participants.filter((p) => !p.host && !p.admitted);
			waiting.replaceChildren(...(w.length ? w.map((p, i) => h('li', {}, h('button', {
				type: 'button', text: w.length > 1 ? `Admit client ${i + 1}` : 'Admit the client',
				onclick: async (ev) => {
					ev.target.disabled = true;
					try { await api('POST', `/api/v1/telehealth/${j.room}/admit`, { participant: p.id }); admitList(); } catch (err) { alert.textContent = err.message; ev.target.disabled = false; }
				},
			}))) : [h('li', { class: 'none', text: 'Nobody is waiting.' })]));
		} catch (err) { alert.textContent = err.message; }
	}

	muteBtn.addEventListener('click', () => {
		const on = muteBtn.getAttribute('aria-pressed') !== 'true';
		stream?.getAudioTracks().forEach((t) => { t.enabled = !on; });
		muteBtn.setAttribute('aria-pressed', String(on));
		muteBtn.textContent = on ? 'Unmute microphone' : 'Mute microphone';
	});
	camBtn.addEventListener('click', () => {
		const off = camBtn.getAttribute('aria-pressed') !== 'true';
		stream?.getVideoTracks().forEach((t) => { t.enabled = !off; });
		camBtn.setAttribute('aria-pressed', String(off));
		camBtn.textContent = off ? 'Turn camera on' : 'Turn camera off';
	});
	leaveBtn.addEventListener('click', () => { send({ type: 'bye' }); stop('You left the session.'); location.hash = back; });
	endBtn?.addEventListener('click', async () => {
		endBtn.disabled = true;
		try { await api('POST', `/api/v1/telehealth/${j.room}/end`, {}); } catch (err) { alert.textContent = err.message; endBtn.disabled = false; }
	});

	navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((s) => {
		if (done || !app.live(gen)) { s.getTracks().forEach((t) => t.stop()); return; }
		stream = s;
		local.srcObject = s;
		say('Connecting to the session…');
		ws = new WebSocket(`wss://${location.host}/api/v1/telehealth/${j.room}/signal`);
		ws.onopen = () => send({ type: 'join', token: j.token });
		ws.onmessage = (e) => {
			let m;
			try { m = JSON.parse(e.data); } catch { return; }
			onMessage(m).catch(() => say('Something went wrong with the connection. Leave and join again.'));
		};
		ws.onclose = () => { if (!done) stop('The connection to the session closed.'); };
		if (j.role === 'host') { admitList(); poll = setInterval(admitList, WAIT_POLL_MS); }
	}, () => stop('The camera or microphone could not be used. Allow them for this site and join again.', true));
}
