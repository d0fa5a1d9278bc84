/**
 * Keeps fired events under `max_event_size` (default 1 MiB) the way Salt's `dicttrim` does:
 * values larger than 50%, then 40%, 30%, 20%, 10% of the limit are replaced by the text
 * `VALUE_TRIMMED` (nested maps are trimmed inside) until the packed data fits.
 *
 * Salt measures single values with Python's `sys.getsizeof`, which has no JS equivalent; here a
 * value's size is its msgpack length, so the exact cut-off can differ slightly from Salt's.
 */
import { packBin } from '../protocol/binpack.js';
import { stampEvent, TAGEND, type EventData } from './event.js';

export const DEFAULT_MAX_EVENT_SIZE = 1048576;
export const TRIMMED = 'VALUE_TRIMMED';

// Python's sys.getsizeof(bytes) adds this header to the length; Salt compares that sum.
const PY_BYTES_OVERHEAD = 33;

/**
 * Packs event data with msgpack (use_bin_type=True), trimming it first when it is larger than
 * `maxSize`. Returns the packed bytes; the input object is not modified.
 */
export function packTrimmedData(data: EventData, maxSize = DEFAULT_MAX_EVENT_SIZE): Buffer {
  let packed = packBin(data);
  if (!maxSize || packed.length + PY_BYTES_OVERHEAD <= maxSize) return packed;
  const work = cloneMaps(data) as EventData;
  for (let percent = 50; ; ) {
    const limit = (maxSize * percent) / 100;
    trimValues(work, limit);
    percent -= 10;
    packed = packBin(work);
    if (packed.length + PY_BYTES_OVERHEAD < maxSize || percent <= 0) return packed;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array) && !(v instanceof Map);
}

function cloneMaps(v: unknown): unknown {
  if (!isMap(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = cloneMaps(val);
  return out;
}

function trimValues(map: Record<string, unknown>, limit: number): void {
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (isMap(value)) trimValues(value, limit);
    else if (packBin(value).length > limit) map[key] = TRIMMED;
  }
}

const TAGEND_BUF = Buffer.from(TAGEND);

/**
 * The body of a fired event as the bus carries it: tag ‖ "\n\n" ‖ msgpack of the data with
 * `_stamp` added, trimmed to `maxSize`. Whoever fires packs: the master's worker threads hand the
 * main thread finished bytes instead of objects to clone and pack again.
 */
export function packStampedEvent(tag: string, data: EventData, maxSize = DEFAULT_MAX_EVENT_SIZE): Buffer {
  const tagBuf = Buffer.from(tag, 'utf8');
  const packed = packTrimmedData(stampEvent(data), maxSize);
  return Buffer.concat([tagBuf, TAGEND_BUF, packed], tagBuf.length + TAGEND_BUF.length + packed.length);
}
