// openapi.test.mjs - docs/openapi.json describes exactly the routes table:
// every (method, path) of `confidant routes` is in the document with the
// same roles, and the document has nothing the server does not serve.
// Each operation has a summary and responses; path parameters are declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, lines } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const doc = JSON.parse(fs.readFileSync(path.join(root, 'docs/openapi.json'), 'utf8'));
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

async function liveRoutes() {
	const r = await run(['routes']);
	assert.equal(r.status, 0, r.stderr);
	const out = new Map();
	for (const l of lines(r.stdout)) {
		const [method, p, roles] = l.split('\t');
		const key = `${method} ${p}`;
		assert.ok(!out.has(key), `duplicate route ${key}`);
		out.set(key, roles === 'public' ? [] : roles.split(',').sort());
	}
	return out;
}

function documented() {
	const out = new Map();
	for (const [p, ops] of Object.entries(doc.paths)) {
		for (const [m, op] of Object.entries(ops)) {
			if (!METHODS.includes(m)) continue;
			out.set(`${m.toUpperCase()} ${p}`, op);
		}
	}
	return out;
}

test('the OpenAPI document and the routes table agree', async () => {
	assert.match(doc.openapi, /^3\.1\./);
	const live = await liveRoutes();
	const docs = documented();
	assert.ok(live.size > 30, `routes table read (${live.size} routes)`);
	const missing = [...live.keys()].filter((k) => !docs.has(k));
	const extra = [...docs.keys()].filter((k) => !live.has(k));
	assert.deepEqual(missing, [], 'routes missing from docs/openapi.json');
	assert.deepEqual(extra, [], 'documented operations the server does not serve');
	for (const [k, roles] of live) {
		const op = docs.get(k);
		assert.deepEqual([...op['x-roles']].sort(), roles, `x-roles of ${k}`);
		if (roles.length === 0) assert.deepEqual(op.security, [], `${k} is public`);
		else assert.equal(op.security, undefined, `${k} uses the session scheme`);
	}
});

test('every operation is described and declares its path parameters', () => {
	const ids = new Set();
	for (const [k, op] of documented()) {
		assert.ok(op.summary && op.summary.length > 5, `${k} has a summary`);
		assert.ok(op.responses && Object.keys(op.responses).some((c) => /^(2\d\d|101)$/.test(c)), // 101: a WebSocket
			`${k} has a success response`);
		const p = k.split(' ')[1];
		const want = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
		const have = (op.parameters ?? [])
			.map((x) => (x.$ref ? doc.components.parameters[x.$ref.split('/').pop()] : x))
			.filter((x) => x.in === 'path').map((x) => x.name).sort();
		assert.deepEqual(have, want, `${k} path parameters`);
		if (op.operationId) {
			assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} unique`);
			ids.add(op.operationId);
		}
	}
});

test('every $ref resolves', () => {
	const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
	assert.ok(refs.length > 10);
	for (const r of refs) {
		const target = r.slice(8, -1);
		assert.ok(target.startsWith('#/'), `local ref ${target}`);
		let node = doc;
		for (const part of target.slice(2).split('/')) node = node?.[part];
		assert.ok(node !== undefined, `${target} resolves`);
	}
});
