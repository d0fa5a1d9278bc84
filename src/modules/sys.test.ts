import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';

const loader = new Loader({ opts: {} });
const run = async (fun: string, arg: unknown[] = []) => (await runFunction(loader, fun, arg)).return;

test('sys.list_functions lists everything sorted, or by module name or glob', async () => {
  const all = (await run('sys.list_functions')) as string[];
  assert.deepEqual(all, [...all].sort());
  for (const f of ['cmd.run', 'sys.doc', 'saltutil.find_job', 'test.ping']) assert.ok(all.includes(f), f);
  assert.deepEqual(await run('sys.list_functions', ['sys']), [
    'sys.argspec', 'sys.doc', 'sys.list_functions', 'sys.list_modules', 'sys.list_state_functions', 'sys.reload_modules',
  ]);
  assert.deepEqual(await run('sys.list_functions', ['test.ar*']), ['test.arg', 'test.arg_clean', 'test.arg_repr', 'test.arg_type']);
  assert.deepEqual(await run('sys.list_functions', ['te']), [], 'a module name does not match by prefix');
});

test('sys.list_modules lists modules, filtered by exact name or glob', async () => {
  const all = (await run('sys.list_modules')) as string[];
  assert.deepEqual(all, [...all].sort(), 'sorted');
  for (const m of ['cmd', 'saltutil', 'sys', 'test']) assert.ok(all.includes(m), m);
  const s = (await run('sys.list_modules', ['s*'])) as string[];
  assert.ok(s.length > 0 && s.every((m) => m.startsWith('s')));
  assert.deepEqual(s, all.filter((m) => m.startsWith('s')));
  assert.deepEqual(await run('sys.list_modules', ['cmd']), ['cmd']);
});

test('sys.doc returns {function: docstring} with rst directives stripped', async () => {
  const docs = (await run('sys.doc', ['test.ping'])) as Record<string, string>;
  assert.deepEqual(Object.keys(docs), ['test.ping']);
  assert.equal(
    docs['test.ping'],
    "\n    Used to make sure the minion is up and responding. Not an ICMP ping.\n\n    Returns ``True``.\n\n    CLI Example:\n\n        salt '*' test.ping\n    ",
  );
  const several = (await run('sys.doc', ['sys.list_*', 'test.echo'])) as Record<string, string>;
  assert.deepEqual(Object.keys(several).sort(), ['sys.list_functions', 'sys.list_modules', 'sys.list_state_functions', 'test.echo']);
  assert.match((await run('sys.doc', ['sys.list_modules']) as Record<string, string>)['sys.list_modules'], /New in version 2015\.5\.0/);
});

test('sys.argspec reports signatures like Salt 3006', async () => {
  assert.deepEqual(await run('sys.argspec', ['test.echo']), { 'test.echo': { args: ['text'], defaults: null, varargs: null, kwargs: null } });
  const spec = (await run('sys.argspec', ['cmd.run'])) as Record<string, { args: string[]; defaults: unknown[]; kwargs: unknown }>;
  assert.equal(spec['cmd.run'].args[0], 'cmd');
  assert.equal(spec['cmd.run'].args.length, spec['cmd.run'].defaults.length + 1);
  assert.equal(spec['cmd.run'].kwargs, true);
  assert.deepEqual(Object.keys((await run('sys.argspec', ['test'])) as object).includes('test.ping'), true);
});

test('sys.list_state_functions is empty and sys.reload_modules drops loaded modules', async () => {
  assert.deepEqual(await run('sys.list_state_functions'), []);
  const fresh = new Loader({ opts: {} });
  await runFunction(fresh, 'test.ping', []);
  assert.equal((await runFunction(fresh, 'sys.reload_modules', [])).return, true);
  assert.deepEqual(fresh.loadedModuleNames(), []);
});
