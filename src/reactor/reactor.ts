/**
 * The master's reactor (Salt's `salt.utils.reactor.Reactor`): sees every event of the master
 * bus, finds the reactor entries whose tag glob matches (`reactor:` option — a list of
 * `{<tag glob>: [<sls file>, ...]}`, or the path of a YAML file holding that list), renders the
 * reaction files with `tag` and `data`, and runs the reactions through the local, runner, wheel
 * and caller clients.
 *
 * Work is bounded: each matching event becomes one task of a pool running at most
 * `reactor_worker_threads` (default 10) at once with at most `reactor_worker_hwm` (default
 * 10000) waiting; events beyond that are dropped, counted and logged. Rendering and the
 * event's reactions run in order inside its task.
 *
 * It also answers the `salt/reactors/manage/*` requests of the `reactor` runner (list, add,
 * delete, is_leader, set_leader) when they carry the master's key, and ignores events fired as
 * user `Reactor` (its own runner and wheel calls), as Salt does.
 *
 * Started by the master: `new Reactor(opts, deps).start((listener) => bus.on(listener))`.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SaltEvent } from '../events/event.js';
import { fnmatch } from '../targeting/fnmatch.js';
import { nullLogger, type Logger } from '../log/logger.js';
import type { SaltCaller } from '../loader/types.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import type { FileRoots } from '../state/file_client_local.js';
import { masterReactionClients, masterSignatures } from './clients.js';
import { WorkPool, type WorkPoolStats } from './pool.js';
import { REACTOR_USER, runReaction, type ReactionClients, type SignatureLookup } from './react_wrap.js';
import type { ReactionRenderContext } from './render.js';

type Opts = Record<string, unknown>;
type Dict = Record<string, unknown>;

/** Lets the reactor see every event of the master bus; returns a function that stops it. */
export type EventSource = (listener: (event: SaltEvent) => void) => () => void;

/** What the reactor runs with besides the master opts; every part has a default for a real master. */
export interface ReactorDeps {
  /** The local/runner/wheel/caller clients; default {@link masterReactionClients}. */
  clients?: ReactionClients;
  /** Runner/wheel signatures for legacy-form reactions; default the built-in tables. */
  signatures?: SignatureLookup;
  /** Fires an event on the master bus (answers to `salt/reactors/manage/*`); default an EventClient on `sock_dir`. */
  fire?: (tag: string, data: Dict) => void | Promise<void>;
  /** The master's key that manage requests must carry; default read from `cachedir/.<user>_key`. */
  masterKey?: () => string | null;
  /** Template context of reaction files (`salt`, `grains`, `pillar`); defaults: a master-minion loader, the master's grains (loaded once), `opts.pillar`. */
  render?: Partial<Omit<ReactionRenderContext, 'opts'>>;
  log?: Logger;
}

/** Counters since start. */
export interface ReactorStats {
  /** Events seen. */
  events: number;
  /** Events with at least one matching reactor entry. */
  matched: number;
  /** Reactions run (successful client calls). */
  reactions: number;
  /** Reactions or reaction files that failed (logged). */
  failed: number;
  /** Matching events dropped because `reactor_worker_hwm` events were already waiting. */
  dropped: number;
  pool: WorkPoolStats;
}

/** A reactor map entry as configured: one tag glob → SLS file(s). */
export type ReactorEntry = Record<string, string | string[]>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/**
 * True when the master should run a reactor (Salt adds the reactor engine): a non-empty
 * `reactor` option, or an engine entry naming `reactor`.
 */
export function reactorEnabled(opts: Opts): boolean {
  const engines = opts.engines;
  const names = Array.isArray(engines) ? engines.flatMap((e) => (isDict(e) ? Object.keys(e) : [String(e)])) : isDict(engines) ? Object.keys(engines) : [];
  if (names.some((n) => n.includes('reactor'))) return true;
  const r = opts.reactor;
  if (typeof r === 'string') return r !== '';
  return Array.isArray(r) ? r.length > 0 : isDict(r) && Object.keys(r).length > 0;
}

/**
 * Salt's `list_reactors`: the SLS references of every entry whose tag glob matches `tag`, in
 * map order. Entries that are not one-key mappings are skipped.
 */
export function matchReactors(map: unknown, tag: string): string[] {
  const out: string[] = [];
  if (!Array.isArray(map)) return out;
  for (const entry of map) {
    if (!isDict(entry)) continue;
    const keys = Object.keys(entry);
    if (keys.length !== 1) continue;
    const glob = keys[0]!;
    if (!fnmatch(tag, glob)) continue;
    const val = entry[glob];
    if (typeof val === 'string') out.push(val);
    else if (Array.isArray(val)) out.push(...val.map(String));
  }
  return out;
}

/** Salt's `get_master_key('root', opts)`: the access key file of the master's user. */
export function readMasterKey(opts: Opts): string | null {
  const user = opts.user && opts.user !== 'root' ? String(opts.user) : 'root';
  try {
    return readFileSync(join(String(opts.cachedir), `.${user.replace(/\\/g, '_')}_key`), 'utf8').trim();
  } catch {
    return null;
  }
}

