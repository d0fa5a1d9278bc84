/**
 * Copying an options object without computing its lazy options (the master `id`, which asks the
 * resolver, is an accessor until first read: see `loadMasterConfig`).
 */

/**
 * A shallow copy of `opts` with `overrides` set on top, like `{ ...opts, ...overrides }` (own
 * enumerable keys, in order, as plain writable data) except that accessor properties are copied
 * as accessors instead of being read.
 */
export function copyOptions<T extends object>(opts: T, overrides: Record<string, unknown> = {}): T & Record<string, unknown> {
  const descriptors: PropertyDescriptorMap & Record<PropertyKey, PropertyDescriptor> = {};
  for (const key of Reflect.ownKeys(opts)) {
    const d = Object.getOwnPropertyDescriptor(opts, key);
    if (!d?.enumerable) continue;
    descriptors[key] = d.get || d.set
      ? { get: d.get, set: d.set, enumerable: true, configurable: true }
      : { value: d.value, writable: true, enumerable: true, configurable: true };
  }
  for (const [key, value] of Object.entries(overrides)) {
    descriptors[key] = { value, writable: true, enumerable: true, configurable: true };
  }
  return Object.defineProperties({}, descriptors) as T & Record<string, unknown>;
}
