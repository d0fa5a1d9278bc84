import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fnmatchToRegExp, globSync, hasMagic } from './glob.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-ts-glob-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['a.conf', 'b.conf', '.hidden.conf', 'c.txt', 'sub/d.conf', 'sub2/e.conf']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}

test('globSync matches * within one directory and skips dot files, like Python glob', () => {
  assert.deepEqual(globSync(join(dir, '*.conf')).sort(), [join(dir, 'a.conf'), join(dir, 'b.conf')]);
});

test('globSync matches a dot file when the pattern starts with a dot', () => {
  assert.deepEqual(globSync(join(dir, '.*.conf')), [join(dir, '.hidden.conf')]);
});

test('globSync expands wildcards in directory segments', () => {
  assert.deepEqual(globSync(join(dir, 'sub*/*.conf')).sort(), [join(dir, 'sub/d.conf'), join(dir, 'sub2/e.conf')]);
});

test('globSync gives a plain path only when it exists', () => {
  assert.deepEqual(globSync(join(dir, 'c.txt')), [join(dir, 'c.txt')]);
  assert.deepEqual(globSync(join(dir, 'nope.txt')), []);
  assert.deepEqual(globSync(join(dir, 'nodir/*.conf')), []);
});

test('fnmatchToRegExp handles ?, character classes and negation', () => {
  assert.ok(fnmatchToRegExp('?.conf').test('a.conf'));
  assert.ok(fnmatchToRegExp('[ab].conf').test('b.conf'));
  assert.ok(!fnmatchToRegExp('[!ab].conf').test('a.conf'));
  assert.ok(fnmatchToRegExp('[!ab].conf').test('c.conf'));
  assert.ok(fnmatchToRegExp('x[.conf').test('x[.conf'));
  assert.equal(hasMagic('/etc/salt/master.d/*.conf'), true);
  assert.equal(hasMagic('/etc/salt/master'), false);
});
