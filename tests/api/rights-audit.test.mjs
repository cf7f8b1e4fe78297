// rights-audit.test.mjs - every erasure, hold, restriction and breach route
// writes its audit event in the request that made it (found by the request
// id the server returned), with the actor, role and ids, and no PHI.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { init, now, reauth, rnd, serve } from './harness.mjs';

let p;
let srv;
before(async () => {
	p = await init();
	srv = await serve(p.data, { keyfile: p.keyfile });
});
after(async () => { await srv?.stop(); });

async function eventsFor(rid) {
	const r = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.equal(r.status, 200, r.text);
	return r.json.events.filter((e) => e.request_id === rid);
}

test('each route writes its event, ids only', async () => {
	const secret = `RIGHTSCANARY${rnd(10)}`;
	const c = (await srv.request('POST', '/api/v1/clients', { body: { legal_name: secret, address: secret } })).json;
	const calls = [];
	const call = async (event, method, path, body, client = c.id) => {
		const r = await srv.request(method, path, body === undefined ? {} : { body });
		assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
		calls.push([event, r, client]);
		return r;
	};
	const h = await call('legal_hold.set', 'POST', `/api/v1/clients/${c.id}/legal-holds`, { reason: secret });
	await call('legal_hold.read', 'GET', `/api/v1/clients/${c.id}/legal-holds`);
	await reauth(srv);
	const e = await call('erasure.request', 'POST', `/api/v1/clients/${c.id}/erasure-requests`, {});
	await call('erasure.read', 'GET', '/api/v1/erasure-requests', undefined, '');
	await call('erasure.read', 'GET', `/api/v1/erasure-requests/${e.json.id}`);
	await call('legal_hold.release', 'POST', `/api/v1/legal-holds/${h.json.id}/release`, { reason: secret });
	await call('restriction.set', 'POST', `/api/v1/clients/${c.id}/restriction`, { basis: 'objection' });
	await call('restriction.lift', 'POST', `/api/v1/clients/${c.id}/restriction/lift`, {});
	const owner = (await srv.request('GET', '/api/v1/auth/session')).json.user.id;
	const b = await call('breach.record', 'POST', '/api/v1/breaches', {
		discovered_at: now(), description: 'd', info_types: 'i', consequences: 'c', steps: 's', actions: 'a',
		contact: 'x', actor: owner,
	}, '');
	await call('breach.list', 'GET', '/api/v1/breaches', undefined, '');
	await call('breach.letter', 'GET', `/api/v1/breaches/${b.json.id}/letters`);
	for (const [event, res, client] of calls) {
		const evs = await eventsFor(res.headers['x-request-id']);
		const ev = evs.find((x) => x.event === event && x.outcome === 'ok');
		assert.ok(ev, `no ${event} for ${res.headers['x-request-id']}: ${JSON.stringify(evs)}`);
		assert.equal(ev.actor, owner);
		assert.equal(ev.actor_role, 'owner');
		if (client) assert.equal(ev.client, client, event);
	}
	const all = await srv.request('GET', '/api/v1/audit?limit=200');
	assert.ok(!all.text.includes(secret), 'no PHI in the trail');
});
