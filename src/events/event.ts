/**
 * Salt's event encoding (salt-wire 9.1): tags, the packed event `tag ‖ "\n\n" ‖ msgpack(data)`
 * (msgpack with use_bin_type=True) and the `_stamp` time format.
 */
import { packBin, unpackBin } from '../protocol/binpack.js';
import { EventDecodeError, InvalidEventError } from './errors.js';

/** Separates the tag from the data in a packed event. */
export const TAGEND = '\n\n';
/** Separates the namespaces of a tag. */
export const TAGPARTER = '/';

const TAGEND_BYTES = Buffer.from(TAGEND);

/** Event data: always a map. */
export type EventData = Record<string, unknown>;

/** One event as seen by a subscriber. */
export interface SaltEvent {
  tag: string;
  data: EventData;
}

/**
 * Builds a namespaced tag the way Salt's `tagify` does: the non-empty parts of
 * `[base, prefix, ...suffix]` joined with `/`. Salt's prefix aliases (`job`, `key`, `run`...) map
 * to themselves, so the prefix is used as given. Non-string parts are converted with `String()`.
 *
 * tagify(['20250101000000000000', 'ret', 'm1'], 'job') → `salt/job/20250101000000000000/ret/m1`
 */
export function tagify(suffix: string | number | ReadonlyArray<string | number> = '', prefix = '', base = 'salt'): string {
  const parts: unknown[] = [base, prefix];
  if (Array.isArray(suffix)) parts.push(...suffix);
  else parts.push(suffix);
  return parts
    .map((p) => (p === null || p === undefined ? '' : String(p)))
    .filter((p) => p !== '')
    .join(TAGPARTER);
}

/** True for values Salt accepts as event data (a dict). */
export function isEventData(data: unknown): data is EventData {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    !Buffer.isBuffer(data) &&
    !(data instanceof Uint8Array)
  );
}

/**
 * Checks a tag and data the way `fire_event` does.
 * @throws InvalidEventError when the tag is empty or holds "\n\n", or the data is not a map.
 */
export function assertValidEvent(tag: unknown, data: unknown): asserts data is EventData {
  if (typeof tag !== 'string' || tag === '') {
    throw new InvalidEventError(`An event tag must be a non-empty string: got ${describe(tag)}`);
  }
  if (tag.includes(TAGEND)) {
    throw new InvalidEventError(`An event tag must not contain "\\n\\n" (the tag end marker): got ${JSON.stringify(tag)}`);
  }
  if (!isEventData(data)) {
    throw new InvalidEventError(`Event data must be a map (dict): got ${describe(data)} for tag ${tag}`);
  }
}

/**
 * Packs an event: UTF-8 tag ‖ "\n\n" ‖ msgpack(data, use_bin_type=True). Does not add `_stamp`
 * (see {@link stampEvent}).
 * @throws InvalidEventError for an empty tag or non-map data.
 */
export function packEvent(tag: string, data: EventData): Buffer {
  assertValidEvent(tag, data);
  return Buffer.concat([Buffer.from(tag, 'utf8'), TAGEND_BYTES, packBin(data)]);
}

/**
 * Splits a packed event at the first "\n\n" and decodes its data.
 * @throws EventDecodeError when there is no tag end marker or the data is not one msgpack map.
 */
export function unpackEvent(buf: Buffer | Uint8Array): SaltEvent {
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = eventTagEnd(bytes);
  if (end < 0) throw new EventDecodeError(`A packed event must hold "\\n\\n" after its tag: got ${bytes.length} bytes without it`);
  const tag = bytes.toString('utf8', 0, end);
  let data: unknown;
  try {
    data = unpackBin(bytes.subarray(end + TAGEND_BYTES.length));
  } catch (err) {
    throw new EventDecodeError(`The data of event ${JSON.stringify(tag)} is not valid msgpack: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!isEventData(data)) throw new EventDecodeError(`The data of event ${JSON.stringify(tag)} must be a map: got ${describe(data)}`);
  return { tag, data };
}

/** Index of the tag end marker in a packed event, or -1. */
export function eventTagEnd(packed: Buffer): number {
  return packed.indexOf(TAGEND_BYTES);
}

/** Reads only the tag of a packed event (cheap; the data stays undecoded), or null without a marker. */
export function peekEventTag(packed: Buffer): string | null {
  const end = eventTagEnd(packed);
  return end < 0 ? null : packed.toString('utf8', 0, end);
}

/**
 * A UTC time as Python's `datetime.utcnow().isoformat()` writes it: `2025-06-12T18:30:55.123456`,
 * with the fraction left out when the microseconds are zero.
 * @param epochMs milliseconds since the epoch; a fractional part carries the microseconds.
 *   Default: now, with microseconds from the high-resolution clock.
 */
export function utcStamp(epochMs: number = nowWithMicros()): string {
  const whole = Math.floor(epochMs);
  const d = new Date(whole);
  const micros = d.getUTCMilliseconds() * 1000 + Math.min(999, Math.round((epochMs - whole) * 1000));
  const base = d.toISOString().slice(0, 19);
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, '0')}`;
}

/** Now in epoch milliseconds, with the sub-millisecond part from the high-resolution clock. */
function nowWithMicros(): number {
  const t = performance.now();
  return Date.now() + (t - Math.floor(t));
}

/** Returns a copy of `data` with `_stamp` set to now, as `fire_event` does. */
export function stampEvent(data: EventData, stamp = utcStamp()): EventData {
  return { ...data, _stamp: stamp };
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'a list';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v;
}
