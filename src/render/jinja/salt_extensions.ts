/**
 * What Salt adds to its Jinja environment (salt.utils.jinja and the modules whose functions carry
 * `@jinja_filter` / `@jinja_test` / `@jinja_global`): the SerializerExtension filters (`json`, `yaml`,
 * `python`, `load_yaml`, `load_json`, `load_text`, itertools), the Salt filters (hashes, base64,
 * regex_*, set operations, yaml_dquote, strftime, network tests, ...), the tests `match`,
 * `equalto`, `list`, and the globals `raise` and `odict`.
 */
import { createHash, createHmac } from 'node:crypto';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { posix } from 'node:path';
import { pformat } from '../../output/python.js';
import { pyJsonDumps } from '../../output/json.js';
import { safeDump } from '../../output/_yaml_emitter.js';
import { OutputDataError } from '../../output/errors.js';
import { pyFloat, pyFloatRepr } from '../../protocol/pytypes.js';
import { pyRegex } from '../../targeting/pyregex.js';
import { loadSaltYaml } from '../../yaml/salt_yaml.js';
import { pyJsonLoads } from '../py_json.js';
import { arg, pySort, type FilterFn } from './builtins.js';
import { PyException, TemplateRuntimeError, pyTypeError } from './errors.js';
import { getAttribute, NO_ATTRIBUTE } from './methods.js';
import { PyFunction, TemplateModule } from './runtime.js';
import {
  contains,
  dictEntries,
  dictGet,
  dictHas,
  isDict,
  isHashable,
  iterate,
  numInfo,
  pyAdd,
  pyCmp,
  pyDiv,
  pyEq,
  pyLen,
  toFloat,
  toInt,
  toStr,
  truthy,
  tuple,
  typeName,
} from './values.js';

function pyErrorFrom(err: unknown): never {
  if (err instanceof OutputDataError) throw new PyException(err.pyKind, err.message);
  throw err;
}

/** Salt's `yaml_dquote`: PyYAML's double-quoted scalar, unlimited width, non-ASCII escaped. */
export function yamlDquote(text: string): string {
  const REPL: Record<string, string> = {
    '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
    '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
  };
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (REPL[ch] !== undefined && ch !== ' ') out += '\\' + REPL[ch];
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += '\\U' + cp.toString(16).toUpperCase().padStart(8, '0');
  }
  return out + '"';
}

/** Salt's `yaml_squote`: PyYAML's single-quoted scalar. */
export function yamlSquote(text: string): string {
  return "'" + text.replace(/'/g, "''").replace(/\n+/g, (m) => '\n'.repeat(m.length + 1)) + "'";
}

/** Salt's `yaml_encode`: the YAML text of a scalar (strings double-quoted). */
export function yamlEncode(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return yamlDquote(v);
  const n = numInfo(v);
  if (n) {
    if (!n.float) return String(typeof v === 'bigint' ? v : n.n);
    if (Number.isNaN(n.n)) return '.nan';
    if (!Number.isFinite(n.n)) return n.n > 0 ? '.inf' : '-.inf';
    let text = pyFloatRepr(n.n).toLowerCase();
    if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e');
    return text;
  }
  throw pyTypeError(`yaml_encode() only works with YAML scalar data; failed for <class '${typeName(v)}'>`);
}

/** Python's `shlex.quote`. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!/[^A-Za-z0-9_@%+=:,./-]/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

/** Python `time.strftime`-style formatting of a local date (as `datetime.fromtimestamp` gives). */
export function pyStrftime(d: Date, format: string): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const startOfYear = new Date(d.getFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - startOfYear.getTime()) / 86400000) + 1;
  return format.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case 'Y': return String(d.getFullYear());
      case 'y': return pad(d.getFullYear() % 100);
      case 'm': return pad(d.getMonth() + 1);
      case 'd': return pad(d.getDate());
      case 'e': return String(d.getDate()).padStart(2, ' ');
      case 'H': return pad(d.getHours());
      case 'I': return pad(d.getHours() % 12 || 12);
      case 'M': return pad(d.getMinutes());
      case 'S': return pad(d.getSeconds());
      case 'f': return pad(d.getMilliseconds() * 1000, 6);
      case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
      case 'a': return days[d.getDay()]!.slice(0, 3);
      case 'A': return days[d.getDay()]!;
      case 'b': case 'h': return months[d.getMonth()]!.slice(0, 3);
      case 'B': return months[d.getMonth()]!;
      case 'j': return pad(yday, 3);
      case 'w': return String(d.getDay());
      case 'u': return String(d.getDay() || 7);
      case 'D': return `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${pad(d.getFullYear() % 100)}`;
      case 'F': return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      case 'T': return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'z': case 'Z': return '';
      case '%': return '%';
    }
    return whole;
  });
}

