/**
 * Evaluators for the Python expressions Salt builds and `eval`s when matching compound targets:
 * booleans (`True and not ( False or [] )`) on the minion, sets (`{..} & ( {..} - {..} )`) on the master.
 * Both throw PyEvalError where Python's eval would raise (syntax or type errors).
 */

export class PyEvalError extends Error {
  override readonly name = 'PyEvalError';
  readonly code = 'PY_EVAL_ERROR';
}

/** A value of the minion-side expression: Python True/False, `[]`, or the empty tuple `( )`. */
export type PyBoolValue = boolean | 'list' | 'tuple';

class TokenStream<T> {
  private i = 0;
  constructor(private readonly tokens: T[]) {}
  peek(): T | undefined {
    return this.tokens[this.i];
  }
  next(): T | undefined {
    return this.tokens[this.i++];
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
}

type BoolAst =
  | { op: 'value'; v: PyBoolValue }
  | { op: 'not'; a: BoolAst }
  | { op: 'and' | 'or'; a: BoolAst; b: BoolAst };

function boolAtom(ts: TokenStream<string>): BoolAst {
  const t = ts.next();
  if (t === 'True') return { op: 'value', v: true };
  if (t === 'False') return { op: 'value', v: false };
  if (t === '[]') return { op: 'value', v: 'list' };
  if (t === '(') {
    if (ts.peek() === ')') {
      ts.next();
      return { op: 'value', v: 'tuple' };
    }
    const inner = boolOr(ts);
    if (ts.next() !== ')') throw new PyEvalError('invalid syntax');
    return inner;
  }
  throw new PyEvalError('invalid syntax');
}

function boolNot(ts: TokenStream<string>): BoolAst {
  if (ts.peek() === 'not') {
    ts.next();
    return { op: 'not', a: boolNot(ts) };
  }
  return boolAtom(ts);
}

function boolAnd(ts: TokenStream<string>): BoolAst {
  let a = boolNot(ts);
  while (ts.peek() === 'and') {
    ts.next();
    a = { op: 'and', a, b: boolNot(ts) };
  }
  return a;
}

function boolOr(ts: TokenStream<string>): BoolAst {
  let a = boolAnd(ts);
  while (ts.peek() === 'or') {
    ts.next();
    a = { op: 'or', a, b: boolAnd(ts) };
  }
  return a;
}

function truthy(v: PyBoolValue): boolean {
  return v === true;
}

function evalBool(ast: BoolAst): PyBoolValue {
  switch (ast.op) {
    case 'value':
      return ast.v;
    case 'not':
      return !truthy(evalBool(ast.a));
    case 'and': {
      const a = evalBool(ast.a);
      return truthy(a) ? evalBool(ast.b) : a;
    }
    case 'or': {
      const a = evalBool(ast.a);
      return truthy(a) ? a : evalBool(ast.b);
    }
  }
}

/**
 * Python `eval(" ".join(words))` for words among `True False [] and or not ( )`.
 * Returns the value as Python would (`and`/`or` return an operand). Throws PyEvalError.
 */
export function evalBoolWords(words: string[]): PyBoolValue {
  const ts = new TokenStream(words);
  const ast = boolOr(ts);
  if (!ts.done()) throw new PyEvalError('invalid syntax');
  return evalBool(ast);
}

/** A token of the master-side expression: a set of minion ids or one of `& | - ( )`. */
export type SetToken = ReadonlySet<string> | '&' | '|' | '-' | '(' | ')';
type SetValue = ReadonlySet<string> | 'tuple';

function setOperand(v: SetValue): ReadonlySet<string> {
  if (v === 'tuple') throw new PyEvalError("unsupported operand type(s) for tuple");
  return v;
}

function setAtom(ts: TokenStream<SetToken>): SetValue {
  const t = ts.next();
  if (t instanceof Set) return t;
  if (t === '(') {
    if (ts.peek() === ')') {
      ts.next();
      return 'tuple';
    }
    const inner = setOr(ts);
    if (ts.next() !== ')') throw new PyEvalError('invalid syntax');
    return inner;
  }
  if (t === '-') throw new PyEvalError("bad operand type for unary -: 'set'");
  throw new PyEvalError('invalid syntax');
}

function setMinus(ts: TokenStream<SetToken>): SetValue {
  let a = setAtom(ts);
  while (ts.peek() === '-') {
    ts.next();
    const b = setOperand(setAtom(ts));
    const left = setOperand(a);
    a = new Set([...left].filter((x) => !b.has(x)));
  }
  return a;
}

function setAnd(ts: TokenStream<SetToken>): SetValue {
  let a = setMinus(ts);
  while (ts.peek() === '&') {
    ts.next();
    const b = setOperand(setMinus(ts));
    const left = setOperand(a);
    a = new Set([...left].filter((x) => b.has(x)));
  }
  return a;
}

function setOr(ts: TokenStream<SetToken>): SetValue {
  let a = setAnd(ts);
  while (ts.peek() === '|') {
    ts.next();
    const b = setOperand(setAnd(ts));
    a = new Set([...setOperand(a), ...b]);
  }
  return a;
}

/**
 * Python `list(eval(expr))` where `expr` joins sets with `&`, `|`, binary `-` and parentheses
 * (Python precedence: `-` before `&` before `|`). Throws PyEvalError.
 */
export function evalSetTokens(tokens: SetToken[]): string[] {
  const ts = new TokenStream(tokens);
  const v = setOr(ts);
  if (!ts.done()) throw new PyEvalError('invalid syntax');
  return v === 'tuple' ? [] : [...v];
}
