import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'salt-grains-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const confFile = join(dir, 'minion');
writeFileSync(confFile, 'id: m1\n');
const grains: Record<string, unknown> = {
  id: 'm1.example.com', os: 'Debian', os_family: 'Debian', host: 'm1', roles: ['web', 'db'],
  pkg: { apache: 'httpd' }, serialnumber: 'ABCDEFGH',
};
const loader = new Loader({ opts: { id: 'm1', conf_file: confFile, cachedir: join(dir, 'cache'), local: true }, grains });
const run = (fun: string, arg: unknown[] = []) => runFunction(loader, fun, arg);
const kw = (o: Record<string, unknown>) => ({ __kwarg__: true, ...o });
const grainsFile = () => loadSaltYaml(readFileSync(join(dir, 'grains'), 'utf8')) as Record<string, unknown>;

test('grains.get traverses nested keys with a delimiter and default', async () => {
  assert.equal((await run('grains.get', ['pkg:apache'])).return, 'httpd');
  assert.equal((await run('grains.get', ['roles:1'])).return, 'db');
  assert.equal((await run('grains.get', ['nope'])).return, '');
  assert.equal((await run('grains.get', ['nope', kw({ default: 'dflt' })])).return, 'dflt');
  assert.equal((await run('grains.get', ['pkg|apache', kw({ delimiter: '|' })])).return, 'httpd');
  assert.equal((await run('grains.fetch', ['os'])).return, 'Debian');
  assert.equal((await run('grains.has_value', ['pkg:apache'])).return, true);
  assert.equal((await run('grains.has_value', ['pkg:nginx'])).return, false);
  assert.equal((await run('grains.equals', ['os', 'Debian'])).return, true);
});

test('grains.items, item and ls (sanitized on request), items/item use the nested outputter', async () => {
  const items = await run('grains.items');
  assert.equal(items.out, 'nested');
  assert.equal((items.return as Record<string, unknown>).os, 'Debian');
  const san = (await run('grains.items', [kw({ sanitize: true })])).return as Record<string, unknown>;
  assert.equal(san.id, 'MINION.DOMAINNAME');
  assert.equal(san.host, 'MINION');
  assert.equal(san.serialnumber, 'ABCDEFXX');
  assert.deepEqual((await run('grains.item', ['os', 'host'])).return, { os: 'Debian', host: 'm1' });
  assert.deepEqual((await run('grains.item', ['host', kw({ sanitize: true })])).return, { host: 'MINION' });
  const ls = (await run('grains.ls')).return as string[];
  assert.deepEqual(ls, [...ls].sort());
  assert.ok(ls.includes('pkg'));
});

test('grains.setval persists to the grains file beside the config and updates the grains in memory', async () => {
  const r = await run('grains.setval', ['role', 'webserver']);
  assert.deepEqual(r.return, { role: 'webserver' });
  assert.equal(r.out, 'nested');
  assert.equal(grains.role, 'webserver');
  assert.deepEqual(grainsFile(), { role: 'webserver' });
  await run('grains.setvals', [{ a: 1, b: [1, 2] }]);
  assert.deepEqual(grainsFile(), { role: 'webserver', a: 1, b: [1, 2] });
  assert.equal((await run('grains.get', ['a'])).return, 1);
  await run('grains.setval', ['a', null, kw({ destructive: true })]);
  assert.equal('a' in grainsFile(), false);
  assert.equal('a' in grains, false);
});

test('grains.append and remove edit list grains, with Salt messages for bad input', async () => {
  assert.deepEqual((await run('grains.append', ['colors', 'red'])).return, { colors: ['red'] });
  assert.deepEqual((await run('grains.append', ['colors', 'blue'])).return, { colors: ['red', 'blue'] });
  assert.equal((await run('grains.append', ['colors', 'red'])).return, 'The val red was already in the list colors');
  assert.equal((await run('grains.append', ['os', 'x'])).return, 'The key os is not a valid list');
  assert.deepEqual((await run('grains.remove', ['colors', 'red'])).return, { colors: ['blue'] });
  assert.equal((await run('grains.remove', ['colors', 'green'])).return, 'The val green was not in the list colors');
  assert.deepEqual(grainsFile().colors, ['blue']);
});

test('grains.set handles nested keys and refuses to overwrite complex values without force', async () => {
  const r = (await run('grains.set', ['apps:myApp:port', 2209])).return as Record<string, unknown>;
  assert.deepEqual(r, { comment: '', changes: { apps: { myApp: { port: 2209 } } }, result: true });
  assert.deepEqual(grains.apps, { myApp: { port: 2209 } });
  const again = (await run('grains.set', ['apps:myApp:port', 2209])).return as Record<string, unknown>;
  assert.equal(again.comment, 'Grain is already set');
  const refused = await run('grains.set', ['apps', 'flat']);
  assert.equal((refused.return as Record<string, unknown>).result, false);
  assert.equal(refused.retcode, 1);
  assert.equal((refused.return as Record<string, unknown>).comment, "The key 'apps' exists but is a dict or a list. Use 'force=True' to overwrite.");
  const deleted = (await run('grains.delkey', ['role'])).return as Record<string, unknown>;
  assert.equal(deleted.result, true);
  assert.equal('role' in grainsFile(), false);
});

test('grains.filter_by picks by grain value with default, base and merge', async () => {
  assert.equal((await run('grains.filter_by', [{ Debian: 'deb', RedHat: 'rh' }])).return, 'deb');
  assert.equal((await run('grains.filter_by', [{ Deb: 'x', default: 'dflt' }])).return, 'dflt');
  assert.deepEqual((await run('grains.filter_by', [{ 'Deb*': { a: 1 } }, 'os', { b: 2 }])).return, { a: 1, b: 2 });
  assert.deepEqual((await run('grains.filter_by', [{ A: 'B', C: { D: { E: 'F', G: 'H' } } }, 'xxx', { D: { E: 'I' }, J: 'K' }, 'C'])).return, {
    D: { E: 'I', G: 'H' },
    J: 'K',
  });
  assert.equal((await run('grains.filter_by', [{ web: 1 }, 'roles'])).return, 1);
});
