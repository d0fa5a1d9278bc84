/**
 * The returner interface: Salt's returner module functions, under Salt's own names so that a
 * `<returner>.<function>` name in config or docs maps onto a method one to one. Every function
 * is optional, as in Salt: callers check for it (see `hasFunction` in `index.ts`).
 */
import type { Logger } from '../log/logger.js';

export type Dict = Record<string, unknown>;

/** One master event as an event returner receives it (`iter_events(full=True)`). */
export interface SaltEvent {
  tag: string;
  data: unknown;
}

/** What a returner needs from its host process: the daemon's options and a logger. */
export interface ReturnerContext {
  /** The minion or master options (`redis.host`, `keep_jobs_seconds`, `cachedir`...). */
  opts: Dict;
  /** Looked up after `opts` for returner options, as Salt's `config.option` does (minion side). */
  grains?: Dict;
  pillar?: Dict;
  log?: Logger;
}

/**
 * A returner. `ret` is the job return Salt builds on the minion (`id`, `jid`, `fun`, `fun_args`,
 * `return`, `retcode`, `success`, maybe `out`, `metadata`, `ret_config`, `ret_kwargs`) or, for
 * a master job cache, the `_return` load.
 */
export interface Returner {
  /** The virtual name (`local_cache`, `pgjsonb`, `redis`, `rawfile_json`, `syslog`). */
  readonly name: string;
  /** Stores one minion's return. */
  returner?(ret: Dict): Promise<void>;
  /** Stores a job's publish load (and, for caches that keep them, its targeted minions). */
  save_load?(jid: string, load: Dict, minions?: string[] | null): Promise<void>;
  /** Stores the minions a job targets (or a syndic forwarded). */
  save_minions?(jid: string, minions: string[], syndicId?: string | null): Promise<void>;
  /** The saved load of a job, `{}` when unknown. */
  get_load?(jid: string): Promise<Dict>;
  /** The stored returns of a job by minion id, `{}` when none. */
  get_jid?(jid: string): Promise<Record<string, Dict>>;
  /** The latest return of `fun` for every minion that ran it. */
  get_fun?(fun: string): Promise<Record<string, Dict>>;
  /** Every job: jid → `format_jid_instance` listing. */
  get_jids?(): Promise<Record<string, Dict>>;
  /** The `count` most recent jobs as `format_jid_instance_ext` listings (oldest first). */
  get_jids_filter?(count: number, filterFindJob?: boolean): Promise<Dict[]>;
  /** Every minion that returned something. */
  get_minions?(): Promise<string[]>;
  /** Reserves a jid (the given one, or a new one). */
  prep_jid?(nocache?: boolean, passedJid?: string | null): Promise<string>;
  /** Stores a batch of master events. */
  event_return?(events: SaltEvent[]): Promise<void>;
  /** Drops jobs older than `keep_jobs_seconds`; called every `loop_interval` on the master. */
  clean_old_jobs?(): Promise<void>;
  /** Stores the end time of a job (`job_cache_store_endtime`). */
  update_endtime?(jid: string, time: string): Promise<void>;
  /** The stored end time of a job, or null. */
  get_endtime?(jid: string): Promise<string | null>;
  /** Releases connections (pools, sockets) so the process can exit. */
  close?(): Promise<void>;
}

/** The Salt function names a {@link Returner} may provide. */
export type ReturnerFunction = Exclude<keyof Returner, 'name' | 'close'>;

/** Builds a returner for a daemon's options. */
export type ReturnerFactory = (ctx: ReturnerContext) => Returner;
