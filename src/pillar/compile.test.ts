import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { compilePillar } from './compile.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** pillar_roots from `{env: {path: text}}` in a temp dir. */
function roots(tree: Record<string, Record<string, string>>): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pillar-'));
  dirs.push(dir);
  const out: Record<string, string[]> = {};
  for (const [env, files] of Object.entries(tree)) {
    out[env] = [join(dir, env)];
    mkdirSync(join(dir, env), { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, env, path)), { recursive: true });
      writeFileSync(join(dir, env, path), text);
    }
  }
  return out;
}

const grains = { os: 'Debian', roles: ['web', 'db'], role: 'web' };
const compile = (pillarRoots: Record<string, string[]>, extra: Record<string, unknown> = {}, args: Record<string, unknown> = {}) =>
  compilePillar({ id: 'web01', grains, opts: { pillar_roots: pillarRoots, ...extra }, ...args });

test('top targets are matched with glob, grain, compound, list and nodegroup matchers', async () => {
  const r = roots({
    base: {
      'top.sls': [
        'base:',
        "  '*': [common]",
        "  'db*': [nodb]",
        "  'os:Debian': [{match: grain}, debian]",
        "  'G@roles:web and web*': [web]",
        "  'web01,web02': [{match: list}, listed]",
        "  'webgroup': [{match: nodegroup}, grouped]",
        "  'role:db': [{match: grain}, nogrp]",
      ].join('\n'),
      'common.sls': 'common: true\n',
      'nodb.sls': 'nodb: true\n',
      'debian.sls': 'debian: true\n',
      'web.sls': 'web: true\n',
      'listed.sls': 'listed: true\n',
      'grouped.sls': 'grouped: true\n',
      'nogrp.sls': 'nogrp: true\n',
    },
  });
  const { pillar, errors } = await compile(r, { nodegroups: { webgroup: 'G@os:Debian' } });
  assert.deepEqual(errors, []);
  assert.deepEqual(pillar, { common: true, debian: true, web: true, listed: true, grouped: true });
});

test('SLS data merges recursively in top order; lists replace unless pillar_merge_lists', async () => {
  const r = roots({
    base: {
      'top.sls': "base:\n  '*': [a, b]\n",
      'a.sls': 'app: {port: 80, users: [alice], opts: {x: 1}}\n',
      'b.sls': 'app: {users: [bob], opts: {y: 2}}\n',
    },
  });
  assert.deepEqual((await compile(r)).pillar, { app: { port: 80, users: ['bob'], opts: { x: 1, y: 2 } } });
  assert.deepEqual((await compile(r, { pillar_merge_lists: true })).pillar, { app: { port: 80, users: ['alice', 'bob'], opts: { x: 1, y: 2 } } });
  assert.deepEqual((await compile(r, { pillar_source_merging_strategy: 'overwrite' })).pillar, { app: { users: ['bob'], opts: { y: 2 } } });
});

test('includes merge before the including file, with key nesting and relative names', async () => {
  const r = roots({
    base: {
      'top.sls': "base:\n  '*': [web]\n",
      'web/init.sls': "include:\n  - .common\n  - db: {key: 'nested:db'}\nsite: main\nshared: from-web\n",
      'web/common.sls': 'shared: from-common\ncommon: 1\n',
      'db.sls': 'host: db1\n',
    },
  });
  const { pillar, errors } = await compile(r);
  assert.deepEqual(errors, []);
  assert.deepEqual(pillar, { shared: 'from-web', common: 1, nested: { db: { host: 'db1' } }, site: 'main' });
});

test('Jinja in pillar SLS sees the minion grains', async () => {
  const r = roots({
    base: {
      'top.sls': "base:\n  '*': [j]\n",
      'j.sls': "os: {{ grains['os'] }}\nid: {{ grains['id'] }}\n",
    },
  });
  assert.deepEqual((await compile(r)).pillar, { os: 'Debian', id: 'web01' });
});

test('failures are reported in _errors the way Salt words them', async () => {
  const r = roots({
    base: {
      'top.sls': "base:\n  '*': [missing, broken, alist, ok]\n",
      'broken.sls': 'a: {{ nope }}\n',
      'alist.sls': '- 1\n- 2\n',
      'ok.sls': 'fine: yes\n',
    },
  });
  const { pillar, errors } = await compile(r);
  assert.deepEqual(errors, [
    "Specified SLS 'missing' in environment 'base' is not available on the salt master",
    "Rendering SLS 'broken' failed. Please see master log for details.",
    "SLS 'alist' does not render to a dictionary",
  ]);
  assert.equal(pillar.fine, true);
  assert.deepEqual(pillar._errors, errors);
  const unsafe = await compile(r, { pillar_safe_render_error: false });
  assert.match(unsafe.errors[1]!, /^Rendering SLS 'broken' failed, render error:\n/);
});

test('a broken top file gives the top file errors', async () => {
  const bad = roots({ base: { 'top.sls': "base:\n  '*': common\n  'x': [\n" } });
  assert.match((await compile(bad)).errors[0]!, /^Rendering Primary Top file failed, render error:\n/);
  const typeError = roots({ base: { 'top.sls': "base:\n  '*':\n" } });
  assert.deepEqual((await compile(typeError)).errors, ['Error encountered while rendering pillar top file.']);
});

test('pillar override is deep-merged last; pillarenv restricts environments', async () => {
  const r = roots({
    base: { 'top.sls': "base:\n  '*': [a]\n", 'a.sls': 'app: {port: 80, name: a}\n' },
    dev: { 'top.sls': "dev:\n  '*': [d]\n", 'd.sls': 'dev: true\n' },
  });
  const all = await compile(r, {}, { pillarOverride: { app: { port: 8080 }, extra: 1 } });
  assert.deepEqual(all.pillar, { app: { port: 8080, name: 'a' }, extra: 1, dev: true });
  assert.deepEqual((await compile(r, {}, { pillarenv: 'dev' })).pillar, { dev: true });
  assert.deepEqual((await compile(r, { pillarenv_from_saltenv: true }, { saltenv: 'base' })).pillar, { app: { port: 80, name: 'a' } });
});

test('targets are sorted by order and ignore_missing silences a missing SLS', async () => {
  const r = roots({
    base: {
      'top.sls': "base:\n  'web*': [{order: 2}, late]\n  '*': [{order: 1}, early, {ignore_missing: true}, gone]\n",
      'early.sls': 'v: early\n',
      'late.sls': 'v: late\n',
    },
  });
  const { pillar, errors } = await compile(r);
  assert.deepEqual(errors, []);
  assert.equal(pillar.v, 'late');
});

test('pillar files outside pillar_roots cannot be reached by a crafted SLS name', async () => {
  const r = roots({ base: { 'top.sls': "base:\n  '*': ['..secret', '../x']\n" } });
  writeFileSync(join(dirname(r.base![0]!), 'secret.sls'), 'leak: yes\n');
  const { pillar } = await compile(r);
  assert.equal(pillar.leak, undefined);
});
