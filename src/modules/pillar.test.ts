import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadCases } from '../../test/support/conformance.js';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { registerPillarFetcher } from '../pillar/fetcher.js';
import { findSls, renderSls } from '../render/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'pillar-mod-'));
after(() => {
  registerPillarFetcher(undefined);
  rmSync(dir, { recursive: true, force: true });
});

const pillar = {
  app: { name: 'myapp', port: 8080, users: ['alice', 'bob'], settings: { debug: false, level: 'info' } },
  packages: ['vim', 'git'],
  'colon:key': 'literal',
};
const builtins = { pillar: [() => import('./pillar.js')] };
const loader = new Loader({ opts: { id: 'm1', cachedir: dir }, grains: { id: 'm1' }, pillar, builtins });
const run = (fun: string, arg: unknown[] = []) => runFunction(loader, fun, arg);
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });

test('pillar.get traverses nested keys and list indexes, with default and delimiter', async () => {
  assert.equal((await run('pillar.get', ['app:port'])).return, 8080);
  assert.equal((await run('pillar.get', ['app:users:1'])).return, 'bob');
  assert.equal((await run('pillar.get', ['app:nope'])).return, '');
  assert.equal((await run('pillar.get', ['app:nope', 'fallback'])).return, 'fallback');
  assert.equal((await run('pillar.get', ['app|name', kw({ delimiter: '|' })])).return, 'myapp');
  assert.equal((await run('pillar.fetch', ['app:name'])).return, 'myapp');
});

test('pillar.get merges a dict or list default with the pillar value', async () => {
  assert.deepEqual((await run('pillar.get', ['app:settings', kw({ default: { extra: 1, level: 'x' }, merge: true })])).return, { extra: 1, level: 'info', debug: false });
  assert.deepEqual((await run('pillar.get', ['packages', kw({ default: ['curl', 'vim'], merge: true })])).return, ['curl', 'vim', 'git']);
});

test('pillar.get raises KeyError when pillar_raise_on_missing is set', async () => {
  const strict = new Loader({ opts: { id: 'm1', pillar_raise_on_missing: true }, pillar, builtins });
  const r = await runFunction(strict, 'pillar.get', ['nope']);
  assert.match(String(r.return), /KeyError: 'Pillar key not found: nope'/);
});

test('pillar.item, raw, keys and ls', async () => {
  assert.deepEqual((await run('pillar.item', ['app:port', 'missing', kw({ default: 'd' })])).return, { 'app:port': 8080, missing: 'd' });
  assert.deepEqual((await run('pillar.raw', [kw({ key: 'packages' })])).return, ['vim', 'git']);
  assert.deepEqual((await run('pillar.raw')).return, pillar);
  assert.deepEqual((await run('pillar.keys', ['app:settings'])).return, ['debug', 'level']);
  assert.match(String((await run('pillar.keys', ['packages'])).return), /ValueError: Pillar value in key packages is not a dict/);
  assert.deepEqual((await run('pillar.ls')).return, ['app', 'packages', 'colon:key']);
});

test('pillar.items uses the registered master fetcher and passes the override', async () => {
  const seen: unknown[] = [];
  registerPillarFetcher(async (_opts, req) => {
    seen.push(req.pillarOverride);
    return { fresh: true, ...req.pillarOverride };
  });
  assert.deepEqual((await run('pillar.items', [kw({ pillar: { o: 1 } })])).return, { fresh: true, o: 1 });
  assert.deepEqual(seen, [{ o: 1 }]);
  registerPillarFetcher(undefined);
  assert.deepEqual((await run('pillar.items')).return, pillar);
  assert.deepEqual((await run('pillar.obfuscate')).return, {
    app: { name: '<str>', port: '<int>', users: ['<str>', '<str>'], settings: { debug: '<bool>', level: '<str>' } },
    packages: ['<str>', '<str>'],
    'colon:key': '<str>',
  });
});

test('pillar.items masterless compiles the minion pillar_roots', async () => {
  const root = join(dir, 'pillar');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'top.sls'), "base:\n  'm1': [mine]\n");
  writeFileSync(join(root, 'mine.sls'), 'local: {{ grains["id"] }}\n');
  const local = new Loader({ opts: { id: 'm1', file_client: 'local', pillar_roots: { base: [root] } }, grains: { id: 'm1' }, pillar: {}, builtins });
  assert.deepEqual((await runFunction(local, 'pillar.items', [kw({ pillar: { cli: 2 } })])).return, { local: 'm1', cli: 2 });
});

// Real Salt 3006.10: salt['pillar.get'] inside a template (render/sls.json).
for (const c of loadCases('render', 'sls.json').filter((x) => x.id === 'render-salt-pillar-get-nested')) {
  test(`${c.id}: ${c.what}`, async () => {
    const { input } = c;
    const caseLoader = new Loader({ opts: input.opts, grains: input.grains, pillar: input.pillar, builtins });
    const lookup = async (env: string, path: string) => input.files[env]?.[path] ?? null;
    const source = await findSls(input.sls, input.saltenv, lookup);
    const ctx = caseLoader.makeContext();
    const rendered = await renderSls({ sls: input.sls, saltenv: input.saltenv, source: source!, lookup, context: { salt: ctx.salt, grains: input.grains, pillar: input.pillar, opts: input.opts } });
    assert.deepEqual(rendered, c.expected.rendered);
  });
}
