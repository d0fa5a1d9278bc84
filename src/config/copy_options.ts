/**
 * Copying an options object without computing its lazy options (the master `id`, which asks the
 * resolver, is an accessor until first read: see `loadMasterConfig`).
 */

/**
 * A shallow copy of `opts` with `overrides` set on top, like `{ ...opts, ...overrides }` (own
 * enumerable keys, in order, as plain writable data) except that accessor properties are copied
 * as accessors instead of being read.
 *
 * Data properties are assigned, not defined: the CLI copies a ~500-key master config once per
 * printed return, and `Object.defineProperties` made that the largest cost of a 1,000-minion run.
 */
export function copyOptions<T extends object>(opts: T, overrides: Record<string, unknown> = {}): T & Record<string, unknown> {
  const out: Record<PropertyKey, unknown> = {};
  const descriptors = Object.getOwnPropertyDescriptors(opts) as Record<PropertyKey, PropertyDescriptor>;
  for (const key of Reflect.ownKeys(descriptors)) {
    const d = descriptors[key]!;
    if (!d.enumerable) continue;
    if (d.get || d.set) Object.defineProperty(out, key, { get: d.get, set: d.set, enumerable: true, configurable: true });
    else if (key === '__proto__') Object.defineProperty(out, key, { value: d.value, writable: true, enumerable: true, configurable: true });
    else out[key] = d.value;
  }
  for (const [key, value] of Object.entries(overrides)) {
    if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    else out[key] = value;
  }
  return out as T & Record<string, unknown>;
}

/**
 * `overrides` laid over `opts` without copying it: reads fall through to `opts` (accessors stay
 * unread until used), `in` sees both. For read-only uses such as an outputter's options, where a
 * copy per printed return would cost more than the printing.
 */
export function overlayOptions<T extends object>(opts: T, overrides: Record<string, unknown>): T & Record<string, unknown> {
  const out = Object.create(opts) as Record<PropertyKey, unknown>;
  for (const [key, value] of Object.entries(overrides)) Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  return out as T & Record<string, unknown>;
}
