/**
 * The `reactor` runner (Salt's salt/runners/reactor.py) talking to the live reactor: `list`,
 * `add`, `delete`, `is_leader` and `set_leader` fire `salt/run/<jid>/salt/reactors/manage/<op>`
 * with the master key and wait up to 30 s for the reactor's answer on the master bus.
 *
 * When no master bus is there to ask (master not running), `list` falls back to the configured
 * map and the others fail.
 * Unlike Salt, the request event is not printed under salt-run (it carries the master key).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CommandExecutionError } from '../loader/errors.js';
import { defineMasterFunction } from '../runners/_define.js';
import { listenOnMasterBus } from '../runners/_bus.js';
import type { MasterCallContext, MasterModule, Opts } from '../runners/types.js';
import { ReactorNotAnsweringError } from './errors.js';
import { readMasterKey, reactorEnabled } from './reactor.js';

type Dict = Record<string, unknown>;

/** The manage operations and the tag each answer comes back on. */
const ANSWER_TAGS = {
  list: 'salt/reactors/manage/list-results',
  add: 'salt/reactors/manage/add-complete',
  delete: 'salt/reactors/manage/delete-complete',
  is_leader: 'salt/reactors/manage/leader/value',
  set_leader: 'salt/reactors/manage/leader/value',
} as const;

export type ManageOperation = keyof typeof ANSWER_TAGS;

/**
 * Asks the running reactor one manage question and returns its answer's data, or null when
 * there is no master bus to ask.
 * @throws ReactorNotAnsweringError when the bus is there but no answer comes within `timeoutMs`.
 */
export async function askReactor(ctx: MasterCallContext, op: ManageOperation, data: Dict, timeoutMs = 30_000): Promise<Dict | null> {
  let bus: Awaited<ReturnType<typeof listenOnMasterBus>>;
  try {
    bus = await listenOnMasterBus(ctx.opts);
  } catch {
    return null;
  }
  try {
    bus.subscribe(ANSWER_TAGS[op]);
    const key = readMasterKey(ctx.opts);
    await ctx.fireEvent(`${ctx.tag}/salt/reactors/manage/${op}`, { ...data, key });
    const ev = await bus.getEvent({ tag: ANSWER_TAGS[op], timeout: timeoutMs });
    if (!ev) throw new ReactorNotAnsweringError(`The reactor did not answer salt/reactors/manage/${op} within ${Math.round(timeoutMs / 1000)} seconds: is the master running with its reactor?`);
    return ev.data;
  } finally {
    await bus.close();
  }
}

/**
 * The reactor map the master runs with: the `reactor` list, or the YAML file it names (null, with
 * an error logged, when that file cannot be read or parsed).
 */
export function configuredReactors(opts: Opts, log: { error(m: string): void } = { error() {} }): unknown {
  const reactor = opts.reactor;
  if (typeof reactor !== 'string') return reactor ?? [];
  try {
    return parseYaml(readFileSync(reactor, 'utf8'), { version: '1.1' }) ?? null;
  } catch (err) {
    log.error(`Failed to read reactor map: "${reactor}": ${(err as Error).message}`);
    return null;
  }
}

function requireReactor(ctx: MasterCallContext): void {
  if (!reactorEnabled(ctx.opts)) throw new CommandExecutionError('Reactor system is not running.');
}

function noBus(op: string): never {
  throw new CommandExecutionError(`Cannot ${op}: the master event bus is not running`);
}

const reactor: MasterModule = {
  name: 'reactor',
  functions: {
    list: defineMasterFunction(
      {
        args: ['saltenv', 'test'],
        defaults: { saltenv: 'base', test: null },
        pyName: 'list_',
        doc: `
          List currently configured reactors

          CLI Example:

          .. code-block:: bash

              salt-run reactor.list
        `,
      },
      async (_p, ctx) => {
        requireReactor(ctx);
        const res = await askReactor(ctx, 'list', {});
        return res ? res.reactors : configuredReactors(ctx.opts, ctx.log);
      },
    ),
    add: defineMasterFunction(
      {
        args: ['event', 'reactors', 'saltenv', 'test'],
        defaults: { saltenv: 'base', test: null },
        doc: `
          Add a new reactor

          CLI Example:

          .. code-block:: bash

              salt-run reactor.add 'salt/cloud/*/destroyed' reactors='/srv/reactor/destroy/*.sls'
        `,
      },
      async ({ event, reactors }, ctx) => {
        requireReactor(ctx);
        const list = typeof reactors === 'string' ? [reactors] : reactors;
        const res = (await askReactor(ctx, 'add', { event, reactors: list })) ?? noBus('add a reactor');
        return res.result;
      },
    ),
    delete: defineMasterFunction(
      {
        args: ['event', 'saltenv', 'test'],
        defaults: { saltenv: 'base', test: null },
        doc: `
          Delete a reactor

          CLI Example:

          .. code-block:: bash

              salt-run reactor.delete 'salt/cloud/*/destroyed'
        `,
      },
      async ({ event }, ctx) => {
        requireReactor(ctx);
        const res = (await askReactor(ctx, 'delete', { event })) ?? noBus('delete a reactor');
        return res.result;
      },
    ),
    is_leader: defineMasterFunction(
      {
        doc: `
          Return whether the running reactor is acting as a leader (responding to events).

          CLI Example:

          .. code-block:: bash

              salt-run reactor.is_leader
        `,
      },
      async (_p, ctx) => {
        requireReactor(ctx);
        const res = (await askReactor(ctx, 'is_leader', {})) ?? noBus('ask the reactor');
        return res.result;
      },
    ),
    set_leader: defineMasterFunction(
      {
        args: ['value'],
        defaults: { value: true },
        doc: `
          Set the current reactor to act as a leader (responding to events). Defaults to True

          CLI Example:

          .. code-block:: bash

              salt-run reactor.set_leader True
        `,
      },
      async ({ value }, ctx) => {
        requireReactor(ctx);
        const res = (await askReactor(ctx, 'set_leader', { id: ctx.opts.id, value })) ?? noBus('set the reactor leader');
        return res.result;
      },
    ),
  },
};

export default reactor;
