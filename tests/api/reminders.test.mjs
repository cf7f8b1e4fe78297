// reminders.test.mjs - reminders, calendar feeds, the waitlist and booking
// requests, tried as a practice would. Reminders go through a real SMTP
// server on loopback (a tiny one written here with the net module) and an
// SMS gateway double (an HTTP server here); the test reads what arrived:
// the time and the confirm link, never the client's name, the service or
// the practice's name (unless the practice opts in); nothing for a client
// who declined email or withdrew consent; the confidential alternate
// address when one is set. Feeds are parsed with libical (a tiny C program
// built here) and Debian's python3-icalendar, and must list the same
// occurrences as the schedule view; a revoked token answers 404.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, now, ownerOf, reauth, request, run, serve, signIn, tmpdir } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WAIT_MS = 15_000;

// ---- a tiny SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT)
const mails = [];
let mailWaiters = [];
let rejectRcpt = false;
const smtp = net.createServer((sock) => {
	let buf = '', inData = false, cur = { from: null, rcpt: [], data: '' };
	sock.write('220 localhost ESMTP test\r\n');
	sock.on('data', (d) => {
		buf += d.toString('utf8');
		for (;;) {
			if (inData) {
				const end = buf.indexOf('\r\n.\r\n');
				if (end < 0) return;
				cur.data = buf.slice(0, end);
				buf = buf.slice(end + 5);
				inData = false;
				mails.push(cur);
				const w = mailWaiters;
				mailWaiters = [];
				for (const f of w) f();
				cur = { from: null, rcpt: [], data: '' };
				sock.write('250 queued\r\n');
				continue;
			}
			const nl = buf.indexOf('\r\n');
			if (nl < 0) return;
			const line = buf.slice(0, nl);
			buf = buf.slice(nl + 2);
			const verb = line.slice(0, 4).toUpperCase();
			if (verb === 'EHLO') sock.write('250-localhost\r\n250 8BITMIME\r\n');
			else if (verb === 'HELO') sock.write('250 localhost\r\n');
			else if (verb === 'MAIL') { cur.from = line; sock.write('250 ok\r\n'); }
			else if (verb === 'RCPT') {
				if (rejectRcpt) sock.write('550 no such mailbox\r\n');
				else { cur.rcpt.push(/<([^>]*)>/.exec(line)[1]); sock.write('250 ok\r\n'); }
			} else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
			else if (verb === 'QUIT') { sock.end('221 bye\r\n'); return; }
			else sock.write('250 ok\r\n');
		}
	});
	sock.on('error', () => {});
});

// waitMail(n) - resolves once at least n mails arrived (fails after WAIT_MS).
function waitMail(n) {
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`only ${mails.length} of ${n} mails arrived`)), WAIT_MS);
		const check = () => {
			if (mails.length >= n) { clearTimeout(t); resolve(); } else mailWaiters.push(check);
		};
		check();
	});
}

// ---- the SMS gateway double
const texts = [];
let smsStatus = 200;
const gateway = http.createServer((req, res) => {
	let body = '';
	req.on('data', (d) => { body += d; });
	req.on('end', () => {
		texts.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(body) });
		res.writeHead(smsStatus, { 'content-type': 'application/json' });
		res.end('{}');
	});
});

let practice, srv, A, B, C1, people, service;
const cl = {};
const listen = (s) => new Promise((r) => s.listen(0, '127.0.0.1', () => r(s.address().port)));

async function settings(body) {
	await reauth(srv);
	const r = await srv.request('PATCH', '/api/v1/settings', { body });
	assert.equal(r.status, 200, r.text);
}

async function template(purpose) {
	await reauth(srv);
	const r = await srv.request('POST', '/api/v1/consent-templates', {
		body: { purpose, title: `${purpose} consent`, body: `We ask your consent for ${purpose}.`, effective_from: new Date(now() * 1000).toISOString().slice(0, 10) },
	});
	assert.equal(r.status, 201, r.text);
	return r.json;
}

