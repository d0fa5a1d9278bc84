/**
 * The shapes shared by the grain modules: a grain function, the context it runs with, and a
 * module (a named set of grain functions, like one `salt/grains/*.py` file).
 */
import type { Logger } from '../log/logger.js';
import type { CommandResult } from './_exec.js';

/** A grains dict: grain name → JSON-like value. */
export type Grains = Record<string, unknown>;

/** What every grain function receives. */
export interface GrainContext {
  /** The minion options (`__opts__`). */
  readonly opts: Readonly<Record<string, unknown>>;
  /**
   * The grains merged so far (core grains, then earlier modules): what Salt passes to a grain
   * function that declares a `grains` parameter. Empty while the core grains run.
   */
  readonly grains: Readonly<Grains>;
  /** Runs a program without a shell (never throws; see {@link CommandResult}). */
  run(argv: readonly string[]): Promise<CommandResult>;
  /** Salt's `salt.utils.path.which`, memoized for this load. */
  which(exe: string): Promise<string | null>;
  /** Computes `fn` once per grains load and shares the promise (interfaces, hostname ...). */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T>;
  readonly log: Logger;
}

/**
 * A grain function: returns a map of grains (or a promise of one). Anything that is not a plain
 * object (null, a string, a list ...) is ignored, as Salt ignores non-dict returns.
 */
export type GrainFunction = (ctx: GrainContext) => unknown;

/** A grain module: its functions run in the alphabetical order of their names. */
export interface GrainModule {
  readonly name: string;
  readonly functions: Readonly<Record<string, GrainFunction>>;
  /** Salt's `__virtual__`: a false result (or a thrown error) keeps the module from loading. */
  readonly virtual?: (ctx: GrainContext) => unknown;
  /** Where a custom module was loaded from (for log messages). */
  readonly source?: string;
}
