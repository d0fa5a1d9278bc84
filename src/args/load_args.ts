/**
 * Binding a published `arg` list to an execution function on the minion
 * (`salt.minion.load_args_and_kwargs`).
 */
import { SaltInvocationError } from './errors.js';
import { parseInput } from './parse.js';
import { dictEntries, isPyDict, setOwn, withoutKwargMarker } from './pydict.js';
import { pyStr } from './py_repr.js';
import type { FunctionSignature } from './signature.js';

/** Options of {@link loadArgsAndKwargs}. */
export interface LoadArgsOptions {
  /** Drop keyword arguments the function cannot take instead of throwing (Salt's `ignore_invalid`). */
  ignoreInvalid?: boolean;
}

/** What the function is called with. */
export interface BoundArguments {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/**
 * Splits the published `arg` list into the positional and keyword arguments for `sig`:
 * - a dict with `__kwarg__: true` gives keywords;
 * - a `name=value` string gives a keyword too (value YAML-loaded), since the client leaves strings alone;
 * - a keyword is valid when the function takes `**kwargs` or has a positional parameter of that name;
 * - anything else is positional (a dict without the marker loses any `__kwarg__` key);
 * - when the function takes `**kwargs` and `data` (the publish) is given, each of its items is added as
 *   `__pub_<key>`.
 * @throws SaltInvocationError "The following keyword arguments are not valid: k=v, ..." listing every
 *   invalid keyword, unless `ignoreInvalid`.
 */
export function loadArgsAndKwargs(
  sig: FunctionSignature,
  arg: readonly unknown[],
  data?: Record<string, unknown> | null,
  opts: LoadArgsOptions = {},
): BoundArguments {
  const accepts = (name: string): boolean => sig.kwargs === true || sig.args.includes(name);
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  const invalid: string[] = [];
  const offer = (name: string, value: unknown): void => {
    if (accepts(name)) setOwn(kwargs, name, value);
    else invalid.push(`${name}=${pyStr(value)}`);
  };

  for (const item of arg) {
    if (isPyDict(item)) {
      const entries = dictEntries(item);
      const marker = entries.find(([k]) => k === '__kwarg__');
      if (marker && marker[1] === true) {
        for (const [k, v] of entries) if (k !== '__kwarg__') offer(String(k), v);
        continue;
      }
      args.push(marker ? withoutKwargMarker(item) : item);
      continue;
    }
    const { kwargs: stringKwarg } = parseInput([item], { condition: false });
    const names = Object.keys(stringKwarg);
    if (names.length > 0) {
      for (const name of names) offer(name, stringKwarg[name]);
    } else {
      args.push(item);
    }
  }

  if (invalid.length > 0 && !opts.ignoreInvalid) {
    throw new SaltInvocationError(`The following keyword arguments are not valid: ${invalid.join(', ')}`);
  }
  if (sig.kwargs && data && isPyDict(data)) {
    for (const [k, v] of dictEntries(data)) setOwn(kwargs, `__pub_${String(k)}`, v);
  }
  return { args, kwargs };
}
