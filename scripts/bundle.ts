/**
 * Bundles the command-line programs (salt, salt-call, salt-key, salt-run, salt-cp) with esbuild,
 * each on its own into `dist/bundle/<program>/`: one ES module for the program and what it
 * always loads, plus chunks for what it loads later, so a program starts by reading a handful of
 * files instead of resolving ~180 modules. `bin/*` run a program's bundle when it is newer than
 * the last `tsc` build (see bin/salt).
 *
 *   node dist/scripts/bundle.js      (after `tsc -p .`; `npm run build` runs both)
 *
 * What keeps the bundle behaving exactly like `dist/src/`:
 * - every chunk sits in `dist/bundle/<program>/`, and `import.meta.url` in a source file is
 *   replaced by the URL its `tsc` output has in `dist/src/`, so file lookups relative to the
 *   module (package.json, grains' `saltpath` and `pythonpath`, the master's worker script) find
 *   the same files; the exception is the loader's `custom_api` lookup, which must find the
 *   program's own copy (an entry of each program) so that custom modules share its classes;
 * - a dynamic `import(name)` of a constant relative specifier is made literal so it is bundled;
 * - names are kept (error classes set `this.name = new.target.name`);
 * - native and optional packages stay external; pure-JS `yaml`, `msgpackr`, `ipaddr.js` are
 *   inlined, and CommonJS code finds `require` through a `createRequire` banner;
 * - `yaml` (as big as the rest of a program's start-up code) is read on first use: the sources
 *   import a facade whose functions require the package, bundled alone as `dist/bundle/yaml.cjs`,
 *   when called (see {@link lazyYamlFacade});
 * - a relative import of a module that does not exist (yet) is left to fail at run time, as in
 *   the `tsc` output, with a warning.
 *
 * A program whose bundle fails is left out (its `bin/` script then runs `dist/src/`); the exit
 * status is then 1.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outdir = join(root, 'dist', 'bundle');

/** The programs: output name (also `src/programs/<name>.ts`). */
const PROGRAMS = ['salt', 'salt_call', 'salt_key', 'salt_run', 'salt_cp'];

/** What custom modules import as `salt-ts` (see src/loader/transpile.ts, customApiUrl()): an entry of every program. */
const CUSTOM_API = 'src/loader/custom_api.ts';

/** How deep chunks sit below `dist/` (`dist/bundle/<program>/`), for paths relative to them. */
const UP_TO_DIST = '../../';

/** Sources whose `import.meta.url` must stay the bundle's own (they look up bundle entries). */
const BUNDLE_RELATIVE = new Set(['src/loader/transpile.ts']);

/** Pure-JS dependencies worth inlining; every other dependency stays an external package. */
const INLINED = new Set(['yaml', 'msgpackr', 'ipaddr.js']);

const BANNER = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

function externals(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => !INLINED.has(d));
  // msgpackr's root entry probes an optional native addon; typescript is loaded on demand.
  return [...deps, 'msgpackr-extract', 'typescript'];
}

/**
 * `import(x)` where `const x = './relative.js'` in the same file becomes `import('./relative.js')`
 * (bundled). A constant package name is left alone (Node resolves it the same from the bundle);
 * anything else is reported through `warn`.
 */
function literalDynamicImports(text: string, file: string, warn: (message: string) => void): string {
  return text.replace(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g, (call, name: string) => {
    const bound = new RegExp(`\\bconst ${name.replace(/\$/g, '\\$')}\\s*=\\s*('[^'\\n]*'|"[^"\\n]*")\\s*;`).exec(text);
    const spec = bound ? (JSON.parse(`"${bound[1]!.slice(1, -1)}"`) as string) : null;
    if (spec !== null && /^\.\.?\//.test(spec)) return `import(${JSON.stringify(spec)})`;
    if (spec === null || spec.startsWith('/') || spec.startsWith('file:')) {
      warn(`${file}: import(${name}) is not a constant relative path or package name; it resolves from dist/bundle/ at run time`);
    }
    return call;
  });
}

/** A relative import's target, tried as written and as the `.ts` source of a `.js` specifier. */
function sourceExists(importer: string, spec: string): boolean {
  const target = join(dirname(importer), spec);
  return existsSync(target) || existsSync(target.replace(/\.js$/, '.ts'));
}

/** The `yaml` package as one CommonJS file in `dist/bundle/`, required by the facade. */
const YAML_FILE = 'yaml.cjs';

/** Classes of `yaml` the sources only construct (no statics, no instanceof): safe behind a facade. */
const LAZY_YAML_CLASSES = new Set(['LineCounter']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The value names `src/` imports from `yaml` (type-only ones left out); null for a default or namespace import. */
function yamlImports(): Set<string> | null {
  const names = new Set<string>();
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bimport\s+(type\s+)?([^;]*?)\s+from\s+['"]yaml['"]/g)) {
      if (m[1]) continue;
      const clause = /^\{([^}]*)\}$/.exec(m[2]!.trim());
      if (!clause) return null;
      for (const spec of clause[1]!.split(',').map((x) => x.trim()).filter(Boolean)) {
        if (spec.startsWith('type ')) continue;
        names.add(spec.split(/\s+as\s+/)[0]!);
      }
    }
  }
  return names;
}

