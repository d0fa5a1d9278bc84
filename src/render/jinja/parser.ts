/**
 * Jinja2's parser: tokens → syntax tree, with Jinja's grammar, operator precedence and error
 * messages, plus the statements of the extensions Salt enables (`do`, `break`/`continue`, `with`)
 * and of Salt's SerializerExtension (`load_yaml`/`load_json`/`load_text` ... `endload`,
 * `import_yaml`/`import_json`/`import_text`, `profile`).
 */
import { pyFloat } from '../../protocol/pytypes.js';
import { TemplateSyntaxError } from './errors.js';
import type { Token } from './lexer.js';
import type { AssignTarget, BinOpName, CallArgs, CompareOp, Expr, MacroParam, Stmt, TemplateAst } from './nodes.js';

const TOKEN_DESCRIPTIONS: Record<string, string> = {
  block_begin: 'begin of statement block',
  block_end: 'end of statement block',
  variable_begin: 'begin of print statement',
  variable_end: 'end of print statement',
  eof: 'end of template',
  string: 'string',
  integer: 'integer',
  float: 'float',
  data: 'template data / text',
};

function describe(tok: Token): string {
  if (tok.type === 'name' || tok.type === 'operator') return tok.value;
  return TOKEN_DESCRIPTIONS[tok.type] ?? tok.type;
}

/** `name:endif` → `endif`; `block_end` → its description. */
function describeExpr(expr: string): string {
  if (expr.startsWith('name:')) return expr.slice(5);
  if (expr.startsWith('op:')) return expr.slice(3);
  return TOKEN_DESCRIPTIONS[expr] ?? expr;
}

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}

const COMPARE_OPS: Record<string, CompareOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'lteq', '>': 'gt', '>=': 'gteq' };
const MATH2_OPS: Record<string, BinOpName> = { '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod' };
const STATEMENT_TAGS = new Set([
  'for', 'if', 'block', 'extends', 'print', 'macro', 'include', 'from', 'import', 'set', 'with', 'autoescape', 'filter', 'call',
  'do', 'break', 'continue', 'load_yaml', 'load_json', 'load_text', 'import_yaml', 'import_json', 'import_text', 'profile',
]);

/** Parses a token list into a template tree. @throws TemplateSyntaxError with Jinja's wording. */
export function parseTemplate(tokens: Token[], filename?: string): TemplateAst {
  return new Parser(tokens, filename).parse();
}

class Parser {
  private pos = 0;
  private readonly tagStack: string[] = [];
  private readonly endTokenStack: string[][] = [];

  constructor(
    private readonly tokens: Token[],
    private readonly filename: string | undefined,
  ) {}

  parse(): TemplateAst {
    return { body: this.subparse(null) };
  }

  // -- token stream -------------------------------------------------------------------------

  private get cur(): Token {
    return this.tokens[this.pos]!;
  }

  private look(): Token {
    return this.tokens[Math.min(this.pos + 1, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const tok = this.cur;
    if (tok.type !== 'eof') this.pos++;
    return tok;
  }

  private test(tok: Token, expr: string): boolean {
    if (expr.startsWith('name:')) return tok.type === 'name' && tok.value === expr.slice(5);
    if (expr.startsWith('op:')) return tok.type === 'operator' && tok.value === expr.slice(3);
    return tok.type === expr;
  }

  private skipIf(expr: string): boolean {
    if (this.test(this.cur, expr)) {
      this.next();
      return true;
    }
    return false;
  }

  private fail(message: string, lineno = this.cur.lineno): never {
    throw new TemplateSyntaxError(message, lineno, this.filename);
  }

  private expect(expr: string): Token {
    if (!this.test(this.cur, expr)) {
      if (this.cur.type === 'eof') this.fail(`unexpected end of template, expected ${pyRepr(describeExpr(expr))}.`);
      this.fail(`expected token ${pyRepr(describeExpr(expr))}, got ${pyRepr(describe(this.cur))}`);
    }
    return this.next();
  }

  private failUnknownTag(name: string | null, lineno: number, endTokens?: string[]): never {
    const stack = endTokens ? [...this.endTokenStack, endTokens] : this.endTokenStack;
    const expected = new Set<string>();
    for (const exprs of stack) for (const e of exprs) expected.add(describeExpr(e));
    const looking = stack.length ? stack[stack.length - 1]!.map((e) => pyRepr(describeExpr(e))).join(' or ') : null;
    const message = [name === null ? 'Unexpected end of template.' : `Encountered unknown tag ${pyRepr(name)}.`];
    if (looking) {
      if (name !== null && expected.has(name)) {
        message.push(`You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`);
      } else {
        message.push(`Jinja was looking for the following tags: ${looking}.`);
      }
    }
    if (this.tagStack.length) message.push(`The innermost block that needs to be closed is ${pyRepr(this.tagStack[this.tagStack.length - 1]!)}.`);
    this.fail(message.join(' '), lineno);
  }

  // -- statements ---------------------------------------------------------------------------

  private subparse(endTokens: string[] | null): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.cur.type !== 'eof') {
        const tok = this.cur;
        if (tok.type === 'data') {
          body.push({ type: 'Output', text: tok.value, lineno: tok.lineno });
          this.next();
        } else if (tok.type === 'variable_begin') {
          this.next();
          body.push({ type: 'Print', expr: this.parseTuple({ withCondexpr: true }), lineno: tok.lineno });
          this.expect('variable_end');
        } else if (tok.type === 'block_begin') {
          this.next();
          if (endTokens && endTokens.some((e) => this.test(this.cur, e))) return body;
          body.push(...this.parseStatement());
          this.expect('block_end');
        } else {
          this.fail('internal parsing error');
        }
      }
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
    return body;
  }

