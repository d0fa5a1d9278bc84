/**
 * How an execution function declares its parameters, in the terms Salt's minion binds arguments by
 * (`salt.utils.args.get_function_argspec`).
 */

/** The parameters of a function the minion can call. */
export interface FunctionSignature {
  /** Positional-or-keyword parameter names, in order (Python's `argspec.args`). */
  args: string[];
  /** Defaults of the trailing `args` that have one. */
  defaults?: Record<string, unknown>;
  /** True when the function takes `*args`. */
  varargs?: boolean;
  /** True when the function takes `**kwargs`; then any keyword and the `__pub_*` data are passed. */
  kwargs?: boolean;
  /**
   * Keyword-only parameters (after `*` or `*args`). Salt's minion does not count them as valid
   * keywords unless the function also has `**kwargs`.
   */
  kwonlyargs?: string[];
}

/** A Python signature string that {@link parsePythonSignature} cannot read. */
export class SignatureSyntaxError extends Error {
  override readonly name = 'SignatureSyntaxError';
  readonly code = 'SIGNATURE_SYNTAX_ERROR';
}

/** Splits on commas that are not inside brackets or quotes. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      current += ch;
      if (ch === '\\') current += s[++i] ?? '';
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim());
}

/** The JS value of a simple Python default: None, True, False, numbers, quoted strings; else the text. */
function literal(text: string): unknown {
  const t = text.trim();
  if (t === 'None') return null;
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (/^[-+]?\d+$/.test(t)) return Number(t);
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  const m = /^(['"])(.*)\1$/s.exec(t);
  if (m) return m[2]!;
  if (t === '[]') return [];
  if (t === '{}' || t === 'dict()') return {};
  return t;
}

const IDENT = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/**
 * Reads a Python signature such as `def f(name, mode=None, *args, **kwargs)` or `(name, mode=None)`
 * (annotations allowed, `/` and `*` markers understood).
 * @throws SignatureSyntaxError when the text is not a parameter list.
 */
export function parsePythonSignature(text: string): FunctionSignature {
  const m = /^\s*(?:(?:async\s+)?def\s+[\p{L}_][\p{L}\p{N}_]*\s*)?\((.*)\)\s*(?:->[^:]*)?:?\s*$/su.exec(text);
  if (!m) throw new SignatureSyntaxError(`expected a Python signature like "def f(a, b=None)": got ${JSON.stringify(text)}`);
  const sig: FunctionSignature = { args: [] };
  let keywordOnly = false;
  for (const param of splitTopLevel(m[1]!)) {
    if (param === '/') continue;
    if (param === '*') {
      keywordOnly = true;
      continue;
    }
    const eq = param.indexOf('=');
    const head = (eq === -1 ? param : param.slice(0, eq)).split(':')[0]!.trim();
    const def = eq === -1 ? undefined : literal(param.slice(eq + 1));
    if (head.startsWith('**')) {
      sig.kwargs = true;
      continue;
    }
    if (head.startsWith('*')) {
      sig.varargs = true;
      keywordOnly = true;
      continue;
    }
    if (!IDENT.test(head)) throw new SignatureSyntaxError(`bad parameter ${JSON.stringify(param)} in ${JSON.stringify(text)}`);
    if (keywordOnly) (sig.kwonlyargs ??= []).push(head);
    else sig.args.push(head);
    if (eq !== -1) (sig.defaults ??= {})[head] = def;
  }
  return sig;
}
