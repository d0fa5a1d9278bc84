import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, totalmem } from 'node:os';
import { afterEach, test } from 'node:test';
import { Loader } from '../loader/loader.js';
import { runFunction } from '../loader/run.js';
import { PyFloat } from '../protocol/pytypes.js';

const loader = new Loader({ opts: { id: 'm1' } });
const call = (fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => loader.call(fun, args, kwargs);
const children: ChildProcess[] = [];

/** A sleeping child with a command line no other process has. */
function spawnSleeper(): { child: ChildProcess; marker: string } {
  const marker = `${31 + Math.floor(Math.random() * 1000)}.${process.pid}`;
  const child = spawn('sleep', [marker], { stdio: 'ignore' });
  children.push(child);
  return { child, marker };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

test('ps.get_pid_list and ps.proc_info see a spawned child', async () => {
  const { child, marker } = spawnSleeper();
  const pids = (await call('ps.get_pid_list')) as number[];
  assert.ok(pids.includes(child.pid!));
  assert.deepEqual(pids, [...pids].sort((a, b) => a - b));
  const info = (await call('ps.proc_info', [child.pid])) as Record<string, unknown>;
  assert.equal(info.pid, child.pid);
  assert.equal(info.ppid, process.pid);
  assert.equal(info.name, 'sleep');
  assert.deepEqual(info.cmdline, ['sleep', marker]);
  assert.equal(info.username, 'root');
  assert.ok(['sleeping', 'running'].includes(String(info.status)));
  assert.deepEqual(await call('ps.proc_info', [child.pid], { attrs: ['pid', 'name'] }), { pid: child.pid, name: 'sleep' });
});

test('ps.proc_info of a missing pid fails with psutil\'s message', async () => {
  const r = await runFunction(loader, 'ps.proc_info', [999999999]);
  assert.deepEqual([r.return, r.retcode], ['ERROR: process PID not found (pid=999999999)', 1]);
});

test('ps.pgrep finds the child by full command line; ps.pkill kills it', async () => {
  const { child, marker } = spawnSleeper();
  assert.deepEqual(await call('ps.pgrep', [marker], { full: true }), [child.pid]);
  assert.deepEqual(await call('ps.pgrep', [`^sleep ${marker.replace('.', '\\.')}$`], { full: true, pattern_is_regex: true }), [child.pid]);
  assert.equal(await call('ps.pgrep', [marker]), null, 'without full only the name is searched');
  const exited = once(child, 'exit');
  assert.deepEqual(await call('ps.pkill', [marker], { full: true, signal: 9 }), { killed: [child.pid] });
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  assert.equal(await call('ps.pkill', [marker], { full: true }), null);
});

test('ps.kill_pid signals a process and returns False for a missing one', async () => {
  const { child } = spawnSleeper();
  const exited = once(child, 'exit');
  assert.equal(await call('ps.kill_pid', [child.pid]), true);
  assert.equal((await exited)[1], 'SIGTERM');
  assert.equal(await call('ps.kill_pid', [999999999]), false);
});

test('ps.top samples CPU use and returns Salt\'s per-process dicts', async () => {
  spawnSleeper();
  const top = (await call('ps.top', [3], { interval: 0.2 })) as Array<Record<string, unknown>>;
  assert.equal(top.length, 3);
  assert.deepEqual(Object.keys(top[0]), ['cmd', 'user', 'status', 'pid', 'create_time', 'cpu', 'mem']);
  assert.deepEqual(Object.keys(top[0].mem as object).sort(), ['data', 'dirty', 'lib', 'rss', 'shared', 'text', 'vms']);
});

test('ps.num_cpus, total_physical_memory, boot_time and disk_usage', async () => {
  assert.equal(await call('ps.num_cpus'), cpus().length);
  assert.equal(await call('ps.total_physical_memory'), totalmem());
  const boot = (await call('ps.boot_time')) as number;
  assert.ok(Number.isInteger(boot) && boot > 1e9 && boot <= Date.now() / 1000);
  assert.equal(await call('ps.boot_time', [], { time_format: '%Y' }), String(new Date(boot * 1000).getFullYear()));
  const du = (await call('ps.disk_usage', ['/'])) as Record<string, unknown>;
  assert.deepEqual(Object.keys(du), ['total', 'used', 'free', 'percent']);
  assert.ok((du.total as number) > 0 && (du.used as number) <= (du.total as number));
  const pct = du.percent instanceof PyFloat ? du.percent.value : (du.percent as number);
  assert.ok(pct >= 0 && pct <= 100);
});
