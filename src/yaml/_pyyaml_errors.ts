/**
 * Turns a syntax error of the `yaml` package into what libyaml (PyYAML's CSafeLoader) reports for
 * the same text: the exception class, its problem text and marks. Salt prints these texts, so SLS
 * render errors depend on them.
 *
 * The `yaml` package finds the same broken texts but words and places the errors differently, so
 * this maps the common cases:
 * - an error inside a flow collection (`[a, b` left open, `{{ x }}` reaching YAML) is re-checked by a
 *   small flow-collection scanner that follows libyaml's rules and reports libyaml's ParserError
 *   ("while parsing a flow sequence" ... "did not find expected ',' or ']'") at libyaml's marks;
 * - a tab used as indentation → ScannerError "found character that cannot start any token";
 * - a mapping value inside a compact (`- a: b: c`) entry → ScannerError "mapping values are not
 *   allowed in this context";
 * - a second document → ComposerError "expected a single document in the stream".
 * Anything else keeps the `yaml` package's wording as a ParserError at its position.
 */
import type { LineCounter } from 'yaml';
import type { PyYamlErrorInfo, SourcePosition } from './errors.js';

/** The fields of a `yaml` package error this module looks at. */
export interface YamlLibError {
  code: string;
  message: string;
  pos: [number, number];
}

/**
 * libyaml's view of a syntax error.
 * @param firstDocStart offset of the first document's root node, for the ComposerError context mark.
 */
export function translateSyntaxError(
  text: string,
  err: YamlLibError,
  lines: LineCounter,
  firstDocStart: number | undefined,
): PyYamlErrorInfo {
  const mark = (offset: number): SourcePosition => {
    const at = lines.linePos(offset);
    return { line: at.line, column: at.col };
  };
  const offset = err.pos[0];
  if (err.code === 'MULTIPLE_DOCS') {
    return {
      kind: 'ComposerError',
      context: 'expected a single document in the stream',
      contextMark: firstDocStart === undefined ? undefined : mark(firstDocStart),
      problem: 'but found another document',
      problemMark: mark(offset),
    };
  }
  const opener = outermostOpenFlow(text, offset);
  if (opener !== undefined) {
    const failure = probeFlow(text, opener);
    if (failure) {
      const seq = text[failure.opener] === '[';
      return {
        kind: 'ParserError',
        context: seq ? 'while parsing a flow sequence' : 'while parsing a flow mapping',
        contextMark: mark(failure.opener),
        problem: seq ? "did not find expected ',' or ']'" : "did not find expected ',' or '}'",
        problemMark: mark(failure.at),
      };
    }
  }
  if (err.code === 'TAB_AS_INDENT') {
    return {
      kind: 'ScannerError',
      context: 'while scanning for the next token',
      problem: 'found character that cannot start any token',
      problemMark: mark(offset),
    };
  }
  if (err.code === 'BLOCK_AS_IMPLICIT_KEY') {
    return { kind: 'ScannerError', problem: 'mapping values are not allowed in this context', problemMark: mark(offset) };
  }
  const problem = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return { kind: 'ParserError', problem, problemMark: mark(offset) };
}

const FLOW_INDICATORS = ',[]{}';

