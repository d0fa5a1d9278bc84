/**
 * A map handed to a long-lived minion service (scheduler, beacons) either as a value or as a
 * getter read at each use: the minion's pillar and grains change when they are refreshed.
 */
type Dict = Record<string, unknown>;

export type LiveDict = Dict | (() => Dict);

/** The current value of `source` (else `fallback`), or `{}` when that is not a map. */
export function readLiveDict(source: LiveDict | undefined, fallback: unknown): Dict {
  const v = typeof source === 'function' ? source() : source ?? fallback;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : {};
}
