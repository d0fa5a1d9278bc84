/**
 * How Salt's YAML loader (PyYAML, YAML 1.1, with Salt's int tweak) reads a plain scalar: the
 * implicit resolvers shared by the full config parser (`config_yaml.ts`) and the fast path for
 * flat files (`flat_config.ts`), so both give the same values.
 */

// PyYAML's YAML 1.1 implicit resolvers. Unlike the `yaml` package's 1.1 schema, `y`/`n` stay strings
// and a float needs a dot (`1e3` is a string).
export const BOOL_RE = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
export const INT_RE =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
export const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function toNumber(big: bigint): number | bigint {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function sexagesimal(parts: string[], parse: (p: string) => number): number {
  let value = 0;
  for (const part of parts) value = value * 60 + parse(part);
  return value;
}

/**
 * An int as Salt reads it: Salt strips the leading zeros of an unsigned `0…` int (not `0b`/`0x`)
 * so `0644` is decimal 644 (`-0644` keeps YAML 1.1 octal); then PyYAML's rules apply.
 */
export function resolveSaltInt(text: string): number | bigint {
  let raw = text;
  if (raw !== '0' && raw.startsWith('0') && !raw.startsWith('0b') && !raw.startsWith('0x')) {
    raw = raw.replace(/^0+/, '') || '0';
  }
  let value = raw.replace(/_/g, '');
  let sign = 1n;
  if (value.startsWith('-')) sign = -1n;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '0' || value === '') return 0;
  if (value.startsWith('0b')) return toNumber(sign * BigInt(value));
  if (value.startsWith('0x')) return toNumber(sign * BigInt(value));
  if (value.startsWith('0')) return toNumber(sign * BigInt('0o' + value.slice(1)));
  if (value.includes(':')) return Number(sign) * sexagesimal(value.split(':'), (p) => parseInt(p, 10));
  return toNumber(sign * BigInt(value));
}

/** A float by PyYAML's YAML 1.1 rules (`.inf`, `.nan`, base 60 `1:30.5`, underscores). */
export function resolveSaltFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value.startsWith('-')) sign = -1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * sexagesimal(value.split(':'), Number);
  return sign * Number(value);
}

/** The `yaml` package's null test (kept by the config schema): `~`, `null`, `Null`, `NULL` or nothing. */
export const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;

/** A YAML 1.1 boolean's value (the text matched {@link BOOL_RE}). */
export function resolveSaltBool(text: string): boolean {
  return /^(?:yes|true|on)$/i.test(text);
}

/**
 * The value of an untagged plain scalar, resolved in the order the config schema tries its tags:
 * bool, int, float, null, else the text itself (timestamps stay text, as in Salt).
 * @throws Error (from BigInt) for int-looking text that has no digits, such as `0x_`.
 */
export function resolvePlainScalar(text: string): unknown {
  if (BOOL_RE.test(text)) return resolveSaltBool(text);
  if (INT_RE.test(text)) return resolveSaltInt(text);
  if (FLOAT_RE.test(text)) return resolveSaltFloat(text);
  if (NULL_RE.test(text)) return null;
  return text;
}

/** A mapping key as JSON writes Python's (`None` → `null`, `True` → `true`, `1.5` → `1.5`). */
export function keyString(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  return typeof key === 'string' ? key : String(key);
}
