// scheduling.test.mjs - the calendar tried as a practice would: a clinician
// books a weekly series across the autumn daylight-saving change and it
// stays at 10:00 New York time; one occurrence is cancelled; this and the
// following ones move to another day; the week view is right in New York
// and in Berlin; a double booking of the clinician, a client or a room is
// refused with a message that says what it collides with (and no client's
// name), unless overridden, which is audited; free slots respect working
// hours, bookings and time off; bad input and stale edits change nothing;
// each role sees what its job needs.
//
// The harness clock stands in March 2030; every booking below is in the
// future: US DST ends 2030-11-03, EU DST ends 2030-10-27 and starts again
// 2031-03-30.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, serve, signIn } from './harness.mjs';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

let practice, srv, ana, ben, sam, bill, aud, A, B, S, BI, AU, c1, c2, service, room;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	ana = await addUser(srv, 'clinician', 'Ana Treating');
	ben = await addUser(srv, 'clinician', 'Ben Outside');
	sam = await addUser(srv, 'scheduler', 'Sam Frontdesk');
	bill = await addUser(srv, 'biller', 'Bill Biller');
	aud = await addUser(srv, 'auditor', 'Ada Auditor');
	A = as(srv, await signIn(srv.port, ana));
	B = as(srv, await signIn(srv.port, ben));
	S = as(srv, await signIn(srv.port, sam));
	BI = as(srv, await signIn(srv.port, bill));
	AU = as(srv, await signIn(srv.port, aud));
	let r = await A('POST', '/api/v1/clients', { body: { legal_name: 'Carla Weekly' } });
	assert.equal(r.status, 201, r.text);
	c1 = r.json;
	r = await S('POST', '/api/v1/clients', { body: { legal_name: 'Dora Walkin' } });
	assert.equal(r.status, 201, r.text);
	c2 = r.json;
	r = await srv.request('POST', '/api/v1/services', { body: { name: 'Psychotherapy, 45 min', cpt_code: '90834', minutes: 50 } });
	assert.equal(r.status, 201, r.text);
	service = r.json;
	r = await srv.request('POST', '/api/v1/rooms', { body: { name: 'Room 1' } });
	assert.equal(r.status, 201, r.text);
	room = r.json;
});
after(async () => { await srv?.stop(); });

// week(who, date, tz, extra) - the week view of Ana's calendar.
async function week(who, date, tz, extra = '') {
	const r = await who('GET', `/api/v1/schedule?view=week&date=${date}&tz=${encodeURIComponent(tz)}&clinician=${ana.id}${extra}`);
	assert.equal(r.status, 200, r.text);
	return r.json;
}
const locals = (v) => v.appointments.map((a) => `${a.local_start} ${a.status}`);

async function practiceCount() {
	const r = await srv.request('GET', `/api/v1/schedule?view=month&date=2030-11-01&tz=UTC&limit=2000`);
	assert.equal(r.status, 200, r.text);
	return r.json.appointments.length;
}

async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

