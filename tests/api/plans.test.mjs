// plans.test.mjs - treatment plans tried as a clinician and a client would:
// a clinician writes a plan (problems, measurable goals and objectives,
// interventions, target and review dates), saves new versions (a stale
// save is a 409), the client reads the exact text and signs it in their
// portal (the signature's hash is the SHA-256 of that text), a signed
// version never changes (the API says 409, the database refuses an UPDATE),
// editing makes a new version that needs signing again; bad input is a
// 400 naming the field and changes nothing; only the treating team and the
// client see a plan; every step is audited without plan text.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, rnd, serve, signIn, sqlite } from './harness.mjs';

let practice, srv, client, other;
const who = {}; // role name -> request function
const ids = {}; // role name -> user id
const idents = {}; // role name -> identity (to sign in again after a restart)
const canaries = [];
const canary = () => {
	const c = `PLANCANARY${rnd(16)}`;
	canaries.push(c);
	return c;
};
const sha256 = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

// portal(clientId) - a portal account linked to a client, signed in.
async function portal(clientId, name) {
	await reauth(srv);
	const email = `portal.${rnd(8)}@example.org`;
	const r = await srv.request('POST', '/api/v1/users', { body: { email, name, role: 'client', client_id: clientId } });
	assert.equal(r.status, 201, r.text);
	return as(srv, await signIn(srv.port, { email, password: r.json.one_time_password, secret: null }));
}

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	for (const [name, role] of [['a', 'clinician'], ['b', 'clinician'], ['sup', 'supervisor'],
		['biller', 'biller'], ['sched', 'scheduler'], ['auditor', 'auditor']]) {
		const u = await addUser(srv, role, `${name} person`);
		ids[name] = u.id;
		idents[name] = u;
		who[name] = as(srv, await signIn(srv.port, u));
	}
	who.owner = srv.request;
	const link = await srv.request('POST', `/api/v1/users/${ids.sup}/supervisees`, { body: { user_id: ids.a } });
	assert.equal(link.status, 200, link.text);
	const c = await who.a('POST', '/api/v1/clients', { body: { legal_name: 'Planned Client' } });
	assert.equal(c.status, 201, c.text);
	client = c.json;
	const o = await who.b('POST', '/api/v1/clients', { body: { legal_name: 'Other Client' } });
	assert.equal(o.status, 201, o.text);
	other = o.json;
	who.client = await portal(client.id, 'Planned Client');
	who.otherClient = await portal(other.id, 'Other Client');
});
after(async () => { await srv?.stop(); });

// body(over) - a valid plan, every text a fresh canary.
function body(over = {}) {
	return {
		title: `Panic ${canary()}`,
		start_date: '2026-11-01',
		review_date: '2027-02-01',
		problems: [{
			problem: `Panic attacks ${canary()}`,
			goals: [{
				goal: `Fewer attacks ${canary()}`,
				target_date: '2027-01-31',
				objectives: [
					{ what: `Attacks a week ${canary()}`, measure: `log ${canary()}`, target: `at most 1 ${canary()}`, target_date: '2027-01-15' },
					{ what: `Sleep ${canary()}`, measure: 'ISI', target: 'below 8' },
				],
				interventions: [{ what: `CBT ${canary()}`, frequency: `weekly ${canary()}` }, { what: 'Sleep hygiene' }],
			}],
		}, {
			problem: `Sleep ${canary()}`,
			goals: [{ goal: 'Sleep through', objectives: [{ what: 'Nights woken', measure: 'diary', target: '1 a week' }] }],
		}],
		...over,
	};
}

const plans = () => `/api/v1/clients/${client.id}/plans`;

