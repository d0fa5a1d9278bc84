/**
 * Python attributes of template values: the methods of str, list, dict and set
 * (`'a.b'.split('.')`, `d.items()`, `l.append(x)` ...) and the attributes of the runtime objects
 * (loop, namespace, imported modules, `salt.mod.fun`). Used for `obj.attr` and as the fallback of
 * `obj['attr']`, as Jinja does.
 */
import { splitlines } from '../../output/python.js';
import { PyException, pyTypeError } from './errors.js';
import { strFormat } from './pyformat.js';
import {
  LoopContext,
  Namespace,
  PyFunction,
  SaltModuleProxy,
  SaltProxy,
  TemplateModule,
  MISSING,
  type Kwargs,
} from './runtime.js';
import {
  checkDefined,
  contains,
  dictDelete,
  dictEntries,
  dictGet,
  dictHas,
  dictKeys,
  dictSet,
  isDict,
  iterate,
  isTuple,
  newDict,
  numInfo,
  pyCmp,
  pyEq,
  repr,
  toInt,
  toStr,
  tuple,
  typeName,
  type PyDict,
} from './values.js';

/** Returned by {@link getAttribute} when the object has no such attribute. */
export const NO_ATTRIBUTE: unique symbol = Symbol('no attribute');

const PY_SPACE = /[\s\x1c-\x1f\x85]/u;

