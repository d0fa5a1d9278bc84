/** The beacon system's shapes: a beacon module, what it runs with, and what `beacons.*` drives. */
import type { Logger } from '../log/logger.js';
import type { SaltCaller } from '../loader/types.js';

type Dict = Record<string, unknown>;

/** What a beacon function gets besides its config (Salt's dunders). */
export interface BeaconContext {
  opts: Dict;
  grains: Dict;
  /** Calls an execution function (`__salt__`), e.g. `service.status`. */
  salt: SaltCaller;
  log: Logger;
  /** State kept between runs (Salt's `__context__`), shared by all beacons of one minion. */
  context: Dict;
}

/** One beacon module (Salt's `salt/beacons/<name>.py`). */
export interface BeaconModule {
  /** The beacon's name (`inotify`, `diskusage`...). */
  name: string;
  /** Checks a config (the list form); `[valid, comment]`. */
  validate?: (config: unknown) => [boolean, string];
  /**
   * Runs the beacon once with its config (a list of one-key maps, plus `{_beacon_name}`); returns
   * the event data to fire (a `tag` key is appended to the event tag).
   */
  beacon: (config: Dict[], ctx: BeaconContext) => Dict[] | Promise<Dict[]>;
  /** Releases what the beacon holds (watches), e.g. while a state run is in progress. */
  close?: (config: Dict[], ctx: BeaconContext) => void;
}

/** One event a beacon run produced, as sent in the batch `_minion_event` load. */
export interface BeaconEvent {
  tag: string;
  data: Dict;
  beacon_name: string;
  error?: string;
}

/** The outcome of a beacon management call (Salt's `minion_beacon_*_complete` event data). */
export interface BeaconChange {
  complete: boolean;
  comment?: string;
  /** The config beacons after the call. */
  beacons: Dict;
}

/** The live beacons as the `beacons` execution module drives them (Salt: `manage_beacons` events). */
export interface BeaconControl {
  /** Configured beacons: pillar ones and/or config ones (deep copy). */
  list(includePillar?: boolean, includeOpts?: boolean): Dict;
  /** Names of the beacon modules this minion has. */
  listAvailable(): string[];
  /** Validates a beacon config with its module's `validate`. */
  validate(name: string, data: unknown): { valid: boolean; vcomment: string };
  add(name: string, data: unknown): BeaconChange;
  modify(name: string, data: unknown): BeaconChange;
  delete(name: string): BeaconChange;
  enableAll(): BeaconChange;
  disableAll(): BeaconChange;
  enableBeacon(name: string): BeaconChange;
  disableBeacon(name: string): BeaconChange;
  reset(): BeaconChange;
}
