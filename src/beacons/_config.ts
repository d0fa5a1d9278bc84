/** Helpers for beacon configs (Salt's `salt.utils.beacons`). */

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Salt's `list_to_dict`: a list of one-key maps merged into one map (a map is copied as is). */
export function listToDict(config: unknown): Dict {
  if (isDict(config)) return { ...config };
  const out: Dict = {};
  if (Array.isArray(config)) for (const item of config) if (isDict(item)) Object.assign(out, item);
  return out;
}

/** Salt's `remove_hidden_options`: drops entries holding a `_`-prefixed key not in the whitelist. */
export function removeHiddenOptions(config: Dict[], whitelist: string[] = []): Dict[] {
  return config.filter((entry) => !Object.keys(entry).some((k) => k.startsWith('_') && !whitelist.includes(k)));
}
