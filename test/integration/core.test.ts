/**
 * The first tutorial, for real: a salt-master and three salt-minions (separate processes, real
 * ZeroMQ, real RSA/AES) on 127.0.0.1, driven only through the salt and salt-key programs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';
import { EventClient } from '../../src/events/client.js';

describe('salt CLI against a real master and three minions', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ minions: ['m1', 'm2', 'm3'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  test("salt '*' test.ping prints every minion's True with the nested outputter", async () => {
    const r = await cluster.cli('salt', ['*', 'test.ping']);
    assert.equal(r.code, 0, r.stderr);
    for (const id of ['m1', 'm2', 'm3']) assert.match(r.stdout, new RegExp(`^${id}:\\n    True$`, 'm'));
  });

  test('salt -L m1,m2 cmd.run runs a shell command on just those minions', async () => {
    const r = await cluster.cli('salt', ['-L', 'm1,m2', 'cmd.run', 'echo hello from $(printf salt)', '--out', 'json', '--static']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { m1: 'hello from salt', m2: 'hello from salt' });
  });

  test('salt -E matches minion ids with a regular expression', async () => {
    const r = await cluster.cli('salt', ['-E', 'm[23]', 'test.echo', 'hello', '--out', 'json', '--static']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { m2: 'hello', m3: 'hello' });
  });

  test('key=value arguments arrive as kwargs with YAML typing', async () => {
    const r = await cluster.cli('salt', ['m1', 'test.arg', '1', 'two', '3.5', 'kw1=val', 'kw2=[1, 2]', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const ret = JSON.parse(r.stdout).m1;
    assert.deepEqual(ret.args, [1, 'two', 3.5]);
    assert.equal(ret.kwargs.kw1, 'val');
    assert.deepEqual(ret.kwargs.kw2, [1, 2]);
    assert.equal(ret.kwargs.__pub_fun, 'test.arg');
  });

  test('a failing command gives a non-zero exit and Salt\'s error line', async () => {
    const r = await cluster.cli('salt', ['m1', 'cmd.run', 'exit 3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: Minions returned with non-zero exit code/);
  });

  test('--async prints the job id and returns at once', async () => {
    const r = await cluster.cli('salt', ['*', 'cmd.run', 'sleep 30', '--async']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Executed command with job ID: \d{20}\n$/);
  });

  test('a long job does not block test.ping on the same minion', async () => {
    const slow = cluster.cli('salt', ['m1', 'test.sleep', '4', '--out', 'json', '-t', '10']);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const ping = await cluster.cli('salt', ['m1', 'test.ping', '--out', 'json']);
    assert.deepEqual(JSON.parse(ping.stdout), { m1: true });
    assert.ok(Date.now() - t0 < 3500, 'test.ping waited for the sleeping job');
    assert.deepEqual(JSON.parse((await slow).stdout), { m1: true });
  });

  test('-t shorter than the job: the CLI keeps waiting while find_job says it still runs', async () => {
    const r = await cluster.cli('salt', ['m2', 'test.sleep', '3', '-t', '1', '-v']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Executing job with jid \d{20}\n-+\n\n/);
    assert.match(r.stdout, /^m2:\n    True$/m);
  });

  test('a target nobody matches says so, like Salt', async () => {
    const r = await cluster.cli('salt', ['nomatch*', 'test.ping']);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /No minions matched the target. No command was sent, no jid was assigned./);
  });

  test('event.send on a minion reaches the master event bus under its tag', async () => {
    const ev = new EventClient({ sockDir: join(cluster.root, 'master', 'var', 'run', 'salt', 'master') });
    await ev.connectPub();
    const sub = ev.subscribe('my/custom/');
    try {
      const r = await cluster.cli('salt', ['m3', 'event.send', 'my/custom/tag', 'data={"a": 1}', '--out', 'json']);
      assert.deepEqual(JSON.parse(r.stdout), { m3: true });
      const got = await ev.getEvent({ tag: 'my/custom/', timeout: 5000 });
      assert.equal(got?.tag, 'my/custom/tag');
      assert.equal((got?.data as Record<string, unknown>).id, 'm3');
      assert.deepEqual(((got?.data as Record<string, unknown>).data as Record<string, unknown>).a, 1);
    } finally {
      await sub.return?.(undefined);
      await ev.close();
    }
  });
});
