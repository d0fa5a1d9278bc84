/**
 * The beacon system (Salt's `salt.beacons.Beacon`): every second it runs the configured beacons
 * (`beacons:` from the pillar, else from the minion config), honouring `enabled`, `interval`,
 * `disable_during_state_run`, `run_once` and `beacon_module`, and hands the events to a
 * `fireBatch` callback, which the minion sends as one batch `_minion_event`
 * (tags `salt/beacon/<id>/<beacon>/<sub tag>`).
 */
import { readLiveDict, type LiveDict } from '../live_dict.js';
import { nullLogger, type Logger } from '../log/logger.js';
import type { JobRegistry, SaltCaller } from '../loader/types.js';
import { BUILTIN_BEACONS } from './registry.js';
import { listToDict } from './_config.js';
import type { BeaconChange, BeaconContext, BeaconControl, BeaconEvent, BeaconModule } from './types.js';

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** How a {@link Beacons} is set up. */
export interface BeaconsOptions {
  /** The minion options; `opts.beacons` is the live config (mutated in place, as in Salt). */
  opts: Dict;
  /** The pillar, or a getter for the current one. Default `opts.pillar`. */
  pillar?: LiveDict;
  /** The grains, or a getter. Default `opts.grains`. */
  grains?: LiveDict;
  /** Calls execution functions (for the `service` beacon). */
  salt?: SaltCaller;
  /** The minion's running jobs (for `disable_during_state_run`). */
  jobs?: JobRegistry;
  /** Sends a batch of beacon events to the master (one `_minion_event` with `events`). */
  fireBatch?: (events: BeaconEvent[]) => Promise<unknown>;
  log?: Logger;
  /** Beacon modules by name (default: the built-in ones). */
  modules?: Readonly<Record<string, BeaconModule>>;
}