  private parseStatements(endTokens: string[], dropNeedle = false): Stmt[] {
    this.skipIf('op::');
    this.expect('block_end');
    const result = this.subparse(endTokens);
    if (this.cur.type === 'eof') this.failUnknownTag(null, this.cur.lineno, endTokens);
    if (dropNeedle) this.next();
    return result;
  }

  private parseStatement(): Stmt[] {
    const tok = this.cur;
    if (tok.type !== 'name') this.fail('tag name expected', tok.lineno);
    const name = tok.value;
    if (!STATEMENT_TAGS.has(name)) this.failUnknownTag(name, tok.lineno);
    this.tagStack.push(name);
    try {
      return this.dispatch(name, tok.lineno);
    } finally {
      this.tagStack.pop();
    }
  }

  private dispatch(name: string, lineno: number): Stmt[] {
    switch (name) {
      case 'if':
        return [this.parseIf()];
      case 'for':
        return [this.parseFor()];
      case 'set':
        return [this.parseSet()];
      case 'macro': {
        this.next();
        const macroName = this.expect('name').value;
        const params = this.parseSignature();
        return [{ type: 'Macro', name: macroName, params, body: this.parseStatements(['name:endmacro'], true), lineno }];
      }
      case 'call': {
        this.next();
        const params = this.test(this.cur, 'op:(') ? this.parseSignature() : [];
        const call = this.parseExpression();
        if (call.type !== 'Call') this.fail('expected call', lineno);
        return [{ type: 'CallBlock', call, params, body: this.parseStatements(['name:endcall'], true), lineno }];
      }
      case 'filter': {
        this.next();
        const filter = this.parseFilter(null, true)!;
        return [{ type: 'FilterBlock', filter, body: this.parseStatements(['name:endfilter'], true), lineno }];
      }
      case 'with': {
        this.next();
        const targets: [AssignTarget, Expr][] = [];
        while (this.cur.type !== 'block_end') {
          if (targets.length) this.expect('op:,');
          const target = this.parseAssignTarget({});
          this.expect('op:=');
          targets.push([target, this.parseExpression()]);
        }
        return [{ type: 'With', targets, body: this.parseStatements(['name:endwith'], true), lineno }];
      }
      case 'do':
        this.next();
        return [{ type: 'Do', expr: this.parseTuple({}), lineno }];
      case 'break':
      case 'continue':
        this.next();
        return [{ type: name === 'break' ? 'Break' : 'Continue', lineno }];
      case 'print': {
        this.next();
        return [{ type: 'Print', expr: this.parseTuple({}), lineno }];
      }
      case 'import': {
        this.next();
        const template = this.parseExpression();
        this.expect('name:as');
        const target = this.expect('name').value;
        return [{ type: 'Import', template, target, withContext: this.parseImportContext(false), lineno }];
      }
      case 'import_yaml':
      case 'import_json':
      case 'import_text': {
        this.next();
        const template = this.parseExpression();
        this.expect('name:as');
        const target = this.expect('name').value;
        const format = name.slice(7) as 'yaml' | 'json' | 'text';
        return [{ type: 'ImportData', format, template, target, withContext: this.parseImportContext(false), lineno }];
      }
      case 'load_yaml':
      case 'load_json':
      case 'load_text': {
        this.next();
        this.expect('name:as');
        const target = this.parseAssignTarget({});
        const format = name.slice(5) as 'yaml' | 'json' | 'text';
        return [{ type: 'LoadBlock', format, target, body: this.parseStatements(['name:endload'], true), lineno }];
      }
      case 'profile': {
        this.next();
        this.expect('name:as');
        this.parseExpression();
        return this.parseStatements(['name:endprofile'], true);
      }
      case 'from':
        return [this.parseFrom()];
      case 'include': {
        this.next();
        const template = this.parseExpression();
        let ignoreMissing = false;
        if (this.test(this.cur, 'name:ignore') && this.test(this.look(), 'name:missing')) {
          ignoreMissing = true;
          this.next();
          this.next();
        }
        return [{ type: 'Include', template, ignoreMissing, withContext: this.parseImportContext(true), lineno }];
      }
      case 'block': {
        this.next();
        const blockName = this.expect('name').value;
        this.skipIf('name:scoped');
        this.skipIf('name:required');
        const body = this.parseStatements(['name:endblock'], true);
        if (this.cur.type === 'name') this.expect(`name:${blockName}`);
        return [{ type: 'Block', name: blockName, body, lineno }];
      }
      default:
        return this.fail(`the '${name}' tag is not supported`, lineno);
    }
  }

