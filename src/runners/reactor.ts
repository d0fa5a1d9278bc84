/**
 * The `reactor` runner, `list` function: the reactors configured on the master (`reactor` option,
 * a list of `{tag: [sls, ...]}` or the path of a YAML file holding one).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CommandExecutionError } from '../loader/errors.js';
import { defineMasterFunction } from './_define.js';
import { isMap } from './_common.js';
import type { MasterModule, Opts } from './types.js';

/** Salt's `_reactor_system_available`: a reactor engine, or else a non-empty `reactor` option. */
function reactorAvailable(opts: Opts): boolean {
  const engines = opts.engines;
  if (Array.isArray(engines) ? engines.length > 0 : isMap(engines) && Object.keys(engines).length > 0) {
    const names = Array.isArray(engines) ? engines.flatMap((e) => (isMap(e) ? Object.keys(e) : [String(e)])) : Object.keys(engines as object);
    return names.some((n) => n.includes('reactor'));
  }
  const reactor = opts.reactor;
  if (typeof reactor === 'string') return reactor !== '';
  return Array.isArray(reactor) ? reactor.length > 0 : isMap(reactor) && Object.keys(reactor).length > 0;
}

/** The reactor map the master runs with: the `reactor` list, or the YAML file it names. */
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
      (_p, ctx) => {
        if (!reactorAvailable(ctx.opts)) throw new CommandExecutionError('Reactor system is not running.');
        return configuredReactors(ctx.opts, ctx.log);
      },
    ),
  },
};

export default reactor;
