/**
 * Test support: the conformance corpus's lossless "tagged JSON" encoding of Python values
 * (wire/README.md §2), converted to and from the JS values that payload.ts produces.
 * Private to the protocol layer's tests.
 */
import assert from 'node:assert/strict';
import { PyFloat } from './pytypes.js';
import { PyDateTime, SaltConstant } from './wiretypes.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const INDEX_LIKE = /^(0|[1-9][0-9]*)$/;
const TAGGED_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})(?:[+-]\d{2}:\d{2})?$/;

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function floatFromTag(v: Json): number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v !== 'number') throw new Error(`bad $float tag: ${JSON.stringify(v)}`);
  return v;
}

/** Tagged JSON → the JS value the wire codec uses (tuples → arrays, sets → Set, `$map` → Map). */
export function fromTagged(t: Json): unknown {
  if (t === null || typeof t !== 'object') return t;
  if (Array.isArray(t)) return t.map(fromTagged);
  const keys = Object.keys(t);
  if (keys.length === 1 && keys[0].startsWith('$')) {
    const v = t[keys[0]];
    switch (keys[0]) {
      case '$int':
        return BigInt(v as string);
      case '$float': {
        const n = floatFromTag(v);
        return Number.isInteger(n) ? new PyFloat(n) : n;
      }
      case '$bytes':
        return Buffer.from(v as string, 'base64');
      case '$tuple':
        return (v as Json[]).map(fromTagged);
      case '$set':
        return new Set((v as Json[]).map(fromTagged));
      case '$map':
        return new Map((v as [Json, Json][]).map(([k, val]) => [fromTagged(k), fromTagged(val)]));
      case '$datetime': {
        const m = TAGGED_DATETIME.exec(v as string);
        if (!m) throw new Error(`bad $datetime tag: ${JSON.stringify(v)}`);
        return new PyDateTime(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], +m[7]);
      }
      case '$date': {
        const [y, mo, d] = (v as string).split('-').map(Number);
        return new PyDateTime(y, mo, d);
      }
      case '$constant': {
        const c = v as { name: string; value: Json };
        return new SaltConstant(c.name, fromTagged(c.value));
      }
      default:
        throw new Error(`tag ${keys[0]} has no JS counterpart here`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) setOwn(out, k, fromTagged(t[k]));
  return out;
}

function floatTag(n: number): Json {
  if (Number.isNaN(n)) return { $float: 'NaN' };
  if (n === Infinity) return { $float: 'Infinity' };
  if (n === -Infinity) return { $float: '-Infinity' };
  return { $float: n };
}

/** A decoded JS value → tagged JSON, with dict/`$map` chosen by the corpus's key rule. */
export function toTagged(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return floatTag(v);
    return Number.isSafeInteger(v) ? v : { $int: BigInt(v).toString() };
  }
  if (typeof v === 'bigint') {
    return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : { $int: v.toString() };
  }
  if (v instanceof PyFloat) return floatTag(v.value);
  if (Buffer.isBuffer(v)) return { $bytes: v.toString('base64') };
  if (v instanceof PyDateTime) return { $datetime: v.toIsoMicros() };
  if (v instanceof SaltConstant) return { $constant: { name: v.name, value: toTagged(v.value) } };
  if (Array.isArray(v)) return v.map(toTagged);
  const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  const plain = entries.every(([k]) => typeof k === 'string' && !k.startsWith('$') && !INDEX_LIKE.test(k));
  if (!plain) return { $map: entries.map(([k, val]) => [toTagged(k), toTagged(val)]) };
  const out: Record<string, Json> = {};
  for (const [k, val] of entries) setOwn(out, k as string, toTagged(val));
  return out;
}

/** Asserts that a decoded value equals a tagged expectation, key order included. */
export function assertTaggedEqual(actual: unknown, expected: unknown, message?: string): void {
  const got = toTagged(actual);
  assert.deepStrictEqual(got, expected, message);
  assert.equal(JSON.stringify(got), JSON.stringify(expected), message ?? 'key order differs');
}

/** `{"$bytes": ...}` → Buffer (throws on anything else). */
export function bytesOf(t: unknown): Buffer {
  const b = fromTagged(t as Json);
  if (!Buffer.isBuffer(b)) throw new Error(`expected a $bytes tag, got ${JSON.stringify(t)}`);
  return b;
}
