/**
 * Salt's "wire msgpack" (`salt.payload.dumps` / `loads`), hand-written because the exact bytes
 * matter: Salt packs with msgpack-python's `use_bin_type=False`, which emits text AND bytes in
 * the str family (fixstr / str16 / str32, never str8 `d9`, never bin), and Salt unpacks every
 * str-family value as raw bytes before turning the valid-UTF-8 ones into text.
 *
 * JS ⇄ Python value mapping used by {@link encodeWire} and {@link decodeWire}:
 *
 * | msgpack            | decoded as                                   | encoded from                          |
 * |--------------------|----------------------------------------------|---------------------------------------|
 * | nil, bool          | `null`, boolean                              | `null`/`undefined`, boolean           |
 * | int                | number, or bigint beyond ±(2^53−1)           | integral number, bigint (≥2^64 or <−2^63 → decimal text, like Salt) |
 * | float32/64         | number; {@link PyFloat} when integral (`2.0`)| non-integral number, NaN/±Inf, PyFloat |
 * | str / bin          | string when valid UTF-8, else Buffer         | string, Buffer/Uint8Array (str family) |
 * | array              | array                                        | array, Set                            |
 * | map                | plain object, or `Map` (see below)           | plain object, Map                     |
 * | ext 78             | {@link PyDateTime}                           | PyDateTime, Date (UTC fields)         |
 * | ext 79             | {@link SaltConstant}                         | SaltConstant                          |
 * | other ext          | its data, UTF-8-decoded like a str           | —                                     |
 *
 * Maps decode to a plain object when every key is a string that a JS object keeps in insertion
 * order; otherwise (an int/bytes/float/nil key, or an array-index-like string such as `"1"`,
 * which JS objects would move to the front) they decode to a `Map`, so that re-encoding gives
 * the same bytes. A `__proto__` key becomes an own property, never the prototype.
 */
import { isUtf8 } from 'node:buffer';
import { PayloadError } from './errors.js';
import { PyFloat } from './pytypes.js';
import { PyDateTime, SaltConstant } from './wiretypes.js';

export { PyDateTime, SaltConstant } from './wiretypes.js';

/** Deepest nesting accepted by the decoder and encoder (msgpack-python's unpacker stops at 1024 too). */
export const MAX_DEPTH = 1024;

const EXT_DATETIME = 78;
const EXT_CONSTANT = 79;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const INDEX_LIKE_KEY = /^(0|[1-9][0-9]*)$/;

// ---------------------------------------------------------------------------------------------
// Encoder

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }
  i8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }
  i16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64BE(v, this.pos);
    this.pos += 8;
  }
  i64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Options of {@link encodeWire}. */
export interface EncodeOptions {
  /**
   * msgpack-python's `use_bin_type=True` (IPC, disk caches, the inside of ext 79): text may use
   * str8 and bytes use bin. Default false: the 4505/4506 wire format.
   */
  useBinType?: boolean;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

class Encoder {
  private readonly w = new Writer();
  constructor(private readonly binType: boolean) {}

  finish(): Buffer {
    return this.w.result();
  }

  value(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw new PayloadError(`cannot encode: nesting deeper than ${MAX_DEPTH} (cyclic value?)`);
    const w = this.w;
    if (v === null || v === undefined) return w.u8(0xc0);
    switch (typeof v) {
      case 'boolean':
        return w.u8(v ? 0xc3 : 0xc2);
      case 'number':
        if (Number.isInteger(v)) return this.int(Number.isSafeInteger(v) ? v : BigInt(v));
        w.u8(0xcb);
        return w.f64(v);
      case 'bigint':
        return this.int(v);
      case 'string':
        return this.str(Buffer.from(v, 'utf8'));
      case 'object':
        break;
      default:
        throw new PayloadError(`cannot encode a ${typeof v} as msgpack`);
    }
    if (v instanceof PyFloat) {
      w.u8(0xcb);
      return w.f64(v.value);
    }
    if (v instanceof Uint8Array) return this.binType ? this.bin(v) : this.str(v);
    if (Array.isArray(v)) return this.array(v, depth);
    if (v instanceof Set) return this.array([...v], depth);
    if (v instanceof Map) return this.map([...v.entries()], depth);
    if (v instanceof PyDateTime) return this.ext(EXT_DATETIME, Buffer.from(v.toExtText(), 'ascii'));
    if (v instanceof Date) return this.ext(EXT_DATETIME, Buffer.from(PyDateTime.fromDate(v).toExtText(), 'ascii'));
    if (v instanceof SaltConstant) {
      return this.ext(EXT_CONSTANT, encodeWire([v.name, v.value], { useBinType: true }));
    }
    if (isPlainObject(v)) return this.map(Object.entries(v), depth);
    throw new PayloadError(`cannot encode a ${describe(v)} as msgpack`);
  }

