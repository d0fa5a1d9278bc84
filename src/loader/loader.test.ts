import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defineFunction } from './define.js';
import { FunctionNotAvailableError } from './errors.js';
import { Loader } from './loader.js';
import type { SaltModule } from './types.js';

/** A builtins table whose import thunks count how often each module is imported. */
function spyTable(mods: Record<string, SaltModule>) {
  const imports: string[] = [];
  const table: Record<string, Array<() => Promise<unknown>>> = {};
  for (const [name, mod] of Object.entries(mods)) {
    table[name] = [
      async () => {
        imports.push(name);
        return { default: mod };
      },
    ];
  }
  return { table, imports };
}

const alpha: SaltModule = {
  name: 'alpha',
  functions: {
    one: defineFunction({ args: ['x'], defaults: { x: 1 }, doc: 'One.\n\n.. code-block:: bash\n\n    salt x alpha.one' }, ({ x }) => x),
    two: defineFunction({ varargs: true, kwargs: true, doc: 'Two.' }, (_p, ctx) => ctx.salt('beta.set_retcode')),
  },
};
const beta: SaltModule = {
  name: 'betamod',
  virtualName: 'beta',
  functions: {
    set_retcode: defineFunction({ doc: 'Sets retcode 7.' }, (_p, ctx) => {
      ctx.context.retcode = 7;
      return 'set';
    }),
  },
};
const gamma: SaltModule = {
  name: 'gamma',
  virtual: () => [false, 'gamma needs a thing'],
  functions: { x: defineFunction({ doc: 'x' }, () => 1) },
};

test('Loader imports a module only when one of its functions is asked for', async () => {
  const { table, imports } = spyTable({ alpha, beta, gamma });
  const loader = new Loader({ opts: {}, builtins: table });
  assert.deepEqual(imports, []);
  assert.equal(await loader.has('alpha.one'), true);
  assert.deepEqual(imports, ['alpha']);
  assert.deepEqual(loader.loadedModuleNames(), ['alpha']);
  await loader.get('alpha.two');
  assert.deepEqual(imports, ['alpha'], 'a loaded module is not imported again');
});

test('the real built-in table imports only the module that is called', async () => {
  const loader = new Loader({ opts: {} });
  await loader.call('test.ping');
  assert.deepEqual(loader.loadedModuleNames(), ['test']);
});

test('Loader.listFunctions loads every module and lists functions under their virtual names', async () => {
  const { table } = spyTable({ alpha, beta, gamma });
  const loader = new Loader({ opts: {}, builtins: table });
  assert.deepEqual(await loader.listFunctions(), ['alpha.one', 'alpha.two', 'beta.set_retcode']);
  assert.deepEqual(await loader.listModules(), ['alpha', 'beta']);
});

test("a module whose virtual() refuses is missing, with Salt's __virtual__ text", async () => {
  const { table } = spyTable({ gamma });
  const loader = new Loader({ opts: {}, builtins: table });
  assert.equal(await loader.has('gamma.x'), false);
  assert.equal(loader.missingFunString('gamma.x'), "'gamma' __virtual__ returned False: gamma needs a thing");
  assert.equal(loader.missingFunString('nosuch.fn'), "'nosuch.fn' is not available.");
});

test('ctx.salt calls another function sharing the caller __context__', async () => {
  const { table } = spyTable({ alpha, beta });
  const loader = new Loader({ opts: {}, builtins: table });
  const ctx = loader.makeContext({ context: { retcode: 0 } });
  assert.equal(await loader.call('alpha.two', [], {}, ctx), 'set');
  assert.equal(ctx.context.retcode, 7);
  await assert.rejects(ctx.salt('beta.nope'), (err: unknown) => err instanceof FunctionNotAvailableError && err.message === "'beta.nope' is not available.");
});

test('getDoc selects like sys.doc (module, exact function, glob) and strips rst', async () => {
  const { table } = spyTable({ alpha, beta });
  const loader = new Loader({ opts: {}, builtins: table });
  assert.deepEqual(Object.keys(await loader.getDoc('alpha')), ['alpha.one', 'alpha.two']);
  assert.deepEqual(Object.keys(await loader.getDoc('alpha.one')), ['alpha.one']);
  assert.deepEqual(Object.keys(await loader.getDoc('*.set_*')), ['beta.set_retcode']);
  assert.equal((await loader.getDoc('alpha.one'))['alpha.one'], '\n    One.\n\n        salt x alpha.one\n    ');
});

test('argspec reports args, defaults, varargs and kwargs like Salt 3006', async () => {
  const { table } = spyTable({ alpha });
  const loader = new Loader({ opts: {}, builtins: table });
  assert.deepEqual(await loader.argspec('alpha'), {
    'alpha.one': { args: ['x'], defaults: [1], varargs: null, kwargs: null },
    'alpha.two': { args: null, defaults: null, varargs: true, kwargs: true },
  });
});

test('custom module directories add modules and override built-ins of the same name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'salt-ts-modules-'));
  try {
    // define.ts under tsx, define.js once compiled to dist/.
    const defineUrl = new URL(`./define${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
    writeFileSync(
      join(dir, 'alpha.mjs'),
      `import { defineFunction } from ${JSON.stringify(defineUrl)};
export default { name: 'alpha', functions: { one: defineFunction({ doc: 'custom' }, () => 'custom one') } };`,
    );
    writeFileSync(join(dir, 'custom.mjs'), `export default { name: 'custom', functions: { hi: { fn: () => 'hello', signature: { args: [] }, doc: 'hi' } } };`);
    writeFileSync(join(dir, 'broken.mjs'), 'export default 42;');
    writeFileSync(join(dir, '_private.mjs'), 'throw new Error("must not be imported");');
    const { table } = spyTable({ alpha });
    const loader = new Loader({ opts: {}, builtins: table, moduleDirs: [dir] });
    assert.equal(await loader.call('alpha.one'), 'custom one');
    assert.equal(await loader.call('custom.hi'), 'hello');
    assert.equal(await loader.has('broken.x'), false);
    assert.deepEqual(await loader.listModules(), ['alpha', 'custom']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
