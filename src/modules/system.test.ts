import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentBindingError } from '../loader/errors.js';
import type { CallContext } from '../loader/types.js';
import { nullLogger } from '../log/logger.js';
import mod from './system.js';

/**
 * These functions must never run for real in a test: every call goes to a fake `cmd.run`
 * that records the command and returns an empty string.
 */
function recorder(): { ctx: CallContext; commands: unknown[]; kwargs: unknown[] } {
  const commands: unknown[] = [];
  const kwargs: unknown[] = [];
  const ctx = {
    opts: {}, grains: {}, pillar: {}, log: nullLogger, context: {},
    salt: async (fun: string, args: unknown[] = [], kw: Record<string, unknown> = {}) => {
      assert.equal(fun, 'cmd.run');
      commands.push(args[0]);
      kwargs.push(kw);
      return '';
    },
    loader: {} as CallContext['loader'],
  } as CallContext;
  return { ctx, commands, kwargs };
}

const call = (ctx: CallContext, fun: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) =>
  mod.functions[fun].fn(ctx, args, kwargs);

test('system.reboot runs shutdown -r now, or after the given minutes', async () => {
  const { ctx, commands, kwargs } = recorder();
  await call(ctx, 'reboot');
  await call(ctx, 'reboot', [5]);
  await call(ctx, 'reboot', [], { at_time: '+10' });
  assert.deepEqual(commands, [['shutdown', '-r', 'now'], ['shutdown', '-r', '5'], ['shutdown', '-r', '+10']]);
  assert.deepEqual(kwargs[0], { python_shell: false });
});

test('system.shutdown runs shutdown -h; halt, poweroff and init run their programs', async () => {
  const { ctx, commands } = recorder();
  await call(ctx, 'shutdown');
  await call(ctx, 'shutdown', [3]);
  await call(ctx, 'halt');
  await call(ctx, 'poweroff');
  await call(ctx, 'init', [3]);
  assert.deepEqual(commands, [['shutdown', '-h', 'now'], ['shutdown', '-h', '3'], ['halt'], ['poweroff'], ['init', '3']]);
});

test('system functions reject arguments they do not take, before running anything', async () => {
  const { ctx, commands } = recorder();
  assert.throws(() => call(ctx, 'halt', [1]), ArgumentBindingError);
  assert.throws(() => call(ctx, 'reboot', [1, 2]), ArgumentBindingError);
  assert.throws(() => call(ctx, 'init'), ArgumentBindingError);
  assert.deepEqual(commands, []);
});