function isBlank(ch: string | undefined): boolean {
  return ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/**
 * The offset of the outermost `[` / `{` that starts a flow collection and is still open at `limit`,
 * found by a light scan that skips comments and quoted scalars.
 */
function outermostOpenFlow(text: string, limit: number): number | undefined {
  const stack: number[] = [];
  let tokenStart = true; // at a place where a node may begin
  for (let i = 0; i < limit && i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      tokenStart = true;
      continue;
    }
    if (ch === ' ' || ch === '\t') continue;
    if (ch === '#' && (i === 0 || isBlank(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
      i--;
      continue;
    }
    if (tokenStart && (ch === "'" || ch === '"')) {
      i = skipQuoted(text, i) - 1;
      tokenStart = false;
      continue;
    }
    if (tokenStart && (ch === '[' || ch === '{')) {
      stack.push(i);
      continue;
    }
    if (stack.length > 0) {
      if (ch === ']' || ch === '}') {
        stack.pop();
        tokenStart = false;
        continue;
      }
      if (ch === ',' || ch === ':') {
        tokenStart = true;
        continue;
      }
      tokenStart = false;
      continue;
    }
    if ((ch === '-' || ch === ':' || ch === '?') && isBlank(text[i + 1])) {
      tokenStart = true;
      continue;
    }
    tokenStart = false;
  }
  return stack[0];
}

/** The offset just after the quoted scalar starting at `start` (or the text's end). */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (quote === "'" && ch === "'") {
      if (text[i + 1] === "'") {
        i += 2;
        continue;
      }
      return i + 1;
    }
    if (quote === '"' && ch === '\\') {
      i += 2;
      continue;
    }
    if (quote === '"' && ch === '"') return i + 1;
    i++;
  }
  return i;
}

interface FlowFailure {
  /** The `[` or `{` of the collection being parsed when the error was found. */
  opener: number;
  /** Where libyaml reports the problem. */
  at: number;
}

class FlowProbeFailure extends Error {
  constructor(readonly failure: FlowFailure) {
    super('flow');
  }
}

/**
 * Parses the flow collection starting at `start` with libyaml's rules; returns where it fails,
 * or undefined when the collection is well formed.
 */
function probeFlow(text: string, start: number): FlowFailure | undefined {
  const lineOf = (offset: number) => {
    let n = 0;
    for (let i = 0; i < offset; i++) if (text[i] === '\n') n++;
    return n;
  };
  const skipSpace = (i: number): number => {
    while (i < text.length) {
      const ch = text[i]!;
      if (isBlank(ch)) i++;
      else if (ch === '#' && isBlank(text[i - 1])) {
        while (i < text.length && text[i] !== '\n') i++;
      } else break;
    }
    return i;
  };
  /** Parses one node at i; returns its end and whether it may be a simple key. */
  const node = (i: number): { end: number; simple: boolean } => {
    const ch = text[i];
    if (ch === '[' || ch === '{') return { end: collection(i), simple: true };
    if (ch === "'" || ch === '"') {
      const end = skipQuoted(text, i);
      return { end, simple: lineOf(i) === lineOf(end) };
    }
    let j = i;
    let lastContent = i;
    while (j < text.length) {
      const c = text[j]!;
      if (FLOW_INDICATORS.includes(c)) break;
      if (c === ':' && (isBlank(text[j + 1]) || FLOW_INDICATORS.includes(text[j + 1] ?? ''))) break;
      if (c === '#' && isBlank(text[j - 1])) break;
      if (!isBlank(c)) lastContent = j + 1;
      j++;
    }
    return { end: lastContent, simple: lineOf(i) === lineOf(lastContent) };
  };
  const collection = (open: number): number => {
    const close = text[open] === '[' ? ']' : '}';
    let i = skipSpace(open + 1);
    for (;;) {
      if (i >= text.length) throw new FlowProbeFailure({ opener: open, at: i });
      if (text[i] === close) return i + 1;
      let simple = true;
      if (text[i] !== ':') {
        const entry = node(i);
        simple = entry.simple;
        i = skipSpace(entry.end);
      }
      if (text[i] === ':') {
        if (!simple) throw new FlowProbeFailure({ opener: open, at: i });
        i = skipSpace(i + 1);
        if (text[i] !== ',' && text[i] !== close && i < text.length) i = skipSpace(node(i).end);
      }
      if (text[i] === ',') {
        i = skipSpace(i + 1);
        continue;
      }
      if (text[i] === close) return i + 1;
      throw new FlowProbeFailure({ opener: open, at: i });
    }
  };
  try {
    collection(start);
    return undefined;
  } catch (err) {
    if (err instanceof FlowProbeFailure) return err.failure;
    throw err;
  }
}
