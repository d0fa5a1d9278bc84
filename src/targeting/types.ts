/** Shared types of the targeting matchers. */

/** Level of a record Salt would log (only WARNING and above are reported). */
export type TargetLogLevel = 'ERROR' | 'WARNING';

/** Receives the WARNING+ records Salt logs while matching, in Salt's wording. */
export type TargetLogger = (level: TargetLogLevel, message: string) => void;

/** A logger that drops everything (the default). */
export const silentLog: TargetLogger = () => {};

/**
 * What a Salt matcher returns: normally a bool; ipcidr returns Python `[]` for an invalid target,
 * and a compound expression can evaluate to `[]` (`True and []`). `[]` is falsy, like in Python.
 */
export type MatcherReturn = boolean | [];

/** Python truthiness of a matcher return. */
export function isTruthy(v: MatcherReturn): boolean {
  return v === true;
}

/** Nodegroups config: a compound expression string, or a list of words. */
export type Nodegroups = Record<string, string | unknown[]>;

/** The minion-side facts the matchers look at. */
export interface MinionTargetContext {
  /** The minion's `id` option. */
  id: string;
  /** The minion's grains (`ipv4`/`ipv6` are what ipcidr looks at). */
  grains: Record<string, unknown>;
  /** The minion's pillar. */
  pillar: Record<string, unknown>;
  /** The minion's own `nodegroups` option (used by `N@` left inside a compound target). */
  nodegroups?: Nodegroups;
  /** Receives Salt's WARNING+ log records. */
  log?: TargetLogger;
}
