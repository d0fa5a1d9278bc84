/**
 * Reads the conformance corpus' tagged JSON into the Python data model of ./python.ts.
 *
 * Tags: `{"$bytes": b64}` bytes, `{"$tuple": [...]}` tuple, `{"$odict": [[k, v], ...]}` OrderedDict,
 * `{"$dict": [[k, v], ...]}` dict with typed keys, `{"$float": "inf"|"-inf"|"nan"}`, `{"$set": [...]}`.
 * JSON numbers written with a `.` or an exponent are floats (`1.0` becomes a PyFloat), which is why
 * this module parses the text itself rather than using JSON.parse.
 */
import { TaggedJsonError } from './errors.js';
import { OrderedDict, PyFloat, tuple } from './python.js';

const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

class NumberToken {
  constructor(readonly text: string) {}
}

/** Parses JSON text keeping number lexemes (as NumberToken) and key order (entries arrays). */
class RawParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): unknown {
    const v = this.value();
    this.ws();
    if (this.pos !== this.text.length) this.fail('end of input');
    return v;
  }

  private fail(expected: string): never {
    throw new TaggedJsonError(`Cannot parse tagged JSON: expected ${expected} at offset ${this.pos}, got ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  private value(): unknown {
    this.ws();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (this.text.startsWith('true', this.pos)) return (this.pos += 4), true;
    if (this.text.startsWith('false', this.pos)) return (this.pos += 5), false;
    if (this.text.startsWith('null', this.pos)) return (this.pos += 4), null;
    if (this.text.startsWith('NaN', this.pos)) return (this.pos += 3), NaN;
    if (this.text.startsWith('Infinity', this.pos)) return (this.pos += 8), Infinity;
    if (this.text.startsWith('-Infinity', this.pos)) return (this.pos += 9), -Infinity;
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('a JSON value');
    this.pos += m[0].length;
    return new NumberToken(m[0]);
  }

  private string(): string {
    const m = /^"(?:[^"\\]|\\.)*"/s.exec(this.text.slice(this.pos));
    if (!m) this.fail('a string');
    this.pos += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.pos] === ']') return this.pos++, out;
    for (;;) {
      out.push(this.value());
      this.ws();
      const ch = this.text[this.pos++];
      if (ch === ']') return out;
      if (ch !== ',') this.fail("',' or ']'");
    }
  }

  private object(): { entries: [string, unknown][] } {
    this.pos++;
    const entries: [string, unknown][] = [];
    this.ws();
    if (this.text[this.pos] === '}') return this.pos++, { entries };
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('a key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') this.fail("':'");
      entries.push([key, this.value()]);
      this.ws();
      const ch = this.text[this.pos++];
      if (ch === '}') return { entries };
      if (ch !== ',') this.fail("',' or '}'");
    }
  }
}

function isRawObject(v: unknown): v is { entries: [string, unknown][] } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'entries' in v;
}

function convertNumber(text: string): unknown {
  if (/[.eE]/.test(text)) {
    const n = Number(text);
    return Number.isInteger(n) ? new PyFloat(n) : n;
  }
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function pairs(v: unknown, tag: string): [unknown, unknown][] {
  if (!Array.isArray(v) || !v.every((p) => Array.isArray(p) && p.length === 2)) {
    throw new TaggedJsonError(`Cannot read ${tag}: expected a list of [key, value] pairs`);
  }
  return v.map((p) => [convert(p[0]), convert(p[1])] as [unknown, unknown]);
}

function convert(v: unknown): unknown {
  if (v instanceof NumberToken) return convertNumber(v.text);
  if (Array.isArray(v)) return v.map(convert);
  if (!isRawObject(v)) return v;
  const { entries } = v;
  if (entries.length === 1 && entries[0][0].startsWith('$')) {
    const [tag, body] = entries[0];
    switch (tag) {
      case '$bytes':
        return Buffer.from(String(body), 'base64');
      case '$tuple':
        return tuple((body as unknown[]).map(convert));
      case '$set':
        return new Set((body as unknown[]).map(convert));
      case '$odict':
        return new OrderedDict(pairs(body, tag));
      case '$dict':
        return new Map(pairs(body, tag));
      case '$float': {
        const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
        if (!(String(body) in special)) throw new TaggedJsonError(`Cannot read $float: got ${JSON.stringify(body)}`);
        return special[String(body)];
      }
    }
  }
  const converted = entries.map(([k, val]) => [k, convert(val)] as [string, unknown]);
  // A plain object would move integer-like keys first; a Map keeps the dict's order.
  if (converted.some(([k]) => INTEGER_LIKE.test(k))) return new Map(converted);
  return Object.fromEntries(converted);
}

/**
 * Parses tagged JSON text into the Python data model (see ./python.ts).
 * @throws TaggedJsonError on malformed JSON or malformed tags.
 */
export function parseTaggedJson(text: string): unknown {
  return convert(new RawParser(text).parse());
}
