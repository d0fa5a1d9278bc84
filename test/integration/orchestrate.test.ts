/**
 * `salt-run state.orchestrate` against a real master and two real minions: `salt.state` on m1,
 * then (required) `salt.function` on m2, checked by the order of the timestamps they write;
 * the highstate output keyed by the master id; test=True; and a failing step's exit code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';

describe('state.orchestrate through the master', () => {
  let cluster: TestCluster;
  let base: string;
  let out: string;

  before(async () => {
    base = join(process.env.TMPDIR ?? '/tmp', `salt-ts-orch-${process.pid}`);
    const roots = join(base, 'srv', 'salt');
    out = join(base, 'out');
    mkdirSync(join(roots, 'orch'), { recursive: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(roots, 'stamp.sls'), `stamp:\n  cmd.run:\n    - name: sleep 0.2; date +%s%N > ${out}/{{ grains['id'] }}.stamp\n`);
    writeFileSync(
      join(roots, 'orch', 'ordered.sls'),
      [
        'second:',
        '  salt.function:',
        '    - name: cmd.run',
        '    - tgt: m2',
        `    - arg: ['date +%s%N > ${out}/m2.function']`,
        '    - require:',
        '      - salt: first',
        'first:',
        '  salt.state:',
        '    - tgt: m1',
        '    - sls: stamp',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(roots, 'orch', 'failing.sls'),
      ['broken:', '  salt.function:', '    - name: cmd.run', '    - tgt: m1', "    - arg: ['exit 3']", 'after:', '  salt.function:', '    - name: test.ping', '    - tgt: m2', '    - require:', '      - salt: broken', ''].join('\n'),
    );
    cluster = await TestCluster.start({ minions: ['m1', 'm2'], master: { file_roots: { base: [roots] } } });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  test('salt.state on m1 runs before the salt.function on m2 that requires it', async () => {
    const r = await cluster.cli('salt-run', ['state.orchestrate', 'orch.ordered', '--out', 'json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const data = JSON.parse(r.stdout) as Record<string, unknown>;
    const [masterId] = Object.keys(data.data as object);
    assert.match(masterId!, /_master$/);
    const run = (data.data as Record<string, Record<string, Record<string, unknown>>>)[masterId!]!;
    assert.equal(run['salt_|-first_|-first_|-state']!.result, true);
    assert.equal(run['salt_|-second_|-cmd.run_|-function']!.result, true);
    assert.equal(data.retcode, 0);
    const m1 = BigInt(readFileSync(join(out, 'm1.stamp'), 'utf8').trim());
    const m2 = BigInt(readFileSync(join(out, 'm2.function'), 'utf8').trim());
    assert.ok(m1 < m2, `m1's state (${m1}) must finish before m2's function (${m2})`);
  });

  test('the default output is the highstate outputter keyed by the master id', async () => {
    const r = await cluster.cli('salt-run', ['state.orch', 'orch.ordered', '--no-color'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\S+_master:\n----------\n {10}ID: first\n {4}Function: salt\.state\n {6}Result: True\n/);
    assert.match(r.stdout, / {10}ID: second\n {4}Function: salt\.function\n {6}  Name: cmd\.run\n {6}Result: True\n/);
    assert.match(r.stdout, /\nSummary for \S+_master\n------------\nSucceeded: 2 \(changed=2\)\nFailed:    0\n/);
  });

  test('test=True runs nothing on the minions\' side for salt.function', async () => {
    rmSync(join(out, 'm2.function'), { force: true });
    const r = await cluster.cli('salt-run', ['state.orchestrate', 'orch.ordered', 'test=True', '--out', 'json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const run = Object.values(JSON.parse(r.stdout).data)[0] as Record<string, Record<string, unknown>>;
    assert.equal(run['salt_|-second_|-cmd.run_|-function']!.result, null);
    assert.equal(existsSync(join(out, 'm2.function')), false);
  });

  test('a failing step fails the steps requiring it and salt-run exits 1', async () => {
    const r = await cluster.cli('salt-run', ['state.orchestrate', 'orch.failing', '--out', 'json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const run = Object.values(JSON.parse(r.stdout).data)[0] as Record<string, Record<string, unknown>>;
    assert.equal(run['salt_|-broken_|-cmd.run_|-function']!.comment, 'Running function cmd.run failed on minions: m1 Function cmd.run ran on m1.');
    assert.match(String(run['salt_|-after_|-test.ping_|-function']!.comment), /^One or more requisite failed/);
  });
});
