// telehealth.test.mjs - a video session in Chromium against a real
// `confidant serve`: the clinician and the client each open the video
// screen in their own browser context (fake camera and microphone), the
// client waits until the clinician admits them, and each then sees the
// other's video playing (remote <video> with frames) over loopback -
// browser to browser, the server only relaying signaling on its own
// origin. With the client's telehealth consent withdrawn, the client's
// screen shows the refusal. axe on the screen; every request same-origin
// and no CSP violation (the WebSocket is covered by default-src 'self').
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, as, init, now, reauth, serve, signIn } from '../api/harness.mjs';
import { assertClean, axe, launchWith, openPage, signInPage, waitHeading } from './browser.mjs';

const MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

describe('web app: video session', () => {
	let practice, srv, browser, ana, vera, A, C, appt, consentId;

	before(async () => {
		practice = await init();
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		ana = await addUser(srv, 'clinician', 'Ana Video');
		A = as(srv, await signIn(srv.port, ana));
		const client = (await A('POST', '/api/v1/clients', { body: { legal_name: 'Vera Video' } })).json;
		await reauth(srv);
		const p = await srv.request('POST', '/api/v1/users', { body: { email: 'vera.video@example.org', name: 'Vera Video', role: 'client', client_id: client.id } });
		assert.equal(p.status, 201, p.text);
		vera = { email: 'vera.video@example.org', password: p.json.one_time_password, secret: null };
		C = as(srv, await signIn(srv.port, vera));
		await reauth(srv);
		const today = new Date(now() * 1000).toISOString().slice(0, 10);
		const t = await srv.request('POST', '/api/v1/consent-templates', { body: { purpose: 'telehealth', title: 'Video sessions', body: 'We meet by video. Nothing is recorded.', effective_from: today } });
		assert.equal(t.status, 201, t.text);
		const req = { template: t.json.id, signed_name: 'Vera Video' };
		const pv = await C('POST', `/api/v1/clients/${client.id}/consents/preview`, { body: req });
		const s = await C('POST', `/api/v1/clients/${client.id}/consents`, { body: { ...req, text_hash: pv.json.text_hash } });
		assert.equal(s.status, 201, s.text);
		consentId = s.json.id;
		const start = new Date((now() + 600) * 1000).toISOString().slice(0, 16);
		const b = await A('POST', '/api/v1/appointments', { body: { clinician: ana.id, clients: [client.id], start, minutes: 50, tz: 'UTC', telehealth: true, override: true } });
		assert.equal(b.status, 201, b.text);
		appt = b.json.appointment.id;
		browser = await launchWith(MEDIA);
	});
	after(async () => {
		await browser?.close();
		await srv?.stop();
	});

	const playing = (page) => page.waitForFunction(() => {
		const v = document.querySelector('video.video-remote');
		return v !== null && v.videoWidth > 0 && v.readyState >= 2;
	}, null, { timeout: 30_000 });

	it('clinician and client see each other after the client is admitted from the waiting room; withdrawn consent is refused', async () => {
		const sockets = []; // WebSockets are not in the pages' request records
		const doc = await openPage(browser, srv);
		doc.page.on('websocket', (w) => sockets.push(w.url()));
		await signInPage(doc.page, ana, 'Today');
		const cli = await openPage(browser, srv);
		cli.page.on('websocket', (w) => sockets.push(w.url()));
		await signInPage(cli.page, vera, 'Hello, Vera Video');

		await doc.page.goto(`${doc.origin}/#/video/${appt}`);
		await waitHeading(doc.page, 'Video session');
		await doc.page.locator('#video-status', { hasText: 'Waiting for the other person' }).waitFor();

		await cli.page.goto(`${cli.origin}/#/portal/video/${appt}`);
		await waitHeading(cli.page, 'Video session');
		await cli.page.locator('#video-status', { hasText: 'waiting room' }).waitFor();
		assert.equal(await cli.page.locator('video.video-remote').count(), 0, 'nothing while waiting');

		await doc.page.getByRole('button', { name: 'Admit the client' }).click();
		await Promise.all([playing(doc.page), playing(cli.page)]);
		await cli.page.locator('#video-status', { hasText: 'Connected' }).waitFor();

		// the controls are labelled buttons that a keyboard reaches
		const mute = cli.page.getByRole('button', { name: 'Mute microphone' });
		await mute.focus();
		await cli.page.keyboard.press('Enter');
		assert.equal(await cli.page.getByRole('button', { name: 'Unmute microphone' }).getAttribute('aria-pressed'), 'true');
		await cli.page.getByRole('button', { name: 'Turn camera off' }).click();
		assert.equal(await cli.page.getByRole('button', { name: 'Turn camera on' }).getAttribute('aria-pressed'), 'true');
		await axe(doc.page, 'video screen (clinician)');
		await axe(cli.page, 'video screen (client)');

		// withdrawing the consent stops the session and refuses a new one
		const w = await C('POST', `/api/v1/consents/${consentId}/withdraw`, { body: {} });
		assert.equal(w.status, 200, w.text);
		await cli.page.locator('#video-alert', { hasText: 'consent' }).waitFor();
		await doc.page.locator('#video-alert', { hasText: 'consent' }).waitFor();
		assert.equal(await cli.page.locator('video.video-remote').count(), 0, 'the video is gone');
		await cli.page.goto(`${cli.origin}/#/portal/video/${appt}`);
		await cli.page.reload();
		await waitHeading(cli.page, 'Video session');
		const refused = await cli.page.locator('#video-refused').textContent();
		assert.match(refused, /consent/i);
		await axe(cli.page, 'video refusal');

		assert.ok(sockets.length >= 2, 'both opened the signaling socket');
		for (const u of sockets) {
			assert.equal(new URL(u).host, new URL(doc.origin).host, 'the signaling socket is on this origin');
			assert.match(u, /^wss:\/\/[^/]+\/api\/v1\/telehealth\/[0-9a-f]{32}\/signal$/, 'never a token in a URL');
		}
		await assertClean(doc);
		await assertClean(cli);
	});
});