export class Reactor {
  private readonly log: Logger;
  private readonly pool: WorkPool;
  private clients: ReactionClients;
  private signatures: SignatureLookup | undefined;
  private renderCtx: Promise<ReactionRenderContext> | null = null;
  private liveMap: unknown[] = [];
  private mapFileMtime = -1;
  private leader = true;
  private unsubscribe: (() => void) | null = null;
  private fireClient: import('../events/client.js').EventClient | null = null;
  private readonly counters = { events: 0, matched: 0, reactions: 0, failed: 0, dropped: 0 };

  /** @throws RangeError for `reactor_worker_threads` below 1 or a negative `reactor_worker_hwm`. */
  constructor(
    readonly opts: Opts,
    private readonly deps: ReactorDeps = {},
  ) {
    this.log = deps.log ?? nullLogger;
    this.pool = new WorkPool({
      concurrency: Number(opts.reactor_worker_threads ?? 10),
      hwm: Number(opts.reactor_worker_hwm ?? 10000),
      log: this.log,
      name: 'reactor',
    });
    this.clients = deps.clients ?? masterReactionClients(opts, this.log);
    this.signatures = deps.signatures;
    this.refreshMap();
  }

  /** Subscribes to the master bus through `source`. Idempotent. */
  start(source: EventSource): this {
    if (this.unsubscribe) return this;
    this.unsubscribe = source((ev) => this.handle(ev));
    this.log.info(`Reactor started with ${this.liveMap.length} reactor entr${this.liveMap.length === 1 ? 'y' : 'ies'}`);
    return this;
  }

  /** Stops listening, drops waiting events, waits for running reactions and closes the clients. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.pool.close();
    await this.clients.close?.().catch(() => undefined);
    await this.fireClient?.close();
    this.fireClient = null;
  }

  /** Resolves once no reaction is running or waiting (for tests and shutdown). */
  idle(): Promise<void> {
    return this.pool.idle();
  }

  get stats(): ReactorStats {
    return { ...this.counters, pool: this.pool.stats };
  }

  /** Whether this reactor reacts to events (`salt-run reactor.set_leader`). */
  get isLeader(): boolean {
    return this.leader;
  }

  /** The reactor map in force (Salt's `list_all`). */
  listAll(): unknown[] {
    this.refreshMap();
    return this.liveMap;
  }

  /** The SLS references for an event tag. */
  reactorsFor(tag: string): string[] {
    return matchReactors(this.listAll(), tag);
  }

  /** Salt's `add_reactor`: adds `{tag: reactors}` unless an entry for that exact tag exists. */
  addReactor(tag: string, reactors: unknown): { status: boolean; comment: string } {
    for (const entry of this.listAll()) if (isDict(entry) && Object.keys(entry)[0] === tag) return { status: false, comment: 'Reactor already exists.' };
    this.liveMap.push({ [tag]: reactors });
    return { status: true, comment: 'Reactor added.' };
  }

  /** Salt's `delete_reactor`: removes the entry for that exact tag. */
  deleteReactor(tag: string): { status: boolean; comment: string } {
    const list = this.listAll();
    const i = list.findIndex((entry) => isDict(entry) && Object.keys(entry)[0] === tag);
    if (i < 0) return { status: false, comment: 'Reactor does not exists.' };
    list.splice(i, 1);
    return { status: true, comment: 'Reactor deleted.' };
  }

  /**
   * Takes one event off the bus. Cheap for events without a matching reactor entry; matching
   * events are queued for the worker pool (or dropped and counted when it is full).
   */
  handle(event: SaltEvent): void {
    this.counters.events++;
    const { tag } = event;
    const data = isDict(event.data) ? event.data : {};
    if (data.user === REACTOR_USER) return;
    if (tag.includes('salt/reactors/manage')) {
      this.manage(tag, data);
      return;
    }
    if (!this.leader) return;
    const refs = this.reactorsFor(tag);
    if (!refs.length) return;
    this.counters.matched++;
    if (!this.pool.submit(() => this.react(tag, data, refs))) {
      this.counters.dropped++;
      if (this.counters.dropped === 1 || this.counters.dropped % 1000 === 0) {
        this.log.error(`Reactor dropped the event ${tag}: ${this.counters.dropped} event(s) dropped so far (reactor_worker_hwm ${this.pool.hwm} reached)`);
      }
    }
  }

