import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LowChunk } from '../state/types.js';
import { isDictlist, reactionCall, repackDictlist, runReaction, type ReactionCall, type ReactionClients } from './react_wrap.js';

const low = (state: string, fun: string, extra: Record<string, unknown> = {}): LowChunk => ({ state, fun, name: 'r1', __id__: 'r1', __sls__: '/srv/reactor/a.sls', order: 1, ...extra });

test('repackDictlist merges one-key dicts and refuses anything else', () => {
  assert.deepEqual(repackDictlist([{ a: 1 }, { b: 2 }]), { a: 1, b: 2 });
  assert.deepEqual(repackDictlist([{ a: 1, b: 2 }]), {});
  assert.deepEqual(repackDictlist(['x']), {});
  assert.equal(isDictlist([{ a: 1 }]), true);
  assert.equal(isDictlist(['a']), false);
});

test('a local reaction with args publishes the keywords to the target with its tgt_type', () => {
  const call = reactionCall(low('local', 'cmd.run', { tgt: 'web*', tgt_type: 'compound', args: [{ cmd: 'uptime' }, { cwd: '/' }] }));
  assert.deepEqual(call, { type: 'local', fun: 'cmd.run', tgt: 'web*', tgtType: 'compound', ret: '', arg: [], kwarg: { cmd: 'uptime', cwd: '/' }, warnings: [] });
});

test('a local reaction in the legacy form passes arg and kwarg and accepts expr_form', () => {
  const call = reactionCall(low('local', 'test.echo', { tgt: 'm1', expr_form: 'list', arg: ['hi'], kwarg: { x: 1 } }));
  assert.deepEqual([call.arg, call.kwarg, call.tgtType], [['hi'], { x: 1 }, 'list']);
});

test('args next to arg/kwarg wins, with a warning naming the ignored param', () => {
  const call = reactionCall(low('runner', 'jobs.list_jobs', { args: { search_function: 'test.*' }, arg: [1] }));
  assert.deepEqual(call.kwarg, { search_function: 'test.*' });
  assert.match(call.warnings[0]!, /^Reactor 'r1' is ignoring 'arg' param \[1\] due to presence of 'args' param/);
});

test('a caller reaction with a plain args list passes positional arguments', () => {
  const call = reactionCall(low('caller', 'file.touch', { args: ['/tmp/x'] }));
  assert.deepEqual([call.arg, call.kwarg], [['/tmp/x'], {}]);
});

test('a legacy runner reaction matches its keys to the runner signature', () => {
  const sig = { args: ['mods', 'saltenv', 'test'], defaults: { saltenv: 'base', test: null }, varargs: false, kwargs: false };
  const call = reactionCall(low('runner', 'state.orchestrate', { mods: 'orch.x', test: true, other: 1 }), () => sig);
  assert.deepEqual([call.arg, call.kwarg], [['orch.x'], { test: true }]);
  const withKw = reactionCall(low('wheel', 'key.accept', { match: 'm1', include_rejected: true }), () => ({ args: ['match'], defaults: {}, varargs: false, kwargs: true }));
  assert.deepEqual([withKw.arg, withKw.kwarg], [['m1'], { include_rejected: true }]);
});

test('reactionCall refuses unknown types, missing tgt, bad args and unknown legacy functions', () => {
  assert.throws(() => reactionCall(low('remote', 'x.y')), { name: 'UnknownReactionTypeError', message: "ReactWrap is missing a wrapper function for 'remote'" });
  assert.throws(() => reactionCall(low('local', 'test.ping')), { name: 'ReactionArgumentError', message: /a local reaction needs 'tgt'/ });
  assert.throws(() => reactionCall(low('wheel', 'key.accept', { args: ['m1'] })), /Incorrect argument format/);
  assert.throws(() => reactionCall(low('runner', 'nope.nope', {}), () => undefined), { message: "Reactor 'r1' failed to execute runner 'nope.nope': function not available" });
  assert.throws(() => reactionCall(low('runner', 'a.b', {}), () => ({ args: ['need'], defaults: {}, varargs: false, kwargs: false })), /missing argument\(s\) 'need'/);
});

test('runReaction calls the matching client, runner and wheel as user Reactor, and returns failures', async () => {
  const seen: Array<[string, ReactionCall, string?]> = [];
  const clients: ReactionClients = {
    local: async (c) => void seen.push(['local', c]),
    runner: async (c, u) => void seen.push(['runner', c, u]),
    wheel: async (c, u) => {
      seen.push(['wheel', c, u]);
      throw new Error('wheel down');
    },
    caller: async (c) => void seen.push(['caller', c]),
  };
  assert.equal((await runReaction(low('local', 'test.ping', { tgt: '*' }), clients)).error, undefined);
  assert.equal((await runReaction(low('runner', 'jobs.active', { args: { display_progress: false } }), clients)).error, undefined);
  assert.match(String((await runReaction(low('wheel', 'key.list_all', { arg: [], kwarg: {} }), clients)).error), /wheel down/);
  assert.match(String((await runReaction(low('bogus', 'x'), clients)).error), /missing a wrapper/);
  assert.deepEqual(
    seen.map(([t, c, u]) => [t, c.fun, u]),
    [
      ['local', 'test.ping', undefined],
      ['runner', 'jobs.active', 'Reactor'],
      ['wheel', 'key.list_all', 'Reactor'],
    ],
  );
});
