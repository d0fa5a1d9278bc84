/**
 * The mine, the scheduler and beacons through a real master and two minions. Every test skips
 * (with the reason) until the minion and master daemons are wired to `src/mine`, `src/schedule`
 * and `src/beacons`: wiring is detected by `salt m1 mine.update` followed by
 * `salt m1 mine.get '*' test.ping` returning data.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';
import { EventClient } from '../../src/events/client.js';

const NOT_WIRED =
  'mine/schedule/beacons are not wired into the daemons yet: `salt m1 mine.update` then `salt m1 mine.get "*" test.ping` returned no data (see the wiring notes in src/mine, src/schedule, src/beacons)';

type Dict = Record<string, unknown>;

describe('mine, scheduler and beacons on a real master with two minions', () => {
  let cluster: TestCluster;
  let wired = false;

  before(async () => {
    cluster = await TestCluster.start({
      minions: ['m1', 'm2'],
      minion: {
        mine_functions: { 'test.ping': [], 'grains.item': ['id'] },
        schedule: { every2: { function: 'test.echo', args: ['tick'], seconds: 2 } },
        beacons: { memusage: [{ percent: '0%' }, { interval: 2 }] },
      },
    });
    const upd = await cluster.cli('salt', ['m1', 'mine.update', '--out', 'json', '--static']);
    if (upd.code === 0) {
      const got = await cluster.cli('salt', ['m1', 'mine.get', '*', 'test.ping', '--out', 'json', '--static']);
      try {
        const m1 = (JSON.parse(got.stdout) as Dict).m1;
        wired = typeof m1 === 'object' && m1 !== null && (m1 as Dict).m1 === true;
      } catch {
        wired = false;
      }
    }
    if (!wired) console.log(`# SKIP: ${NOT_WIRED}`);
  });
  after(async () => {
    await cluster?.stop();
  });

  const json = async (args: string[]): Promise<Dict> => {
    const r = await cluster.cli('salt', [...args, '--out', 'json', '--static']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Dict;
  };

  test('mine.get reads every minion\'s mine through the master (mine_interval ran on start)', async (t) => {
    if (!wired) return t.skip(NOT_WIRED);
    await json(['m2', 'mine.update']);
    assert.deepEqual(await json(['m1', 'mine.get', '*', 'test.ping']), { m1: { m1: true, m2: true } });
    assert.deepEqual(await json(['m2', 'mine.get', 'id:m1', 'grains.item', 'grain']), { m2: { m1: { id: 'm1' } } });
    assert.deepEqual(await json(['m2', 'mine.get', 'L@m1,m2 and not m2', 'test.ping,grains.item', 'compound']), {
      m2: { 'test.ping': { m1: true }, 'grains.item': { m1: { id: 'm1' } } },
    });
    assert.ok(existsSync(join(cluster.root, 'master', 'var', 'cache', 'salt', 'master', 'minions', 'm1', 'mine.p')));
    const run = await cluster.cli('salt-run', ['mine.get', '*', 'test.ping', '--out', 'json']);
    assert.deepEqual(JSON.parse(run.stdout), { m1: true, m2: true });
  });

  test('mine.send, mine.delete and mine.flush change what others see', async (t) => {
    if (!wired) return t.skip(NOT_WIRED);
    assert.deepEqual(await json(['m1', 'mine.send', 'hello', 'mine_function=test.echo', 'text=hi']), { m1: true });
    assert.deepEqual(await json(['m2', 'mine.get', 'm1', 'hello']), { m2: { m1: 'hi' } });
    assert.deepEqual(await json(['m1', 'mine.delete', 'hello']), { m1: true });
    assert.deepEqual(await json(['m2', 'mine.get', 'm1', 'hello']), { m2: {} });
    assert.deepEqual(await json(['m2', 'mine.flush']), { m2: true });
    assert.deepEqual(await json(['m1', 'mine.get', 'm2', 'test.ping']), { m1: {} });
  });

  test('scheduled job returns reach the master as new jobs', async (t) => {
    if (!wired) return t.skip(NOT_WIRED);
    const ev = new EventClient({ sockDir: join(cluster.root, 'master', 'var', 'run', 'salt', 'master') });
    await ev.connectPub();
    try {
      let got: Dict | undefined;
      const deadline = Date.now() + 15_000;
      while (!got && Date.now() < deadline) {
        const e = await ev.getEvent({ tag: 'salt/job/', timeout: 3000 });
        const data = e?.data as Dict | undefined;
        if (data && data.schedule === 'every2' && data.id === 'm1') got = data;
      }
      assert.ok(got, 'a return of the every2 job from m1');
      assert.equal(got.fun, 'test.echo');
      assert.equal(got.return, 'tick');
      assert.match(String(got.jid), /^\d{20}$/, 'the master gives jid "req" returns a new jid');
    } finally {
      await ev.close();
    }
  });

  test('schedule.add, list and delete drive the live scheduler and persist to minion.d/_schedule.conf', async (t) => {
    if (!wired) return t.skip(NOT_WIRED);
    const add = await json(['m1', 'schedule.add', 'job2', 'function=test.ping', 'seconds=3600']);
    assert.deepEqual(add, { m1: { comment: 'Added job: job2 to schedule.', result: true, changes: { job2: 'added' } } });
    const listed = await json(['m1', 'schedule.list', 'return_yaml=False']);
    assert.ok('job2' in (listed.m1 as Dict) && 'every2' in (listed.m1 as Dict));
    const conf = join(cluster.root, 'minion-m1', 'etc', 'salt', 'minion.d', '_schedule.conf');
    assert.match(readFileSync(conf, 'utf8'), /  job2:\n/);
    assert.equal(((await json(['m1', 'schedule.delete', 'job2'])).m1 as Dict).result, true);
    assert.doesNotMatch(readFileSync(conf, 'utf8'), /job2/);
  });

  test('beacons fire salt/beacon/<id>/<beacon>/ events on the master bus', async (t) => {
    if (!wired) return t.skip(NOT_WIRED);
    const ev = new EventClient({ sockDir: join(cluster.root, 'master', 'var', 'run', 'salt', 'master') });
    await ev.connectPub();
    try {
      const e = await ev.getEvent({ tag: 'salt/beacon/m1/memusage/', timeout: 10_000 });
      assert.ok(e, 'a memusage beacon event from m1');
      assert.equal((e.data as Dict).id, 'm1');
      assert.equal(typeof (e.data as Dict).memusage, 'number');
      assert.deepEqual(await json(['m1', 'beacons.list', 'return_yaml=False']), { m1: { memusage: [{ percent: '0%' }, { interval: 2 }] } });
    } finally {
      await ev.close();
    }
  });
});