/**
 * The source of a module standing in for `yaml`: each imported function calls through to the
 * package, required (and so evaluated) on the first call; a constructed class returns the
 * package's instance. Null when an import cannot be served lazily (then `yaml` is bundled as is).
 */
function lazyYamlFacade(): string | null {
  const names = yamlImports();
  if (names === null) return null;
  const real = createRequire(join(root, 'package.json'))('yaml') as Record<string, unknown>;
  // `require` is the chunk's own (see BANNER): the package is a separate file, read on first use.
  const lines = ['let real;', `const yaml = () => (real ??= require('../${YAML_FILE}'));`];
  for (const name of [...names].sort()) {
    const value = real[name];
    if (typeof value !== 'function') return null;
    if (LAZY_YAML_CLASSES.has(name)) {
      lines.push(`export class ${name} { constructor(...args) { return new (yaml().${name})(...args); } }`);
    } else if (/^[a-z]/.test(name)) {
      lines.push(`export function ${name}(...args) { return yaml().${name}(...args); }`);
    } else {
      return null;
    }
  }
  return lines.join('\n') + '\n';
}

const lazyYaml = (facade: string): Plugin => ({
  name: 'salt-ts-lazy-yaml',
  setup(b) {
    b.onResolve({ filter: /^yaml$/ }, (args) => (args.kind === 'import-statement' ? { path: 'yaml', namespace: 'salt-ts-lazy-yaml' } : undefined));
    b.onResolve({ filter: new RegExp(`^\\.\\./${YAML_FILE.replace('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'salt-ts-lazy-yaml' }, () => ({ contents: facade, loader: 'js', resolveDir: root }));
  },
});

const sourcePaths: Plugin = {
  name: 'salt-ts-source-paths',
  setup(b) {
    // A relative import of a module that does not exist (yet) fails at run time, as in the tsc
    // output, instead of failing the whole bundle.
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer || sourceExists(args.importer, args.path)) return undefined;
      const file = relative(root, args.importer).split(sep).join('/');
      return { path: args.path, external: true, warnings: [{ text: `${file}: cannot find ${args.path}; left to fail at run time` }] };
    });
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const file = relative(root, args.path).split(sep).join('/');
      let text = await readFile(args.path, 'utf8');
      const warnings: string[] = [];
      if (!BUNDLE_RELATIVE.has(file) && text.includes('import.meta.url')) {
        const compiled = JSON.stringify(`${UP_TO_DIST}${file.replace(/\.ts$/, '.js')}`);
        text = text.replaceAll('import.meta.url', `new URL(${compiled}, import.meta.url).href`);
      }
      if (text.includes('import(')) text = literalDynamicImports(text, file, (m) => warnings.push(m));
      return { contents: text, loader: 'ts', warnings: warnings.map((text) => ({ text })) };
    });
  },
};

/** Bundles one program into `dist/bundle/<program>/`; false (and its directory removed) when esbuild fails. */
async function bundleProgram(program: string, plugins: Plugin[]): Promise<boolean> {
  const dir = join(outdir, program);
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [
        { in: `src/programs/${program}.ts`, out: program },
        { in: CUSTOM_API, out: 'custom_api' },
      ],
      outdir: dir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      keepNames: true,
      // Chunk names never look like test files (`test-*.js`) to `node --test dist/`.
      chunkNames: 'c-[name]-[hash]',
      external: externals(),
      banner: { js: BANNER },
      plugins,
      logLevel: 'warning',
    });
    if (result.errors.length === 0) return true;
  } catch {
    // esbuild has printed the errors
  }
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`bundle: ${program} left out; bin/ runs it from dist/src/\n`);
  return false;
}

async function main(): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const facade = lazyYamlFacade();
  if (facade === null) {
    process.stderr.write('bundle: an import from yaml cannot be made lazy; yaml is loaded at start-up\n');
  } else {
    await build({
      absWorkingDir: root,
      entryPoints: [createRequire(join(root, 'package.json')).resolve('yaml')],
      outfile: join(outdir, YAML_FILE),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      keepNames: true,
      logLevel: 'warning',
    });
  }
  const plugins = facade === null ? [sourcePaths] : [lazyYaml(facade), sourcePaths];
  const built = await Promise.all(PROGRAMS.filter((p) => existsSync(join(root, 'src', 'programs', `${p}.ts`))).map((p) => bundleProgram(p, plugins)));
  if (built.includes(false)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bundle: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
