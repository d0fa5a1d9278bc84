/**
 * Shape checks for decoded wire values. A Salt map decodes to a plain object; bytes arrive as
 * Buffers, or as strings when they happened to be valid UTF-8 (salt-wire 1.3).
 */

/** A decoded msgpack map with string keys (not an array, Buffer or Map). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Map);
}

/** Bytes of a wire value that should be binary; undefined when it is neither bytes nor text. */
export function asBuffer(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return undefined;
}
