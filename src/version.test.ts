import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../test/support/conformance.js';
import { SALT_VERSION, SALT_VERSION_INFO, versionsReport } from './version.js';

test('SALT_VERSION is the package version without the npm patch number', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(`${SALT_VERSION}.0`, pkg.version);
  assert.deepEqual(SALT_VERSION_INFO, SALT_VERSION.split('.').map(Number));
});

test('versionsReport lays sections out like Salt: title, right-aligned entries, a one-space line', () => {
  const lines = versionsReport();
  assert.equal(lines[0], 'Salt Version:');
  assert.match(lines[1], /^ +Salt: 3006\.10$/);
  assert.equal(lines[2], ' ');
  const widths = new Set(lines.filter((l) => l.startsWith(' ') && l.includes(': ')).map((l) => l.indexOf(': ')));
  assert.equal(widths.size, 1, 'every name is right-aligned to one column');
  assert.equal(lines[lines.length - 1], ' ');
});