describe('a weekly series across a daylight-saving change', () => {
	let series;

	test('booked at 10:00 New York time, it stays at 10:00 local after the clocks go back', async () => {
		const r = await A('POST', '/api/v1/appointments', {
			body: { clinician: ana.id, clients: [c1.id], service: service.id, room: room.id, start: '2030-10-22T10:00', tz: NY,
				rrule: 'FREQ=WEEKLY;COUNT=6', memo: 'prefers the side entrance' },
		});
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.count, 6);
		series = r.json.appointment;
		assert.equal(series.start, '2030-10-22T14:00:00Z', '10:00 EDT is 14:00 UTC');
		assert.equal(series.local_start, '2030-10-22T10:00:00');
		assert.equal(series.minutes, 50, 'the service gives the length');
		assert.ok(series.series);
		assert.match(r.headers.location, /^\/api\/v1\/appointments\/[0-9a-f]{32}$/);

		const before = await week(A, '2030-10-28', NY);
		assert.deepEqual(locals(before), ['2030-10-29T10:00:00 scheduled']);
		assert.equal(before.appointments[0].start, '2030-10-29T14:00:00Z');
		const afterChange = await week(A, '2030-11-04', NY);
		assert.deepEqual(locals(afterChange), ['2030-11-05T10:00:00 scheduled']);
		assert.equal(afterChange.appointments[0].start, '2030-11-05T15:00:00Z', '10:00 EST is 15:00 UTC');
		assert.equal(afterChange.appointments[0].client.name, 'Carla Weekly');
		assert.equal(afterChange.appointments[0].room.name, 'Room 1');
		assert.equal(afterChange.appointments[0].service.cpt_code, '90834');
	});

	test('the week view is right in a second zone, with Berlin\'s own change a week earlier', async () => {
		// Berlin leaves summer time on 2030-10-27, New York on 2030-11-03.
		const w1 = await week(A, '2030-10-21', BERLIN);
		assert.deepEqual(locals(w1), ['2030-10-22T16:00:00 scheduled'], 'CEST = EDT + 6 h');
		const w2 = await week(A, '2030-10-28', BERLIN);
		assert.deepEqual(locals(w2), ['2030-10-29T15:00:00 scheduled'], 'CET = EDT + 5 h for a week');
		const w3 = await week(A, '2030-11-04', BERLIN);
		assert.deepEqual(locals(w3), ['2030-11-05T16:00:00 scheduled'], 'CET = EST + 6 h');
		assert.equal(w3.from, '2030-11-04T00:00:00');
		assert.equal(w3.to, '2030-11-11T00:00:00');
		assert.equal(w3.from_utc, '2030-11-03T23:00:00Z');
		// a day and a month view of the same calendar
		const day = await A('GET', `/api/v1/schedule?view=day&date=2030-11-05&tz=${NY}&clinician=${ana.id}`);
		assert.deepEqual(day.json.appointments.map((a) => a.local_start), ['2030-11-05T10:00:00']);
		const month = await A('GET', `/api/v1/schedule?view=month&date=2030-11-17&tz=${NY}&clinician=${ana.id}`);
		assert.equal(month.json.appointments.length, 4, 'four Tuesdays of the series fall in November');
		// one client on four rows: each row carries the name (decided and opened once)
		assert.deepEqual(month.json.appointments.map((a) => a.client?.name), Array(4).fill('Carla Weekly'));
	});

	test('a series booked in Berlin stays at 09:00 Berlin time when summer time starts', async () => {
		const r = await A('POST', '/api/v1/appointments', {
			body: { clinician: ana.id, clients: [c1.id], start: '2031-03-24T09:00', minutes: 50, tz: BERLIN, rrule: 'FREQ=WEEKLY;COUNT=2' },
		});
		assert.equal(r.status, 201, r.text);
		const v = await week(A, '2031-03-31', BERLIN);
		assert.deepEqual(locals(v), ['2031-03-31T09:00:00 scheduled']);
		assert.equal(v.appointments[0].start, '2031-03-31T07:00:00Z', 'CEST is UTC+2');
		assert.equal(r.json.appointment.start, '2031-03-24T08:00:00Z', 'CET is UTC+1');
	});

	test('cancelling one occurrence keeps the rest, and the reason is kept with who and when', async () => {
		const v = await week(A, '2030-11-11', NY);
		const occ = v.appointments[0];
		assert.equal(occ.local_start, '2030-11-12T10:00:00');
		const r = await A('POST', `/api/v1/appointments/${occ.id}/status`,
			{ body: { version: occ.version, status: 'cancelled_by_client', reason: 'travelling for work' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.appointment.status, 'cancelled_by_client');
		assert.equal(r.json.count, 1);
		assert.deepEqual(locals(await week(A, '2030-11-11', NY)), ['2030-11-12T10:00:00 cancelled_by_client']);
		assert.deepEqual(locals(await week(A, '2030-11-04', NY)), ['2030-11-05T10:00:00 scheduled'], 'the others stay');
		const only = await week(A, '2030-11-11', NY, '&status=scheduled,confirmed');
		assert.deepEqual(only.appointments, [], 'the status filter leaves it out');
		const g = await A('GET', `/api/v1/appointments/${occ.id}`);
		assert.equal(g.status, 200, g.text);
		assert.deepEqual(g.json.history.map((h) => h.status), ['scheduled', 'cancelled_by_client']);
		assert.equal(g.json.history[1].reason, 'travelling for work');
		assert.equal(g.json.history[1].by, ana.id);
		assert.equal(g.json.memo, 'prefers the side entrance');
		assert.match(g.json.rrule, /FREQ=WEEKLY/);
	});

	test('this and the following occurrences move from Tuesday to Thursday; the cancelled one is kept', async () => {
		const v = await week(A, '2030-11-18', NY);
		const occ = v.appointments[0];
		assert.equal(occ.local_start, '2030-11-19T10:00:00');
		const r = await A('PATCH', `/api/v1/appointments/${occ.id}`,
			{ body: { version: occ.version, scope: 'following', start: '2030-11-21T11:00' } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.count, 2, 'COUNT=6 less the four before the split');
		assert.equal(r.json.appointment.local_start, '2030-11-21T11:00:00');
		assert.notEqual(r.json.appointment.series, occ.series, 'a new series follows the split');
		assert.deepEqual(locals(await week(A, '2030-11-18', NY)), ['2030-11-21T11:00:00 scheduled']);
		assert.deepEqual(locals(await week(A, '2030-11-25', NY)), ['2030-11-28T11:00:00 scheduled']);
		assert.deepEqual(locals(await week(A, '2030-12-02', NY)), [], 'the rule ends where it did');
		assert.deepEqual(locals(await week(A, '2030-11-11', NY)), ['2030-11-12T10:00:00 cancelled_by_client']);
		const oldSeries = await A('GET', `/api/v1/appointments/${series.id}`);
		assert.match(oldSeries.json.rrule, /UNTIL=20301119T145959Z/, 'the old rule ends before the split');
		const gone = await A('GET', `/api/v1/appointments/${occ.id}`);
		assert.equal(gone.status, 404, 'the moved occurrence was only materialised');
	});

	test('a change to the whole series reaches every future occurrence', async () => {
		const room2 = await srv.request('POST', '/api/v1/rooms', { body: { name: 'Room 2' } });
		assert.equal(room2.status, 201, room2.text);
		const occ = (await week(A, '2030-11-18', NY)).appointments[0];
		const r = await A('PATCH', `/api/v1/appointments/${occ.id}`,
			{ body: { version: occ.version, scope: 'series', room: room2.json.id, telehealth: true } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.count, 2);
		for (const d of ['2030-11-18', '2030-11-25']) {
			const a = (await week(A, d, NY)).appointments[0];
			assert.equal(a.room.name, 'Room 2');
			assert.equal(a.telehealth, true);
			assert.equal(a.exception, false, 'a change to the series is no exception');
		}
		const moveAll = await A('PATCH', `/api/v1/appointments/${occ.id}`,
			{ body: { version: r.json.appointment.version, scope: 'series', start: '2030-11-22T11:00' } });
		assert.equal(moveAll.status, 400);
		assert.match(moveAll.json.message, /scope following/);
	});

	test('one occurrence moved alone becomes an exception of its series', async () => {
		const v = await week(A, '2030-11-04', NY);
		const occ = v.appointments[0];
		const r = await A('PATCH', `/api/v1/appointments/${occ.id}`,
			{ body: { version: occ.version, start: '2030-11-06T09:00', tz: NY } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.appointment.exception, true);
		assert.equal(r.json.appointment.local_start, '2030-11-06T09:00:00');
		assert.equal(r.json.appointment.minutes, 50, 'the length is kept');
		assert.equal(r.json.appointment.version, occ.version + 1);
	});
});

describe('conflicts', () => {
	test('a double booking is refused with what it conflicts with, and nothing is stored', async () => {
		const n = await practiceCount();
		// Ana at 10:00-10:50 on 2030-10-29 (New York); the front desk tries 10:30
		let r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ana.id, clients: [c2.id], start: '2030-10-29T10:30', minutes: 50, tz: NY } });
		assert.equal(r.status, 409, r.text);
		assert.equal(r.json.error, 'conflict');
		assert.equal(r.json.message, 'clinician already has an appointment 10:00-10:50 on 2030-10-29');
		assert.deepEqual(r.json.conflicts, [{ with: 'clinician', start: '2030-10-29T14:00:00Z', end: '2030-10-29T14:50:00Z' }]);
		// the same room, another clinician
		r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ben.id, clients: [c2.id], room: room.id, start: '2030-10-29T10:30', minutes: 50, tz: NY } });
		assert.equal(r.status, 409, r.text);
		assert.equal(r.json.message, 'room is already booked 10:00-10:50 on 2030-10-29');
		// the same client with another clinician: the message names no one
		r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ben.id, clients: [c1.id], start: '2030-10-29T15:30', minutes: 50, tz: BERLIN } });
		assert.equal(r.status, 409, r.text);
		assert.equal(r.json.message, 'a client of this appointment already has an appointment 15:00-15:50 on 2030-10-29',
			'times in the zone the booking was made in');
		assert.ok(!r.text.includes('Carla'), 'a conflict message named the client');
		// a series that collides in one of its weeks
		r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ana.id, clients: [c2.id], start: '2030-10-15T10:15', minutes: 30, tz: NY, rrule: 'FREQ=WEEKLY;COUNT=3' } });
		assert.equal(r.status, 409, r.text);
		assert.equal(r.json.message, 'clinician already has an appointment 10:00-10:50 on 2030-10-22');
		assert.equal(await practiceCount(), n, 'a refused booking stored something');
	});

	test('an explicit override books anyway and is audited', async () => {
		const r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ana.id, clients: [c2.id], start: '2030-10-29T10:30', minutes: 50, tz: NY, override: true } });
		assert.equal(r.status, 201, r.text);
		const evs = await eventsFor(r.headers['x-request-id']);
		const ov = evs.find((e) => e.event === 'appointment.override');
		assert.ok(ov, `no override event in ${JSON.stringify(evs)}`);
		assert.equal(ov.detail, 'conflicts=1');
		assert.equal(ov.object_id, r.json.appointment.id);
		assert.equal(ov.actor, sam.id);
		const cr = evs.find((e) => e.event === 'appointment.create');
		assert.equal(cr.client, c2.id);
		assert.match(cr.detail, /override=1/);
	});
});