async function consent(clientId, tpl) {
	const pv = await A('POST', `/api/v1/clients/${clientId}/consents/preview`, { body: { template: tpl.id, signed_name: 'Signer' } });
	assert.equal(pv.status, 200, pv.text);
	const r = await A('POST', `/api/v1/clients/${clientId}/consents`, { body: { template: tpl.id, signed_name: 'Signer', text_hash: pv.json.text_hash } });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

const day = (offsetDays) => new Date((now() + offsetDays * 86400) * 1000).toISOString().slice(0, 10);

async function book(clientId, date, time = '10:00', extra = {}) {
	const r = await A('POST', '/api/v1/appointments', {
		body: { clinician: people.a.id, clients: [clientId], start: `${date}T${time}`, minutes: 50, tz: 'America/New_York', service: service.id, override: true, ...extra },
	});
	assert.equal(r.status, 201, r.text);
	return r.json.appointment;
}

before(async () => {
	const smtpPort = await listen(smtp);
	const smsPort = await listen(gateway);
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile, args: ['--reminders-every', '0'] });
	people = { a: await addUser(srv, 'clinician', 'Ana Therapist'), b: await addUser(srv, 'clinician', 'Ben Other') };
	A = as(srv, await signIn(srv.port, people.a));
	B = as(srv, await signIn(srv.port, people.b));
	await settings({
		practice_name: 'Lakeside Counselling', smtp_host: '127.0.0.1', smtp_port: smtpPort, smtp_security: 0,
		smtp_from: 'reminders@lakeside.example', reminder_link: 'https://portal.lakeside.example/confirm',
		reminder_phone: '555 0100', sms_gateway_url: `http://127.0.0.1:${smsPort}/send`, reminder_hours_before: 24,
	});
	await reauth(srv);
	const tok = await srv.request('PUT', '/api/v1/integration-secrets/sms_gateway_token', { body: { value: 'tok-secret-123' } });
	assert.equal(tok.status, 200, tok.text);
	await reauth(srv);
	const sv = await srv.request('POST', '/api/v1/services', { body: { name: 'Trauma-focused therapy', cpt_code: '90834', minutes: 50 } });
	assert.equal(sv.status, 201, sv.text);
	service = sv.json;
	const email = await template('email');
	const sms = await template('sms');
	const mk = async (body) => {
		const r = await A('POST', '/api/v1/clients', { body });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	cl.ok = await mk({ legal_name: 'Zelda Quintessa', email: 'zelda@example.org', phone: '+15550142', may_email: true, may_text: true });
	cl.declined = await mk({ legal_name: 'Declan Nomail', email: 'declan@example.org', may_email: false });
	cl.withdrawn = await mk({ legal_name: 'Wanda Withdrawn', email: 'wanda@example.org', may_email: true });
	cl.alt = await mk({ legal_name: 'Alma Private', email: 'alma.home@example.org', alt_email: 'alma.private@example.net', may_email: true });
	await consent(cl.ok.id, email);
	await consent(cl.ok.id, sms);
	await consent(cl.declined.id, email);
	const w = await consent(cl.withdrawn.id, email);
	assert.equal((await A('POST', `/api/v1/consents/${w.id}/withdraw`, { body: {} })).status, 200);
	await consent(cl.alt.id, email);
});

after(async () => {
	await srv?.stop();
	smtp.close();
	gateway.close();
});

// noPhi - the message says nothing but the time and how to confirm.
function noPhi(text, who) {
	for (const word of [...who.legal_name.split(' '), 'Trauma', 'Ana', 'Therapist', 'Lakeside Counselling', '90834'])
		assert.ok(!text.includes(word), `the reminder contains "${word}":\n${text}`);
}

