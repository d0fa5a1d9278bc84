/**
 * `salt.utils.args.yamlify_arg`: how Salt turns one CLI argument string into a Python value.
 */
import { PyFloat } from '../protocol/pytypes.js';
import { loadSaltYaml } from '../yaml/salt_yaml.js';
import { isPyDict } from './pydict.js';


/** True for the result types yamlify keeps: None, list, float, int, bool, str. */
function isPlainScalarOrList(v: unknown): boolean {
  return (
    v === null ||
    Array.isArray(v) ||
    v instanceof PyFloat ||
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean' ||
    typeof v === 'string'
  );
}

/**
 * Loads a CLI argument as YAML the way Salt does, keeping the original string whenever Salt would:
 * - a non-string is returned unchanged;
 * - blank, `---`, `...`, digits-with-underscores (`1_000`), and anything holding a tab, CR or LF stay strings;
 * - with a `#`, the parsed value is used only if it is not a string or None (so `a #b` stays whole);
 * - `None` is None; a dict must be written in braces and a list in brackets, else the string is kept;
 * - `|` and `!` (which load as ''), and `#…` / `!` (which load as None) keep the string;
 * - bytes, sets and any YAML error keep the string.
 * Never throws.
 */
export function yamlifyArg(arg: unknown): unknown {
  if (typeof arg !== 'string') return arg;
  const stripped = arg.trim();
  if (stripped === '' || stripped === '---' || stripped === '...') return arg;
  if (arg.includes('_') && /^[0-9_]*$/.test(stripped)) return arg;
  if (/[\t\r\n]/.test(arg)) return arg;
  try {
    if (arg.includes('#')) {
      const parsed = loadSaltYaml(arg);
      return typeof parsed === 'string' || parsed === null ? arg : parsed;
    }
    const value = arg === 'None' ? null : loadSaltYaml(arg);
    if (isPyDict(value)) return arg.startsWith('{') ? value : arg;
    if (Array.isArray(value)) return arg.startsWith('[') ? value : arg;
    if (isPlainScalarOrList(value)) {
      if (value === '' && (arg === '|' || arg === '!')) return arg;
      if (value === null && (stripped.startsWith('#') || arg === '!')) return arg;
      return value;
    }
    return arg;
  } catch {
    return arg;
  }
}