describe('availability', () => {
	test('free slots lie within working hours and around bookings and time off', async () => {
		let r = await A('GET', `/api/v1/clinicians/${ana.id}/free-slots?minutes=50&count=3&from=2030-10-29`);
		assert.equal(r.status, 409, 'no working hours yet');
		assert.match(r.json.message, /working hours/);
		r = await A('PUT', `/api/v1/clinicians/${ana.id}/working-hours`,
			{ body: { tz: NY, hours: [{ day: 'tue', start: '09:00', end: '12:00' }] } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { tz: NY, hours: [{ day: 'tue', start: '09:00', end: '12:00' }] });
		// 2030-10-29: 10:00-10:50 (series) and 10:30-11:20 (the override)
		r = await A('GET', `/api/v1/clinicians/${ana.id}/free-slots?minutes=50&count=4&from=2030-10-29`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tz, NY);
		assert.deepEqual(r.json.slots.map((s) => s.local_start), [
			'2030-10-29T09:00:00', // before the series' occurrence
			'2030-11-05T09:00:00', // that Tuesday's occurrence was moved to Wednesday
			'2030-11-05T09:50:00',
			'2030-11-05T10:40:00',
		]);
		assert.equal(r.json.slots[0].end, '2030-10-29T13:50:00Z');
		r = await A('POST', `/api/v1/clinicians/${ana.id}/time-off`,
			{ body: { start: '2030-11-05T00:00', end: '2030-11-06T00:00', tz: NY } });
		assert.equal(r.status, 201, r.text);
		r = await A('GET', `/api/v1/clinicians/${ana.id}/free-slots?minutes=50&count=2&from=2030-11-01&tz=${BERLIN}`);
		assert.deepEqual(r.json.slots.map((s) => s.local_start), ['2030-11-12T15:00:00', '2030-11-12T15:50:00'],
			'the 12th\'s occurrence is cancelled; shown in Berlin time');
		// time off is a conflict too
		r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ana.id, clients: [c2.id], start: '2030-11-05T14:00', minutes: 50, tz: NY } });
		assert.equal(r.status, 409);
		assert.equal(r.json.message, 'clinician is away (time off) 00:00-00:00 on 2030-11-05');
	});

	test('only the clinician, the owner or the front desk set a clinician\'s hours', async () => {
		const r = await B('PUT', `/api/v1/clinicians/${ana.id}/working-hours`, { body: { tz: NY, hours: [] } });
		assert.equal(r.status, 403);
		const g = await S('GET', `/api/v1/clinicians/${ana.id}/working-hours`);
		assert.equal(g.json.hours.length, 1, 'a refused change changed the hours');
	});
});

