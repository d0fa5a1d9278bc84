/**
 * A small subset of Python's `str.format`, for format strings that come from configuration
 * (Salt's `state_tabular` may be a custom format): positional fields `{0}`, item access `{6[key]}`,
 * conversions `!s` / `!r`, and specs `[[fill]align][width][.precision][s|d|f]`.
 */
import { OutputDataError } from './errors.js';
import { dictGet, formatFixed, isDict, isFloat, isNumber, ljust, pyRepr, pyStr, reprNumber, rjust, strLen } from './python.js';

const FIELD = /\{\{|\}\}|\{([^{}]*)\}/g;

function center(s: string, width: number, fillChar: string): string {
  const n = strLen(s);
  if (n >= width) return s;
  const left = Math.floor((width - n) / 2);
  return fillChar.repeat(left) + s + fillChar.repeat(width - n - left);
}

function applySpec(value: unknown, spec: string, converted: boolean): string {
  const m = /^(?:(.)?([<>^=]))?([+\- ]?)(0?)(\d*)(?:\.(\d+))?([sdfr%]?)$/u.exec(spec);
  if (!m) throw new OutputDataError('KeyError', `unsupported format spec ${JSON.stringify(spec)}`);
  const [, fillChar = ' ', align, , zero, widthText, precision, type] = m;
  let text: string;
  const numeric = !converted && isNumber(value) && typeof value !== 'boolean';
  if (type === 'f' || (numeric && precision !== undefined)) {
    text = formatFixed(Number(value), precision === undefined ? 6 : Number(precision));
  } else if (numeric) {
    text = isFloat(value) ? reprNumber(value) : pyStr(value);
  } else {
    text = pyStr(value);
    if (precision !== undefined) text = [...text].slice(0, Number(precision)).join('');
  }
  const width = widthText ? Number(widthText) : 0;
  const fillWith = zero && !align ? '0' : fillChar;
  const alignment = align ?? (numeric ? '>' : '<');
  if (alignment === '>' || alignment === '=') return rjust(text, width, fillWith);
  if (alignment === '^') return center(text, width, fillWith);
  return ljust(text, width, fillWith);
}

/**
 * Formats `fmt` like Python's `fmt.format(*args)` for the supported subset.
 * @throws OutputDataError ('KeyError') for a field or spec outside the subset, or a missing item.
 */
export function pyFormat(fmt: string, args: unknown[]): string {
  return fmt.replace(FIELD, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const m = /^(\d+)((?:\[[^\]]*\])*)(?:!([sr]))?(?::(.*))?$/su.exec(field ?? '');
    if (!m) throw new OutputDataError('KeyError', `unsupported format field {${field}}`);
    let value: unknown = args[Number(m[1])];
    if (Number(m[1]) >= args.length) throw new OutputDataError('KeyError', `no argument ${m[1]}`);
    for (const [, key] of m[2].matchAll(/\[([^\]]*)\]/g)) {
      const k: unknown = /^\d+$/.test(key) && Array.isArray(value) ? Number(key) : key;
      if (isDict(value)) value = dictGet(value, k);
      else if (Array.isArray(value)) value = value[k as number];
      else throw new OutputDataError('TypeError', `object is not subscriptable`);
      if (value === undefined) throw new OutputDataError('KeyError', key);
    }
    if (m[3] === 's') value = pyStr(value);
    else if (m[3] === 'r') value = pyRepr(value);
    return applySpec(value, m[4] ?? '', m[3] !== undefined);
  });
}
