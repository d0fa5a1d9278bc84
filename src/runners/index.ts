/**
 * The runner modules salt-run can call (Salt's `salt.loader.runner`), by module name, and their
 * documentation as `salt-run -d` shows it.
 */
import cache from './cache.js';
import event from './event.js';
import jobs from './jobs.js';
import manage from './manage.js';
import mine from './mine.js';
import pillar from './pillar.js';
import salt from './salt.js';
import saltutil from './saltutil.js';
import reactor from '../reactor/runner.js';
import state from './state.js';
import { FunctionTable } from './_table.js';
import type { MasterModule } from './types.js';

export type { MasterCallContext, MasterFunction, MasterModule, MinionPublisher, PublishedJob, PublishedReturn, PublishOptions, Opts } from './types.js';
export { defineMasterFunction } from './_define.js';
export { RunnerNotImplementedError, FunctionNotFoundError } from './errors.js';
export { FunctionTable } from './_table.js';
export { stripRst } from '../loader/docstring.js';

/** Every runner module, by its Salt name. */
export const RUNNER_MODULES: readonly MasterModule[] = [cache, event, jobs, manage, mine, pillar, reactor, salt, saltutil, state];

let runners: FunctionTable | null = null;

/** The runner functions (built once). */
export function runnerFunctions(): FunctionTable {
  runners ??= new FunctionTable(RUNNER_MODULES);
  return runners;
}