  private int(n: number | bigint): void {
    const w = this.w;
    if (typeof n === 'bigint') {
      if (n >= -(2n ** 53n) && n <= 2n ** 53n) return this.int(Number(n));
      // Salt's encoder turns ints that msgpack cannot hold into their decimal text.
      if (n > UINT64_MAX || n < INT64_MIN) return this.str(Buffer.from(n.toString(), 'ascii'));
      if (n > 0n) {
        w.u8(0xcf);
        return w.u64(n);
      }
      w.u8(0xd3);
      return w.i64(n);
    }
    if (n >= 0) {
      if (n <= 0x7f) return w.u8(n);
      if (n <= 0xff) return w.u8(0xcc), w.u8(n);
      if (n <= 0xffff) return w.u8(0xcd), w.u16(n);
      if (n <= 0xffffffff) return w.u8(0xce), w.u32(n);
      return w.u8(0xcf), w.u64(BigInt(n));
    }
    if (n >= -32) return w.u8(n & 0xff);
    if (n >= -0x80) return w.u8(0xd0), w.i8(n);
    if (n >= -0x8000) return w.u8(0xd1), w.i16(n);
    if (n >= -0x80000000) return w.u8(0xd2), w.i32(n);
    return w.u8(0xd3), w.i64(BigInt(n));
  }

  private str(b: Uint8Array): void {
    const w = this.w;
    const n = b.length;
    if (n <= 31) w.u8(0xa0 | n);
    else if (this.binType && n <= 0xff) w.u8(0xd9), w.u8(n);
    else if (n <= 0xffff) w.u8(0xda), w.u16(n);
    else if (n <= 0xffffffff) w.u8(0xdb), w.u32(n);
    else throw new PayloadError(`cannot encode a string of ${n} bytes (msgpack limit 2^32-1)`);
    w.bytes(b);
  }

  private bin(b: Uint8Array): void {
    const w = this.w;
    const n = b.length;
    if (n <= 0xff) w.u8(0xc4), w.u8(n);
    else if (n <= 0xffff) w.u8(0xc5), w.u16(n);
    else if (n <= 0xffffffff) w.u8(0xc6), w.u32(n);
    else throw new PayloadError(`cannot encode ${n} bytes (msgpack limit 2^32-1)`);
    w.bytes(b);
  }

  private array(items: unknown[], depth: number): void {
    const w = this.w;
    const n = items.length;
    if (n <= 15) w.u8(0x90 | n);
    else if (n <= 0xffff) w.u8(0xdc), w.u16(n);
    else w.u8(0xdd), w.u32(n);
    for (const item of items) this.value(item, depth + 1);
  }

  private map(entries: [unknown, unknown][], depth: number): void {
    const w = this.w;
    const n = entries.length;
    if (n <= 15) w.u8(0x80 | n);
    else if (n <= 0xffff) w.u8(0xde), w.u16(n);
    else w.u8(0xdf), w.u32(n);
    for (const [k, v] of entries) {
      this.value(k, depth + 1);
      this.value(v, depth + 1);
    }
  }

