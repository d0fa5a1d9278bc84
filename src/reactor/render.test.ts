import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileReactions, globPaths, padFuncs, reactionFiles, type ReactionRenderContext } from './render.js';

let dir: string;
const ctx: ReactionRenderContext = {
  opts: {},
  grains: { os: 'Debian' },
  pillar: {},
  salt: async (fun) => `called ${fun}`,
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'reactor-render-'));
  mkdirSync(join(dir, 'reactor'));
  mkdirSync(join(dir, 'roots', 'react'), { recursive: true });
  writeFileSync(
    join(dir, 'reactor', 'start.sls'),
    "mark_{{ data['id'] }}:\n  local.cmd.run:\n    - tgt: {{ data['id'] }}\n    - args:\n      - cmd: echo {{ tag }}\n",
  );
  writeFileSync(join(dir, 'reactor', 'orch.sls'), 'run_orch:\n  runner.state.orchestrate:\n    - args:\n      - mods: orch.deploy\n    - order: 1\n');
  writeFileSync(join(dir, 'reactor', '.hidden.sls'), 'x:\n  local.test.ping:\n    - tgt: "*"\n');
  writeFileSync(join(dir, 'reactor', 'legacy.sls'), "old:\n  cmd.test.ping:\n    - tgt: '*'\n");
  writeFileSync(join(dir, 'reactor', 'broken.sls'), 'bad: [unclosed\n');
  writeFileSync(join(dir, 'reactor', 'baddecl.sls'), 'noargs:\n  local.test.ping: notalist\n');
  writeFileSync(join(dir, 'roots', 'react', 'fromroots.sls'), "via_roots:\n  wheel.key.accept:\n    - args:\n      - match: {{ data['id'] }}\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('globPaths matches like glob.glob: per segment, no hidden files for *, sorted', () => {
  assert.deepEqual(globPaths(join(dir, 'reactor', '*.sls')), ['baddecl', 'broken', 'legacy', 'orch', 'start'].map((n) => join(dir, 'reactor', `${n}.sls`)));
  assert.deepEqual(globPaths(join(dir, 'react*', 's?art.sls')), [join(dir, 'reactor', 'start.sls')]);
  assert.deepEqual(globPaths(join(dir, 'reactor', 'start.sls')), [join(dir, 'reactor', 'start.sls')]);
  assert.deepEqual(globPaths(join(dir, 'reactor', 'nope.sls')), []);
});

test('reactionFiles resolves salt:// URLs in the base file_roots', async () => {
  const roots = { base: [join(dir, 'roots')] };
  assert.deepEqual(await reactionFiles('salt://react/fromroots.sls', roots), [join(dir, 'roots', 'react', 'fromroots.sls')]);
  assert.deepEqual(await reactionFiles('salt://react/missing.sls', roots), []);
});

test('padFuncs splits only at the first dot, so the function keeps its module', () => {
  assert.deepEqual(padFuncs({ a: { 'local.cmd.run': [{ tgt: 'x' }] }, b: 'runner.jobs.list_jobs' }), {
    a: { local: [{ tgt: 'x' }, 'cmd.run'] },
    b: { runner: ['jobs.list_jobs'] },
  });
});

test('compileReactions renders tag and data into the reaction and compiles a low chunk', async () => {
  const { chunks, errors } = await compileReactions([join(dir, 'reactor', 'start.sls')], 'salt/minion/m1/start', { id: 'm1' }, ctx);
  assert.deepEqual(errors, []);
  assert.equal(chunks.length, 1);
  const c = chunks[0]!;
  assert.equal(c.state, 'local');
  assert.equal(c.fun, 'cmd.run');
  assert.equal(c.__id__, 'mark_m1');
  assert.equal(c.tgt, 'm1');
  assert.deepEqual(c.args, [{ cmd: 'echo salt/minion/m1/start' }]);
  assert.equal(c.__sls__, join(dir, 'reactor', 'start.sls'));
});

test('compileReactions orders reactions of several files and renames the legacy cmd type to local', async () => {
  const refs = [join(dir, 'reactor', 'start.sls'), join(dir, 'reactor', 'orch.sls'), join(dir, 'reactor', 'legacy.sls')];
  const { chunks } = await compileReactions(refs, 't', { id: 'm2' }, ctx);
  assert.deepEqual(
    chunks.map((c) => [c.__id__, c.state, c.fun]),
    [
      ['run_orch', 'runner', 'state.orchestrate'],
      ['old', 'local', 'test.ping'],
      ['mark_m2', 'local', 'cmd.run'],
    ],
  );
});

test('compileReactions reports missing and unrenderable files and keeps the others', async () => {
  const refs = [join(dir, 'reactor', 'missing.sls'), join(dir, 'reactor', 'broken.sls'), join(dir, 'reactor', 'orch.sls')];
  const { chunks, errors } = await compileReactions(refs, 'my/tag', {}, ctx);
  assert.equal(chunks.length, 1);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!, /^Can not render SLS .*missing\.sls for tag my\/tag\. File missing or not found\.$/);
  assert.match(errors[1]!, /^Failed to render ".*broken\.sls"/);
});

test('compileReactions drops every reaction of the event when verification fails', async () => {
  const refs = [join(dir, 'reactor', 'orch.sls'), join(dir, 'reactor', 'baddecl.sls')];
  const { chunks, errors } = await compileReactions(refs, 'my/tag', {}, ctx);
  assert.deepEqual(chunks, []);
  assert.match(errors[0]!, /^Unable to render reactions for event my\/tag due to errors \(.+\)/);
});
