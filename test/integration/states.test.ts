/**
 * A state tree with a top file, applied through a real master to two real minions, printed with
 * the highstate outputter, applied again with no changes, and a failing state's exit code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';
import { EventClient } from '../../src/events/client.js';

describe('state.apply through the master', () => {
  let cluster: TestCluster;
  let roots: string;
  let out: string;

  before(async () => {
    const base = join(process.env.TMPDIR ?? '/tmp', `salt-ts-states-${process.pid}`);
    roots = join(base, 'srv');
    out = join(base, 'out');
    mkdirSync(join(roots, 'salt', 'web'), { recursive: true });
    mkdirSync(join(roots, 'pillar'), { recursive: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(roots, 'salt', 'top.sls'), "base:\n  '*':\n    - common\n  's2':\n    - web\n");
    writeFileSync(
      join(roots, 'salt', 'common.sls'),
      `motd:\n  file.managed:\n    - name: ${out}/{{ grains['id'] }}.motd\n    - contents: "Welcome to {{ grains['id'] }} ({{ pillar.get('role', 'none') }})"\n`,
    );
    writeFileSync(join(roots, 'salt', 'web', 'init.sls'), `web-conf:\n  file.managed:\n    - name: ${out}/web.conf\n    - source: salt://web/web.conf.j2\n    - template: jinja\n    - require:\n      - file: motd\n`);
    writeFileSync(join(roots, 'salt', 'web', 'web.conf.j2'), "listen {{ pillar['port'] }}\n");
    writeFileSync(join(roots, 'salt', 'broken.sls'), 'fails:\n  test.fail_without_changes: []\n');
    writeFileSync(
      join(roots, 'salt', 'events.sls'),
      'announce:\n  test.succeed_with_changes:\n    - fire_event: True\nnamed:\n  test.nop:\n    - fire_event: custom/finished\nquiet:\n  test.nop: []\n',
    );
    writeFileSync(join(roots, 'pillar', 'top.sls'), "base:\n  '*':\n    - data\n");
    writeFileSync(join(roots, 'pillar', 'data.sls'), 'role: web\nport: 8080\n');
    cluster = await TestCluster.start({
      minions: ['s1', 's2'],
      master: { file_roots: { base: [join(roots, 'salt')] }, pillar_roots: { base: [join(roots, 'pillar')] } },
      minion: { state_events: true },
    });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('highstate applies the top file to each minion, with pillar and salt:// templates', async () => {
    const r = await cluster.cli('salt', ['*', 'state.apply', '--out', 'json', '--static']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const ret = JSON.parse(r.stdout);
    assert.equal(Object.keys(ret.s1).length, 1);
    assert.equal(Object.keys(ret.s2).length, 2);
    assert.equal(readFileSync(join(out, 's1.motd'), 'utf8'), 'Welcome to s1 (web)\n', 'contents_newline adds the final newline');
    assert.equal(readFileSync(join(out, 'web.conf'), 'utf8'), 'listen 8080\n');
    for (const v of Object.values(ret.s2) as Array<Record<string, unknown>>) assert.equal(v.result, true);
  });

  test('a second apply reports no changes, in the highstate outputter', async () => {
    const r = await cluster.cli('salt', ['s1', 'state.apply', '--no-color']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^s1:\n----------\n {10}ID: motd\n {4}Function: file\.managed\n/m);
    assert.match(r.stdout, /Comment: File .* is in the correct state/);
    assert.match(r.stdout, /\nSummary for s1\n------------\nSucceeded: 1\nFailed:    0\n------------\nTotal states run:     1\n/);
  });

  test('test=True predicts without changing anything', async () => {
    writeFileSync(join(out, 's1.motd'), 'changed by hand');
    const r = await cluster.cli('salt', ['s1', 'state.apply', 'test=True', '--out', 'json']);
    const res = Object.values(JSON.parse(r.stdout).s1)[0] as Record<string, unknown>;
    assert.equal(res.result, null);
    assert.equal(readFileSync(join(out, 's1.motd'), 'utf8'), 'changed by hand');
  });

  test('a failing state makes salt exit 1 with Salt\'s error line', async () => {
    const r = await cluster.cli('salt', ['s1', 'state.sls', 'broken', '--no-color']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Result: False/);
    assert.match(r.stderr, /ERROR: Minions returned with non-zero exit code/);
  });

  test('state_events and fire_event send each finished state to the master bus, under Salt\'s tags', async () => {
    const ev = new EventClient({ sockDir: join(cluster.root, 'master', 'var', 'run', 'salt', 'master') });
    await ev.connectPub();
    const sub = ev.subscribe('salt/');
    const seen: Array<{ tag: string; data: Record<string, unknown> }> = [];
    try {
      const r = await cluster.cli('salt', ['s1', 'state.sls', 'events', '--out', 'json']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const stateEvents = (): number => seen.filter((e) => /\/prog\/|state_result/.test(e.tag)).length;
      for (let e = await ev.getEvent({ tag: 'salt/', timeout: 3000 }); e && stateEvents() < 3; e = await ev.getEvent({ tag: 'salt/', timeout: 3000 })) {
        seen.push(e as never);
      }
      const want = (re: RegExp): Record<string, unknown> | undefined => seen.find((e) => re.test(e.tag))?.data;
      const announce = want(/^salt\/state_result\/\d{20}\/s1\/announce$/);
      assert.equal((announce?.data as Record<string, Record<string, unknown>> | undefined)?.ret?.result, true, JSON.stringify(seen.map((e) => e.tag)));
      assert.ok(want(/^salt\/state_result\/\d{20}\/s1\/custom\/finished$/), 'fire_event with a string tag');
      const prog = want(/^salt\/job\/\d{20}\/prog\/s1\/2$/)?.data as Record<string, unknown> | undefined;
      assert.equal(prog?.len, 3, 'state_events: the third state, with the number of chunks');
      assert.equal((prog?.ret as Record<string, unknown>).__id__, 'quiet');
      assert.equal(seen.filter((e) => /\/prog\/s1\//.test(e.tag)).length, 1, 'no prog event for states that fire their own');
    } finally {
      await sub.return?.(undefined);
      await ev.close();
    }
  });
});
