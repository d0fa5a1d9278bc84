import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandExecutionError } from '../loader/errors.js';
import type { CallContext } from '../loader/types.js';
import { nullLogger } from '../log/logger.js';
import mod, { canonicalUnitName, parseShow, systemctlCmd } from './systemd_service.js';

/** A context whose cmd.* calls are answered by `reply` and recorded, so no systemctl runs. */
function fakeContext(reply: (fun: string, cmd: unknown) => unknown): { ctx: CallContext; calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const ctx = {
    opts: {}, grains: {}, pillar: {}, log: nullLogger, context: {},
    salt: async (fun: string, args: unknown[] = []) => {
      calls.push([fun, args[0]]);
      return reply(fun, args[0]);
    },
    loader: {} as CallContext['loader'],
  } as CallContext;
  return { ctx, calls };
}

test('unit names without a unit type become services', () => {
  assert.equal(canonicalUnitName('nginx'), 'nginx.service');
  assert.equal(canonicalUnitName('nginx.service'), 'nginx.service');
  assert.equal(canonicalUnitName('dbus.socket'), 'dbus.socket');
  assert.equal(canonicalUnitName('fstrim.timer'), 'fstrim.timer');
});

test('systemctl commands put options before the action and -n 0 after status', () => {
  assert.deepEqual(systemctlCmd('start', 'nginx', { noBlock: true }), ['systemctl', '--no-block', 'start', 'nginx.service']);
  assert.deepEqual(systemctlCmd('status', 'nginx'), ['systemctl', 'status', 'nginx.service', '-n', '0']);
  assert.deepEqual(systemctlCmd('is-enabled', 'x', { root: '/mnt' }), ['systemctl', '--root', '/mnt', 'is-enabled', 'x.service']);
});

test('systemctl show output becomes a dict with lists and nested dicts', () => {
  const out = 'Id=nginx.service\nAfter=network.target remote-fs.target\nExecStart={ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on; ; ignore_errors=no }\nDescription=A=B';
  assert.deepEqual(parseShow(out), {
    Id: 'nginx.service',
    After: ['network.target', 'remote-fs.target'],
    ExecStart: { path: '/usr/sbin/nginx', 'argv[]': '/usr/sbin/nginx -g daemon on;', ignore_errors: 'no' },
    Description: 'A=B',
  });
});

test('service.start raises systemctl\'s stderr (scope lines removed) when it fails', async () => {
  const { ctx, calls } = fakeContext(() => ({ pid: 1, retcode: 5, stdout: '', stderr: 'Running as unit: run-1.scope\nFailed to start nginx.service: Unit nginx.service not found.' }));
  await assert.rejects(
    mod.functions.start.fn(ctx, ['nginx'], {}) as Promise<unknown>,
    (err: unknown) => err instanceof CommandExecutionError && err.message === 'Failed to start nginx.service: Unit nginx.service not found.',
  );
  assert.deepEqual(calls, [['cmd.run_all', ['systemctl', 'start', 'nginx.service']]]);
});

test('service.status asks systemctl is-active and service.stop reports the exit code as a bool', async () => {
  const { ctx, calls } = fakeContext((fun, cmd) => (fun === 'cmd.retcode' ? ((cmd as string[]).includes('a.service') ? 0 : 3) : { retcode: 0, stdout: '', stderr: '' }));
  assert.equal(await mod.functions.status.fn(ctx, ['a'], {}), true);
  assert.equal(await mod.functions.status.fn(ctx, ['b'], {}), false);
  assert.equal(await mod.functions.stop.fn(ctx, ['a'], {}), true);
  assert.deepEqual(calls.map((c) => c[1]), [
    ['systemctl', 'is-active', 'a.service'],
    ['systemctl', 'is-active', 'b.service'],
    ['systemctl', 'stop', 'a.service'],
  ]);
});