describe('bad input and stale edits change nothing', () => {
	test('invalid RRULEs, end before start and unknown zones get a 400 naming the field', async () => {
		const n = await practiceCount();
		const base = { clinician: ana.id, clients: [c1.id], start: '2030-11-14T08:00', minutes: 50, tz: NY };
		const cases = [
			[{ rrule: 'FREQ=SOMETIMES' }, /rrule/],
			[{ rrule: 'FREQ=WEEKLY;COUNT=3;UNTIL=20310101T000000Z' }, /rrule/],
			[{ rrule: 'FREQ=HOURLY' }, /rrule/],
			[{ rrule: 7 }, /rrule/],
			[{ end: '2030-11-14T07:00', minutes: undefined }, /end must be after start/],
			[{ tz: 'Mars/Olympus_Mons' }, /tz must be an IANA time zone/],
			[{ tz: '../../etc/passwd' }, /tz/],
			[{ start: '2030-02-30T10:00' }, /start/],
			[{ minutes: 0 }, /minutes/],
			[{ minutes: 600 }, /minutes/],
			[{ clients: [] }, /clients/],
			[{ clients: ['nope'] }, /clients/],
			[{ kind: 'crowd' }, /kind/],
			[{ surprise: 1 }, /surprise|unknown|field/i],
		];
		for (const [patch, re] of cases) {
			const r = await A('POST', '/api/v1/appointments', { body: { ...base, ...patch } });
			assert.equal(r.status, 400, `${JSON.stringify(patch)}: ${r.status} ${r.text}`);
			assert.match(r.json.message, re, JSON.stringify(patch));
		}
		const v = await A('GET', `/api/v1/schedule?view=week&date=2030-11-11&tz=Nowhere/Land`);
		assert.equal(v.status, 400);
		assert.match(v.json.message, /tz/);
		assert.equal(await practiceCount(), n, 'a refused booking stored something');
	});

	test('two edits from the same version: the second gets a 409 and changes nothing', async () => {
		const v = await week(A, '2030-11-25', NY);
		const occ = v.appointments[0];
		const first = await A('PATCH', `/api/v1/appointments/${occ.id}`, { body: { version: occ.version, minutes: 45 } });
		assert.equal(first.status, 200, first.text);
		const second = await S('PATCH', `/api/v1/appointments/${occ.id}`, { body: { version: occ.version, minutes: 30 } });
		assert.equal(second.status, 409, second.text);
		assert.match(second.json.message, /changed since it was read/);
		const stale = await S('POST', `/api/v1/appointments/${occ.id}/status`, { body: { version: occ.version, status: 'confirmed' } });
		assert.equal(stale.status, 409);
		const g = await A('GET', `/api/v1/appointments/${occ.id}`);
		assert.equal(g.json.minutes, 45);
		assert.equal(g.json.status, 'scheduled');
		const end = await A('PATCH', `/api/v1/appointments/${occ.id}`,
			{ body: { version: g.json.version, start: '2030-11-28T11:00', end: '2030-11-28T10:00', tz: NY } });
		assert.equal(end.status, 400);
		assert.match(end.json.message, /end must be after start/);
		const rr = await A('PATCH', `/api/v1/appointments/${occ.id}`, { body: { version: g.json.version, scope: 'following', rrule: 'FREQ=NEVER' } });
		assert.equal(rr.status, 400);
		assert.equal((await A('GET', `/api/v1/appointments/${occ.id}`)).json.version, g.json.version);
	});
});

