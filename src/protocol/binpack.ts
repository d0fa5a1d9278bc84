/**
 * msgpack for Salt's "use_bin_type=True" contexts: the local event bus and on-disk caches
 * (job cache `.p` files, minion data cache). Text is msgpack str, Buffers are msgpack bin,
 * integral numbers are ints, others float64 — what msgpack-python writes there.
 *
 * The network (4505/4506) uses a different encoding: see payload.ts.
 */
// The `pack`/`unpack` entry points: the codec alone, without the record-structure, stream and
// native-extension modules the package root loads (a third of the start-up cost, unused here).
import { Packr } from 'msgpackr/pack';
import { Unpackr } from 'msgpackr/unpack';
import { PyFloat } from './pytypes.js';

const packr = new Packr({
  useRecords: false,
  variableMapSize: true,
  encodeUndefinedAsNil: true,
  useFloat32: 0,
});
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  // msgpackr writes integers beyond 32 bits as float64; msgpack-python writes int64/uint64.
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 2 ** 32) return BigInt(v);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
    if (v instanceof Map) {
      const out = new Map();
      for (const [k, val] of v) out.set(k, toPlain(val));
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = toPlain(val);
    return out;
  }
  return v;
}

/** Packs a value the way Salt writes event payloads and cache files. */
export function packBin(value: unknown): Buffer {
  return packr.pack(toPlain(value));
}

/** Unpacks a use_bin_type=True msgpack buffer (one object). */
export function unpackBin(buf: Buffer | Uint8Array): unknown {
  return unpackr.unpack(buf);
}

/** Unpacks every complete object in a stream buffer; returns them and the unread tail. */
export function unpackBinStream(buf: Buffer): { values: unknown[]; rest: Buffer } {
  const values: unknown[] = [];
  let offset = 0;
  try {
    unpackr.unpackMultiple(buf, (value: unknown, start?: number, end?: number) => {
      values.push(value);
      if (end !== undefined) offset = end;
    });
  } catch (err) {
    // An incomplete trailing object: keep it for the next chunk.
    if (!(err instanceof Error) || !(err as { incomplete?: boolean }).incomplete) throw err;
    const e = err as { lastPosition?: number; values?: unknown[] };
    if (e.lastPosition !== undefined) offset = e.lastPosition;
  }
  return { values, rest: buf.subarray(offset) };
}