  private parseImportContext(dflt: boolean): boolean {
    if ((this.test(this.cur, 'name:with') || this.test(this.cur, 'name:without')) && this.test(this.look(), 'name:context')) {
      const withContext = this.next().value === 'with';
      this.next();
      return withContext;
    }
    return dflt;
  }

  private parseFrom(): Stmt {
    const lineno = this.next().lineno;
    const template = this.parseExpression();
    this.expect('name:import');
    const names: [string, string][] = [];
    let withContext: boolean | undefined;
    const parseContext = (): boolean => {
      if ((this.cur.value === 'with' || this.cur.value === 'without') && this.test(this.look(), 'name:context')) {
        withContext = this.next().value === 'with';
        this.next();
        return true;
      }
      return false;
    };
    for (;;) {
      if (names.length) this.expect('op:,');
      if (this.cur.type === 'name') {
        if (parseContext()) break;
        const target = this.expect('name');
        if (target.value.startsWith('_')) this.fail('names starting with an underline can not be imported', target.lineno);
        if (this.skipIf('name:as')) names.push([target.value, this.expect('name').value]);
        else names.push([target.value, target.value]);
        if (parseContext() || !this.test(this.cur, 'op:,')) break;
      } else {
        this.expect('name');
      }
    }
    return { type: 'FromImport', template, names, withContext: withContext ?? false, lineno };
  }

  private parseIf(): Stmt {
    const lineno = this.expect('name:if').lineno;
    const test = this.parseTuple({ withCondexpr: false });
    const body = this.parseStatements(['name:elif', 'name:else', 'name:endif']);
    const elifs: { test: Expr; body: Stmt[] }[] = [];
    let else_: Stmt[] = [];
    for (;;) {
      const tok = this.next();
      if (tok.value === 'elif') {
        const t = this.parseTuple({ withCondexpr: false });
        elifs.push({ test: t, body: this.parseStatements(['name:elif', 'name:else', 'name:endif']) });
        continue;
      }
      if (tok.value === 'else') else_ = this.parseStatements(['name:endif'], true);
      break;
    }
    return { type: 'If', test, body, elifs, else_, lineno };
  }

  private parseFor(): Stmt {
    const lineno = this.expect('name:for').lineno;
    const target = this.parseAssignTarget({ extraEnd: ['name:in'] });
    this.expect('name:in');
    const iter = this.parseTuple({ withCondexpr: false, extraEnd: ['name:recursive'] });
    const test = this.skipIf('name:if') ? this.parseExpression() : undefined;
    const recursive = this.skipIf('name:recursive');
    const body = this.parseStatements(['name:endfor', 'name:else']);
    const else_ = this.next().value === 'endfor' ? [] : this.parseStatements(['name:endfor'], true);
    return { type: 'For', target, iter, body, else_, test, recursive, lineno };
  }

