// note-templates.test.mjs - practice-defined note templates and structured
// risk fields, tried as an owner and a clinician would: the owner defines a
// template (re-authenticated), the risk fields are added to it, a clinician
// writes a note with it (labels and length limits enforced), the template
// cannot be redefined (templates never change), retiring it stops new
// notes but its notes still read and update; unknown templates and bad
// risk levels are a clear 400 that changes nothing; the risk report lists
// the clients whose latest signed note records risk above "denies", for
// the treating team only, and audits counts without levels.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addUser, as, init, reauth, serve, signIn, sqlite } from './harness.mjs';
import path from 'node:path';

let practice, srv, c1, c2, c3, cOther;
const who = {};

const tpl = {
	name: 'family_session',
	title: 'Family session',
	fields: [
		{ name: 'attendees', label: 'Who attended', max_length: 40 },
		{ name: 'themes', label: 'Themes' },
	],
};

before(async () => {
	practice = await init(null);
	srv = await serve(practice.data, { keyfile: practice.keyfile });
	const a = await addUser(srv, 'clinician', 'Clin A');
	const b = await addUser(srv, 'clinician', 'Clin B');
	const sup = await addUser(srv, 'supervisor', 'Sup S');
	const biller = await addUser(srv, 'biller', 'Bill B');
	who.a = as(srv, await signIn(srv.port, a));
	who.b = as(srv, await signIn(srv.port, b));
	who.sup = as(srv, await signIn(srv.port, sup));
	who.biller = as(srv, await signIn(srv.port, biller));
	await reauth(srv);
	assert.equal((await srv.request('POST', `/api/v1/users/${sup.id}/supervisees`, { body: { user_id: a.id } })).status < 300, true);
	const mk = async (req, name, extra = {}) => {
		const r = await req('POST', '/api/v1/clients', { body: { legal_name: name, ...extra } });
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	c1 = await mk(who.a, 'Risky One', { preferred_name: 'Ro' });
	c2 = await mk(who.a, 'Calm Two');
	c3 = await mk(who.a, 'Old Three');
	cOther = await mk(who.b, 'Other Four');
});
after(async () => { await srv?.stop(); });

const note = (req, client, body) => req('POST', `/api/v1/clients/${client.id}/notes`, { body });
const sign = async (req, id) => {
	const r = await req('POST', `/api/v1/notes/${id}/sign`, { body: {} });
	assert.equal(r.status, 200, r.text);
};

describe('practice templates', () => {
	test('the owner defines one; the risk fields are added; it is listed with labels', async () => {
		await reauth(srv);
		const r = await srv.request('POST', '/api/v1/note-templates', { body: tpl });
		assert.equal(r.status, 201, r.text);
		assert.deepEqual(r.json.fields, ['attendees', 'themes', 'risk_suicidal', 'risk_homicidal', 'safety_plan']);
		assert.equal(r.json.field_specs[0].label, 'Who attended');
		assert.equal(r.json.field_specs[0].max_length, 40);
		assert.equal(r.json.field_specs[1].max_length, 20480);
		const l = await who.a('GET', '/api/v1/note-templates');
		assert.equal(l.status, 200, l.text);
		const names = l.json.templates.map((t) => t.name);
		assert.deepEqual(names.slice(0, 5), ['soap', 'dap', 'birp', 'intake', 'discharge']);
		const mine = l.json.templates.find((t) => t.name === 'family_session');
		assert.equal(mine.builtin, false);
		assert.equal(mine.retired, false);
		assert.equal(l.json.templates[0].builtin, true);
		assert.equal(l.json.templates[0].field_specs.find((f) => f.name === 'risk_suicidal').label, 'Suicidal ideation');
	});
	test('bad definitions are a 400 naming the field; taken names a 409; clinicians may not', async () => {
		await reauth(srv);
		const bad = [
			[{ ...tpl, name: 'Bad Name' }, /name/],
			[{ ...tpl, name: 'ok_one', fields: [] }, /fields/],
			[{ ...tpl, name: 'ok_one', fields: [{ name: 'risk_suicidal', label: 'x' }] }, /risk_suicidal/],
			[{ ...tpl, name: 'ok_one', fields: [{ name: 'a', label: 'x' }, { name: 'a', label: 'y' }] }, /unique/],
			[{ ...tpl, name: 'ok_one', fields: [{ name: 'a', label: '' }] }, /label/],
			[{ ...tpl, name: 'ok_one', fields: [{ name: 'a', label: 'x', max_length: 0 }] }, /max_length/],
			[{ ...tpl, name: 'ok_one', fields: [{ name: 'a', label: 'x', extra: 1 }] }, /extra|fields/],
			[{ ...tpl, name: 'ok_one', title: '' }, /title/],
		];
		for (const [body, re] of bad) {
			const r = await srv.request('POST', '/api/v1/note-templates', { body });
			assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
			assert.match(r.json.message, re);
		}
		assert.equal((await srv.request('POST', '/api/v1/note-templates', { body: tpl })).status, 409, 'a template never changes');
		assert.equal((await srv.request('POST', '/api/v1/note-templates', { body: { ...tpl, name: 'soap' } })).status, 409);
		assert.equal((await who.a('POST', '/api/v1/note-templates', { body: { ...tpl, name: 'mine' } })).status, 403);
		const l = await who.a('GET', '/api/v1/note-templates');
		assert.ok(!l.json.templates.some((t) => t.name === 'ok_one' || t.name === 'mine'), 'nothing was stored');
	});
	test('a clinician writes a note with it; lengths and names are checked', async () => {
		const ok = await note(who.a, c2, { template: 'family_session', date: '2030-01-05', fields: { attendees: 'mother, son', themes: 'conflict', risk_suicidal: 'denies' } });
		assert.equal(ok.status, 201, ok.text);
		const long = await note(who.a, c2, { template: 'family_session', date: '2030-01-05', fields: { attendees: 'x'.repeat(41) } });
		assert.equal(long.status, 400);
		assert.match(long.json.message, /attendees/);
		const unknown = await note(who.a, c2, { template: 'family_session', date: '2030-01-05', fields: { subjective: 'x' } });
		assert.equal(unknown.status, 400);
	});
	test('an unknown template is a clear 400 and stores nothing', async () => {
		const before1 = (await who.a('GET', `/api/v1/clients/${c2.id}/notes`)).json.notes.length;
		const r = await note(who.a, c2, { template: 'nonesuch', date: '2030-01-05', fields: {} });
		assert.equal(r.status, 400);
		assert.match(r.json.message, /template must be/);
		assert.equal((await who.a('GET', `/api/v1/clients/${c2.id}/notes`)).json.notes.length, before1);
	});
	test('retired: not for new notes, but its notes still read and its drafts still save', async () => {
		const d = await note(who.a, c2, { template: 'family_session', date: '2030-01-06', fields: { themes: 'draft' } });
		assert.equal(d.status, 201, d.text);
		await reauth(srv);
		const r = await srv.request('POST', '/api/v1/note-templates/family_session/retire', { body: {} });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.json.retired, true);
		assert.equal((await srv.request('POST', '/api/v1/note-templates/family_session/retire', { body: {} })).status, 409);
		assert.equal((await srv.request('POST', '/api/v1/note-templates/soap/retire', { body: {} })).status, 400);
		assert.equal((await srv.request('POST', '/api/v1/note-templates/nope/retire', { body: {} })).status, 404);
		const n = await note(who.a, c2, { template: 'family_session', date: '2030-01-07', fields: {} });
		assert.equal(n.status, 400);
		assert.match(n.json.message, /retired/);
		const g = await who.a('GET', `/api/v1/notes/${d.json.id}`);
		assert.equal(g.status, 200);
		assert.equal(g.json.fields.themes, 'draft');
		const u = await who.a('PATCH', `/api/v1/notes/${d.json.id}`, { body: { version: g.json.version, fields: { themes: 'more' } } });
		assert.equal(u.status, 200, u.text);
		const l = await who.a('GET', '/api/v1/note-templates');
		assert.equal(l.json.templates.find((t) => t.name === 'family_session').retired, true);
		assert.ok(l.json.templates.find((t) => t.name === 'family_session').notes >= 2);
	});
	test('the database refuses to change a template', async () => {
		const db = path.join(practice.data, 'confidant.db');
		await assert.rejects(sqlite(db, "UPDATE note_templates SET fields = 'x' WHERE name = 'family_session'"), /never changes/);
	});
});

