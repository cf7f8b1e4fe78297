// icd10-list.test.mjs - scripts/check-icd10.sh passes the shipped list and
// fails, naming the line, on each kind of error it is there to catch:
// a parent (header) code next to its child, a duplicate (with or without
// the dot), a missing 7th character, a misplaced X placeholder, a padded
// title, an unsorted list. No server and no network.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(root, 'scripts/check-icd10.sh');
const check = (file) => spawnSync(script, [file], { encoding: 'utf8' });

test('the shipped list passes', () => {
	const r = check(path.join(root, 'data/icd10cm.tsv'));
	assert.equal(r.status, 0, r.stdout + r.stderr);
	assert.match(r.stdout, /612 codes, no problems found/);
});

test('each kind of error is found', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'icd10-'));
	const cases = [
		['F41\tOther anxiety disorders\nF41.1\tGeneralized anxiety disorder\n', /F41 is the parent of F41.1/],
		['F41.1\tGeneralized anxiety disorder\nF411\tGeneralized anxiety disorder again\n', /malformed code F411|duplicate code/],
		['F41.1\tA\nF41.1\tB\n', /duplicate code F41.1/],
		['T74.11\tAdult physical abuse, confirmed\n', /T74.11 needs a 7th character/],
		['T74.1X1A\tOdd placeholder\n', /misplaced X placeholder/],
		['F41.1\t Generalized anxiety disorder\n', /leading or trailing spaces/],
		['F42.2\tMixed obsessional thoughts and acts\nF41.1\tGeneralized anxiety disorder\n', /not sorted/],
		['F41.1\tSame title\nF41.9\tSame title\n', /duplicate title/],
	];
	for (const [body, re] of cases) {
		const f = path.join(dir, 'list.tsv');
		fs.writeFileSync(f, `# test\n${body}`);
		const r = check(f);
		assert.equal(r.status, 1, `${body}: ${r.stdout}`);
		assert.match(r.stdout, re, body);
	}
	fs.rmSync(dir, { recursive: true });
});
