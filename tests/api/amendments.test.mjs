// amendments.test.mjs - amendment requests (HIPAA 164.526) tried as a
// client and their clinician would: the client asks, in their portal, for a
// correction of a signed note; it is due in 60 days and shows overdue when
// the clock passes that; the clinician accepts (the note gets a signed
// addendum naming the request, and reading the note shows the request) or
// denies with a reason (required); only after a denial may the client file
// a statement of disagreement, and the clinician a rebuttal, each once;
// from then on they travel with the item. Who may: the treating team and
// the client; nobody else. Nothing of a request reaches the audit trail
// or the disk in plaintext.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, advance, as, init, now, reauth, rnd, serve, signIn, sqlite } from './harness.mjs';

const DAY = 86400;
let practice, srv, client, other, note, plan, otherNote;
const who = {};
const idents = {};
const ids = {};
const canaries = [];
const canary = () => {
	const c = `AMENDCANARY${rnd(16)}`;
	canaries.push(c);
	return c;
};

// portal(clientId) - a portal account linked to a client: its identity.
async function portal(clientId, name) {
	await reauth(srv);
	const email = `portal.${rnd(8)}@example.org`;
	const r = await srv.request('POST', '/api/v1/users', { body: { email, name, role: 'client', client_id: clientId } });
	assert.equal(r.status, 201, r.text);
	return { email, password: r.json.one_time_password, secret: null, id: r.json.id };
}

// signInAll() - fresh sessions for everyone (moving the clock by days ends them).
async function signInAll() {
	srv.session = await signIn(srv.port, (await import('./harness.mjs')).ownerOf(srv.data));
	who.owner = srv.request;
	for (const [name, ident] of Object.entries(idents)) who[name] = as(srv, await signIn(srv.port, ident));
}

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	for (const [name, role] of [['a', 'clinician'], ['b', 'clinician'], ['biller', 'biller'],
		['sched', 'scheduler'], ['auditor', 'auditor']]) {
		idents[name] = await addUser(srv, role, `${name} person`);
		ids[name] = idents[name].id;
	}
	await signInAll();
	const c = await who.a('POST', '/api/v1/clients', { body: { legal_name: 'Amending Client' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	const o = await who.b('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } });
	other = o.json;
	idents.client = await portal(client.id, 'Amending Client');
	idents.otherClient = await portal(other.id, 'Other Client');
	await signInAll();
	const n = await who.a('POST', `/api/v1/clients/${client.id}/notes`,
		{ body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'reports low mood', plan: 'weekly CBT' } } });
	assert.equal(n.status, 201, n.text);
	assert.equal((await who.a('POST', `/api/v1/notes/${n.json.id}/sign`, { body: {} })).status, 200);
	note = n.json;
	const on = await who.b('POST', `/api/v1/clients/${other.id}/notes`,
		{ body: { template: 'soap', date: '2026-11-20', fields: { subjective: 'other' } } });
	otherNote = on.json;
	const p = await who.a('POST', `/api/v1/clients/${client.id}/plans`, {
		body: { title: 'Mood', review_date: '2027-03-01',
			problems: [{ problem: 'Low mood', goals: [{ goal: 'Better mood', objectives: [{ what: 'PHQ-9', measure: 'PHQ-9 monthly', target: 'below 10' }] }] }] },
	});
	assert.equal(p.status, 201, p.text);
	plan = p.json;
});
after(async () => { await srv?.stop(); });

const list = () => `/api/v1/clients/${client.id}/amendments`;
const am = (id, step = '') => `/api/v1/amendments/${id}${step ? `/${step}` : ''}`;