  private ext(type: number, data: Uint8Array): void {
    const w = this.w;
    const n = data.length;
    const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
    if (fixed[n] !== undefined) w.u8(fixed[n]);
    else if (n <= 0xff) w.u8(0xc7), w.u8(n);
    else if (n <= 0xffff) w.u8(0xc8), w.u16(n);
    else w.u8(0xc9), w.u32(n);
    w.u8(type);
    w.bytes(data);
  }
}

/**
 * Encodes one value as Salt's wire msgpack (`salt.payload.dumps`): text and bytes in the str
 * family without str8, smallest int forms, float64 floats, maps in insertion order, datetimes
 * as ext 78. See the module comment for the full type mapping.
 * @throws PayloadError for values msgpack cannot carry (functions, symbols, class instances,
 *   nesting deeper than {@link MAX_DEPTH}).
 */
export function encodeWire(value: unknown, opts: EncodeOptions = {}): Buffer {
  const enc = new Encoder(opts.useBinType === true);
  enc.value(value, 0);
  return enc.finish();
}

// ---------------------------------------------------------------------------------------------
// Decoder

/** Options of {@link decodeWire}. */
export interface DecodeOptions {
  /**
   * Keep every str/bin value as a Buffer (Salt's `loads(raw=True)`, used for file chunks).
   * Default false: valid UTF-8 becomes text.
   */
  raw?: boolean;
}

class Decoder {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly raw: boolean,
  ) {}