describe('risk levels', () => {
	test('levels other than the five are refused on create and update, naming the field', async () => {
		for (const fields of [{ risk_suicidal: 'maybe' }, { risk_homicidal: 'DENIES' }]) {
			const r = await note(who.a, c1, { template: 'soap', date: '2030-02-01', fields });
			assert.equal(r.status, 400, r.text);
			assert.match(r.json.message, /fields\.risk_(suicidal|homicidal) must be denies, passive/);
		}
		const d = await note(who.a, c1, { template: 'soap', date: '2030-02-01', fields: { risk_suicidal: '' } });
		assert.equal(d.status, 201, 'empty is not assessed yet');
		const u = await who.a('PATCH', `/api/v1/notes/${d.json.id}`, { body: { version: d.json.version, fields: { risk_suicidal: 'sometimes' } } });
		assert.equal(u.status, 400);
	});
});

describe('the risk report', () => {
	test('lists clients whose latest signed note is above denies, with levels and the safety plan flag', async () => {
		// c1: an older note with a plan, then a newer one with passive ideation and a safety plan.
		let r = await note(who.a, c1, { template: 'soap', date: '2030-03-01', fields: { risk_suicidal: 'plan' } });
		await sign(who.a, r.json.id);
		r = await note(who.a, c1, { template: 'soap', date: '2030-03-08', fields: { risk_suicidal: 'passive', risk_homicidal: 'denies', safety_plan: 'call the crisis line' } });
		await sign(who.a, r.json.id);
		const latest = r.json.id;
		// an unsigned draft after it does not count
		await note(who.a, c1, { template: 'soap', date: '2030-03-09', fields: { risk_suicidal: 'denies' } });
		// c2: latest signed note denies everything
		r = await note(who.a, c2, { template: 'soap', date: '2030-03-02', fields: { risk_suicidal: 'intent' } });
		await sign(who.a, r.json.id);
		r = await note(who.a, c2, { template: 'soap', date: '2030-03-09', fields: { risk_suicidal: 'denies', risk_homicidal: 'denies' } });
		await sign(who.a, r.json.id);
		// cOther (clinician B's): homicidal plan, not reached by A
		r = await note(who.b, cOther, { template: 'dap', date: '2030-03-03', fields: { risk_homicidal: 'active_no_plan' } });
		await sign(who.b, r.json.id);

		const rep = await who.a('GET', '/api/v1/reports/risk?since=2030-03-01');
		assert.equal(rep.status, 200, rep.text);
		assert.equal(rep.json.since, '2030-03-01');
		assert.deepEqual(rep.json.clients.map((c) => c.client), [c1.id]);
		const e = rep.json.clients[0];
		assert.equal(e.client_name, 'Ro');
		assert.equal(e.note, latest);
		assert.equal(e.date, '2030-03-08');
		assert.equal(e.risk_suicidal, 'passive');
		assert.equal(e.risk_homicidal, 'denies');
		assert.equal(e.safety_plan, true);

		const later = await who.a('GET', '/api/v1/reports/risk?since=2030-03-10');
		assert.deepEqual(later.json.clients, [], 'nothing signed since then');
		const sup = await who.sup('GET', '/api/v1/reports/risk?since=2030-03-01');
		assert.deepEqual(sup.json.clients.map((c) => c.client), [c1.id], "the supervisor sees the supervisee's clients");
		const b = await who.b('GET', '/api/v1/reports/risk?since=2030-03-01');
		assert.deepEqual(b.json.clients.map((c) => c.client), [cOther.id]);
		assert.equal(b.json.clients[0].risk_homicidal, 'active_no_plan');
		assert.equal(b.json.clients[0].safety_plan, false);
	});
	test('a note from before risk summaries is read from its text', async () => {
		const r = await note(who.a, c3, { template: 'soap', date: '2030-04-01', fields: { risk_suicidal: 'intent', safety_plan: 'plan' } });
		await sign(who.a, r.json.id);
		const db = path.join(practice.data, 'confidant.db');
		await sqlite(db, `PRAGMA recursive_triggers=0; DROP TRIGGER notes_signed_risk_locked; UPDATE notes SET risk_sealed = NULL WHERE public_id = '${r.json.id}'; CREATE TRIGGER notes_signed_risk_locked BEFORE UPDATE OF risk_sealed ON notes WHEN OLD.status <> 0 AND OLD.risk_sealed IS NOT NULL BEGIN SELECT RAISE(ABORT, 'signed notes are locked'); END;`);
		const rep = await who.a('GET', '/api/v1/reports/risk?since=2030-04-01');
		assert.equal(rep.status, 200, rep.text);
		assert.deepEqual(rep.json.clients.map((c) => [c.client, c.risk_suicidal, c.safety_plan]), [[c3.id, 'intent', true]]);
	});
	test('bad since is a 400; other roles are refused; audit carries counts only', async () => {
		assert.equal((await who.a('GET', '/api/v1/reports/risk')).status, 400);
		assert.equal((await who.a('GET', '/api/v1/reports/risk?since=2030-13-01')).status, 400);
		assert.equal((await who.biller('GET', '/api/v1/reports/risk?since=2030-01-01')).status, 403);
		assert.equal((await srv.request('GET', '/api/v1/reports/risk?since=2030-01-01')).status, 403);
		await reauth(srv);
		const a = await srv.request('GET', '/api/v1/audit?event=report.risk');
		assert.equal(a.status, 200, a.text);
		const summary = a.json.events.filter((e) => e.object_id === 'risk');
		assert.ok(summary.some((e) => /^since=2030-03-01,clients=3,notes=2,listed=1$/.test(e.detail)), JSON.stringify(summary.map((e) => e.detail)));
		const listed = a.json.events.filter((e) => e.detail === 'listed');
		assert.ok(listed.some((e) => e.client === c1.id));
		const text = JSON.stringify(a.json);
		for (const level of ['passive', 'intent', 'active_no_plan', 'crisis line']) assert.ok(!text.includes(level), level);
	});
});
