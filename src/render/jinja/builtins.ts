/**
 * Jinja2 3.1's built-in filters, tests and globals, with Python semantics (see values.ts).
 * Filters that return generators in Jinja (map, select, reverse, ...) return lists here: iterating,
 * `| list`, `| join` and `| first` behave the same; only printing the bare generator differs.
 */
import { pformat, pyRound, splitlines } from '../../output/python.js';
import { pyFloat } from '../../protocol/pytypes.js';
import { PyException, pyTypeError } from './errors.js';
import { getAttribute, NO_ATTRIBUTE } from './methods.js';
import type { Interpreter } from './interpreter.js';
import { percentFormat } from './pyformat.js';
import { Namespace, PyCallable, PyFunction, Undefined, type Kwargs } from './runtime.js';
import {
  checkDefined,
  contains,
  dictEntries,
  isDict,
  isIterable,
  iterate,
  mkNum,
  newDict,
  numInfo,
  pyAdd,
  pyCmp,
  pyEq,
  pyLen,
  toFloat,
  toInt,
  toStr,
  truthy,
  tuple,
  isNumberValue,
} from './values.js';

/** A filter or test: receives the interpreter (for attribute access and nested filter calls). */
export type FilterFn = (interp: Interpreter, value: unknown, args: unknown[], kwargs: Kwargs) => unknown;

/** Positional-or-keyword argument `i`/`name`, or `dflt`. */
export function arg(args: unknown[], kwargs: Kwargs, i: number, name: string, dflt: unknown): unknown {
  if (i < args.length) return args[i];
  if (name in kwargs) return kwargs[name];
  return dflt;
}

/** Jinja's make_attrgetter: `a.b.0` → item lookups, digits as ints. */
function attrGetter(interp: Interpreter, attribute: unknown): (item: unknown) => unknown {
  const parts = toStr(attribute)
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return (item) => parts.reduce((obj, part) => interp.getitem(obj, part), item);
}

function ignoreCase(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

/** A stable sort with Python's `sorted(key=..., reverse=...)` semantics. */
export function pySort(items: unknown[], key: (v: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((v, i) => ({ v, k: key(v), i }));
  keyed.sort((a, b) => {
    const c = pyCmp(a.k, b.k);
    return c !== 0 ? (reverse ? -c : c) : a.i - b.i;
  });
  return keyed.map((x) => x.v);
}

function jinjaTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/u)
    .filter((x) => x !== '')
    .map((item) => {
      const cps = [...item];
      return cps.length ? cps[0]!.toUpperCase() + cps.slice(1).join('').toLowerCase() : item;
    })
    .join('');
}

/** Jinja's do_indent (the one Salt keeps for Jinja ≥ 2.11). */
export function indentFilter(s: string, width: unknown = 4, first = false, blank = false): string {
  const indention = typeof width === 'string' ? width : ' '.repeat(toInt(width));
  const text = s + '\n';
  let rv: string;
  if (blank) rv = splitlines(text).join('\n' + indention);
  else {
    const lines = splitlines(text);
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((line) => (line ? indention + line : line)).join('\n');
  }
  return first ? indention + rv : rv;
}