// eventsFor(res) - the audit events written by the request that answered res.
async function eventsFor(res) {
	const r = await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`);
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === res.headers['x-request-id']);
}

describe('a plan from first version to signature', () => {
	let plan, v1text, v2;

	test('a clinician writes a plan: the document comes back as sent, with the text to sign', async () => {
		const b = body();
		const r = await who.a('POST', plans(), { body: b });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.headers.location, `/api/v1/plans/${r.json.id}`);
		assert.equal(r.json.version, 1);
		assert.equal(r.json.latest, 1);
		assert.equal(r.json.client, client.id);
		assert.equal(r.json.author, ids.a);
		assert.equal(r.json.signature, null);
		assert.deepEqual(r.json.plan.problems[0].goals[0].objectives, b.problems[0].goals[0].objectives);
		assert.deepEqual(r.json.plan, { ...b, problems: b.problems.map((p) => ({ ...p, goals: p.goals.map((g) => ({ interventions: [], ...g })) })) });
		const t = r.json.text;
		assert.equal(r.json.text_sha256, sha256(t), 'the hash is not the SHA-256 of the text');
		assert.ok(t.startsWith(`TREATMENT PLAN\nPlan: ${r.json.id}, version 1\n`), t);
		for (const s of [b.title, b.problems[0].problem, b.problems[0].goals[0].objectives[0].measure,
			b.problems[0].goals[0].interventions[0].frequency, 'Review by: 2027-02-01', 'Objective 1.1.2: ', 'Problem 2: '])
			assert.ok(t.includes(s), `the text lacks ${s}`);
		assert.ok(t.endsWith('\n'));
		plan = r.json;
		v1text = t;
	});

	test('bad input is a 400 naming the field, and stores nothing', async () => {
		const deep = body();
		deep.problems[0].goals[0].objectives[0].colour = 'red';
		const cases = [
			[{ ...body(), colour: 'blue' }, /body has a field it does not accept: colour/],
			[deep, /problems\[\]\.goals\[\]\.objectives\[\] has a field it does not accept: colour/],
			[{ ...body(), 'not a name!': 1 }, /body has a field it does not accept$/],
			[{ ...body(), review_date: undefined }, /review_date/],
			[{ ...body(), review_date: '2027-02-30' }, /review_date/],
			[{ ...body(), review_date: '2026-10-01' }, /before start_date/],
			[{ ...body(), title: 'two\nlines' }, /title/],
			[{ ...body(), title: 'x'.repeat(201) }, /title/],
			[{ ...body(), title: 7 }, /title must be a string/],
			[{ ...body(), problems: [] }, /problems/],
			[{ ...body(), problems: Array(11).fill(body().problems[1]) }, /problems has at most 10 items/],
			[{ ...body(), problems: ['text'] }, /problems must be an array of objects/],
			[body({ problems: [{ problem: 'p', goals: [{ goal: 'g', objectives: [{ what: 'w', target: 't' }] }] }] }), /measure/],
			[body({ problems: [{ problem: 'p', goals: [{ goal: 'g', objectives: [] }] }] }), /objectives needs 1 to 6/],
			[body({ problems: [{ problem: 'p', goals: [{ goal: 'g', target_date: 'soon', objectives: [{ what: 'w', measure: 'm', target: 't' }] }] }] }), /target_date/],
			[body({ problems: [{ problem: 'x'.repeat(2001), goals: body().problems[1].goals }] }), /problems\[\]\.problem/],
			[body({ problems: [{ problem: 'bidi \u202e override', goals: body().problems[1].goals }] }), /problems\[\]\.problem/],
		];
		for (const [b, msg] of cases) {
			const r = await who.a('POST', plans(), { body: b });
			assert.equal(r.status, 400, `${JSON.stringify(b).slice(0, 80)} -> ${r.status} ${r.text}`);
			assert.match(r.json.message, msg);
			assert.ok(!/PLANCANARY/.test(r.text), 'the error echoes input');
		}
		const l = await who.a('GET', plans());
		assert.equal(l.status, 200, l.text);
		assert.equal(l.json.plans.length, 1, 'a refused plan was stored');
	});

	test('every save is a new version; a stale save is a 409; old versions stay readable', async () => {
		const b2 = body();
		const r = await who.a('PUT', `/api/v1/plans/${plan.id}`, { body: { ...b2, version: 1 } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.version, 2);
		assert.equal(r.json.latest, 2);
		assert.equal(r.json.plan.title, b2.title);
		assert.ok(r.json.text.startsWith(`TREATMENT PLAN\nPlan: ${plan.id}, version 2\n`));
		v2 = r.json;
		const stale = await who.a('PUT', `/api/v1/plans/${plan.id}`, { body: { ...body(), version: 1 } });
		assert.equal(stale.status, 409, stale.text);
		const noVersion = await who.a('PUT', `/api/v1/plans/${plan.id}`, { body: body() });
		assert.equal(noVersion.status, 400, noVersion.text);
		const latest = await who.a('GET', `/api/v1/plans/${plan.id}`);
		assert.equal(latest.json.version, 2);
		assert.equal(latest.json.text, v2.text);
		const first = await who.a('GET', `/api/v1/plans/${plan.id}?version=1`);
		assert.equal(first.status, 200, first.text);
		assert.equal(first.json.text, v1text);
		assert.equal(first.json.latest, 2);
		assert.equal((await who.a('GET', `/api/v1/plans/${plan.id}?version=3`)).status, 404);
		assert.equal((await who.a('GET', `/api/v1/plans/${plan.id}?version=0`)).status, 400);
		const vs = await who.a('GET', `/api/v1/plans/${plan.id}/versions`);
		assert.equal(vs.status, 200, vs.text);
		assert.deepEqual(vs.json.versions.map((v) => v.version), [2, 1]);
		assert.equal(vs.json.versions[1].text_sha256, sha256(v1text));
		assert.ok(!vs.text.includes('PLANCANARY'), 'the version list carries plan text');
	});

	test('the client reads the exact text and signs it: the hash is the SHA-256 of that text', async () => {
		const mine = await who.client('GET', plans());
		assert.equal(mine.status, 200, mine.text);
		assert.deepEqual(mine.json.plans.map((p) => [p.id, p.version, p.title]), [[plan.id, 2, v2.plan.title]]);
		const shown = await who.client('GET', `/api/v1/plans/${plan.id}`);
		assert.equal(shown.status, 200, shown.text);
		assert.equal(shown.json.text, v2.text);
		const name = `Planned ${canary()}`;
		const wrongHash = await who.client('POST', `/api/v1/plans/${plan.id}/sign`,
			{ body: { version: 2, name, text_sha256: sha256(v1text) } });
		assert.equal(wrongHash.status, 409, 'signed a text other than the one shown');
		const old = await who.client('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: 1, name } });
		assert.equal(old.status, 409, 'signed a superseded version');
		const noName = await who.client('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: 2, name: ' ' } });
		assert.equal(noName.status, 400);
		const s = await who.client('POST', `/api/v1/plans/${plan.id}/sign`,
			{ body: { version: 2, name, text_sha256: sha256(shown.json.text) } });
		assert.equal(s.status, 200, s.text);
		assert.equal(s.json.signature.name, name);
		assert.equal(s.json.signature.method, 'portal');
		assert.equal(s.json.signature.text_sha256, sha256(shown.json.text));
		assert.equal(s.json.signature.text_sha256, s.json.text_sha256);
		assert.ok(s.json.signature.signed_at);
		const again = await who.client('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: 2, name } });
		assert.equal(again.status, 409, 'a signed version was signed again');
		const a = await who.a('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: 2, name: 'In Person' } });
		assert.equal(a.status, 409, 'a signed version got a second signature');
	});

	test('editing a signed plan makes a new, unsigned version; the signed one never changes', async () => {
		const r = await who.a('PUT', `/api/v1/plans/${plan.id}`, { body: { ...body(), version: 2 } });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.version, 3);
		assert.equal(r.json.signature, null, 'the new version came signed');
		const signed = await who.a('GET', `/api/v1/plans/${plan.id}?version=2`);
		assert.equal(signed.json.text, v2.text);
		assert.equal(signed.json.signature.method, 'portal');
		assert.equal(signed.json.signature.text_sha256, sha256(v2.text));
		// a clinician records a signature given in person on the new version
		const ip = await who.a('POST', `/api/v1/plans/${plan.id}/sign`, { body: { version: 3, name: 'Planned Client' } });
		assert.equal(ip.status, 200, ip.text);
		assert.equal(ip.json.signature.method, 'in_person');
		assert.equal(ip.json.signature.recorded_by, ids.a);
		const vs = (await who.client('GET', `/api/v1/plans/${plan.id}/versions`)).json.versions;
		assert.deepEqual(vs.map((v) => [v.version, v.signature?.method ?? null]), [[3, 'in_person'], [2, 'portal'], [1, null]]);
	});

	test('who may: the treating team and the client; everyone else is refused, and refusals are audited', async () => {
		const sup = await who.sup('GET', `/api/v1/plans/${plan.id}`);
		assert.equal(sup.status, 200, 'the supervisor of the treating clinician reads the plan');
		for (const r of ['b', 'otherClient']) {
			for (const [m, p, b] of [['GET', `/api/v1/plans/${plan.id}`], ['GET', `/api/v1/plans/${plan.id}/versions`],
				['POST', `/api/v1/plans/${plan.id}/sign`, { version: 3, name: 'x' }]]) {
				const res = await who[r](m, p, b ? { body: b } : {});
				assert.equal(res.status, 404, `${r} ${m} ${p}: ${res.status}`);
				assert.ok(!res.text.includes('PLANCANARY'));
			}
		}
		assert.equal((await who.b('GET', plans())).status, 404);
		assert.equal((await who.b('POST', plans(), { body: body() })).status, 404);
		assert.equal((await who.b('PUT', `/api/v1/plans/${plan.id}`, { body: { ...body(), version: 4 } })).status, 404);
		assert.equal((await who.otherClient('GET', plans())).status, 404);
		for (const r of ['owner', 'biller', 'sched', 'auditor']) {
			assert.equal((await who[r]('GET', `/api/v1/plans/${plan.id}`)).status, 403, r);
			assert.equal((await who[r]('GET', plans())).status, 403, r);
			assert.equal((await who[r]('POST', plans(), { body: body() })).status, 403, r);
		}
		assert.equal((await who.client('PUT', `/api/v1/plans/${plan.id}`, { body: { ...body(), version: 3 } })).status, 403,
			'a client wrote their plan');
		assert.equal((await who.client('POST', plans(), { body: body() })).status, 403);
		const refused = await who.b('GET', `/api/v1/plans/${plan.id}`);
		const ev = (await eventsFor(refused)).find((e) => e.event === 'plan.read');
		assert.ok(ev, 'the refusal was not audited');
		assert.equal(ev.outcome, 'denied');
		assert.equal(ev.client, client.id);
		const n = (await who.a('GET', plans())).json.plans.length;
		assert.equal(n, 1, 'a refused write was stored');
	});

	test('every step is audited with ids and flags, never plan text or the typed name', async () => {
		const read = await who.client('GET', `/api/v1/plans/${plan.id}?version=2`);
		const ev = (await eventsFor(read)).find((e) => e.event === 'plan.read');
		assert.ok(ev);
		assert.equal(ev.object_type, 'plan');
		assert.equal(ev.object_id, plan.id);
		assert.equal(ev.actor_role, 'client');
		assert.equal(ev.purpose, 'individual-access');
		assert.match(ev.detail, /version=2/);
		const trail = (await srv.request('GET', `/api/v1/audit?limit=200&client=${client.id}`)).json.events;
		for (const name of ['plan.create', 'plan.update', 'plan.sign', 'plan.list', 'plan.read'])
			assert.ok(trail.some((e) => e.event === name && e.outcome === 'ok'), `no ${name} event`);
		const sign = trail.find((e) => e.event === 'plan.sign' && /method=portal/.test(e.detail));
		assert.ok(sign, 'the portal signature is not in the trail');
		const all = JSON.stringify(trail);
		for (const c of canaries) assert.ok(!all.includes(c), `the audit trail holds ${c}`);
		assert.ok(!all.includes('2027-02-01'));
	});
});

describe('plans at rest', () => {
	test('plan text and signer names are sealed: no canary in the database or its WAL', async () => {
		const files = fs.readdirSync(practice.data).filter((f) => /^confidant\.db(-wal)?$/.test(f))
			.map((f) => path.join(practice.data, f));
		assert.ok(files.length > 0);
		assert.ok(canaries.length > 20);
		for (const f of files) {
			const buf = fs.readFileSync(f);
			for (const c of canaries) assert.ok(!buf.includes(c), `${c} found in ${path.basename(f)}`);
		}
	});

	test('the database refuses to change a signed version, any sealed version, or to delete one', async () => {
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		const signed = await sqlite(db, 'SELECT count(*) FROM treatment_plan_versions WHERE signed_at IS NOT NULL;');
		assert.equal(signed, '2');
		await assert.rejects(sqlite(db, "UPDATE treatment_plan_versions SET body_sealed = x'00' WHERE signed_at IS NOT NULL;"),
			/signed plan versions are locked/);
		await assert.rejects(sqlite(db, 'UPDATE treatment_plan_versions SET signer_name_sealed = NULL WHERE signed_at IS NOT NULL;'),
			/signed plan versions are locked/);
		await assert.rejects(sqlite(db, "UPDATE treatment_plan_versions SET text_sealed = x'00' WHERE signed_at IS NULL;"),
			/plan versions never change/);
		await assert.rejects(sqlite(db, 'DELETE FROM treatment_plan_versions;'), /plan versions are kept/);
		await assert.rejects(sqlite(db, 'DELETE FROM treatment_plans;'), /treatment plans are kept/);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
	});

	test('a version sealed onto another row fails to open, even with the triggers dropped', async () => {
		await srv.stop();
		const db = path.join(practice.data, 'confidant.db');
		await sqlite(db, `PRAGMA wal_checkpoint(TRUNCATE);
			DROP TRIGGER plan_versions_sealed_once; DROP TRIGGER plan_versions_signed_locked;
			CREATE TEMP TABLE t AS SELECT id, version, body_sealed FROM treatment_plan_versions;
			UPDATE treatment_plan_versions SET body_sealed = (SELECT body_sealed FROM t WHERE t.version = 2)
				WHERE version = 1;`);
		srv = await serve(practice.data, { keyfile: practice.keyfile });
		const A = as(srv, await signIn(srv.port, idents.a));
		const l = (await A('GET', plans())).json.plans;
		const moved = await A('GET', `/api/v1/plans/${l[0].id}?version=1`);
		assert.equal(moved.status, 500, moved.text);
		assert.equal(moved.json.error, 'integrity');
		assert.ok(!moved.text.includes('PLANCANARY'));
		assert.equal((await A('GET', `/api/v1/plans/${l[0].id}?version=2`)).status, 200, 'the untouched version');
	});
});
