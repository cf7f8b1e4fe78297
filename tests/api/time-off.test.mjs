// time-off.test.mjs - a clinician's time off listed and removed: the list
// of a range of local dates in the working-hours zone (or another zone),
// who may read and who may remove, a removed period no longer refuses a
// booking, bad input changes nothing, and both are audited with ids and
// counts only (schedule.view time_off=N, schedule.setup removed=1).
//
// The harness clock stands in March 2030; every period below is later.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, serve, signIn } from './harness.mjs';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

let practice, srv, ana, ben, sam, bill, A, B, S, BI, client;

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	ana = await addUser(srv, 'clinician', 'Ana Away');
	ben = await addUser(srv, 'clinician', 'Ben Colleague');
	sam = await addUser(srv, 'scheduler', 'Sam Desk');
	bill = await addUser(srv, 'biller', 'Bill Ledger');
	A = as(srv, await signIn(srv.port, ana));
	B = as(srv, await signIn(srv.port, ben));
	S = as(srv, await signIn(srv.port, sam));
	BI = as(srv, await signIn(srv.port, bill));
	const r = await A('POST', '/api/v1/clients', { body: { legal_name: 'Tom Timeoff' } });
	assert.equal(r.status, 201, r.text);
	client = r.json;
	const h = await A('PUT', `/api/v1/clinicians/${ana.id}/working-hours`,
		{ body: { tz: NY, hours: [{ day: 'mon', start: '09:00', end: '17:00' }] } });
	assert.equal(h.status, 200, h.text);
});
after(async () => { await srv?.stop(); });

const add = async (who, start, end, tz = NY) => {
	const r = await who('POST', `/api/v1/clinicians/${ana.id}/time-off`, { body: { start, end, tz } });
	assert.equal(r.status, 201, r.text);
	return r.json.id;
};
const list = (who, qs = '') => who('GET', `/api/v1/clinicians/${ana.id}/time-off${qs}`);

async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

describe('time off: list and remove', () => {
	let summer, autumn, winter;

	test('the list covers a range of local dates in the working-hours zone, by start', async () => {
		autumn = await add(A, '2030-10-14T00:00', '2030-10-19T00:00');
		summer = await add(S, '2030-07-01T13:00', '2030-07-01T17:00');
		winter = await add(A, '2031-05-05T00:00', '2031-05-06T00:00');
		const r = await list(A, '?from=2030-06-01&to=2030-12-31');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tz, NY);
		assert.equal(r.json.from, '2030-06-01T00:00:00');
		assert.equal(r.json.to, '2030-12-31T00:00:00');
		assert.equal(r.json.truncated, false);
		assert.deepEqual(r.json.time_off.map((t) => t.id), [summer, autumn], 'by start; May 2031 is outside');
		const s = r.json.time_off[0];
		assert.equal(s.local_start, '2030-07-01T13:00:00');
		assert.equal(s.local_end, '2030-07-01T17:00:00');
		assert.equal(s.start, '2030-07-01T17:00:00Z', 'EDT is UTC-4');
		assert.equal(s.end, '2030-07-01T21:00:00Z');
	});

	test('another zone shows the same instants in its local time; a period overlapping the range is included', async () => {
		const r = await list(B, `?from=2030-07-01&to=2030-07-02&tz=${encodeURIComponent(BERLIN)}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.tz, BERLIN);
		assert.deepEqual(r.json.time_off.map((t) => [t.id, t.local_start, t.local_end]),
			[[summer, '2030-07-01T19:00:00', '2030-07-01T23:00:00']]);
		const o = await list(S, '?from=2030-10-16&to=2030-10-17');
		assert.deepEqual(o.json.time_off.map((t) => t.id), [autumn], 'it began before the range and ends after it');
	});

	test('with no dates the list runs from today for a year', async () => {
		const r = await list(S);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.from, '2030-03-17T00:00:00');
		assert.deepEqual(r.json.time_off.map((t) => t.id), [summer, autumn], 'May 2031 is past a year');
	});

	test('billing may not read time off; only the clinician, the owner or the front desk remove it', async () => {
		assert.equal((await list(BI)).status, 403);
		const refused = await B('DELETE', `/api/v1/time-off/${summer}`);
		assert.equal(refused.status, 403);
		const evs = await eventsFor(refused.headers['x-request-id']);
		assert.ok(evs.some((e) => e.event === 'schedule.setup' && e.outcome === 'denied'), JSON.stringify(evs));
		assert.equal((await list(A, '?from=2030-07-01&to=2030-07-02')).json.time_off.length, 1, 'a refused removal removed it');
		assert.equal((await BI('DELETE', `/api/v1/time-off/${summer}`)).status, 403);
	});

	test('a removed period no longer refuses a booking; removing it again is a 404', async () => {
		const booking = { clinician: ana.id, clients: [client.id], start: '2030-10-14T10:00', minutes: 50, tz: NY };
		let r = await S('POST', '/api/v1/appointments', { body: booking });
		assert.equal(r.status, 409, 'time off is a conflict');
		r = await S('DELETE', `/api/v1/time-off/${autumn}`);
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, { id: autumn, removed: true });
		r = await S('POST', '/api/v1/appointments', { body: booking });
		assert.equal(r.status, 201, r.text);
		assert.equal((await S('DELETE', `/api/v1/time-off/${autumn}`)).status, 404);
		assert.equal((await S('DELETE', '/api/v1/time-off/not-an-id')).status, 404);
		assert.equal((await A('DELETE', `/api/v1/time-off/${summer}`)).status, 200, 'the clinician removes her own');
		assert.deepEqual((await list(A, '?from=2030-01-01&to=2031-12-31')).json.time_off.map((t) => t.id), [winter]);
	});

	test('bad dates, zones and ranges are a 400 naming the parameter', async () => {
		const cases = [
			['?from=2030-13-01', /from/],
			['?from=2030-06-01&to=yesterday', /to must be a date/],
			['?from=2030-06-01&to=2030-05-01', /to must be after from/],
			['?from=2030-01-01&to=2033-01-01', /800 days/],
			['?tz=Mars%2FOlympus', /tz/],
		];
		for (const [qs, msg] of cases) {
			const r = await list(A, qs);
			assert.equal(r.status, 400, `${qs}: ${r.text}`);
			assert.match(r.json.message, msg);
		}
		const u = await A('GET', `/api/v1/clinicians/${bill.id}/time-off`);
		assert.equal(u.status, 400, 'a biller has no time off');
	});

	test('listing and removing are audited with ids and counts', async () => {
		const r = await list(S, '?from=2030-01-01&to=2031-12-31');
		const evs = await eventsFor(r.headers['x-request-id']);
		const v = evs.find((e) => e.event === 'schedule.view');
		assert.ok(v, JSON.stringify(evs));
		assert.equal(v.object_id, ana.id);
		assert.equal(v.detail, 'time_off=1');
		const id = await add(A, '2031-02-02T09:00', '2031-02-02T12:00');
		const d = await A('DELETE', `/api/v1/time-off/${id}`);
		const de = (await eventsFor(d.headers['x-request-id'])).find((e) => e.event === 'schedule.setup');
		assert.ok(de);
		assert.equal(de.object_type, 'time_off');
		assert.equal(de.object_id, id);
		assert.equal(de.detail, 'removed=1');
		assert.equal(de.actor, ana.id);
	});
});
