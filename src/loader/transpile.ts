/**
 * Turns a custom module's TypeScript (or JavaScript) source into an ES module Node 20 can import:
 * types are stripped with TypeScript's `transpileModule` (one file at a time, no type checking),
 * and import specifiers are rewritten so the module finds what it imports from its new place:
 *
 * - `salt-ts` becomes the URL of the custom-module API ({@link customApiUrl});
 * - a relative `./x.js` / `./x.ts` / `./x.mts` whose source is a sibling TypeScript file becomes
 *   `./x.mjs` (the sibling is transpiled next to it);
 * - with `absoluteFrom`, any other relative specifier is resolved against that directory (the
 *   source's own), for output written elsewhere than the source.
 *
 * `typescript` is loaded only when something needs transpiling.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type TypeScriptApi = typeof import('typescript');

/** TypeScript source extensions (transpiled to `.mjs`). */
export const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts']);

/** The package name custom modules import the API from. */
export const API_SPECIFIER = 'salt-ts';

/** A source file does not parse. */
export class TranspileError extends Error {
  override readonly name = 'TranspileError';
  readonly code = 'ETRANSPILE';

  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The `typescript` package cannot be loaded, so `.ts` custom modules cannot be used. */
export class TranspilerUnavailableError extends Error {
  override readonly name = 'TranspilerUnavailableError';
  readonly code = 'ENOTRANSPILER';
}

let tsApi: TypeScriptApi | undefined;

function typescript(): TypeScriptApi {
  if (tsApi) return tsApi;
  try {
    tsApi = createRequire(import.meta.url)('typescript') as TypeScriptApi;
  } catch (err) {
    throw new TranspilerUnavailableError(
      `TypeScript custom modules need the "typescript" package, which could not be loaded (${(err as Error).message}); install it or ship the module as .js/.mjs`,
    );
  }
  return tsApi;
}

/**
 * The `file:` URL of the API custom modules import as `salt-ts` (`src/loader/custom_api`), with
 * the extension of the running code: `.js` when running the build, `.ts` under a TypeScript loader.
 */
export function customApiUrl(): string {
  const here = fileURLToPath(import.meta.url);
  return pathToFileURL(join(dirname(here), `custom_api${extname(here)}`)).href;
}

/** How {@link transpileModuleSource} rewrites specifiers. */
export interface TranspileOptions {
  /** The directory whose sibling `.ts`/`.mts` files are transpiled alongside (default the source's). */
  siblingsIn?: string;
  /** Resolve other relative specifiers against this directory, as absolute `file:` URLs. */
  absoluteFrom?: string;
}

function rewriteSpecifier(spec: string, fileName: string, o: TranspileOptions): string {
  if (spec === API_SPECIFIER) return customApiUrl();
  if (!spec.startsWith('./') && !spec.startsWith('../')) return spec;
  const siblings = o.siblingsIn ?? dirname(fileName);
  const ext = extname(spec);
  if (['.js', '.ts', '.mts', '.mjs'].includes(ext)) {
    const stem = spec.slice(0, -ext.length);
    for (const tsExt of TYPESCRIPT_EXTENSIONS) {
      if (existsSync(resolve(siblings, stem + tsExt))) return `${stem}.mjs`;
    }
  }
  return o.absoluteFrom ? pathToFileURL(resolve(o.absoluteFrom, spec)).href : spec;
}

/**
 * Transpiles one module source to ES2022 JavaScript, rewriting its import specifiers (see the
 * module doc). `fileName` decides the language: `.ts`/`.mts` is TypeScript, anything else JavaScript.
 * @throws TranspileError naming the file, line and column of the first syntax error.
 * @throws TranspilerUnavailableError when the `typescript` package is missing.
 */
export function transpileModuleSource(source: string, fileName: string, options: TranspileOptions = {}): string {
  const ts = typescript();
  const rewrite = (ctx: import('typescript').TransformationContext) => {
    const f = ctx.factory;
    const literal = (node: import('typescript').Expression): import('typescript').StringLiteral | undefined => {
      if (!ts.isStringLiteral(node)) return undefined;
      const next = rewriteSpecifier(node.text, fileName, options);
      return next === node.text ? undefined : f.createStringLiteral(next);
    };
    const visit = (node: import('typescript').Node): import('typescript').Node => {
      if (ts.isImportDeclaration(node)) {
        const spec = literal(node.moduleSpecifier);
        if (spec) return f.updateImportDeclaration(node, node.modifiers, node.importClause, spec, node.attributes);
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
        const spec = literal(node.moduleSpecifier);
        if (spec) return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, spec, node.attributes);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length > 0) {
        const spec = literal(node.arguments[0]);
        if (spec) return f.updateCallExpression(node, node.expression, node.typeArguments, [spec, ...node.arguments.slice(1)]);
      }
      return ts.visitEachChild(node, visit, ctx);
    };
    return (sf: import('typescript').SourceFile) => ts.visitNode(sf, visit) as import('typescript').SourceFile;
  };
  const out = ts.transpileModule(source, {
    fileName: basename(fileName),
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      allowJs: true,
      sourceMap: false,
      inlineSourceMap: false,
    },
    transformers: { after: [rewrite] },
  });
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) {
    const text = ts.flattenDiagnosticMessageText(error.messageText, '\n');
    let where = fileName;
    if (error.file && error.start !== undefined) {
      const { line, character } = error.file.getLineAndCharacterOfPosition(error.start);
      where = `${fileName}:${line + 1}:${character + 1}`;
    }
    throw new TranspileError(fileName, `Cannot transpile ${where}: ${text}`);
  }
  return out.outputText;
}

/** True when a JavaScript source names the API package in quotes, so its specifiers need rewriting. */
export function mentionsApi(source: string): boolean {
  return /(['"`])salt-ts\1/.test(source);
}