describe('reminders', () => {
	test('an email reminder arrives at the SMTP server with the time and confirm link and no PHI', async () => {
		const a = await book(cl.ok.id, day(3));
		const before = mails.length;
		const r = await A('POST', `/api/v1/appointments/${a.id}/reminders/email`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.sent, 1);
		await waitMail(before + 1);
		const m = mails.at(-1);
		assert.deepEqual(m.rcpt, ['zelda@example.org']);
		assert.match(m.data, /^Subject: Appointment reminder\r$/m);
		assert.match(m.data, /at 10:00 \(America\/New_York\)/);
		assert.match(m.data, /https:\/\/portal\.lakeside\.example\/confirm/);
		assert.match(m.data, /555 0100/);
		noPhi(m.data, cl.ok);
		const att = await A('GET', `/api/v1/appointments/${a.id}/reminders`);
		assert.equal(att.status, 200, att.text);
		assert.equal(att.json.attempts.at(-1).outcome, 'sent');
		assert.ok(!att.text.includes('zelda@'), 'attempts carry no address');
	});

	test('the practice name appears only when the practice opts in', async () => {
		await settings({ reminder_name_practice: 1 });
		const a = await book(cl.ok.id, day(4));
		const before = mails.length;
		assert.equal((await A('POST', `/api/v1/appointments/${a.id}/reminders/email`, { body: {} })).status, 200);
		await waitMail(before + 1);
		assert.match(mails.at(-1).data, /Lakeside Counselling/);
		assert.ok(!mails.at(-1).data.includes('Zelda'));
		await settings({ reminder_name_practice: 0 });
	});

	test('not sent to a client who declined email or withdrew consent; the alternate address is used', async () => {
		const before = mails.length;
		const d = await book(cl.declined.id, day(3), '11:00');
		const rd = await A('POST', `/api/v1/appointments/${d.id}/reminders/email`, { body: {} });
		assert.equal(rd.status, 409, rd.text);
		assert.match(rd.json.message, /contact preferences/);
		const w = await book(cl.withdrawn.id, day(3), '12:00');
		const rw = await A('POST', `/api/v1/appointments/${w.id}/reminders/email`, { body: {} });
		assert.equal(rw.status, 403, rw.text);
		assert.equal(rw.json.error, 'consent_required');
		assert.equal(mails.length, before, 'nothing was sent');
		const skipped = await A('GET', `/api/v1/appointments/${d.id}/reminders`);
		assert.deepEqual(skipped.json.attempts.map((x) => [x.outcome, x.error_class]), [['skipped', 'refused']]);
		const alt = await book(cl.alt.id, day(3), '13:00');
		assert.equal((await A('POST', `/api/v1/appointments/${alt.id}/reminders/email`, { body: {} })).status, 200);
		await waitMail(before + 1);
		assert.deepEqual(mails.at(-1).rcpt, ['alma.private@example.net']);
		assert.ok(!mails.at(-1).data.includes('alma.home'));
	});

	test('an SMS goes to the gateway with its token, and says no more than an email', async () => {
		const a = await book(cl.ok.id, day(5), '09:30');
		const r = await A('POST', `/api/v1/appointments/${a.id}/reminders/sms`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.sent, 1);
		const t = texts.at(-1);
		assert.equal(t.url, '/send');
		assert.equal(t.auth, 'Bearer tok-secret-123');
		assert.equal(t.body.to, '+15550142');
		assert.match(t.body.text, /09:30 \(America\/New_York\)/);
		noPhi(t.body.text, cl.ok);
		assert.equal((await B('POST', `/api/v1/appointments/${a.id}/reminders/sms`, { body: {} })).status, 404, 'a clinician outside the team');
	});

	test('a refused send is recorded with its class and retried with backoff by the sender pass', async () => {
		smsStatus = 503;
		const a = await book(cl.ok.id, day(1), '15:00');
		const r = await A('POST', `/api/v1/appointments/${a.id}/reminders/sms`, { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual([r.json.sent, r.json.failed, r.json.error_class], [0, 1, 'server']);
		smsStatus = 200;
		rejectRcpt = true;
		const e = await A('POST', `/api/v1/appointments/${a.id}/reminders/email`, { body: {} });
		rejectRcpt = false;
		assert.equal(e.json.failed, 1);
		assert.ok(['rejected', 'connect'].includes(e.json.error_class), e.text);
		const att = (await A('GET', `/api/v1/appointments/${a.id}/reminders`)).json.attempts;
		assert.deepEqual(att.map((x) => [x.channel, x.outcome]), [['sms', 'failed'], ['email', 'failed']]);
	});

	test('`confidant reminders run` sends what is due once, obeying preferences and consent', async () => {
		const due = [await book(cl.ok.id, day(2), '08:00'), await book(cl.declined.id, day(2), '08:00'),
			await book(cl.withdrawn.id, day(2), '09:00'), await book(cl.alt.id, day(2), '09:00')];
		advance(86400 + 3600 * 3); // the earlier 15:00 one has started: only `due` (and day-3 ones) are in the window
		await signInAgain();
		const mb = mails.length, tb = texts.length;
		const r = await run(['reminders', 'run', '--data', practice.data, '--keyfile', practice.keyfile]);
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /sent \d+/);
		const got = mails.slice(mb).flatMap((m) => m.rcpt);
		assert.ok(got.includes('zelda@example.org') && got.includes('alma.private@example.net'), got.join());
		assert.ok(!got.includes('declan@example.org') && !got.includes('wanda@example.org') && !got.includes('alma.home@example.org'));
		assert.ok(texts.length > tb, 'the SMS went too');
		const w = (await A('GET', `/api/v1/appointments/${due[2].id}/reminders`)).json.attempts;
		assert.deepEqual(w.map((x) => [x.channel, x.error_class]), [['email', 'no_consent'], ['sms', 'no_consent']]);
		const again = await run(['reminders', 'run', '--data', practice.data, '--keyfile', practice.keyfile]);
		assert.equal(again.status, 0, again.stderr);
		assert.match(again.stdout, /sent 0,/, 'a second pass sends nothing again');
		for (const m of mails.slice(mb)) {
			noPhi(m.data, cl.alt);
			noPhi(m.data, cl.ok);
		}
	});

	test('the background sender of `confidant serve` sends on the domain clock', async () => {
		await srv.stop();
		srv = await serve(practice.data, { keyfile: practice.keyfile, args: ['--reminders-every', '1'] });
		await signInAgain();
		const a = await book(cl.alt.id, day(2), '16:00');
		const before = mails.length;
		advance(86400);
		await waitMail(before + 1);
		assert.deepEqual(mails.at(-1).rcpt, ['alma.private@example.net']);
		await signInAgain();
		const att = await A('GET', `/api/v1/appointments/${a.id}/reminders`);
		assert.deepEqual(att.json.attempts.map((x) => [x.channel, x.outcome]), [['email', 'sent'], ['sms', 'skipped']],
			'no SMS without consent to SMS');
	});
});

// signInAgain - after the clock moved past the sessions' lifetime.
async function signInAgain() {
	srv.session = await signIn(srv.port, ownerOf(practice.data));
	A = as(srv, await signIn(srv.port, people.a));
	B = as(srv, await signIn(srv.port, people.b));
	C1 = null;
}

// ---- feeds

let icscheck;
function parseWithLibical(ics) {
	if (!icscheck) {
		icscheck = path.join(tmpdir(), 'icscheck');
		const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libical'], { encoding: 'utf8' }).trim().split(/\s+/);
		execFileSync('cc', ['-o', icscheck, path.join(root, 'tests/tools/icscheck.c'), ...flags]);
	}
	const r = spawnSync(icscheck, [], { input: ics, encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ')).map(([uid, t]) => [uid, Number(t)]);
}

function parseWithPython(ics) {
	const py = `import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
for ev in cal.walk('VEVENT'):
    assert ev.get('DTSTAMP') is not None
    print(str(ev.get('UID')), int(ev.decoded('DTSTART').timestamp()))`;
	const r = spawnSync('/usr/bin/python3', ['-c', py], { input: ics, encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ')).map(([uid, t]) => [uid, Number(t)]);
}

const fetchFeed = (p) => request(srv.port, 'GET', p, { session: null });

describe('calendar feeds', () => {
	test('a weekly series across a DST change: libical and python3-icalendar see what the views show', async () => {
		await signInAgain();
		const start = day(3);
		const s = await A('POST', '/api/v1/appointments', {
			body: { clinician: people.a.id, clients: [cl.ok.id], start: `${start}T10:00`, minutes: 50, tz: 'Australia/Sydney', rrule: 'FREQ=WEEKLY;COUNT=6', override: true },
		});
		assert.equal(s.status, 201, s.text);
		const made = await A('POST', `/api/v1/clinicians/${people.a.id}/feed`, { body: {} });
		assert.equal(made.status, 201, made.text);
		assert.match(made.json.path, /^\/api\/v1\/feeds\/[0-9a-f]{64}\.ics$/);
		const f = await fetchFeed(made.json.path);
		assert.equal(f.status, 200, f.text);
		assert.match(f.headers['content-type'], /^text\/calendar/);
		const raw = f.text;
		assert.ok(raw.endsWith('\r\n') && !/[^\r]\n/.test(raw), 'every line ends in CRLF');
		for (const l of raw.split('\r\n')) assert.ok(Buffer.byteLength(l) <= 75, `a line longer than 75 octets: ${l}`);
		assert.ok(raw.split('\r\n').some((l) => l.startsWith(' ')), 'a long line was folded');
		assert.ok(!raw.includes('Zelda') && !raw.includes('Quintessa') && !raw.includes('Trauma'), 'no name or service');
		assert.ok(raw.includes(`C-${cl.ok.id.slice(0, 8)}`), 'the internal id labels the event');
		// the view's occurrences of the series, over the feed's months
		const view = [];
		for (let k = 0; k < 3; k++) {
			const v = await A('GET', `/api/v1/schedule?view=month&date=${day(3 + 28 * k)}&tz=UTC&clinician=${people.a.id}`);
			assert.equal(v.status, 200, v.text);
			for (const x of v.json.appointments) if (x.series && !view.some((y) => y[0] === x.id)) view.push([x.id, Date.parse(x.start) / 1000]);
		}
		assert.equal(view.length, 6);
		const local = new Set();
		for (const [, t] of view) local.add(new Date(t * 1000).toLocaleTimeString('en-GB', { timeZone: 'Australia/Sydney', hour: '2-digit', minute: '2-digit' }));
		assert.deepEqual([...local], ['10:00'], '10:00 local every week');
		assert.ok(new Set(view.map(([, t]) => new Date(t * 1000).getUTCHours())).size === 2, 'the UTC hour moves with DST');
		const want = view.map(([id, t]) => [`${id}@confidant`, t]).sort();
		const pick = (events) => events.filter(([uid]) => want.some(([w]) => w === uid)).sort();
		const lib = parseWithLibical(raw);
		const pyt = parseWithPython(raw);
		assert.deepEqual(pick(lib), want, 'libical');
		assert.deepEqual(pick(pyt), want, 'python3-icalendar');
		assert.deepEqual(lib.sort(), pyt.sort(), 'both parsers agree on every event');
		// cancel one occurrence: it leaves the feed
		const third = view.sort((x, y) => x[1] - y[1])[2][0];
		const one = await A('GET', `/api/v1/appointments/${third}`);
		const c = await A('POST', `/api/v1/appointments/${third}/status`, { body: { version: one.json.version, status: 'cancelled_by_client' } });
		assert.equal(c.status, 200, c.text);
		const after = parseWithPython((await fetchFeed(made.json.path)).text);
		assert.ok(!after.some(([uid]) => uid === `${third}@confidant`), 'a cancelled occurrence is not in the feed');
	});

	test('labels by setting: initials, first name; internal id by default', async () => {
		const made = await A('POST', `/api/v1/clinicians/${people.a.id}/feed`, { body: {} });
		await settings({ feed_label: 1 });
		assert.match((await fetchFeed(made.json.path)).text, /SUMMARY:Appointment Z\.Q\./);
		await settings({ feed_label: 2 });
		const t = (await fetchFeed(made.json.path)).text;
		assert.match(t, /SUMMARY:Appointment Zelda\r\n/);
		assert.ok(!t.includes('Quintessa'));
		await settings({ feed_label: 0 });
	});

	test('rotating and revoking: the old URL answers 404; others cannot make my feed', async () => {
		const first = await A('POST', `/api/v1/clinicians/${people.a.id}/feed`, { body: {} });
		const second = await A('POST', `/api/v1/clinicians/${people.a.id}/feed`, { body: {} });
		assert.equal((await fetchFeed(first.json.path)).status, 404, 'rotated away');
		assert.equal((await fetchFeed(second.json.path)).status, 200);
		assert.equal((await A('GET', `/api/v1/clinicians/${people.a.id}/feed`)).json.active, true);
		assert.equal((await B('POST', `/api/v1/clinicians/${people.a.id}/feed`, { body: {} })).status, 404);
		assert.equal((await A('DELETE', `/api/v1/clinicians/${people.a.id}/feed`)).status, 200);
		assert.equal((await fetchFeed(second.json.path)).status, 404, 'revoked');
		assert.equal((await fetchFeed(`/api/v1/feeds/${'0'.repeat(64)}.ics`)).status, 404);
		assert.equal((await fetchFeed('/api/v1/feeds/nothing.ics')).status, 404);
		const trail = await srv.request('GET', '/api/v1/audit?limit=200');
		assert.ok(trail.json.events.some((e) => e.event === 'feed.read'));
		assert.ok(!trail.text.includes(second.json.token), 'the token is not in the audit trail');
	});
});

// ---- waitlist and booking requests

describe('waitlist and booking requests', () => {
	test('a client waits with preferences and a sealed note; bad input changes nothing', async () => {
		const r = await A('POST', '/api/v1/waitlist', { body: { client: cl.ok.id, clinician: people.a.id, days: ['mon', 'wed'], earliest: '09:00', latest: '13:00', telehealth: 'either', note: 'prefers mornings' } });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.json.days, ['mon', 'wed']);
		for (const [body, msg] of [[{ client: cl.ok.id, days: ['someday'] }, /days/], [{ client: cl.ok.id, earliest: '13:00', latest: '09:00' }, /earliest/], [{ client: cl.ok.id, telehealth: 'maybe' }, /telehealth/], [{}, /client/]]) {
			const bad = await A('POST', '/api/v1/waitlist', { body });
			assert.equal(bad.status, 400, bad.text);
			assert.match(bad.json.message, msg);
		}
		const list = await A('GET', '/api/v1/waitlist');
		assert.equal(list.json.waitlist.length, 1);
		assert.equal(list.json.waitlist[0].note, 'prefers mornings');
		assert.equal(list.json.waitlist[0].client_name, 'Zelda Quintessa');
		assert.equal((await B('GET', '/api/v1/waitlist')).json.waitlist.length, 0, 'a clinician outside the team sees none');
		assert.equal((await B('POST', `/api/v1/waitlist/${r.json.id}/remove`, { body: {} })).status, 404);
		assert.equal((await A('POST', `/api/v1/waitlist/${r.json.id}/remove`, { body: {} })).status, 200);
		assert.equal((await A('POST', `/api/v1/waitlist/${r.json.id}/remove`, { body: {} })).status, 409);
		assert.equal((await A('GET', '/api/v1/waitlist')).json.waitlist.length, 0);
	});

	test('a client requests in the portal; the clinician approves (booked, conflicts apply) or declines with a reason', async () => {
		await reauth(srv);
		const p = await srv.request('POST', '/api/v1/users', { body: { email: 'zelda.portal@example.org', name: 'Zelda Quintessa', role: 'client', client_id: cl.ok.id } });
		assert.equal(p.status, 201, p.text);
		C1 = as(srv, await signIn(srv.port, { email: 'zelda.portal@example.org', password: p.json.one_time_password, secret: null }));
		const when = day(20);
		const req = await C1('POST', '/api/v1/booking-requests', { body: { client: cl.ok.id, clinician: people.a.id, start: `${when}T14:00`, tz: 'America/New_York', minutes: 50, message: 'after work if possible' } });
		assert.equal(req.status, 201, req.text);
		assert.equal(req.json.status, 'pending');
		assert.equal((await C1('POST', '/api/v1/booking-requests', { body: { client: cl.alt.id, clinician: people.a.id, start: `${when}T14:00`, tz: 'UTC', minutes: 50 } })).status, 404, 'not for another client');
		assert.equal((await C1('POST', '/api/v1/booking-requests', { body: { client: cl.ok.id, clinician: people.a.id, start: '2001-01-01T10:00', tz: 'UTC', minutes: 50 } })).status, 400, 'the past');
		const seen = await A('GET', `/api/v1/booking-requests/${req.json.id}`);
		assert.equal(seen.json.message, 'after work if possible');
		assert.equal((await B('POST', `/api/v1/booking-requests/${req.json.id}/approve`, { body: { version: 1 } })).status, 404);
		// something already in that slot: approval is a conflict, and nothing changes
		await book(cl.alt.id, when, '14:00', { override: false });
		const clash = await A('POST', `/api/v1/booking-requests/${req.json.id}/approve`, { body: { version: 1 } });
		assert.equal(clash.status, 409, clash.text);
		assert.match(clash.json.message, /clinician already has an appointment/);
		assert.equal((await A('GET', `/api/v1/booking-requests/${req.json.id}`)).json.status, 'pending');
		const ok = await A('POST', `/api/v1/booking-requests/${req.json.id}/approve`, { body: { version: 1, override: true } });
		assert.equal(ok.status, 200, ok.text);
		const appt = await A('GET', `/api/v1/appointments/${ok.json.appointment.id}`);
		assert.equal(appt.status, 200);
		assert.equal((await A('POST', `/api/v1/booking-requests/${req.json.id}/approve`, { body: { version: 1 } })).status, 409, 'decided already');
		const mine = await C1('GET', '/api/v1/booking-requests');
		assert.equal(mine.json.requests[0].status, 'approved');
		const second = await C1('POST', '/api/v1/booking-requests', { body: { client: cl.ok.id, clinician: people.a.id, start: `${day(21)}T08:00`, tz: 'America/New_York', minutes: 50 } });
		const noReason = await A('POST', `/api/v1/booking-requests/${second.json.id}/decline`, { body: { version: 1 } });
		assert.equal(noReason.status, 400);
		const dec = await A('POST', `/api/v1/booking-requests/${second.json.id}/decline`, { body: { version: 1, reason: 'fully booked that week' } });
		assert.equal(dec.status, 200, dec.text);
		const back = await C1('GET', `/api/v1/booking-requests/${second.json.id}`);
		assert.equal(back.json.status, 'declined');
		assert.equal(back.json.reason, 'fully booked that week');
	});
});
