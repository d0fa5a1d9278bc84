/**
 * Python string formatting for templates: `'%s-%03d' % (a, b)` (printf style, also the `format`
 * filter) and `'{}:{port}'.format(...)` (format spec mini-language for str, int and float).
 */
import { formatFixed, isTuple } from '../../output/python.js';
import { PyFloat, pyFloatRepr } from '../../protocol/pytypes.js';
import { PyException, pyTypeError } from './errors.js';
import { dictGet, dictHas, isDict, numInfo, repr, toStr, typeName, type PyDict } from './values.js';
import type { Kwargs } from './runtime.js';

function keyError(key: unknown): PyException {
  return new PyException('KeyError', repr(key));
}

function pad(text: string, width: number, left: boolean, fill = ' '): string {
  const n = [...text].length;
  if (n >= width) return text;
  return left ? text + fill.repeat(width - n) : fill.repeat(width - n) + text;
}

function exponent(x: number, precision: number, upper: boolean): string {
  if (!Number.isFinite(x)) return nonFinite(x, upper);
  let s = x.toExponential(precision);
  s = s.replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function nonFinite(x: number, upper: boolean): string {
  const s = Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return upper ? s.toUpperCase() : s;
}

function general(x: number, precision: number, upper: boolean, alt: boolean): string {
  if (!Number.isFinite(x)) return nonFinite(x, upper);
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toExponential(p - 1)))));
  let s: string;
  if (exp < -4 || exp >= p) {
    s = exponent(x, p - 1, upper);
    if (!alt) s = s.replace(/\.?0+(?=[eE])/, '');
  } else {
    s = formatFixed(x, Math.max(0, p - 1 - exp));
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

/** Formats one number for the conversion types d i u o x X e E f F g G. */
function formatNumber(value: unknown, type: string, precision: number | undefined, flags: string): string {
  const info = numInfo(value);
  if (!info) {
    const needs = 'dioxXu'.includes(type) ? 'a real number' : 'a real number';
    throw pyTypeError(`%${type} format: ${needs} is required, not ${typeName(value)}`);
  }
  const x = info.n;
  const alt = flags.includes('#');
  let body: string;
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      body = Math.trunc(Math.abs(x)).toString();
      break;
    case 'o':
      body = (alt ? '0o' : '') + Math.trunc(Math.abs(x)).toString(8);
      break;
    case 'x':
    case 'X':
      body = (alt ? '0x' : '') + Math.trunc(Math.abs(x)).toString(16);
      if (type === 'X') body = body.toUpperCase();
      break;
    case 'e':
    case 'E':
      body = exponent(Math.abs(x), precision ?? 6, type === 'E');
      break;
    case 'f':
    case 'F':
      body = Number.isFinite(x) ? formatFixed(Math.abs(x), precision ?? 6) : nonFinite(Math.abs(x), type === 'F');
      break;
    default:
      body = general(Math.abs(x), precision ?? 6, type === 'G', alt);
  }
  const negative = x < 0 || Object.is(x, -0);
  const sign = negative && !(Number.isNaN(x)) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  return sign + body;
}

/**
 * Python's `fmt % args`. `args` is a tuple (several values), a dict (for `%(name)s`), or one value.
 * @throws PyException TypeError/ValueError/KeyError with Python's messages.
 */
export function percentFormat(fmt: string, args: unknown): string {
  const list = Array.isArray(args) && isTuple(args) ? args : [args];
  const mapping = isDict(args) ? (args as PyDict) : undefined;
  let next = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (next >= list.length) throw pyTypeError('not enough arguments for format string');
    return list[next++];
  };
  const out = fmt.replace(
    /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])?/g,
    (whole, key: string | undefined, flags: string, widthText: string | undefined, precText: string | undefined, type: string | undefined) => {
      if (type === undefined) throw new PyException('ValueError', `unsupported format character '${fmt[fmt.indexOf(whole) + whole.length] ?? ''}'`);
      if (type === '%' && whole === '%%') return '%';
      let value: unknown;
      if (key !== undefined) {
        if (!mapping) throw pyTypeError('format requires a mapping');
        if (!dictHas(mapping, key)) throw keyError(key);
        usedMapping = true;
        value = dictGet(mapping, key);
      }
      const width = widthText === '*' ? Number(take()) : widthText ? Number(widthText) : 0;
      const precision = precText === '*' ? Number(take()) : precText !== undefined ? Number(precText) : undefined;
      if (key === undefined) value = mapping && !Array.isArray(args) ? args : take();
      let text: string;
      if (type === 's') text = toStr(value);
      else if (type === 'r' || type === 'a') text = repr(value);
      else if (type === 'c') text = typeof value === 'string' ? value : String.fromCodePoint(Number(numInfo(value)?.n ?? 0));
      else {
        text = formatNumber(value, type, precision, flags);
        if (flags.includes('0') && !flags.includes('-') && [...text].length < width) {
          const sign = /^[-+ ]/.test(text) ? text[0]! : '';
          return sign + pad(text.slice(sign.length), width - sign.length, false, '0');
        }
      }
      if ((type === 's' || type === 'r' || type === 'a') && precision !== undefined) text = [...text].slice(0, precision).join('');
      return pad(text, width, flags.includes('-'));
    },
  );
  if (!mapping && next < list.length) throw pyTypeError('not all arguments converted during string formatting');
  void usedMapping;
  return out;
}