/** The beacon system; see the module comment. */
export class Beacons implements BeaconControl {
  readonly opts: Dict;
  private readonly log: Logger;
  private readonly modules: Readonly<Record<string, BeaconModule>>;
  private readonly intervalMap = new Map<string, number>();
  private readonly context: Dict = {};
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly options: BeaconsOptions) {
    this.opts = options.opts;
    if (!isDict(this.opts.beacons)) this.opts.beacons = {};
    this.log = options.log ?? nullLogger;
    this.modules = options.modules ?? BUILTIN_BEACONS;
  }

  private optsBeacons(): Dict {
    if (!isDict(this.opts.beacons)) this.opts.beacons = {};
    return this.opts.beacons as Dict;
  }

  private pillar(): Dict {
    return readLiveDict(this.options.pillar, this.opts.pillar);
  }

  private grains(): Dict {
    return readLiveDict(this.options.grains, this.opts.grains);
  }

  private beaconContext(): BeaconContext {
    return {
      opts: this.opts,
      grains: this.grains(),
      salt: this.options.salt ?? (async (fun) => {
        throw new Error(`'${fun}' is not available to beacons here`);
      }),
      log: this.log,
      context: this.context,
    };
  }

  /**
   * The beacons to run: the pillar's `beacons` when it has some, else the config ones (Salt reads
   * them with `config.merge("beacons", opts["beacons"], omit_opts=True)`).
   */
  activeConfig(): Dict {
    const fromPillar = this.pillar().beacons;
    return isDict(fromPillar) ? fromPillar : this.optsBeacons();
  }

  // ---- timer ---------------------------------------------------------------------------------

  /** Starts processing every second (Salt's periodic callback); events go to `fireBatch`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  /** Stops the timer and closes every beacon that holds resources (watches). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closeAll();
  }

  private closeAll(): void {
    const ctx = this.beaconContext();
    for (const [mod, raw] of Object.entries(this.activeConfig())) {
      if (mod === 'enabled') continue;
      const name = (listToDict(raw).beacon_module as string | undefined) ?? mod;
      try {
        this.modules[name]?.close?.([...this.configList(raw), { _beacon_name: mod }], ctx);
      } catch {
        // closing is best effort
      }
    }
  }

  /** One round: process the beacons and fire what they found. Never rejects. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const events = await this.process();
      if (events.length && this.options.fireBatch) await this.options.fireBatch(events);
    } catch (err) {
      this.log.critical(`The beacon errored: ${(err as Error).stack ?? err}`);
    } finally {
      this.busy = false;
    }
  }

  private configList(raw: unknown): Dict[] {
    if (Array.isArray(raw)) return raw.filter(isDict).map((d) => ({ ...d }));
    if (isDict(raw)) return Object.entries(raw).map(([k, v]) => ({ [k]: v }));
    return [];
  }

  private intervalReached(mod: string, interval: number): boolean {
    const loop = Number(this.opts.loop_interval ?? 1);
    const counter = this.intervalMap.get(mod);
    if (counter === undefined) {
      this.intervalMap.set(mod, 1);
      return false;
    }
    if (counter * loop >= interval) {
      this.intervalMap.set(mod, 1);
      return true;
    }
    this.intervalMap.set(mod, counter + 1);
    return false;
  }

  private stateRunning(): boolean {
    return (this.options.jobs?.list() ?? []).some((job) => {
      const funs = Array.isArray(job.fun) ? job.fun : [job.fun];
      return funs.some((f) => typeof f === 'string' && f.startsWith('state'));
    });
  }

  /**
   * Runs every enabled beacon once (interval and state-run rules applied) and returns their
   * events. A beacon that throws yields an event with `error` and empty data.
   */
  async process(config: Dict = this.activeConfig()): Promise<BeaconEvent[]> {
    const ret: BeaconEvent[] = [];
    if ('enabled' in config && !config.enabled) return ret;
    const id = String(this.opts.id ?? '');
    const ctx = this.beaconContext();
    for (const [mod, raw] of Object.entries(config)) {
      if (mod === 'enabled') continue;
      const settings = listToDict(raw);
      if ('enabled' in settings && !settings.enabled) {
        this.log.trace(`Beacon ${mod} disabled`);
        continue;
      }
      const beaconName = typeof settings.beacon_module === 'string' ? settings.beacon_module : mod;
      let list = this.configList(raw).filter((d) => !('enabled' in d));
      const module = this.modules[beaconName];
      if (module?.validate) {
        const [valid, comment] = module.validate(structuredClone(raw));
        if (!valid) {
          this.log.error(`Beacon ${mod} configuration invalid, not running.\n${comment}`);
          continue;
        }
      } else if (!Array.isArray(raw)) {
        this.log.error('Configuration for beacon must be a list.');
        continue;
      }
      if (!module) {
        this.log.warn(`Unable to process beacon ${mod}`);
        continue;
      }
      list.push({ _beacon_name: mod });
      if (settings.interval) {
        list = list.filter((d) => !('interval' in d));
        if (!this.intervalReached(mod, Number(settings.interval))) continue;
      }
      if (settings.disable_during_state_run) {
        list = list.filter((d) => !('disable_during_state_run' in d));
        if (this.stateRunning()) {
          if (module.close) {
            this.log.info(`Closing beacon ${mod}. State run in progress.`);
            module.close(list, ctx);
          } else {
            this.log.info(`Skipping beacon ${mod}. State run in progress.`);
          }
          continue;
        }
      }
      const tag = `salt/beacon/${id}/${mod}/`;
      let raws: Dict[];
      try {
        raws = await module.beacon(list, ctx);
      } catch (err) {
        const error = (err as Error)?.message ?? String(err);
        this.log.error(`Unable to start ${mod} beacon, ${error}`);
        ret.push({ tag, error, data: {}, beacon_name: beaconName });
        continue;
      }
      for (const data of raws) {
        let t = tag;
        if ('tag' in data) {
          t += String(data.tag);
          delete data.tag;
        }
        if (!('id' in data)) data.id = id;
        ret.push({ tag: t, data, beacon_name: beaconName });
      }
      if (settings.run_once) this.disableBeacon(mod);
    }
    return ret;
  }

  // ---- management (BeaconControl) ------------------------------------------------------------

  private configured(includePillar = true, includeOpts = true): Dict {
    const out: Dict = {};
    if (includePillar) {
      const pb = this.pillar().beacons ?? {};
      if (!isDict(pb)) throw new TypeError('Beacons must be of type dict.');
      Object.assign(out, pb);
    }
    if (includeOpts) Object.assign(out, this.optsBeacons());
    return out;
  }

  list(includePillar = true, includeOpts = true): Dict {
    return structuredClone(this.configured(includePillar, includeOpts));
  }

  listAvailable(): string[] {
    return Object.keys(this.modules);
  }

  validate(name: string, data: unknown): { valid: boolean; vcomment: string } {
    const items = Array.isArray(data) ? data : [];
    const moduleName = (items.find((i) => isDict(i) && 'beacon_module' in i) as Dict | undefined)?.beacon_module ?? name;
    const module = this.modules[String(moduleName)];
    if (!module?.validate) return { valid: true, vcomment: `Beacon ${String(moduleName)} does not have a validate function, skipping validation.` };
    const [valid, vcomment] = module.validate(Array.isArray(data) ? data.filter((i) => !(isDict(i) && 'enabled' in i)) : data);
    return { valid, vcomment };
  }

  private change(complete: boolean, comment: string): BeaconChange {
    return { complete, comment, beacons: structuredClone(this.optsBeacons()) };
  }

  private inPillar(name: string): boolean {
    return name in this.configured(true, false);
  }

  add(name: string, data: unknown): BeaconChange {
    if (this.inPillar(name)) return this.change(false, `Cannot update beacon item ${name}, because it is configured in pillar.`);
    const comment = name in this.optsBeacons() ? `Updating settings for beacon item: ${name}` : `Added new beacon item: ${name}`;
    this.optsBeacons()[name] = data;
    return this.change(true, comment);
  }

  modify(name: string, data: unknown): BeaconChange {
    if (this.inPillar(name)) return this.change(false, `Cannot modify beacon item ${name}, it is configured in pillar.`);
    this.optsBeacons()[name] = data;
    return this.change(true, `Updating settings for beacon item: ${name}`);
  }

  delete(name: string): BeaconChange {
    if (this.inPillar(name)) return this.change(false, `Cannot delete beacon item ${name}, it is configured in pillar.`);
    if (!(name in this.optsBeacons())) return this.change(true, `Beacon item ${name} not found.`);
    const raw = this.optsBeacons()[name];
    delete this.optsBeacons()[name];
    this.intervalMap.delete(name);
    const moduleName = (listToDict(raw).beacon_module as string | undefined) ?? name;
    this.modules[moduleName]?.close?.([...this.configList(raw), { _beacon_name: name }], this.beaconContext());
    return this.change(true, `Deleting beacon item: ${name}`);
  }

  enableAll(): BeaconChange {
    this.optsBeacons().enabled = true;
    return { complete: true, beacons: structuredClone(this.optsBeacons()) };
  }

  disableAll(): BeaconChange {
    this.optsBeacons().enabled = false;
    return { complete: true, beacons: structuredClone(this.optsBeacons()) };
  }

  private setEnabled(name: string, value: boolean): void {
    const current = this.optsBeacons()[name];
    if (isDict(current)) {
      current.enabled = value;
    } else if (Array.isArray(current)) {
      const item = current.find((i) => isDict(i) && 'enabled' in i) as Dict | undefined;
      if (item) item.enabled = value;
      else current.push({ enabled: value });
    } else {
      this.optsBeacons()[name] = [{ enabled: value }];
    }
  }

  enableBeacon(name: string): BeaconChange {
    if (this.inPillar(name)) return this.change(false, `Cannot enable beacon item ${name}, it is configured in pillar.`);
    this.setEnabled(name, true);
    return this.change(true, `Enabling beacon item ${name}`);
  }

  disableBeacon(name: string): BeaconChange {
    if (this.inPillar(name)) return this.change(false, `Cannot disable beacon item ${name}, it is configured in pillar.`);
    this.setEnabled(name, false);
    return this.change(true, `Disabling beacon item ${name}`);
  }

  reset(): BeaconChange {
    this.closeAll();
    this.opts.beacons = {};
    this.intervalMap.clear();
    return { complete: true, comment: 'Beacons have been reset', beacons: {} };
  }
}