function dateCast(v: unknown): Date {
  if (v === null || v === undefined) return new Date();
  try {
    const seconds = typeof v === 'string' ? (/^\d+$/.test(v) ? Number(v) : toFloat(v)) : toFloat(v);
    return new Date(seconds * 1000);
  } catch {
    throw new PyException('RuntimeError', `Unable to parse ${toStr(v)}. Consider installing timelib`);
  }
}

function hash(algo: string): FilterFn {
  return (_i, v) => createHash(algo).update(typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array)).digest('hex');
}

function regexFlags(a: unknown[], k: Record<string, unknown>, from: number): string {
  return (truthy(arg(a, k, from, 'ignorecase', false)) ? 'i' : '') + (truthy(arg(a, k, from + 1, 'multiline', false)) ? 'm' : '');
}

function groupsOf(m: RegExpExecArray | null): unknown {
  return m ? tuple(m.slice(1).map((g) => g ?? null)) : null;
}

/** Python `re.sub` replacement text (`\1`, `\g<name>`) → a function building the replacement. */
function pyReplacement(template: string): (m: RegExpExecArray) => string {
  return (m) =>
    template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([\\ntr]))/g, (_w, name?: string, num?: string, esc?: string) => {
      if (esc) return { '\\': '\\', n: '\n', t: '\t', r: '\r' }[esc]!;
      const key = name ?? num!;
      const g = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
      return g ?? '';
    });
}

function uniqueList(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((x) => pyEq(x, item))) out.push(item);
  return out;
}

function asSet(v: unknown): Set<unknown> {
  return new Set(uniqueList(iterate(v)));
}

function setOp(op: (a: unknown[], b: unknown[]) => unknown[]): FilterFn {
  return (_i, a, args) => {
    const b = args[0];
    if (isHashable(a) && isHashable(b) && typeof a !== 'string') return new Set(op([...asSet(a)], [...asSet(b)]));
    return uniqueList(op(iterate(a), iterate(b)));
  };
}

function combinations(pool: unknown[], r: number, replace: boolean): unknown[][] {
  const out: unknown[][] = [];
  const rec = (start: number, acc: unknown[]) => {
    if (acc.length === r) return void out.push(tuple([...acc]));
    for (let i = start; i < pool.length; i++) rec(replace ? i : i + 1, [...acc, pool[i]]);
  };
  rec(0, []);
  return out;
}

function permutations(pool: unknown[], r: number): unknown[][] {
  const out: unknown[][] = [];
  const rec = (acc: number[]) => {
    if (acc.length === r) return void out.push(tuple(acc.map((i) => pool[i])));
    for (let i = 0; i < pool.length; i++) if (!acc.includes(i)) rec([...acc, i]);
  };
  rec([]);
  return out;
}

function product(pools: unknown[][]): unknown[][] {
  return pools.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((x) => [...prefix, x])), [[]]).map((p) => tuple(p));
}

function traverse(data: unknown, key: string, dflt: unknown, delimiter = ':'): unknown {
  let ptr: unknown = data;
  for (const part of key.split(delimiter)) {
    if (Array.isArray(ptr)) {
      const idx = /^-?\d+$/.test(part) ? Number(part) : NaN;
      if (!Number.isNaN(idx) && idx < ptr.length && idx >= -ptr.length) ptr = ptr[idx < 0 ? ptr.length + idx : idx];
      else {
        const hit = ptr.find((x) => isDict(x) && dictHas(x, part));
        if (hit === undefined) return dflt;
        ptr = dictGet(hit as Record<string, unknown>, part);
      }
    } else if (isDict(ptr) && dictHas(ptr, part)) ptr = dictGet(ptr, part);
    else return dflt;
  }
  return ptr;
}