/** Applies a format spec (`[[fill]align][sign][#][0][width][,][.precision][type]`) to one value. */
function applySpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec);
  if (!m) throw new PyException('ValueError', 'Invalid format specifier');
  const [, fillChar, alignChar, sign = '-', alt, zero, widthText, grouping, precText, type] = m;
  const width = widthText ? Number(widthText) : 0;
  const precision = precText !== undefined ? Number(precText) : undefined;
  const info = typeof value === 'boolean' ? undefined : numInfo(value);
  let text: string;
  if (info && type !== 's') {
    const x = info.n;
    let t = type ?? (info.float ? '' : 'd');
    let body: string;
    if (t === '') body = precision !== undefined ? general(Math.abs(x), precision, false, false) : pyFloatRepr(Math.abs(x));
    else if (t === '%') body = formatFixed(Math.abs(x) * 100, precision ?? 6) + '%';
    else if (t === 'b') body = (alt ? '0b' : '') + Math.trunc(Math.abs(x)).toString(2);
    else if (t === 'n') body = Math.abs(x).toString();
    else {
      if (t === 'd' && info.float) throw new PyException('ValueError', `Unknown format code 'd' for object of type 'float'`);
      body = formatNumber(Math.abs(x), t, precision, alt ? '#' : '');
    }
    if (grouping) {
      const [intPart, frac] = body.split('.');
      body = intPart!.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + (frac !== undefined ? '.' + frac : '');
    }
    const negative = x < 0;
    const signText = negative ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    t = alignChar ?? (zero ? '=' : '>');
    const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
    if (t === '=') return signText + pad(body, width - signText.length, false, fill);
    text = signText + body;
    return align(text, width, t, fill);
  }
  text = value instanceof PyFloat ? pyFloatRepr(value.value) : toStr(value);
  if (precision !== undefined) text = [...text].slice(0, precision).join('');
  return align(text, width, alignChar ?? '<', fillChar ?? ' ');
}

function align(text: string, width: number, how: string, fill: string): string {
  const n = [...text].length;
  if (n >= width) return text;
  if (how === '<') return text + fill.repeat(width - n);
  if (how === '^') {
    const left = Math.floor((width - n) / 2);
    return fill.repeat(left) + text + fill.repeat(width - n - left);
  }
  return fill.repeat(width - n) + text;
}

/**
 * Python's `fmt.format(*args, **kwargs)`: auto and explicit field numbers, names, `.attr` and
 * `[key]` lookups, `!s`/`!r` conversions and format specs.
 * @throws PyException IndexError/KeyError/ValueError like Python.
 */
export function strFormat(fmt: string, args: unknown[], kwargs: Kwargs, getattr: (obj: unknown, name: string) => unknown): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field ?? '');
    if (!m) throw new PyException('ValueError', 'Invalid format string');
    const [, name = '', path = '', conversion, specRaw = ''] = m;
    let value: unknown;
    if (name === '') {
      if (auto >= args.length) throw new PyException('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(name)) {
      const i = Number(name);
      if (i >= args.length) throw new PyException('IndexError', `Replacement index ${i} out of range for positional args tuple`);
      value = args[i];
    } else {
      if (!(name in kwargs)) throw keyError(name);
      value = kwargs[name];
    }
    for (const [, attr, key] of path.matchAll(/\.([^.[]+)|\[([^\]]*)\]/g)) {
      if (attr !== undefined) value = getattr(value, attr);
      else {
        const k: unknown = /^\d+$/.test(key!) ? Number(key) : key;
        if (Array.isArray(value)) value = value[k as number];
        else if (isDict(value)) {
          if (!dictHas(value, k)) throw keyError(k);
          value = dictGet(value, k);
        } else throw pyTypeError(`'${typeName(value)}' object is not subscriptable`);
      }
    }
    if (conversion === 'r' || conversion === 'a') value = repr(value);
    else if (conversion === 's') value = toStr(value);
    const spec = specRaw.replace(/\{([^{}]*)\}/g, (_w, inner: string) => toStr(inner === '' ? args[auto++] : /^\d+$/.test(inner) ? args[Number(inner)] : kwargs[inner]));
    return applySpec(value, spec);
  });
}