describe('who sees what', () => {
	test('the front desk and billing see names; a clinician outside the care team sees busy time only', async () => {
		const fd = await week(S, '2030-10-28', NY);
		assert.ok(fd.appointments.every((a) => a.client && a.client.name), 'the front desk sees names');
		const out = await week(B, '2030-10-28', NY);
		assert.equal(out.appointments.length, fd.appointments.length, 'the time shows as busy');
		const mine = out.appointments.find((a) => a.client === null);
		assert.ok(mine, 'a clinician outside the care team saw a client');
		assert.ok(!JSON.stringify(out).includes('Carla'));
		assert.equal((await B('GET', `/api/v1/appointments/${mine.id}`)).status, 404);
		const bi = await BI('GET', `/api/v1/appointments/${mine.id}`);
		assert.equal(bi.status, 200, bi.text);
		assert.equal(bi.json.client.name, 'Carla Weekly', 'billing sees whom to bill');
		assert.equal(bi.json.memo, undefined, 'billing sees no memo');
		assert.ok(bi.json.history.every((h) => !('reason' in h)));
		assert.equal((await AU('GET', `/api/v1/schedule?view=week&date=2030-10-28&tz=UTC`)).status, 403);
		const book = await B('POST', '/api/v1/appointments',
			{ body: { clinician: ben.id, clients: [c1.id], start: '2031-01-07T10:00', minutes: 50, tz: NY } });
		assert.equal(book.status, 404, 'booking a client outside the care team');
		const cancel = await BI('POST', `/api/v1/appointments/${mine.id}/status`, { body: { version: 1, status: 'no_show' } });
		assert.equal(cancel.status, 403);
	});

	test('every step is audited with ids only', async () => {
		const all = JSON.stringify((await srv.request('GET', '/api/v1/audit?limit=200')).json.events);
		for (const ev of ['appointment.create', 'appointment.read', 'appointment.update', 'appointment.status', 'schedule.view', 'schedule.setup']) {
			assert.ok(all.includes(`"${ev}"`), `no ${ev} event`);
		}
		for (const text of ['travelling for work', 'side entrance', 'Carla', 'Dora']) {
			assert.ok(!all.includes(text), `the audit trail holds ${text}`);
		}
	});
});

describe('series without an end', () => {
	test('are stored 18 months ahead, and further when a view or a booking looks past that', async () => {
		const r = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ben.id, clients: [c2.id], start: '2030-04-01T08:00', minutes: 50, tz: 'UTC', rrule: 'FREQ=WEEKLY' } });
		assert.equal(r.status, 201, r.text);
		assert.ok(r.json.count >= 70 && r.json.count <= 80, `${r.json.count} occurrences stored`);
		const far = await S('GET', `/api/v1/schedule?view=week&date=2032-03-01&tz=UTC&clinician=${ben.id}`);
		assert.equal(far.status, 200, far.text);
		assert.deepEqual(far.json.appointments.map((a) => a.local_start), ['2032-03-01T08:00:00']);
		assert.equal(far.json.appointments[0].series, r.json.appointment.series);
		const clash = await S('POST', '/api/v1/appointments',
			{ body: { clinician: ben.id, clients: [c2.id], start: '2032-09-06T08:15', minutes: 30, tz: 'UTC' } });
		assert.equal(clash.status, 409, clash.text);
		assert.equal(clash.json.message, 'clinician already has an appointment 08:00-08:50 on 2032-09-06');
	});
});