  /** Renders the reactions of one event and runs them in order. */
  private async react(tag: string, data: Dict, refs: string[]): Promise<void> {
    this.log.debug(`Compiling reactions for tag ${tag}`);
    const [ctx, { compileReactions }] = await Promise.all([this.renderContext(), import('./render.js')]);
    const { chunks, errors } = await compileReactions(refs, tag, data, ctx, (this.opts.file_roots ?? {}) as FileRoots);
    for (const e of errors) {
      this.counters.failed++;
      this.log.error(e);
    }
    if (!chunks.length) return;
    this.signatures ??= await masterSignatures();
    for (const low of chunks) {
      const r = await runReaction(low, this.clients, this.signatures);
      for (const w of r.call?.warnings ?? []) this.log.warn(w);
      if (r.error) {
        this.counters.failed++;
        const what = `Reactor '${low.__id__}' failed to execute ${low.state} '${low.fun}'`;
        this.log.error(r.error.message.startsWith('Reactor ') || r.error.message.startsWith('ReactWrap') ? r.error.message : `${what}: ${r.error.message}`);
      } else this.counters.reactions++;
    }
  }

  private renderContext(): Promise<ReactionRenderContext> {
    this.renderCtx ??= (async () => {
      const given = this.deps.render ?? {};
      const grains = given.grains ?? (await this.loadGrains());
      return {
        opts: this.opts,
        grains,
        pillar: given.pillar ?? (isDict(this.opts.pillar) ? this.opts.pillar : {}),
        salt: given.salt ?? this.masterMinionCaller(grains),
        extra: given.extra,
      };
    })();
    return this.renderCtx;
  }

  private async loadGrains(): Promise<Dict> {
    try {
      const { loadGrains } = await import('../grains/load.js');
      return await loadGrains({ ...this.opts, file_client: 'local' });
    } catch (err) {
      this.log.warn(`Reactor could not load the master's grains: ${(err as Error).message}`);
      return {};
    }
  }

  /** Execution functions for templates (`salt['cmd.run'](...)`), loaded on first use. */
  private masterMinionCaller(grains: Dict): SaltCaller {
    let loader: Promise<import('../loader/loader.js').Loader> | null = null;
    return async (fun, args = [], kwargs = {}) => {
      loader ??= import('../loader/loader.js').then(({ Loader }) => new Loader({ opts: { ...this.opts, file_client: 'local' }, grains, log: this.log }));
      return (await loader).call(fun, args, kwargs);
    };
  }

  /** Answers a `salt/reactors/manage/*` request that carries the master key. */
  private manage(tag: string, data: Dict): void {
    const key = (this.deps.masterKey ?? (() => readMasterKey(this.opts)))();
    if (!key || data.key !== key) {
      this.log.error('received salt/reactors/manage event without matching master_key. discarding');
      return;
    }
    if (tag.endsWith('salt/reactors/manage/is_leader')) this.fire('salt/reactors/manage/leader/value', { result: this.leader });
    else if (tag.endsWith('salt/reactors/manage/set_leader')) {
      if (data.id === this.opts.id) this.leader = data.value !== false;
      this.fire('salt/reactors/manage/leader/value', { result: this.leader });
    } else if (tag.endsWith('salt/reactors/manage/add')) {
      const res = this.addReactor(String(data.event), data.reactors);
      this.fire('salt/reactors/manage/add-complete', { reactors: structuredClone(this.listAll()), result: res });
    } else if (tag.endsWith('salt/reactors/manage/delete')) {
      const res = this.deleteReactor(String(data.event));
      this.fire('salt/reactors/manage/delete-complete', { reactors: structuredClone(this.listAll()), result: res });
    } else if (tag.endsWith('salt/reactors/manage/list')) {
      this.fire('salt/reactors/manage/list-results', { reactors: structuredClone(this.listAll()) });
    }
  }

  private fire(tag: string, data: Dict): void {
    const done = (err: unknown): void => this.log.error(`Reactor could not fire ${tag}: ${(err as Error).message}`);
    try {
      if (this.deps.fire) {
        void Promise.resolve(this.deps.fire(tag, data)).catch(done);
        return;
      }
      void (async () => {
        if (!this.fireClient) {
          const [{ EventClient }, { busOptions }] = await Promise.all([import('../events/client.js'), import('../runners/_bus.js')]);
          this.fireClient = new EventClient(busOptions(this.opts));
        }
        await this.fireClient.fire(tag, data);
      })().catch(done);
    } catch (err) {
      done(err);
    }
  }

  /** Loads the reactor map: the option's list, or (re)reads the YAML file it names when it changed. */
  private refreshMap(): void {
    const r = this.opts.reactor;
    if (typeof r !== 'string') {
      if (this.mapFileMtime === -1) {
        this.liveMap = Array.isArray(r) ? [...r] : [];
        this.mapFileMtime = 0;
      }
      return;
    }
    let mtime: number;
    try {
      mtime = statSync(r).mtimeMs;
    } catch {
      if (this.mapFileMtime !== -2) this.log.error(`Failed to read reactor map: "${r}"`);
      this.mapFileMtime = -2;
      return;
    }
    if (mtime === this.mapFileMtime) return;
    this.mapFileMtime = mtime;
    try {
      const parsed = loadSaltYaml(readFileSync(r, 'utf8'), { filename: r });
      this.liveMap = Array.isArray(parsed) ? parsed : [];
    } catch {
      this.log.error(`Failed to parse YAML in reactor map: "${r}"`);
    }
  }
}