  atEnd(): boolean {
    return this.pos === this.buf.length;
  }
  offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) {
      throw new PayloadError(
        `truncated msgpack: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.buf.length - this.pos} left`,
      );
    }
  }

  private u8(): number {
    this.need(1, 'a byte');
    return this.buf[this.pos++];
  }
  private u16(): number {
    this.need(2, 'a 16-bit length');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4, 'a 32-bit length');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  private take(n: number, what: string): Buffer {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private text(b: Buffer): string | Buffer {
    if (!this.raw && isUtf8(b)) return b.toString('utf8');
    return Buffer.from(b);
  }

  private fixedInt(size: 1 | 2 | 4 | 8, signed: boolean): number | bigint {
    this.need(size, 'an integer');
    const b = this.buf;
    const p = this.pos;
    this.pos += size;
    switch (size) {
      case 1:
        return signed ? b.readInt8(p) : b.readUInt8(p);
      case 2:
        return signed ? b.readInt16BE(p) : b.readUInt16BE(p);
      case 4:
        return signed ? b.readInt32BE(p) : b.readUInt32BE(p);
      default: {
        const big = signed ? b.readBigInt64BE(p) : b.readBigUInt64BE(p);
        return big >= -(2n ** 53n) + 1n && big <= 2n ** 53n - 1n ? Number(big) : big;
      }
    }
  }

  private float(n: number): number | PyFloat {
    return Number.isInteger(n) ? new PyFloat(n) : n;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new PayloadError(`msgpack nesting deeper than ${MAX_DEPTH}`);
    const t = this.u8();
    if (t <= 0x7f) return t;
    if (t >= 0xe0) return t - 0x100;
    if (t <= 0x8f) return this.map(t & 0x0f, depth);
    if (t <= 0x9f) return this.array(t & 0x0f, depth);
    if (t <= 0xbf) return this.text(this.take(t & 0x1f, 'a fixstr'));
    switch (t) {
      case 0xc0:
        return null;
      case 0xc1:
        throw new PayloadError(`reserved msgpack type byte 0xc1 at offset ${this.pos - 1}`);
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.text(this.take(this.u8(), 'a bin8'));
      case 0xc5:
        return this.text(this.take(this.u16(), 'a bin16'));
      case 0xc6:
        return this.text(this.take(this.u32(), 'a bin32'));
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca: {
        this.need(4, 'a float32');
        const v = this.buf.readFloatBE(this.pos);
        this.pos += 4;
        return this.float(v);
      }
      case 0xcb: {
        this.need(8, 'a float64');
        const v = this.buf.readDoubleBE(this.pos);
        this.pos += 8;
        return this.float(v);
      }
      case 0xcc:
        return this.fixedInt(1, false);
      case 0xcd:
        return this.fixedInt(2, false);
      case 0xce:
        return this.fixedInt(4, false);
      case 0xcf:
        return this.fixedInt(8, false);
      case 0xd0:
        return this.fixedInt(1, true);
      case 0xd1:
        return this.fixedInt(2, true);
      case 0xd2:
        return this.fixedInt(4, true);
      case 0xd3:
        return this.fixedInt(8, true);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.text(this.take(this.u8(), 'a str8'));
      case 0xda:
        return this.text(this.take(this.u16(), 'a str16'));
      case 0xdb:
        return this.text(this.take(this.u32(), 'a str32'));
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      default: // 0xdf
        return this.map(this.u32(), depth);
    }
  }

  private array(n: number, depth: number): unknown[] {
    // Every element takes at least one byte: refuse absurd counts before allocating.
    this.need(n, `an array of ${n} elements`);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): Record<string, unknown> | Map<unknown, unknown> {
    this.need(n * 2, `a map of ${n} entries`);
    const keys: unknown[] = [];
    const values: unknown[] = [];
    let plain = true;
    for (let i = 0; i < n; i++) {
      const keyOffset = this.pos;
      const k = this.value(depth + 1);
      if (Array.isArray(k) || k instanceof Map || (k !== null && typeof k === 'object' && isPlainObject(k))) {
        throw new PayloadError(`unhashable map key (an array or map) at offset ${keyOffset}`);
      }
      if (typeof k !== 'string' || INDEX_LIKE_KEY.test(k)) plain = false;
      keys.push(k);
      values.push(this.value(depth + 1));
    }
    if (!plain) {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) m.set(keys[i], values[i]);
      return m;
    }
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      Object.defineProperty(obj, keys[i] as string, { value: values[i], enumerable: true, writable: true, configurable: true });
    }
    return obj;
  }

  private ext(n: number): unknown {
    this.need(1, 'an ext type');
    const type = this.buf.readInt8(this.pos++);
    const data = this.take(n, `an ext ${type} payload`);
    if (type === EXT_DATETIME) {
      try {
        return PyDateTime.parseExtText(data.toString('latin1'));
      } catch (err) {
        throw new PayloadError(`bad ext 78 (datetime) payload: ${(err as Error).message}`, { cause: err });
      }
    }
    if (type === EXT_CONSTANT) {
      const inner = decodeWire(Buffer.from(data));
      if (!Array.isArray(inner) || inner.length !== 2 || typeof inner[0] !== 'string') {
        throw new PayloadError('bad ext 79 (Salt constant) payload: expected a msgpack [name, value] pair');
      }
      return new SaltConstant(inner[0], inner[1]);
    }
    // Salt hands unknown ext types back as their raw data, which then gets the UTF-8 treatment.
    return this.text(data);
  }
}

/**
 * Decodes one msgpack object the way Salt's `salt.payload.loads` does: str8/str16/str32 and
 * bin are all accepted; valid UTF-8 becomes text unless `opts.raw`; integral floats become
 * {@link PyFloat}; ext 78 → {@link PyDateTime}; ext 79 → {@link SaltConstant}; unknown ext → data.
 * See the module comment for when a map is a plain object and when a `Map`.
 * @throws PayloadError on truncated input, trailing bytes, the reserved byte 0xc1, an
 *   unhashable (array/map) map key, a bad ext 78/79 payload, or nesting deeper than {@link MAX_DEPTH}.
 */
export function decodeWire(buf: Buffer | Uint8Array, opts: DecodeOptions = {}): unknown {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length === 0) throw new PayloadError('empty buffer: expected one msgpack object');
  const dec = new Decoder(b, opts.raw === true);
  const value = dec.value(0);
  if (!dec.atEnd()) {
    throw new PayloadError(`${b.length - dec.offset()} trailing bytes after the msgpack object (at offset ${dec.offset()})`);
  }
  return value;
}
