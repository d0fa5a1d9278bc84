/**
 * Custom modules end to end with the real programs: `salt-call --local saltutil.sync_*` against
 * local file_roots, then the synced TypeScript module and state called like built-ins; a `.ts`
 * module loaded straight from `-m/--module-dirs`; and the same sync through a real master.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../support/conformance.js';
import { run, TestCluster } from '../support/cluster.js';

const EXAMPLES = join(repoRoot, 'examples');

function copyExamples(srv: string): void {
  for (const [kind, file] of [['_modules', 'hello.ts'], ['_states', 'greeting.ts']]) {
    mkdirSync(join(srv, kind), { recursive: true });
    copyFileSync(join(EXAMPLES, kind, file), join(srv, kind, file));
  }
}

describe('custom modules with salt-call --local', () => {
  let root: string;
  let confDir: string;
  const call = (args: string[]) => run('salt-call', ['-c', confDir, '--local', ...args], { timeoutMs: 30_000 });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'salt-ts-custom-'));
    confDir = join(root, 'etc', 'salt');
    mkdirSync(confDir, { recursive: true });
    copyExamples(join(root, 'srv'));
    writeFileSync(join(confDir, 'minion'), `root_dir: ${root}\nid: callee\nfile_roots:\n  base:\n    - ${join(root, 'srv')}\n`);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('saltutil.sync_modules syncs _modules/hello.ts, then hello.world runs in a new salt-call', async () => {
    const sync = await call(['saltutil.sync_modules']);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(sync.stdout, 'local:\n    - modules.hello\n');
    assert.ok(existsSync(join(root, 'var', 'cache', 'salt', 'minion', 'extmods', 'modules', 'hello.mjs')));
    const hello = await call(['hello.world']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'local:\n    Hello, world!\n');
    const named = await call(['hello.world', 'name=Ada', '--out', 'json']);
    assert.equal(JSON.parse(named.stdout).local, 'Hello, Ada!');
    const again = await call(['saltutil.sync_modules']);
    assert.equal(again.stdout, 'local:\n');
  });

  test("a custom module's CommandExecutionError is reported like a built-in's", async () => {
    await call(['saltutil.sync_modules']);
    const r = await call(['hello.shout']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "Error running 'hello.shout': Nothing to shout\n");
  });

  test('saltutil.sync_states then state.apply uses the custom greeting state', async () => {
    const target = join(root, 'greeting.txt');
    writeFileSync(join(root, 'srv', 'greet.sls'), `${target}:\n  greeting.present:\n    - text: Hi there\n`);
    const sync = await call(['saltutil.sync_states', '--out', 'json']);
    assert.deepEqual(JSON.parse(sync.stdout).local, ['states.greeting']);
    const r = await call(['state.apply', 'greet', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const ret = JSON.parse(r.stdout).local[`greeting_|-${target}_|-${target}_|-present`];
    assert.equal(ret.result, true);
    assert.equal(readFileSync(target, 'utf8'), 'Hi there');
  });

  test('a .ts module given with -m/--module-dirs is transpiled and called', async () => {
    const dir = join(root, 'mydirs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'calc.ts'),
      "import { defineFunction, type SaltModule } from 'salt-ts';\nconst m: SaltModule = { name: 'calc', functions: { add: defineFunction({ args: ['a', 'b'], doc: 'Add.' }, ({ a, b }) => Number(a) + Number(b)) } };\nexport default m;\n",
    );
    const r = await call(['-m', dir, 'calc.add', '2', '40']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'local:\n    42\n');
  });
});

/** True once the minion daemon gives its loader the custom module directories. */
describe('custom modules through a real master', () => {
  let cluster: TestCluster | undefined;
  let srv: string;

  before(async () => {
    srv = mkdtempSync(join(tmpdir(), 'salt-ts-custom-srv-'));
    copyExamples(srv);
    cluster = await TestCluster.start({ minions: ['m1'], master: { file_roots: { base: [srv] } } });
  });
  after(async () => {
    await cluster?.stop();
    if (srv) rmSync(srv, { recursive: true, force: true });
  });

  test("salt m1 saltutil.sync_modules fetches _modules from the master, then salt m1 hello.world", async () => {
    const c = cluster!;
    const sync = await c.cli('salt', ['m1', 'saltutil.sync_modules', '--out', 'json', '--static', '-t', '20']);
    assert.deepEqual(JSON.parse(sync.stdout), { m1: ['modules.hello'] }, sync.stderr);
    const hello = await c.cli('salt', ['m1', 'hello.world', 'name=master', '--out', 'json', '--static', '-t', '10']);
    assert.deepEqual(JSON.parse(hello.stdout), { m1: 'Hello, master!' }, hello.stderr);
  });
});

describe("a custom module asking the master directly (the master's answers to minion commands)", () => {
  let cluster: TestCluster | undefined;
  let srv: string;

  before(async () => {
    srv = mkdtempSync(join(tmpdir(), 'salt-ts-custom-wire-'));
    mkdirSync(join(srv, '_modules'), { recursive: true });
    // ctx.minion.request sends an encrypted, token-carrying request on the minion's channel.
    writeFileSync(
      join(srv, '_modules', 'wire.js'),
      "import { defineFunction } from 'salt-ts';\n" +
        "export default { name: 'wire', functions: { ask: defineFunction({ args: ['cmd'], doc: 'Send one command to the master.' },\n" +
        '  async ({ cmd }, ctx) => ctx.minion.request({ cmd, id: ctx.opts.id, opts: {} })) } };\n',
    );
    cluster = await TestCluster.start({ minions: ['w1'], master: { file_roots: { base: [srv] } } });
    const sync = await cluster.cli('salt', ['w1', 'saltutil.sync_modules', '--out', 'json', '-t', '20']);
    assert.deepEqual(JSON.parse(sync.stdout), { w1: ['modules.wire'] }, sync.stderr);
  });
  after(async () => {
    await cluster?.stop();
    if (srv) rmSync(srv, { recursive: true, force: true });
  });

  test('_master_tops is answered with no tops ({}), an unknown command with False, as Salt does', async () => {
    const tops = await cluster!.cli('salt', ['w1', 'wire.ask', '_master_tops', '--out', 'json', '-t', '10']);
    assert.deepEqual(JSON.parse(tops.stdout), { w1: {} }, tops.stderr);
    const unknown = await cluster!.cli('salt', ['w1', 'wire.ask', '_no_such_command', '--out', 'json', '-t', '10']);
    assert.deepEqual(JSON.parse(unknown.stdout), { w1: false }, unknown.stderr);
  });
});