function loadYaml(value: unknown): unknown {
  const text = value instanceof TemplateModule ? value.body : value;
  if (typeof text !== 'string') throw new TemplateRuntimeError(`Unable to load yaml from ${toStr(text)}`);
  try {
    return loadSaltYaml(text);
  } catch {
    throw new TemplateRuntimeError(`Unable to load yaml from ${text}`);
  }
}

function loadJson(value: unknown): unknown {
  const text = value instanceof TemplateModule ? value.body : value;
  try {
    if (typeof text !== 'string') throw new Error('not text');
    return pyJsonLoads(text);
  } catch {
    throw new TemplateRuntimeError(`Unable to load json from ${toStr(text)}`);
  }
}

function jsonDumps(value: unknown, sortKeys: boolean, indent: unknown, ensureAscii: boolean): string {
  try {
    return pyJsonDumps(value, { sortKeys, indent: indent === null || indent === undefined ? null : toInt(indent), ensureAscii });
  } catch (err) {
    return pyErrorFrom(err);
  }
}

/** Salt's filters (including SerializerExtension's). */
export const SALT_FILTERS: Record<string, FilterFn> = {
  json: (_i, v, a, k) => jsonDumps(v, truthy(arg(a, k, 0, 'sort_keys', true)), arg(a, k, 1, 'indent', null), false).trim(),
  tojson: (_i, v, a, k) =>
    jsonDumps(v, truthy(k.sort_keys ?? false), arg(a, k, 0, 'indent', null), truthy(k.ensure_ascii ?? true))
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/'/g, '\\u0027'),
  yaml: (_i, v, a, k) => {
    let text: string;
    try {
      text = safeDump(v, { defaultFlowStyle: truthy(arg(a, k, 0, 'flow_style', true)) }).trim();
    } catch (err) {
      return pyErrorFrom(err);
    }
    return text.endsWith('\n...') ? text.slice(0, -4) : text;
  },
  python: (_i, v) => pformat(v).trim(),
  load_yaml: (_i, v) => loadYaml(v),
  load_json: (_i, v) => loadJson(v),
  load_text: (_i, v) => (v instanceof TemplateModule ? v.body : v),
  combinations: (_i, v, a, k) => combinations(iterate(v), toInt(arg(a, k, 0, 'r', 2)), false),
  combinations_with_replacement: (_i, v, a, k) => combinations(iterate(v), toInt(arg(a, k, 0, 'r', 2)), true),
  permutations: (_i, v, a, k) => {
    const pool = iterate(v);
    return permutations(pool, toInt(arg(a, k, 0, 'r', pool.length)));
  },
  product: (_i, v, a, k) => {
    const pools = [iterate(v), ...a.map(iterate)];
    const repeat = toInt(k.repeat ?? 1);
    const all: unknown[][] = [];
    for (let i = 0; i < repeat; i++) all.push(...pools);
    return product(all);
  },
  zip: (_i, v, a) => {
    const lists = [iterate(v), ...a.map(iterate)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => l[i])));
  },
  zip_longest: (_i, v, a, k) => {
    const lists = [iterate(v), ...a.map(iterate)];
    const n = Math.max(...lists.map((l) => l.length));
    const fill = k.fillvalue ?? null;
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  compress: (_i, v, a) => {
    const sel = iterate(a[0]);
    return iterate(v).filter((_x, i) => i < sel.length && truthy(sel[i]));
  },
  // salt.utils.jinja
  skip: () => '',
  sequence: (_i, v) => (Array.isArray(v) || isDict(v) || v instanceof Set ? v : [v]),
  to_bool: (_i, v) => {
    if (v === null) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') return ['yes', '1', 'true'].includes(v.toLowerCase());
    const n = numInfo(v);
    if (n && !n.float) return n.n > 0;
    if (!isHashable(v)) return pyLen(v) > 0;
    return false;
  },
  quote: (_i, v) => shellQuote(toStr(v)),
  regex_escape: (_i, v) => toStr(v).replace(/[^\w]/gu, (c) => '\\' + c),
  regex_search: (_i, v, a, k) => {
    const re = pyRegex(toStr(a[0]), regexFlags(a, k, 1));
    return groupsOf(re.exec(toStr(v)));
  },
  regex_match: (_i, v, a, k) => {
    const base = pyRegex(toStr(a[0]), regexFlags(a, k, 1));
    const re = new RegExp(base.source, base.flags + 'y');
    return groupsOf(re.exec(toStr(v)));
  },
  regex_replace: (_i, v, a, k) => {
    const base = pyRegex(toStr(a[0]), regexFlags(a, k, 2));
    const re = new RegExp(base.source, base.flags + 'g');
    const build = pyReplacement(toStr(a[1]));
    return toStr(v).replace(re, (...m) => {
      const match = m.slice(0, -2) as unknown as RegExpExecArray;
      const last = m[m.length - 1];
      if (typeof last === 'object') (match as { groups?: Record<string, string> }).groups = last as Record<string, string>;
      return build(match);
    });
  },
  uuid: (_i, v) => uuid5('91633ebf-1c86-5e33-935a-28061f4b480e', toStr(v)),
  unique: (_i, v) => (isHashable(v) ? asSet(v) : uniqueList(iterate(v))),
  min: (_i, v) => iterate(v).reduce((best, x) => (pyCmp(x, best) < 0 ? x : best)),
  max: (_i, v) => iterate(v).reduce((best, x) => (pyCmp(x, best) > 0 ? x : best)),
  avg: (_i, v) => {
    if (isHashable(v) && !Array.isArray(v)) return pyFloat(toFloat(v));
    const items = iterate(v);
    const total = items.reduce((acc: unknown, x) => pyAdd(acc, x), 0);
    return pyFloat(numInfo(pyDiv(total, items.length))!.n);
  },
  union: setOp((a, b) => [...a, ...b]),
  intersect: setOp((a, b) => a.filter((x) => b.some((y) => pyEq(x, y)))),
  difference: setOp((a, b) => a.filter((x) => !b.some((y) => pyEq(x, y)))),
  symmetric_difference: setOp((a, b) => [...a.filter((x) => !b.some((y) => pyEq(x, y))), ...b.filter((x) => !a.some((y) => pyEq(x, y)))]),
  method_call: async (interp, v, a, k) => {
    const fn = getAttribute(v, toStr(a[0]));
    if (fn === NO_ATTRIBUTE) return null;
    return interp.callValue(fn, a.slice(1), k);
  },
  // salt.utils.data
  is_list: (_i, v) => Array.isArray(v),
  is_iter: (_i, v) => typeof v !== 'string' && (Array.isArray(v) || isDict(v) || v instanceof Set),
  sorted_ignorecase: (_i, v) => pySort(iterate(v), (x) => toStr(x).toLowerCase(), false),
  exactly_n_true: (_i, v, a, k) => iterate(v).filter(truthy).length === toInt(arg(a, k, 0, 'amount', 1)),
  exactly_one_true: (_i, v) => iterate(v).filter(truthy).length === 1,
  traverse: (_i, v, a, k) => traverse(v, toStr(a[0]), arg(a, k, 1, 'default', null), toStr(arg(a, k, 2, 'delimiter', ':'))),
  substring_in_list: (_i, v, a) => iterate(a[0]).some((x) => typeof x === 'string' && x.includes(toStr(v))),
  flatten: (_i, v) => {
    const out: unknown[] = [];
    const walk = (items: unknown[]) => {
      for (const x of items) {
        if (Array.isArray(x)) walk(x);
        else if (x !== null) out.push(x);
      }
    };
    walk(iterate(v));
    return out;
  },
  compare_lists: (_i, v, a) => {
    const oldL = iterate(v);
    const newL = iterate(a[0]);
    const ret = new Map<unknown, unknown>();
    const removed = oldL.filter((x) => !contains(newL, x));
    const added = newL.filter((x) => !contains(oldL, x));
    if (added.length) ret.set('new', added);
    if (removed.length) ret.set('old', removed);
    return ret;
  },
  // salt.utils.hashutils
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  base64_encode: (_i, v) => Buffer.from(typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Uint8Array)).toString('base64'),
  base64_decode: (_i, v) => {
    const raw = Buffer.from(toStr(v), 'base64');
    const text = raw.toString('utf8');
    return Buffer.from(text, 'utf8').equals(raw) ? text : raw;
  },
  hmac_compute: (_i, v, a) => createHmac('sha256', toStr(a[0])).update(toStr(v)).digest('hex'),
  // salt.utils.path / stringutils
  path_join: (_i, v, a) => {
    const parts = [v, ...a].map((p) => posix.normalize(toStr(p)));
    if (parts.length === 1) return parts[0];
    return posix.normalize(posix.join(parts[0]!, ...parts.slice(1).map((p) => p.replace(/^\/+/, ''))));
  },
  to_num: (_i, v) => {
    try {
      return toInt(v);
    } catch {
      try {
        return pyFloat(toFloat(v));
      } catch {
        return v;
      }
    }
  },
  is_hex: (_i, v) => typeof v === 'string' && /^(0x)?[0-9a-f]+$/i.test(v),
  contains_whitespace: (_i, v) => /\s/.test(toStr(v)),
  to_snake_case: (_i, v) => toStr(v).replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase(),
  to_camelcase: (_i, v, a, k) => {
    const words = toStr(v).split('_');
    const upper = truthy(arg(a, k, 0, 'uppercamel', false));
    return words.map((w, i) => (i === 0 && !upper ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  },
  // salt.utils.network
  is_ip: (_i, v) => isIP(toStr(v)) !== 0,
  is_ipv4: (_i, v) => isIPv4(toStr(v)),
  is_ipv6: (_i, v) => isIPv6(toStr(v)),
  ipaddr: (_i, v) => ipFilter(v, (s) => isIP(s) !== 0),
  ipv4: (_i, v) => ipFilter(v, isIPv4),
  ipv6: (_i, v) => ipFilter(v, isIPv6),
  ipwrap: (_i, v) => {
    const wrap = (x: unknown) => (typeof x === 'string' && isIPv6(x) ? `[${x}]` : x);
    return Array.isArray(v) ? v.map(wrap) : wrap(v);
  },
  // salt.utils.yamlencoding
  yaml_dquote: (_i, v) => yamlDquote(toStr(v)),
  yaml_squote: (_i, v) => yamlSquote(toStr(v)),
  yaml_encode: (_i, v) => yamlEncode(v),
  // salt.utils.dateutils
  strftime: (_i, v, a, k) => pyStrftime(dateCast(v), toStr(arg(a, k, 0, 'format', '%Y-%m-%d'))),
  date_format: (_i, v, a, k) => pyStrftime(dateCast(v), toStr(arg(a, k, 0, 'format', '%Y-%m-%d'))),
  // salt.utils.dictupdate
  set_dict_key_value: (_i, v, a, k) => setDictKey(v, toStr(a[0]), arg(a, k, 1, 'value', null), toStr(arg(a, k, 2, 'delimiter', ':'))),
};

function setDictKey(d: unknown, key: string, value: unknown, delimiter: string): unknown {
  const parts = key.split(delimiter);
  let ptr = d as Map<unknown, unknown> | Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    let next = dictGet(ptr, part);
    if (next === undefined) {
      next = new Map();
      if (ptr instanceof Map) ptr.set(part, next);
      else ptr[part] = next;
    }
    ptr = next as typeof ptr;
  }
  const last = parts[parts.length - 1]!;
  if (ptr instanceof Map) ptr.set(last, value);
  else ptr[last] = value;
  return d;
}