function htmlEscape(v: unknown): string {
  return toStr(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

function pyCenter(s: string, width: number): string {
  const n = [...s].length;
  if (n >= width) return s;
  const marg = width - n;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return ' '.repeat(left) + s + ' '.repeat(marg - left);
}

async function selectOrReject(interp: Interpreter, value: unknown, args: unknown[], kwargs: Kwargs, modfunc: boolean, lookupAttr: boolean): Promise<unknown[]> {
  let rest = args;
  let getter: (v: unknown) => unknown = (v) => v;
  if (lookupAttr) {
    if (!rest.length) throw pyTypeError('Missing parameter for attribute name');
    getter = attrGetter(interp, rest[0]);
    rest = rest.slice(1);
  }
  let test: (v: unknown) => Promise<boolean>;
  if (rest.length) {
    const name = toStr(rest[0]);
    const testArgs = rest.slice(1);
    test = (v) => interp.callTest(name, v, testArgs);
  } else test = async (v) => truthy(v);
  void kwargs;
  const out: unknown[] = [];
  for (const item of iterate(value)) if ((await test(getter(item))) === modfunc) out.push(item);
  return out;
}

/** Jinja's built-in filters. */
export const BUILTIN_FILTERS: Record<string, FilterFn> = {
  abs: (_i, v) => {
    const n = numInfo(checkDefined(v));
    if (!n) throw pyTypeError(`bad operand type for abs(): '${typeof v}'`);
    return mkNum(Math.abs(n.n), n.float);
  },
  attr: (interp, v, a) => {
    const r = getAttribute(v, toStr(a[0]));
    return r === NO_ATTRIBUTE ? new Undefined(interp.env.strictUndefined, a[0], v) : r;
  },
  batch: (_i, v, a, k) => {
    const size = toInt(arg(a, k, 0, 'linecount', 1));
    const fill = arg(a, k, 1, 'fill_with', undefined);
    const items = iterate(v);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    const last = out[out.length - 1];
    if (fill !== undefined && last) while (last.length < size) last.push(fill);
    return out;
  },
  capitalize: (_i, v) => {
    const s = [...toStr(v)];
    return s.length ? s[0]!.toUpperCase() + s.slice(1).join('').toLowerCase() : '';
  },
  center: (_i, v, a, k) => pyCenter(toStr(v), toInt(arg(a, k, 0, 'width', 80))),
  count: (_i, v) => pyLen(v),
  default: (_i, v, a, k) => {
    const dflt = arg(a, k, 0, 'default_value', '');
    const boolean = truthy(arg(a, k, 1, 'boolean', false));
    if (v instanceof Undefined || (boolean && !truthy(v))) return dflt;
    return v;
  },
  dictsort: (interp, v, a, k) => {
    const caseSensitive = truthy(arg(a, k, 0, 'case_sensitive', false));
    const by = toStr(arg(a, k, 1, 'by', 'key'));
    const reverse = truthy(arg(a, k, 2, 'reverse', false));
    if (!isDict(v)) throw pyTypeError(`'${typeof checkDefined(v)}' object has no attribute 'items'`);
    const pos = by === 'key' ? 0 : by === 'value' ? 1 : -1;
    if (pos < 0) throw new PyException('FilterArgumentError', 'You can only sort by either "key" or "value"');
    void interp;
    const items = dictEntries(v).map(([key, val]) => tuple([key, val]));
    return pySort(items, (item) => {
      const x = (item as unknown[])[pos];
      return caseSensitive ? x : ignoreCase(x);
    }, reverse);
  },
  escape: (_i, v) => htmlEscape(v),
  first: (interp, v) => {
    const items = iterate(v);
    return items.length ? items[0] : new Undefined(interp.env.strictUndefined, null, null, 'No first item, sequence was empty.');
  },
  float: (_i, v, a, k) => {
    try {
      return pyFloat(toFloat(v));
    } catch {
      return arg(a, k, 0, 'default', pyFloat(0));
    }
  },
  forceescape: (_i, v) => htmlEscape(v),
  format: (_i, v, a, k) => {
    if (a.length && Object.keys(k).length) throw new PyException('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
    return percentFormat(toStr(v), Object.keys(k).length ? newDict(Object.entries(k)) : tuple(a));
  },
  groupby: (interp, v, a, k) => {
    const getter = attrGetter(interp, arg(a, k, 0, 'attribute', ''));
    const dflt = arg(a, k, 1, 'default', undefined);
    const caseSensitive = truthy(arg(a, k, 2, 'case_sensitive', false));
    const keyOf = (item: unknown) => {
      let key = getter(item);
      if (key instanceof Undefined && dflt !== undefined) key = dflt;
      return caseSensitive ? key : ignoreCase(key);
    };
    const sorted = pySort(iterate(v), keyOf, false);
    const groups: unknown[] = [];
    for (const item of sorted) {
      const key = keyOf(item);
      const last = groups[groups.length - 1] as unknown[] | undefined;
      if (last && pyEq(last[0], key)) (last[1] as unknown[]).push(item);
      else groups.push(tuple([caseSensitive ? key : getter(item), [item]]));
    }
    return groups;
  },
  indent: (_i, v, a, k) => indentFilter(toStr(v), arg(a, k, 0, 'width', 4), truthy(arg(a, k, 1, 'first', false)), truthy(arg(a, k, 2, 'blank', false))),
  int: (_i, v, a, k) => {
    const dflt = arg(a, k, 0, 'default', 0);
    const base = toInt(arg(a, k, 1, 'base', 10));
    try {
      return typeof v === 'string' ? toInt(v, base) : toInt(v);
    } catch {
      try {
        return Math.trunc(toFloat(v));
      } catch {
        return dflt;
      }
    }
  },
  items: (_i, v) => {
    if (v instanceof Undefined) return [];
    if (!isDict(v)) throw pyTypeError(`Can only get item pairs from a mapping.`);
    return dictEntries(v).map(([key, val]) => tuple([key, val]));
  },
  join: (interp, v, a, k) => {
    const sep = toStr(arg(a, k, 0, 'd', ''));
    const attribute = arg(a, k, 1, 'attribute', null);
    let items = iterate(v);
    if (attribute !== null) items = items.map(attrGetter(interp, attribute));
    return items.map(toStr).join(sep);
  },
  last: (interp, v) => {
    const items = iterate(v);
    return items.length ? items[items.length - 1] : new Undefined(interp.env.strictUndefined, null, null, 'No last item, sequence was empty.');
  },
  length: (_i, v) => pyLen(v),
  list: (_i, v) => iterate(v),
  lower: (_i, v) => toStr(v).toLowerCase(),
  map: async (interp, v, a, k) => {
    const items = iterate(v);
    if (!a.length && 'attribute' in k) {
      const getter = attrGetter(interp, k.attribute);
      const dflt = k.default;
      return items.map((item) => {
        const r = getter(item);
        return r instanceof Undefined && dflt !== undefined ? dflt : r;
      });
    }
    if (!a.length) throw new PyException('FilterArgumentError', 'map requires a filter argument');
    const name = toStr(a[0]);
    const out: unknown[] = [];
    for (const item of items) out.push(await interp.callFilter(name, item, a.slice(1), k));
    return out;
  },
  max: (_i, v) => extreme(v, 1),
  min: (_i, v) => extreme(v, -1),
  pprint: (_i, v) => pformat(v),
  reject: (interp, v, a, k) => selectOrReject(interp, v, a, k, false, false),
  rejectattr: (interp, v, a, k) => selectOrReject(interp, v, a, k, false, true),
  replace: (_i, v, a, k) => {
    const s = toStr(v);
    const old = toStr(arg(a, k, 0, 'old', ''));
    const rep = toStr(arg(a, k, 1, 'new', ''));
    const count = arg(a, k, 2, 'count', null);
    if (count === null) return s.split(old).join(rep);
    const parts = s.split(old);
    const n = toInt(count);
    return parts.slice(0, n + 1).join(rep) + (parts.length > n + 1 ? old + parts.slice(n + 1).join(old) : '');
  },
  reverse: (_i, v) => {
    if (typeof v === 'string') return [...v].reverse().join('');
    return iterate(v).reverse();
  },
  round: (_i, v, a, k) => {
    const precision = toInt(arg(a, k, 0, 'precision', 0));
    const method = toStr(arg(a, k, 1, 'method', 'common'));
    const n = toFloat(v);
    if (method === 'common') return pyFloat(pyRound(n, precision));
    const f = 10 ** precision;
    if (method === 'floor') return pyFloat(Math.floor(n * f) / f);
    if (method === 'ceil') return pyFloat(Math.ceil(n * f) / f);
    throw new PyException('FilterArgumentError', 'method must be common, ceil or floor');
  },
  safe: (_i, v) => toStr(v),
  select: (interp, v, a, k) => selectOrReject(interp, v, a, k, true, false),
  selectattr: (interp, v, a, k) => selectOrReject(interp, v, a, k, true, true),
  slice: (_i, v, a, k) => {
    const slices = toInt(arg(a, k, 0, 'slices', 1));
    const fill = arg(a, k, 1, 'fill_with', undefined);
    const seq = iterate(v);
    const perSlice = Math.floor(seq.length / slices);
    const withExtra = seq.length % slices;
    let offset = 0;
    const out: unknown[][] = [];
    for (let i = 0; i < slices; i++) {
      const start = offset + i * perSlice;
      if (i < withExtra) offset++;
      const end = offset + (i + 1) * perSlice;
      const part = seq.slice(start, end);
      if (fill !== undefined && i >= withExtra) part.push(fill);
      out.push(part);
    }
    return out;
  },
  sort: (interp, v, a, k) => {
    const reverse = truthy(arg(a, k, 0, 'reverse', false));
    const caseSensitive = truthy(arg(a, k, 1, 'case_sensitive', false));
    const attribute = arg(a, k, 2, 'attribute', null);
    const getter = attribute === null ? (x: unknown) => x : attrGetter(interp, attribute);
    return pySort(iterate(v), (x) => (caseSensitive ? getter(x) : ignoreCase(getter(x))), reverse);
  },
  string: (_i, v) => toStr(v),
  striptags: (_i, v) => toStr(v).replace(/<!--[\s\S]*?-->|<[^>]*>/g, '').replace(/\s+/g, ' ').trim(),
  sum: (interp, v, a, k) => {
    const attribute = arg(a, k, 0, 'attribute', null);
    let total = arg(a, k, 1, 'start', 0);
    let items = iterate(v);
    if (attribute !== null) items = items.map(attrGetter(interp, attribute));
    for (const item of items) total = pyAdd(total, item);
    return total;
  },
  title: (_i, v) => jinjaTitle(toStr(v)),
  trim: (_i, v, a, k) => {
    const chars = arg(a, k, 0, 'chars', null);
    const s = toStr(v);
    if (chars === null) return s.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
    const set = [...toStr(chars)];
    const cps = [...s];
    let i = 0;
    let j = cps.length;
    while (i < j && set.includes(cps[i]!)) i++;
    while (j > i && set.includes(cps[j - 1]!)) j--;
    return cps.slice(i, j).join('');
  },
  truncate: (_i, v, a, k) => {
    const s = toStr(v);
    const length = toInt(arg(a, k, 0, 'length', 255));
    const killwords = truthy(arg(a, k, 1, 'killwords', false));
    const end = toStr(arg(a, k, 2, 'end', '...'));
    const leewayArg = arg(a, k, 3, 'leeway', null);
    const leeway = leewayArg === null ? 5 : toInt(leewayArg);
    if (length < end.length) throw new PyException('AssertionError', `expected length >= ${end.length}, got ${length}`);
    if (leeway < 0) throw new PyException('AssertionError', `expected leeway >= 0, got ${leeway}`);
    const cps = [...s];
    if (cps.length <= length + leeway) return s;
    if (killwords) return cps.slice(0, length - end.length).join('') + end;
    const head = cps.slice(0, length - end.length).join('');
    const at = head.lastIndexOf(' ');
    return (at < 0 ? head : head.slice(0, at)) + end;
  },
  upper: (_i, v) => toStr(v).toUpperCase(),
  urlencode: (_i, v) => {
    if (typeof v === 'string') return encodeURIComponent(v).replace(/%2F/g, '/');
    const items = isDict(v) ? dictEntries(v) : iterate(v).map((x) => iterate(x) as [unknown, unknown]);
    return items.map(([key, val]) => `${encodeURIComponent(toStr(key))}=${encodeURIComponent(toStr(val))}`).join('&');
  },
  wordcount: (_i, v) => (toStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
};
BUILTIN_FILTERS.d = BUILTIN_FILTERS.default!;
BUILTIN_FILTERS.e = BUILTIN_FILTERS.escape!;

function extreme(v: unknown, sign: number): unknown {
  const items = iterate(v);
  if (!items.length) throw new PyException('ValueError', `${sign > 0 ? 'max' : 'min'}() arg is an empty sequence`);
  let best = items[0];
  for (const item of items.slice(1)) if (pyCmp(item, best) * sign > 0) best = item;
  return best;
}

const cmp = (op: string, f: (c: number) => boolean): FilterFn => (_i, v, a) => f(pyCmp(v, a[0], op));

/** Jinja's built-in tests. */
export const BUILTIN_TESTS: Record<string, FilterFn> = {
  boolean: (_i, v) => typeof v === 'boolean',
  callable: (_i, v) => v instanceof PyCallable,
  defined: (_i, v) => !(v instanceof Undefined),
  divisibleby: (_i, v, a) => toInt(v) % toInt(a[0]) === 0,
  eq: (_i, v, a) => pyEq(v, a[0]),
  escaped: () => false,
  even: (_i, v) => toInt(v) % 2 === 0,
  false: (_i, v) => v === false,
  filter: (interp, v) => typeof v === 'string' && interp.env.filters.has(v),
  float: (_i, v) => isNumberValue(v) && numInfo(v)!.float,
  ge: cmp('>=', (c) => c >= 0),
  gt: cmp('>', (c) => c > 0),
  in: (_i, v, a) => contains(a[0], v),
  integer: (_i, v) => isNumberValue(v) && !numInfo(v)!.float,
  iterable: (_i, v) => isIterable(v),
  le: cmp('<=', (c) => c <= 0),
  lower: (_i, v) => typeof v === 'string' && v === v.toLowerCase(),
  lt: cmp('<', (c) => c < 0),
  mapping: (_i, v) => isDict(v),
  ne: (_i, v, a) => !pyEq(v, a[0]),
  none: (_i, v) => v === null,
  number: (_i, v) => isNumberValue(v),
  odd: (_i, v) => Math.abs(toInt(v) % 2) === 1,
  sameas: (_i, v, a) => v === a[0],
  sequence: (_i, v) => typeof v === 'string' || Array.isArray(v) || isDict(v),
  string: (_i, v) => typeof v === 'string',
  test: (interp, v) => typeof v === 'string' && interp.env.tests.has(v),
  true: (_i, v) => v === true,
  undefined: (_i, v) => v instanceof Undefined,
  upper: (_i, v) => typeof v === 'string' && v === v.toUpperCase(),
};
Object.assign(BUILTIN_TESTS, {
  '==': BUILTIN_TESTS.eq,
  equalto: BUILTIN_TESTS.eq,
  '!=': BUILTIN_TESTS.ne,
  '>': BUILTIN_TESTS.gt,
  greaterthan: BUILTIN_TESTS.gt,
  '>=': BUILTIN_TESTS.ge,
  '<': BUILTIN_TESTS.lt,
  lessthan: BUILTIN_TESTS.lt,
  '<=': BUILTIN_TESTS.le,
});

function pyRange(args: unknown[]): number[] {
  const n = args.map((x) => toInt(x));
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new PyException('ValueError', 'range() arg 3 must not be zero');
  const out: number[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  if (out.length > 100000) throw new PyException('OverflowError', 'Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).');
  return out;
}

/** Jinja's default globals: range, dict, namespace, cycler, joiner, lipsum. */
export function builtinGlobals(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['range', new PyFunction('range', (a) => pyRange(a))],
    ['dict', new PyFunction('dict', (a, k) => {
      const d = newDict();
      if (a.length) {
        const src = a[0];
        if (isDict(src)) for (const [key, v] of dictEntries(src)) d.set(key, v);
        else for (const pair of iterate(src)) {
          const kv = iterate(pair);
          d.set(kv[0], kv[1]);
        }
      }
      for (const [key, v] of Object.entries(k)) d.set(key, v);
      return d;
    })],
    ['namespace', new PyFunction('namespace', (a, k) => {
      const ns = new Namespace();
      if (a.length && isDict(a[0])) for (const [key, v] of dictEntries(a[0])) ns.attrs.set(toStr(key), v);
      for (const [key, v] of Object.entries(k)) ns.attrs.set(key, v);
      return ns;
    })],
    ['lipsum', new PyFunction('lipsum', () => 'Lorem ipsum dolor sit amet.')],
    ['joiner', new PyFunction('joiner', (a) => {
      const sep = a.length ? toStr(a[0]) : ', ';
      let used = false;
      return new PyFunction('joiner', () => {
        if (!used) {
          used = true;
          return '';
        }
        return sep;
      });
    })],
    ['cycler', new PyFunction('cycler', (a) => {
      let pos = 0;
      const ns = new Namespace();
      ns.attrs.set('next', new PyFunction('next', () => a[pos++ % a.length]));
      ns.attrs.set('reset', new PyFunction('reset', () => ((pos = 0), null)));
      return ns;
    })],
  ]);
}