  private parseSet(): Stmt {
    const lineno = this.expect('name:set').lineno;
    const target = this.parseAssignTarget({ withNamespace: true });
    if (this.skipIf('op:=')) return { type: 'Set', target, expr: this.parseTuple({}), lineno };
    const filter = this.parseFilter(null) ?? undefined;
    return { type: 'SetBlock', target, filter, body: this.parseStatements(['name:endset'], true), lineno };
  }

  private parseSignature(): MacroParam[] {
    const params: MacroParam[] = [];
    this.expect('op:(');
    let sawDefault = false;
    while (!this.test(this.cur, 'op:)')) {
      if (params.length) this.expect('op:,');
      const name = this.expect('name').value;
      if (this.skipIf('op:=')) {
        sawDefault = true;
        params.push({ name, default: this.parseExpression() });
      } else {
        if (sawDefault) this.fail('non-default argument follows default argument');
        params.push({ name });
      }
    }
    this.expect('op:)');
    return params;
  }

  private parseAssignTarget(opts: { extraEnd?: string[]; withNamespace?: boolean }): AssignTarget {
    if (opts.withNamespace && this.cur.type === 'name' && this.test(this.look(), 'op:.')) {
      const tok = this.next();
      this.next();
      const attr = this.expect('name').value;
      return { type: 'NSRef', name: tok.value, attr, lineno: tok.lineno };
    }
    const target = this.parseTuple({ simplified: true, extraEnd: opts.extraEnd });
    const check = (t: Expr): AssignTarget => {
      if (t.type === 'Name') {
        if (['true', 'false', 'none', 'True', 'False', 'None'].includes(t.name)) this.fail(`can't assign to 'const'`, t.lineno);
        return { type: 'Name', name: t.name, lineno: t.lineno };
      }
      if (t.type === 'Tuple') return { type: 'Tuple', items: t.items.map(check), lineno: t.lineno };
      return this.fail(`can't assign to ${pyRepr(t.type.toLowerCase())}`, t.lineno);
    };
    return check(target);
  }

  // -- expressions --------------------------------------------------------------------------

  private isTupleEnd(extraEnd?: string[]): boolean {
    const t = this.cur;
    if (t.type === 'variable_end' || t.type === 'block_end' || (t.type === 'operator' && t.value === ')')) return true;
    return extraEnd ? extraEnd.some((e) => this.test(t, e)) : false;
  }