function ipFilter(v: unknown, ok: (s: string) => boolean): unknown {
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string' && ok(x));
  const s = toStr(v);
  return ok(s) ? s : null;
}

function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Salt's tests: `match`, `equalto`, `list`. */
export const SALT_TESTS: Record<string, FilterFn> = {
  match: (_i, v, a, k) => {
    const base = pyRegex(toStr(a[0]), regexFlags(a, k, 1));
    return new RegExp(base.source, base.flags + 'y').test(toStr(v));
  },
  equalto: (_i, v, a) => pyEq(v, a[0]),
  list: (_i, v) => Array.isArray(v),
};

/** Salt's globals: `raise` (salt.exceptions.TemplateError) and `odict`. */
export function saltGlobals(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['raise', new PyFunction('raise', (a) => {
      throw new PyException('TemplateError', toStr(a[0]), 'salt.exceptions.TemplateError');
    })],
    ['odict', new PyFunction('OrderedDict', (a, k) => {
      const m = new Map<unknown, unknown>();
      if (a.length) {
        if (isDict(a[0])) for (const [key, val] of dictEntries(a[0])) m.set(key, val);
        else for (const pair of iterate(a[0])) m.set(iterate(pair)[0], iterate(pair)[1]);
      }
      for (const [key, val] of Object.entries(k)) m.set(key, val);
      return m;
    })],
  ]);
}

