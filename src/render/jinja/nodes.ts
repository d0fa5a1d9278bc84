/** The syntax tree of a parsed Jinja template. Every node records the line it starts on. */

interface At {
  lineno: number;
}

export interface CallArgs {
  args: Expr[];
  kwargs: [string, Expr][];
  dynArgs?: Expr;
  dynKwargs?: Expr;
}

export type Expr =
  | (At & { type: 'Const'; value: unknown })
  | (At & { type: 'Name'; name: string })
  | (At & { type: 'List'; items: Expr[] })
  | (At & { type: 'Tuple'; items: Expr[] })
  | (At & { type: 'Dict'; pairs: [Expr, Expr][] })
  | (At & { type: 'Getattr'; node: Expr; attr: string })
  | (At & { type: 'Getitem'; node: Expr; arg: Expr })
  | (At & { type: 'Slice'; start?: Expr; stop?: Expr; step?: Expr })
  | (At & { type: 'Call'; node: Expr } & CallArgs)
  | (At & { type: 'Filter'; node: Expr | null; name: string } & CallArgs)
  | (At & { type: 'Test'; node: Expr; name: string; negate: boolean } & CallArgs)
  | (At & { type: 'CondExpr'; test: Expr; expr1: Expr; expr2?: Expr })
  | (At & { type: 'BinOp'; op: BinOpName; left: Expr; right: Expr })
  | (At & { type: 'And' | 'Or'; left: Expr; right: Expr })
  | (At & { type: 'Not' | 'Neg' | 'Pos'; node: Expr })
  | (At & { type: 'Compare'; expr: Expr; ops: [CompareOp, Expr][] });

export type BinOpName = 'add' | 'sub' | 'mul' | 'div' | 'floordiv' | 'mod' | 'pow' | 'concat';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'lteq' | 'gt' | 'gteq' | 'in' | 'notin';

/** Where `set`, `for` and `with` store values. */
export type AssignTarget =
  | (At & { type: 'Name'; name: string })
  | (At & { type: 'NSRef'; name: string; attr: string })
  | (At & { type: 'Tuple'; items: AssignTarget[] });

export interface MacroParam {
  name: string;
  default?: Expr;
}

export type Stmt =
  | (At & { type: 'Output'; text: string })
  | (At & { type: 'Print'; expr: Expr })
  | (At & { type: 'If'; test: Expr; body: Stmt[]; elifs: { test: Expr; body: Stmt[] }[]; else_: Stmt[] })
  | (At & { type: 'For'; target: AssignTarget; iter: Expr; body: Stmt[]; else_: Stmt[]; test?: Expr; recursive: boolean })
  | (At & { type: 'Set'; target: AssignTarget; expr: Expr })
  | (At & { type: 'SetBlock'; target: AssignTarget; body: Stmt[]; filter?: Expr })
  | (At & { type: 'Macro'; name: string; params: MacroParam[]; body: Stmt[] })
  | (At & { type: 'CallBlock'; call: Expr; params: MacroParam[]; body: Stmt[] })
  | (At & { type: 'FilterBlock'; filter: Expr; body: Stmt[] })
  | (At & { type: 'With'; targets: [AssignTarget, Expr][]; body: Stmt[] })
  | (At & { type: 'Do'; expr: Expr })
  | (At & { type: 'Break' | 'Continue' })
  | (At & { type: 'Import'; template: Expr; target: string; withContext: boolean })
  | (At & { type: 'FromImport'; template: Expr; names: [string, string][]; withContext: boolean })
  | (At & { type: 'Include'; template: Expr; ignoreMissing: boolean; withContext: boolean })
  | (At & { type: 'Block'; name: string; body: Stmt[] })
  | (At & { type: 'LoadBlock'; format: 'yaml' | 'json' | 'text'; target: AssignTarget; body: Stmt[] })
  | (At & { type: 'ImportData'; format: 'yaml' | 'json' | 'text'; template: Expr; target: string; withContext: boolean });

/** A parsed template. */
export interface TemplateAst {
  body: Stmt[];
}