async function eventsFor(res) {
	const r = await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`);
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === res.headers['x-request-id']);
}

describe('a request about a signed note, accepted', () => {
	let req;

	test('bad requests are a 400 naming the field, and store nothing', async () => {
		const ok = { target_type: 'note', target_id: note.id, change: 'x', reason: 'y' };
		const cases = [
			[{ ...ok, change: undefined }, /change/],
			[{ ...ok, change: '  \n ' }, /change/],
			[{ ...ok, reason: 'r'.repeat(4001) }, /reason/],
			[{ ...ok, target_type: 'invoice' }, /target_type/],
			[{ ...ok, target_id: otherNote.id }, /not an item of this client's record/],
			[{ ...ok, target_id: '0'.repeat(32) }, /not an item of this client's record/],
			[{ ...ok, target_id: undefined }, /target_id/],
			[{ target_type: 'chart', field: 'favourite_colour', change: 'x', reason: 'y' }, /field/],
			[{ target_type: 'chart', field: 'address', target_id: note.id, change: 'x', reason: 'y' }, /target_id/],
			[{ ...ok, urgency: 'high' }, /body has a field it does not accept: urgency/],
			[{ ...ok, change: 5 }, /change must be a string/],
		];
		for (const [b, msg] of cases) {
			const r = await who.client('POST', list(), { body: b });
			assert.equal(r.status, 400, `${JSON.stringify(b).slice(0, 90)} -> ${r.status} ${r.text}`);
			assert.match(r.json.message, msg);
		}
		const l = await who.client('GET', list());
		assert.equal(l.status, 200, l.text);
		assert.deepEqual(l.json.amendments, []);
	});

	test('the client asks in the portal: due 60 days after receipt, not overdue', async () => {
		const change = `My mood was not low: ${canary()}`;
		const reason = `I said it was tired, ${canary()}`;
		const r = await who.client('POST', list(), { body: { target_type: 'note', target_id: note.id, change, reason } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.headers.location, am(r.json.id));
		assert.equal(r.json.status, 'pending');
		assert.equal(r.json.requested_via, 'portal');
		assert.deepEqual(r.json.target, { type: 'note', id: note.id });
		assert.equal(r.json.change, change);
		assert.equal(r.json.reason, reason);
		assert.equal(Date.parse(r.json.due_at) - Date.parse(r.json.received_at), 60 * DAY * 1000);
		assert.equal(Date.parse(r.json.received_at) / 1000, now());
		assert.equal(r.json.overdue, false);
		assert.equal(r.json.decision, null);
		req = r.json;
		const seen = await who.a('GET', list());
		assert.deepEqual(seen.json.amendments.map((x) => x.id), [req.id]);
	});

	test('disagreement before a denial is a 409; a clinician accepts: the note gets a signed addendum', async () => {
		const early = await who.client('POST', am(req.id, 'disagreement'), { body: { text: 'I disagree' } });
		assert.equal(early.status, 409, early.text);
		const rebut = await who.a('POST', am(req.id, 'rebuttal'), { body: { text: 'no' } });
		assert.equal(rebut.status, 409, rebut.text);
		const noText = await who.a('POST', am(req.id, 'accept'), { body: {} });
		assert.equal(noText.status, 400);
		const amended = `Client reports tiredness, not low mood. ${canary()}`;
		const r = await who.a('POST', am(req.id, 'accept'), { body: { text: amended } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.status, 'accepted');
		assert.equal(r.json.decision.text, amended);
		assert.equal(r.json.decision.by, ids.a);
		assert.equal(r.json.decision.addendum, true);
		const n = await who.a('GET', `/api/v1/notes/${note.id}`);
		assert.equal(n.status, 200, n.text);
		assert.equal(n.json.addenda.length, 1);
		assert.equal(n.json.addenda[0].text, `Amendment accepted (request ${req.id}):\n${amended}`);
		assert.match(n.json.addenda[0].content_hash, /^[0-9a-f]{64}$/);
		assert.deepEqual(n.json.amendments.map((x) => [x.id, x.status]), [[req.id, 'accepted']]);
		const again = await who.a('POST', am(req.id, 'accept'), { body: { text: 'twice' } });
		assert.equal(again.status, 409, 'accepted twice');
		const deny = await who.a('POST', am(req.id, 'deny'), { body: { reason: 'changed my mind' } });
		assert.equal(deny.status, 409, 'an accepted request was denied');
		const ext = await who.a('POST', am(req.id, 'extend'), { body: { reason: 'more time' } });
		assert.equal(ext.status, 409, 'a decided request was extended');
		const disagree = await who.client('POST', am(req.id, 'disagreement'), { body: { text: 'x' } });
		assert.equal(disagree.status, 409, 'disagreement with an accepted request');
	});
});

describe('a request about a plan, denied: disagreement and rebuttal travel with the plan', () => {
	let req;

	test('staff file it for the client; the deadline is extended once, with a reason', async () => {
		const r = await who.a('POST', list(), {
			body: { target_type: 'plan', target_id: plan.id, change: `Goal should be ${canary()}`, reason: `Client asked by phone ${canary()}` },
		});
		assert.equal(r.status, 201, r.text);
		assert.equal(r.json.requested_via, 'staff');
		req = r.json;
		const noReason = await who.a('POST', am(req.id, 'extend'), { body: {} });
		assert.equal(noReason.status, 400);
		const why = `Records are archived ${canary()}`;
		const e1 = await who.a('POST', am(req.id, 'extend'), { body: { reason: why } });
		assert.equal(e1.status, 200, e1.text);
		assert.equal(Date.parse(e1.json.due_at) - Date.parse(req.due_at), 30 * DAY * 1000);
		assert.equal(e1.json.extension.text, why);
		assert.equal(e1.json.extension.by, ids.a);
		const e2 = await who.a('POST', am(req.id, 'extend'), { body: { reason: 'again' } });
		assert.equal(e2.status, 409, 'extended twice');
	});

	test('a denial needs a reason; the client then files a statement of disagreement, the clinician a rebuttal', async () => {
		assert.equal((await who.a('POST', am(req.id, 'deny'), { body: {} })).status, 400, 'denied without a reason');
		assert.equal((await who.a('POST', am(req.id, 'deny'), { body: { reason: ' ' } })).status, 400);
		assert.equal((await who.a('POST', am(req.id, 'deny'), { body: { reason: 'r', basis: 'because' } })).status, 400);
		const reason = `The plan is accurate ${canary()}`;
		const d = await who.a('POST', am(req.id, 'deny'), { body: { reason, basis: 'accurate_complete' } });
		assert.equal(d.status, 200, d.text);
		assert.equal(d.json.status, 'denied');
		assert.equal(d.json.decision.text, reason);
		assert.equal(d.json.decision.basis, 'accurate_complete');
		assert.equal(d.json.decision.addendum, false);
		const rebutFirst = await who.a('POST', am(req.id, 'rebuttal'), { body: { text: 'too early' } });
		assert.equal(rebutFirst.status, 409, 'a rebuttal before any disagreement');
		const statement = `I still disagree ${canary()}`;
		const s = await who.client('POST', am(req.id, 'disagreement'), { body: { text: statement } });
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json.disagreement.text, statement);
		const s2 = await who.client('POST', am(req.id, 'disagreement'), { body: { text: 'again' } });
		assert.equal(s2.status, 409, 'two statements of disagreement');
		const rebuttal = `Reviewed with supervisor ${canary()}`;
		const rb = await who.a('POST', am(req.id, 'rebuttal'), { body: { text: rebuttal } });
		assert.equal(rb.status, 200, rb.text);
		assert.equal(rb.json.rebuttal.text, rebuttal);
		assert.equal((await who.a('POST', am(req.id, 'rebuttal'), { body: { text: 'again' } })).status, 409);
		// from now on they travel with the plan
		for (const reader of ['a', 'client']) {
			const p = await who[reader]('GET', `/api/v1/plans/${plan.id}`);
			assert.equal(p.status, 200, p.text);
			const linked = p.json.amendments.find((x) => x.id === req.id);
			assert.ok(linked, `${reader} does not see the request with the plan`);
			assert.equal(linked.decision.text, reason);
			assert.equal(linked.disagreement.text, statement);
			assert.equal(linked.rebuttal.text, rebuttal);
		}
		const one = await who.client('GET', am(req.id));
		assert.equal(one.status, 200, one.text);
		assert.equal(one.json.rebuttal.by, ids.a);
	});
});

describe('deadlines', () => {
	test('a pending request shows overdue once 60 days have passed, and can no longer be extended', async () => {
		const r = await who.client('POST', list(), {
			body: { target_type: 'chart', field: 'address', change: `New address ${canary()}`, reason: 'moved' },
		});
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.json.target, { type: 'chart', field: 'address' });
		advance(59 * DAY);
		await signInAll();
		let l = (await who.a('GET', list())).json.amendments.find((x) => x.id === r.json.id);
		assert.equal(l.overdue, false, 'overdue before the deadline');
		advance(2 * DAY);
		await signInAll();
		l = (await who.a('GET', list())).json.amendments.find((x) => x.id === r.json.id);
		assert.equal(l.overdue, true, 'not overdue after 61 days');
		assert.equal(l.status, 'pending');
		const mine = (await who.client('GET', am(r.json.id))).json;
		assert.equal(mine.overdue, true);
		const late = await who.a('POST', am(r.json.id, 'extend'), { body: { reason: 'too late' } });
		assert.equal(late.status, 409, 'extended after the deadline');
		const acc = await who.a('POST', am(r.json.id, 'accept'), { body: { text: `Address corrected ${canary()}` } });
		assert.equal(acc.status, 200, 'a late decision is still a decision');
		assert.equal(acc.json.overdue, false);
		assert.equal(acc.json.decision.addendum, false);
	});
});

describe('a request about a diagnosis', () => {
	test('names the diagnosis by id; accepting records the amended text with the request', async () => {
		const d = await who.a('POST', `/api/v1/clients/${client.id}/diagnoses`, { body: { code: 'F41.1' } });
		assert.equal(d.status, 201, d.text);
		const r = await who.client('POST', list(), {
			body: { target_type: 'diagnosis', target_id: d.json.id, change: `Not anxiety ${canary()}`, reason: 'r' },
		});
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.json.target, { type: 'diagnosis', id: d.json.id });
		const wrongKind = await who.client('POST', list(), { body: { target_type: 'note', target_id: d.json.id, change: 'c', reason: 'r' } });
		assert.equal(wrongKind.status, 400, 'a diagnosis id passed as a note');
		const acc = await who.a('POST', am(r.json.id, 'accept'), { body: { text: `Resolved; adjustment disorder ${canary()}` } });
		assert.equal(acc.status, 200, acc.text);
		assert.equal(acc.json.decision.addendum, false);
		assert.match(acc.json.decision.text, /adjustment disorder/);
	});
});

describe('who may', () => {
	test('the treating team and the client; others are refused (404 outside, 403 by role) and audited', async () => {
		const r = await who.client('POST', list(), { body: { target_type: 'plan', target_id: plan.id, change: 'c', reason: 'r' } });
		assert.equal(r.status, 201, r.text);
		const id = r.json.id;
		for (const name of ['b', 'otherClient']) {
			assert.equal((await who[name]('GET', list())).status, 404, `${name} listed`);
			assert.equal((await who[name]('GET', am(id))).status, 404, `${name} read`);
			assert.equal((await who[name]('POST', list(), { body: { target_type: 'plan', target_id: plan.id, change: 'c', reason: 'r' } })).status, 404);
			assert.equal((await who[name]('POST', am(id, 'disagreement'), { body: { text: 't' } })).status, 404);
		}
		assert.equal((await who.b('POST', am(id, 'deny'), { body: { reason: 'r' } })).status, 404);
		assert.equal((await who.b('POST', am(id, 'accept'), { body: { text: 't' } })).status, 404);
		assert.equal((await who.b('GET', `/api/v1/notes/${note.id}`)).status, 404);
		for (const name of ['owner', 'biller', 'sched', 'auditor']) {
			assert.equal((await who[name]('GET', list())).status, 403, name);
			assert.equal((await who[name]('GET', am(id))).status, 403, name);
			assert.equal((await who[name]('POST', am(id, 'deny'), { body: { reason: 'r' } })).status, 403, name);
		}
		for (const step of ['accept', 'deny', 'extend', 'rebuttal']) {
			const res = await who.client('POST', am(id, step), { body: {} });
			assert.equal(res.status, 403, `the client may not ${step}`);
		}
		const refused = await who.b('GET', am(id));
		const ev = (await eventsFor(refused)).find((e) => e.event === 'amendment.read');
		assert.ok(ev, 'the refusal was not audited');
		assert.equal(ev.outcome, 'denied');
		const still = (await who.a('GET', am(id))).json;
		assert.equal(still.status, 'pending', 'a refused step changed the request');
	});

	test('every step is audited with ids and flags only', async () => {
		const trail = (await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`)).json.events;
		for (const name of ['amendment.request', 'amendment.read', 'amendment.extend', 'amendment.accept',
			'amendment.deny', 'amendment.disagree', 'amendment.rebut', 'note.addendum'])
			assert.ok(trail.some((e) => e.event === name && e.outcome === 'ok'), `no ${name} event`);
		const req = trail.find((e) => e.event === 'amendment.request' && /via=portal/.test(e.detail));
		assert.ok(req);
		assert.equal(req.object_type, 'amendment');
		assert.equal(req.actor_role, 'client');
		const all = JSON.stringify(trail);
		for (const c of canaries) assert.ok(!all.includes(c), `the audit trail holds ${c}`);
	});
});

describe('amendments at rest', () => {
	test('no request text on disk; the schema keeps decided requests as they are', async () => {
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		for (const f of fs.readdirSync(practice.data).filter((x) => /^confidant\.db(-wal)?$/.test(x))) {
			const buf = fs.readFileSync(path.join(practice.data, f));
			for (const c of canaries) assert.ok(!buf.includes(c), `${c} found in ${f}`);
		}
		assert.ok(canaries.length >= 10);
		await assert.rejects(sqlite(db, "UPDATE amendment_requests SET decision_sealed = x'00' WHERE status <> 0;"),
			/a decided amendment request is locked/);
		await assert.rejects(sqlite(db, 'UPDATE amendment_requests SET status = 0 WHERE status <> 0;'),
			/a decided amendment request is locked/);
		await assert.rejects(sqlite(db, "UPDATE amendment_requests SET change_sealed = x'00';"),
			/an amendment request never changes/);
		await assert.rejects(sqlite(db, "UPDATE amendment_requests SET disagreement_sealed = x'00', disagreement_at = 1 WHERE status = 1;"),
			/follows a denial/);
		await assert.rejects(sqlite(db, 'DELETE FROM amendment_requests;'), /amendment requests are kept/);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
	});
});
