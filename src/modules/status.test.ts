import assert from 'node:assert/strict';
import { loadavg } from 'node:os';
import { test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { PyFloat } from '../protocol/pytypes.js';
import { pyNumber } from './status.js';

const loader = new Loader({ opts: { id: 'm1' }, grains: { kernel: 'Linux', ps: 'ps -efHww' } });
const run = async (fun: string, arg: unknown[] = []) => {
  const r = await runFunction(loader, fun, arg);
  assert.equal(r.retcode, 0, `${fun}: ${JSON.stringify(r.return)}`);
  return r.return as never;
};

test('status.uptime reports seconds, days, since_t and an H:M time', async () => {
  const u = (await run('status.uptime')) as Record<string, unknown>;
  assert.equal(typeof u.seconds, 'number');
  assert.ok((u.seconds as number) > 0);
  assert.equal(u.days, Math.floor((u.seconds as number) / 86400));
  assert.match(String(u.time), /^\d+:\d+$/);
  assert.match(String(u.since_iso), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
  assert.ok(Math.abs((u.since_t as number) + (u.seconds as number) - Date.now() / 1000) < 5);
});

test('status.loadavg returns Python floats (0.0 stays a float)', async () => {
  const l = (await run('status.loadavg')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(l), ['1-min', '5-min', '15-min']);
  for (const v of Object.values(l)) assert.ok(v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)));
  assert.ok(Math.abs(Number(l['1-min']) - loadavg()[0]) < 5);
});

test('status.meminfo, cpuinfo, cpustats and vmstats parse /proc', async () => {
  const mem = (await run('status.meminfo')) as Record<string, Record<string, string>>;
  assert.match(mem.MemTotal.value, /^\d+$/);
  assert.equal(mem.MemTotal.unit, 'kB');
  const cpu = (await run('status.cpuinfo')) as Record<string, unknown>;
  assert.ok('processor' in cpu);
  const stats = (await run('status.cpustats')) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(stats.cpu).sort(), ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user']);
  assert.equal(typeof stats.cpu.user, 'number');
  assert.equal(typeof (stats.intr as Record<string, unknown>).total, 'number');
  const vm = (await run('status.vmstats')) as Record<string, unknown>;
  assert.equal(typeof vm.nr_free_pages, 'number');
});

test('status.diskusage gives available/total bytes for mount points', async () => {
  const all = (await run('status.diskusage', ['/'])) as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(all), ['/']);
  assert.ok(all['/'].total >= all['/'].available && all['/'].total > 0);
});

test('status.procs, pid, nproc and version', async () => {
  const procs = (await run('status.procs')) as Record<string, Record<string, string>>;
  assert.ok(String(process.pid) in procs);
  assert.deepEqual(Object.keys(procs[String(process.pid)]), ['user', 'cmd']);
  const pids = (await run('status.pid', ['^root .* \\[?kthreadd|init|systemd|node'])) as string;
  assert.equal(typeof pids, 'string');
  assert.ok(((await run('status.nproc')) as number) >= 1);
  assert.match(String(await run('status.version')), /^Linux version /);
});

test('pyNumber follows Salt _number: int for digits, float for numbers, text otherwise', () => {
  assert.equal(pyNumber('42'), 42);
  assert.ok(pyNumber('-5') instanceof PyFloat);
  assert.equal(pyNumber('1.5'), 1.5);
  assert.equal(pyNumber('abc'), 'abc');
});