function argCount(name: string, args: unknown[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    if (min === max) throw pyTypeError(`${name}() takes exactly ${min === 0 ? 'no arguments' : `one argument`} (${args.length} given)`);
    if (args.length < min) throw pyTypeError(`${name} expected at least ${min} argument${min === 1 ? '' : 's'}, got ${args.length}`);
    throw pyTypeError(`${name} expected at most ${max} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

function needStr(fn: string, v: unknown, pos = 1): string {
  if (typeof v !== 'string') throw pyTypeError(`${fn}() argument ${pos} must be str, not ${typeName(v)}`);
  return v;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : [...needStr('strip', chars)];
  const strip = (c: string) => (set ? set.includes(c) : PY_SPACE.test(c));
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && strip(cps[a]!)) a++;
  if (right) while (b > a && strip(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

/** Python's str.split / str.rsplit. */
export function pySplit(s: string, sep: unknown, maxsplit: number, fromRight: boolean): string[] {
  if (sep === null || sep === undefined) {
    const words = s.split(/[\s\x1c-\x1f\x85]+/u).filter((w) => w !== '');
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    // keep the remainder intact (including inner whitespace)
    const re = /[\s\x1c-\x1f\x85]+/gu;
    if (!fromRight) {
      const trimmed = s.replace(/^[\s\x1c-\x1f\x85]+/u, '');
      const out: string[] = [];
      let rest = trimmed;
      for (let i = 0; i < maxsplit; i++) {
        re.lastIndex = 0;
        const m = re.exec(rest);
        if (!m) break;
        out.push(rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
      }
      return [...out, rest];
    }
    const trimmed = s.replace(/[\s\x1c-\x1f\x85]+$/u, '');
    const out: string[] = [];
    let rest = trimmed;
    for (let i = 0; i < maxsplit; i++) {
      const m = /[\s\x1c-\x1f\x85]+(?=[^\s\x1c-\x1f\x85]*$)/u.exec(rest);
      if (!m) break;
      out.unshift(rest.slice(m.index + m[0].length));
      rest = rest.slice(0, m.index);
    }
    return [rest, ...out];
  }
  const sepStr = needStr('split', sep);
  if (sepStr === '') throw new PyException('ValueError', 'empty separator');
  const parts = s.split(sepStr);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  if (!fromRight) return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sepStr)];
  return [parts.slice(0, parts.length - maxsplit).join(sepStr), ...parts.slice(parts.length - maxsplit)];
}

function pyTitle(s: string): string {
  let prevCased = false;
  let out = '';
  for (const ch of s) {
    const cased = /\p{L}/u.test(ch);
    out += cased ? (prevCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevCased = cased;
  }
  return out;
}

function pySlicePos(len: number, v: unknown, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  let n = toInt(v);
  if (n < 0) n = Math.max(0, len + n);
  return Math.min(n, len);
}

function affix(s: string, prefix: unknown, args: unknown[], end: boolean): boolean {
  const sub = s.slice(pySlicePos(s.length, args[0], 0), pySlicePos(s.length, args[1], s.length));
  const options = Array.isArray(prefix) && isTuple(prefix) ? prefix : [prefix];
  return options.some((p) => {
    if (typeof p !== 'string') {
      throw pyTypeError(`${end ? 'endswith' : 'startswith'} first arg must be str or a tuple of str, not ${typeName(p)}`);
    }
    return end ? sub.endsWith(p) : sub.startsWith(p);
  });
}

function strMethod(s: string, name: string, getattr: (o: unknown, n: string) => unknown): PyFunction | undefined {
  const m = (impl: (args: unknown[], kwargs: Kwargs) => unknown) => new PyFunction(`${name} of str object`, impl);
  switch (name) {
    case 'upper':
      return m(() => s.toUpperCase());
    case 'lower':
      return m(() => s.toLowerCase());
    case 'casefold':
      return m(() => s.toLowerCase());
    case 'swapcase':
      return m(() => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''));
    case 'title':
      return m(() => pyTitle(s));
    case 'capitalize':
      return m(() => (s ? [...s][0]!.toUpperCase() + [...s].slice(1).join('').toLowerCase() : s));
    case 'strip':
      return m((a) => stripChars(s, a[0], true, true));
    case 'lstrip':
      return m((a) => stripChars(s, a[0], true, false));
    case 'rstrip':
      return m((a) => stripChars(s, a[0], false, true));
    case 'split':
    case 'rsplit':
      return m((a, k) => pySplit(s, a[0] ?? k.sep, toInt(a[1] ?? k.maxsplit ?? -1), name === 'rsplit'));
    case 'splitlines':
      return m((a, k) => splitlines(s, Boolean(a[0] ?? k.keepends)));
    case 'startswith':
    case 'endswith':
      return m((a) => {
        argCount(name, a, 1, 3);
        return affix(s, a[0], a.slice(1), name === 'endswith');
      });
    case 'replace':
      return m((a) => {
        argCount('replace', a, 2, 3);
        const old = needStr('replace', a[0], 1);
        const rep = needStr('replace', a[1], 2);
        const count = a[2] === undefined ? -1 : toInt(a[2]);
        if (count < 0) return s.split(old).join(rep);
        let out = s;
        let from = 0;
        for (let i = 0; i < count; i++) {
          const at = out.indexOf(old, from);
          if (at < 0) break;
          out = out.slice(0, at) + rep + out.slice(at + old.length);
          from = at + rep.length + (old === '' ? 1 : 0);
        }
        return out;
      });
    case 'find':
    case 'index':
    case 'rfind':
    case 'rindex':
      return m((a) => {
        const sub = needStr(name, a[0]);
        const start = pySlicePos(s.length, a[1], 0);
        const end = pySlicePos(s.length, a[2], s.length);
        const region = s.slice(start, end);
        const at = name.startsWith('r') ? region.lastIndexOf(sub) : region.indexOf(sub);
        if (at < 0 && name.endsWith('index')) throw new PyException('ValueError', 'substring not found');
        return at < 0 ? -1 : at + start;
      });
    case 'count':
      return m((a) => {
        const sub = needStr('count', a[0]);
        if (sub === '') return [...s].length + 1;
        return s.split(sub).length - 1;
      });
    case 'join':
      return m((a) => {
        argCount('join', a, 1, 1);
        return iterate(a[0])
          .map((item, i) => {
            if (typeof item !== 'string') throw pyTypeError(`sequence item ${i}: expected str instance, ${typeName(item)} found`);
            return item;
          })
          .join(s);
      });
    case 'format':
      return m((a, k) => strFormat(s, a, k, getattr));
    case 'format_map':
      return m((a) => strFormat(s, [], Object.fromEntries(dictEntries(a[0] as PyDict).map(([k, v]) => [toStr(k), v])), getattr));
    case 'zfill':
      return m((a) => {
        const width = toInt(a[0]);
        const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
        const body = s.slice(sign.length);
        return sign + body.padStart(Math.max(0, width - sign.length), '0');
      });
    case 'center':
    case 'ljust':
    case 'rjust':
      return m((a) => {
        const width = toInt(a[0]);
        const fill = a[1] === undefined ? ' ' : needStr(name, a[1], 2);
        const n = [...s].length;
        if (n >= width) return s;
        const marg = width - n;
        if (name === 'ljust') return s + fill.repeat(marg);
        if (name === 'rjust') return fill.repeat(marg) + s;
        const left = Math.floor(marg / 2) + (marg & width & 1);
        return fill.repeat(left) + s + fill.repeat(marg - left);
      });
    case 'partition':
    case 'rpartition':
      return m((a) => {
        const sep = needStr(name, a[0]);
        const at = name === 'partition' ? s.indexOf(sep) : s.lastIndexOf(sep);
        if (at < 0) return name === 'partition' ? tuple([s, '', '']) : tuple(['', '', s]);
        return tuple([s.slice(0, at), sep, s.slice(at + sep.length)]);
      });
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      return m(() => s.length > 0 && /^\p{Nd}+$/u.test(s));
    case 'isalpha':
      return m(() => s.length > 0 && /^\p{L}+$/u.test(s));
    case 'isalnum':
      return m(() => s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s));
    case 'isspace':
      return m(() => s.length > 0 && [...s].every((c) => PY_SPACE.test(c)));
    case 'islower':
      return m(() => /\p{Ll}/u.test(s) && !/\p{Lu}|\p{Lt}/u.test(s));
    case 'isupper':
      return m(() => /\p{Lu}/u.test(s) && !/\p{Ll}|\p{Lt}/u.test(s));
    case 'encode':
      return m(() => Buffer.from(s, 'utf8'));
    case 'expandtabs':
      return m((a) => s.replace(/\t/g, ' '.repeat(a[0] === undefined ? 8 : toInt(a[0]))));
    case 'removeprefix':
      return m((a) => (s.startsWith(needStr(name, a[0])) ? s.slice((a[0] as string).length) : s));
    case 'removesuffix':
      return m((a) => (a[0] !== '' && s.endsWith(needStr(name, a[0])) ? s.slice(0, s.length - (a[0] as string).length) : s));
  }
  return undefined;
}

function listMethod(list: unknown[], name: string): PyFunction | undefined {
  const m = (impl: (args: unknown[], kwargs: Kwargs) => unknown) => new PyFunction(`${name} of list object`, impl);
  const tupleOnly = ['index', 'count'];
  if (isTuple(list) && !tupleOnly.includes(name)) return undefined;
  switch (name) {
    case 'append':
      return m((a) => {
        argCount('list.append', a, 1, 1);
        list.push(a[0]);
        return null;
      });
    case 'extend':
      return m((a) => {
        list.push(...iterate(a[0]));
        return null;
      });
    case 'insert':
      return m((a) => {
        const i = pySlicePos(list.length, a[0], 0);
        list.splice(i, 0, a[1]);
        return null;
      });
    case 'pop':
      return m((a) => {
        if (list.length === 0) throw new PyException('IndexError', 'pop from empty list');
        let i = a[0] === undefined ? list.length - 1 : toInt(a[0]);
        if (i < 0) i += list.length;
        if (i < 0 || i >= list.length) throw new PyException('IndexError', 'pop index out of range');
        return list.splice(i, 1)[0];
      });
    case 'remove':
      return m((a) => {
        const i = list.findIndex((x) => pyEq(x, a[0]));
        if (i < 0) throw new PyException('ValueError', 'list.remove(x): x not in list');
        list.splice(i, 1);
        return null;
      });
    case 'index':
      return m((a) => {
        const i = list.findIndex((x) => pyEq(x, a[0]));
        if (i < 0) throw new PyException('ValueError', isTuple(list) ? 'tuple.index(x): x not in tuple' : `${repr(a[0])} is not in list`);
        return i;
      });
    case 'count':
      return m((a) => list.filter((x) => pyEq(x, a[0])).length);
    case 'reverse':
      return m(() => {
        list.reverse();
        return null;
      });
    case 'sort':
      return m((_a, k) => {
        list.sort((x, y) => pyCmp(x, y));
        if (k.reverse) list.reverse();
        return null;
      });
    case 'copy':
      return m(() => [...list]);
    case 'clear':
      return m(() => {
        list.length = 0;
        return null;
      });
  }
  return undefined;
}

function dictMethod(d: PyDict, name: string): PyFunction | undefined {
  const m = (impl: (args: unknown[], kwargs: Kwargs) => unknown) => new PyFunction(`${name} of dict object`, impl);
  switch (name) {
    case 'items':
      return m(() => dictEntries(d).map(([k, v]) => tuple([k, v])));
    case 'keys':
      return m(() => dictKeys(d));
    case 'values':
      return m(() => dictEntries(d).map(([, v]) => v));
    case 'get':
      return m((a) => {
        argCount('get', a, 1, 2);
        return dictHas(d, a[0]) ? dictGet(d, a[0]) : (a[1] ?? null);
      });
    case 'update':
      return m((a, k) => {
        const src = a[0];
        if (src !== undefined) {
          if (isDict(src)) for (const [key, v] of dictEntries(src)) dictSet(d, key, v);
          else for (const pair of iterate(src)) {
            const kv = iterate(pair);
            if (kv.length !== 2) throw new PyException('ValueError', `dictionary update sequence element #0 has length ${kv.length}; 2 is required`);
            dictSet(d, kv[0], kv[1]);
          }
        }
        for (const [key, v] of Object.entries(k)) dictSet(d, key, v);
        return null;
      });
    case 'setdefault':
      return m((a) => {
        if (!dictHas(d, a[0])) dictSet(d, a[0], a[1] ?? null);
        return dictGet(d, a[0]);
      });
    case 'pop':
      return m((a) => {
        if (dictHas(d, a[0])) {
          const v = dictGet(d, a[0]);
          dictDelete(d, a[0]);
          return v;
        }
        if (a.length > 1) return a[1];
        throw new PyException('KeyError', repr(a[0]));
      });
    case 'popitem':
      return m(() => {
        const entries = dictEntries(d);
        if (!entries.length) throw new PyException('KeyError', "'popitem(): dictionary is empty'");
        const [k, v] = entries[entries.length - 1]!;
        dictDelete(d, k);
        return tuple([k, v]);
      });
    case 'copy':
      return m(() => newDict(dictEntries(d)));
    case 'clear':
      return m(() => {
        for (const k of dictKeys(d)) dictDelete(d, k);
        return null;
      });
  }
  return undefined;
}