  private parseTuple(opts: { simplified?: boolean; withCondexpr?: boolean; extraEnd?: string[]; explicitParens?: boolean }): Expr {
    const lineno = this.cur.lineno;
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expect('op:,');
      if (this.isTupleEnd(opts.extraEnd)) break;
      if (opts.simplified) items.push(this.parsePrimary());
      else items.push(this.parseExpression(opts.withCondexpr ?? true));
      if (this.test(this.cur, 'op:,')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0]!;
      if (!opts.explicitParens) this.fail(`Expected an expression, got ${pyRepr(describe(this.cur))}`);
    }
    return { type: 'Tuple', items, lineno };
  }

  parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    const lineno = this.cur.lineno;
    let expr1 = this.parseOr();
    while (this.skipIf('name:if')) {
      const test = this.parseOr();
      const expr2 = this.skipIf('name:else') ? this.parseCondexpr() : undefined;
      expr1 = { type: 'CondExpr', test, expr1, expr2, lineno };
    }
    return expr1;
  }

  private parseOr(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parseAnd();
    while (this.skipIf('name:or')) left = { type: 'Or', left, right: this.parseAnd(), lineno };
    return left;
  }

  private parseAnd(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parseNot();
    while (this.skipIf('name:and')) left = { type: 'And', left, right: this.parseNot(), lineno };
    return left;
  }

  private parseNot(): Expr {
    if (this.test(this.cur, 'name:not')) {
      const lineno = this.next().lineno;
      return { type: 'Not', node: this.parseNot(), lineno };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const lineno = this.cur.lineno;
    const expr = this.parseMath1();
    const ops: [CompareOp, Expr][] = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'operator' && COMPARE_OPS[t.value]) {
        this.next();
        ops.push([COMPARE_OPS[t.value]!, this.parseMath1()]);
      } else if (this.skipIf('name:in')) {
        ops.push(['in', this.parseMath1()]);
      } else if (this.test(t, 'name:not') && this.test(this.look(), 'name:in')) {
        this.next();
        this.next();
        ops.push(['notin', this.parseMath1()]);
      } else break;
    }
    return ops.length ? { type: 'Compare', expr, ops, lineno } : expr;
  }

  private parseMath1(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parseConcat();
    while (this.test(this.cur, 'op:+') || this.test(this.cur, 'op:-')) {
      const op = this.next().value === '+' ? 'add' : 'sub';
      left = { type: 'BinOp', op, left, right: this.parseConcat(), lineno };
    }
    return left;
  }

  private parseConcat(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parseMath2();
    while (this.skipIf('op:~')) left = { type: 'BinOp', op: 'concat', left, right: this.parseMath2(), lineno };
    return left;
  }

  private parseMath2(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parsePow();
    while (this.cur.type === 'operator' && MATH2_OPS[this.cur.value]) {
      const op = MATH2_OPS[this.next().value]!;
      left = { type: 'BinOp', op, left, right: this.parsePow(), lineno };
    }
    return left;
  }

  private parsePow(): Expr {
    const lineno = this.cur.lineno;
    let left = this.parseUnary();
    while (this.skipIf('op:**')) left = { type: 'BinOp', op: 'pow', left, right: this.parseUnary(), lineno };
    return left;
  }

  private parseUnary(withFilter = true): Expr {
    const lineno = this.cur.lineno;
    let node: Expr;
    if (this.skipIf('op:-')) node = { type: 'Neg', node: this.parseUnary(false), lineno };
    else if (this.skipIf('op:+')) node = { type: 'Pos', node: this.parseUnary(false), lineno };
    else node = this.parsePrimary();
    node = this.parsePostfix(node);
    if (withFilter) node = this.parseFilterExpr(node);
    return node;
  }

  private parsePrimary(): Expr {
    const tok = this.cur;
    const lineno = tok.lineno;
    if (tok.type === 'name') {
      this.next();
      if (tok.value === 'true' || tok.value === 'True') return { type: 'Const', value: true, lineno };
      if (tok.value === 'false' || tok.value === 'False') return { type: 'Const', value: false, lineno };
      if (tok.value === 'none' || tok.value === 'None') return { type: 'Const', value: null, lineno };
      return { type: 'Name', name: tok.value, lineno };
    }
    if (tok.type === 'string') {
      let value = '';
      while (this.cur.type === 'string') value += this.next().value;
      return { type: 'Const', value, lineno };
    }
    if (tok.type === 'integer' || tok.type === 'float') {
      this.next();
      return { type: 'Const', value: tok.isFloat ? pyFloat(tok.num!) : tok.num!, lineno };
    }
    if (this.test(tok, 'op:(')) {
      this.next();
      const node = this.parseTuple({ explicitParens: true });
      this.expect('op:)');
      return node;
    }
    if (this.test(tok, 'op:[')) {
      this.next();
      const items: Expr[] = [];
      while (!this.test(this.cur, 'op:]')) {
        if (items.length) this.expect('op:,');
        if (this.test(this.cur, 'op:]')) break;
        items.push(this.parseExpression());
      }
      this.expect('op:]');
      return { type: 'List', items, lineno };
    }
    if (this.test(tok, 'op:{')) {
      this.next();
      const pairs: [Expr, Expr][] = [];
      while (!this.test(this.cur, 'op:}')) {
        if (pairs.length) this.expect('op:,');
        if (this.test(this.cur, 'op:}')) break;
        const key = this.parseExpression();
        this.expect('op::');
        pairs.push([key, this.parseExpression()]);
      }
      this.expect('op:}');
      return { type: 'Dict', pairs, lineno };
    }
    return this.fail(`unexpected ${pyRepr(describe(tok))}`);
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      const t = this.cur;
      if (this.test(t, 'op:.') || this.test(t, 'op:[')) node = this.parseSubscript(node);
      else if (this.test(t, 'op:(')) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      const t = this.cur;
      if (this.test(t, 'op:|')) node = this.parseFilter(node)!;
      else if (this.test(t, 'name:is')) node = this.parseTest(node);
      else if (this.test(t, 'op:(')) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const tok = this.next();
    const lineno = tok.lineno;
    if (tok.value === '.') {
      const attr = this.next();
      if (attr.type === 'name') return { type: 'Getattr', node, attr: attr.value, lineno };
      if (attr.type !== 'integer') this.fail('expected name or number', attr.lineno);
      return { type: 'Getitem', node, arg: { type: 'Const', value: attr.num!, lineno }, lineno };
    }
    const args: Expr[] = [];
    while (!this.test(this.cur, 'op:]')) {
      if (args.length) this.expect('op:,');
      args.push(this.parseSubscribed());
    }
    this.expect('op:]');
    const arg: Expr = args.length === 1 ? args[0]! : { type: 'Tuple', items: args, lineno };
    return { type: 'Getitem', node, arg, lineno };
  }

  private parseSubscribed(): Expr {
    const lineno = this.cur.lineno;
    let start: Expr | undefined;
    if (this.test(this.cur, 'op::')) {
      this.next();
    } else {
      const node = this.parseExpression();
      if (!this.test(this.cur, 'op::')) return node;
      this.next();
      start = node;
    }
    let stop: Expr | undefined;
    let step: Expr | undefined;
    if (!this.test(this.cur, 'op:]') && !this.test(this.cur, 'op:,') && !this.test(this.cur, 'op::')) stop = this.parseExpression();
    if (this.skipIf('op::')) {
      if (!this.test(this.cur, 'op:]') && !this.test(this.cur, 'op:,')) step = this.parseExpression();
    }
    return { type: 'Slice', start, stop, step, lineno };
  }

  private parseCallArgs(): CallArgs {
    this.expect('op:(');
    const out: CallArgs = { args: [], kwargs: [] };
    let first = true;
    while (!this.test(this.cur, 'op:)')) {
      if (!first) {
        this.expect('op:,');
        if (this.test(this.cur, 'op:)')) break;
      }
      first = false;
      if (this.skipIf('op:**')) out.dynKwargs = this.parseExpression();
      else if (this.skipIf('op:*')) out.dynArgs = this.parseExpression();
      else if (this.cur.type === 'name' && this.test(this.look(), 'op:=')) {
        const key = this.next().value;
        this.next();
        out.kwargs.push([key, this.parseExpression()]);
      } else {
        if (out.kwargs.length || out.dynArgs || out.dynKwargs) this.fail('Invalid argument syntax');
        out.args.push(this.parseExpression());
      }
    }
    this.expect('op:)');
    return out;
  }

  private parseCall(node: Expr): Expr {
    const lineno = this.cur.lineno;
    return { type: 'Call', node, ...this.parseCallArgs(), lineno };
  }

  private parseFilter(node: Expr | null, startInline = false): Expr | null {
    let result = node;
    while (this.test(this.cur, 'op:|') || startInline) {
      if (!startInline) this.next();
      const tok = this.expect('name');
      let name = tok.value;
      while (this.test(this.cur, 'op:.')) {
        this.next();
        name += '.' + this.expect('name').value;
      }
      const args = this.test(this.cur, 'op:(') ? this.parseCallArgs() : { args: [], kwargs: [] };
      result = { type: 'Filter', node: result, name, ...args, lineno: tok.lineno };
      startInline = false;
    }
    return result;
  }

  private parseTest(node: Expr): Expr {
    const lineno = this.next().lineno;
    const negate = this.skipIf('name:not');
    let name = this.expect('name').value;
    while (this.test(this.cur, 'op:.')) {
      this.next();
      name += '.' + this.expect('name').value;
    }
    let args: CallArgs = { args: [], kwargs: [] };
    const t = this.cur;
    if (this.test(t, 'op:(')) args = this.parseCallArgs();
    else if (
      (t.type === 'name' || t.type === 'string' || t.type === 'integer' || t.type === 'float' || this.test(t, 'op:[') || this.test(t, 'op:{')) &&
      !['else', 'or', 'and'].includes(t.value)
    ) {
      if (this.test(t, 'name:is')) this.fail('You cannot chain multiple tests with is');
      args = { args: [this.parsePostfix(this.parsePrimary())], kwargs: [] };
    }
    return { type: 'Test', node, name, negate, ...args, lineno };
  }
}
