/**
 * The real `bin/salt-run` against a real salt-master and minions: job lookups in the master job
 * cache, manage.up/down with a stopped minion, state.event seeing an event.send, and --async.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { binPath, TestCluster } from '../support/cluster.js';

describe('salt-run', () => {
  let cluster: TestCluster;
  let jid = '';
  const runner = (args: string[]) => cluster.cli('salt-run', args, { timeoutMs: 30_000 });

  before(async () => {
    cluster = await TestCluster.start({ minions: ['m1', 'm2'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('salt runs a job, then salt-run jobs.lookup_jid prints its returns', async () => {
    const r = await cluster.cli('salt', ['-L', 'm1,m2', 'test.echo', 'hello', '--show-jid', '-t', '10']);
    assert.equal(r.code, 0, r.stderr);
    jid = /^jid: (\d{20})$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(jid, /^\d{20}$/);
    const look = await runner(['jobs.lookup_jid', jid]);
    assert.equal(look.code, 0, look.stderr);
    assert.equal(look.stdout, 'm1:\n    hello\nm2:\n    hello\n');
  });

  test('jobs.list_jobs --out json lists the job with its function and target', async () => {
    const r = await runner(['jobs.list_jobs', '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const jobs = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    assert.equal(jobs[jid]?.Function, 'test.echo');
    assert.deepEqual(jobs[jid]?.Target, ['m1', 'm2']);
    assert.deepEqual(jobs[jid]?.Arguments, ['hello']);
  });

  test('state.event count=1 prints the event that event.send fires', async () => {
    const watcher = spawn(process.execPath, [binPath('salt-run'), '-c', cluster.masterConfigDir, 'state.event', 'my/test/*', 'count=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => watcher.on('close', resolve));
    let done = false;
    void exited.then(() => (done = true));
    const deadline = Date.now() + 25_000;
    try {
      // The watcher needs a moment to connect: send until it has seen one.
      while (!done && Date.now() < deadline) {
        const sent = await runner(['event.send', 'my/test/tag', '{"a": 1}']);
        assert.equal(sent.stdout, 'True\n', sent.stderr);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 300))]);
      }
      assert.equal(await exited, 0);
    } finally {
      watcher.kill();
    }
    assert.match(out, /^my\/test\/tag\t\{"a": 1, "_stamp": "\d{4}-\d\d-\d\dT[\d:.]+"\}\nNone\n$/);
  });

  test('--async returns at once and the call lands in the job cache', async () => {
    const r = await runner(['saltutil.sync_all', '--async']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const asyncJid = /running under tag salt\/run\/(\d{20})\n$/.exec(r.stderr)?.[1];
    assert.ok(asyncJid, r.stderr);
    await cluster.waitFor(
      async () => {
        const job = await runner(['jobs.list_job', asyncJid, '--out', 'json']);
        return JSON.parse(job.stdout).Function === 'runner.saltutil.sync_all';
      },
      20_000,
      'the asynchronous runner call to reach the job cache',
    );
  });

  test('manage.up lists both minions, manage.down the stopped one', async () => {
    const up = await runner(['manage.up', 'timeout=5']);
    assert.equal(up.stdout, '- m1\n- m2\n', up.stderr);
    await cluster.stopMinion('m2');
    const down = await runner(['manage.down', 'timeout=2', 'gather_job_timeout=2']);
    assert.equal(down.stdout, '- m2\n', down.stderr);
    const stillUp = await runner(['manage.up', 'timeout=2', 'gather_job_timeout=2']);
    assert.equal(stillUp.stdout, '- m1\n', stillUp.stderr);
  });
});