function setMethod(s: Set<unknown>, name: string): PyFunction | undefined {
  const m = (impl: (args: unknown[]) => unknown) => new PyFunction(`${name} of set object`, impl);
  switch (name) {
    case 'add':
      return m((a) => {
        if (!contains(s, a[0])) s.add(a[0]);
        return null;
      });
    case 'union':
      return m((a) => new Set([...s, ...a.flatMap((x) => iterate(x)).filter((x, i, all) => all.findIndex((y) => pyEq(x, y)) === i && !contains(s, x))]));
    case 'intersection':
      return m((a) => new Set([...s].filter((x) => a.every((o) => contains(o, x)))));
    case 'difference':
      return m((a) => new Set([...s].filter((x) => !a.some((o) => contains(o, x)))));
  }
  return undefined;
}

/**
 * `getattr(obj, name)` for template values; {@link NO_ATTRIBUTE} when there is none.
 * Methods of dicts are found before their keys (`d.items`), as in Python.
 */
export function getAttribute(obj: unknown, name: string): unknown {
  checkDefined(obj);
  const self = (o: unknown, n: string) => {
    const v = getAttribute(o, n);
    if (v === NO_ATTRIBUTE) throw new PyException('AttributeError', `'${typeName(o)}' object has no attribute '${n}'`);
    return v;
  };
  if (typeof obj === 'string') return strMethod(obj, name, self) ?? NO_ATTRIBUTE;
  if (Array.isArray(obj)) return listMethod(obj, name) ?? NO_ATTRIBUTE;
  if (isDict(obj)) return dictMethod(obj, name) ?? NO_ATTRIBUTE;
  if (obj instanceof Set) return setMethod(obj, name) ?? NO_ATTRIBUTE;
  const num = typeof obj === 'boolean' ? undefined : numInfo(obj);
  if (num) {
    if (name === 'real') return obj;
    if (name === 'imag') return 0;
    if (name === 'is_integer' && num.float) return new PyFunction('is_integer', () => Number.isInteger(num.n));
    return NO_ATTRIBUTE;
  }
  if (obj instanceof Namespace) return obj.attrs.has(name) ? obj.attrs.get(name) : NO_ATTRIBUTE;
  if (obj instanceof TemplateModule) return obj.exports.has(name) ? obj.exports.get(name) : NO_ATTRIBUTE;
  if (obj instanceof LoopContext) return loopAttribute(obj, name);
  if (obj instanceof SaltProxy) return new SaltModuleProxy(obj, name);
  if (obj instanceof SaltModuleProxy) return obj.salt.function(`${obj.module}.${name}`);
  return NO_ATTRIBUTE;
}

function loopAttribute(loop: LoopContext, name: string): unknown {
  switch (name) {
    case 'index':
    case 'index0':
    case 'revindex':
    case 'revindex0':
    case 'first':
    case 'last':
    case 'length':
    case 'depth':
    case 'depth0':
      return loop[name];
    case 'previtem':
    case 'nextitem': {
      const v = loop[name];
      return v === MISSING ? NO_ATTRIBUTE : v;
    }
    case 'cycle':
      return new PyFunction('cycle', (args) => loop.cycle(args));
    case 'changed':
      return new PyFunction('changed', (args) => loop.changed(args, (a, b) => pyEq(a, b)));
  }
  return NO_ATTRIBUTE;
}
