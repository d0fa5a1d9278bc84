import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalJobCache } from '../jobs/local_cache.js';
import { LocalCacheReturner } from './local_cache.js';

const JID1 = '20250101120000000001';
const JID2 = '20250101130000000002';

describe('local_cache returner', () => {
  let dir: string;
  let r: LocalCacheReturner;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'localcache-ret-'));
    r = new LocalCacheReturner({ opts: { cachedir: dir, job_cache_store_endtime: true } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prep_jid, save_load with minions and returner write Salt\'s on-disk job cache', async () => {
    assert.equal(await r.prep_jid(false, JID1), JID1);
    await r.save_load(JID1, { fun: 'test.ping', arg: [], tgt: '*', tgt_type: 'glob', user: 'root', jid: JID1 }, ['m1', 'm2']);
    await r.returner({ id: 'm1', jid: JID1, return: true, retcode: 0, success: true, fun: 'test.ping' });
    const cache = new LocalJobCache({ cachedir: dir });
    assert.deepEqual((await cache.getLoad(JID1)).Minions, ['m1', 'm2']);
    assert.deepEqual(await cache.getReturns(JID1), { m1: { return: true, retcode: 0, success: true } });
  });

  test('get_load, get_jid and get_jids read it back (EndTime with job_cache_store_endtime)', async () => {
    assert.equal((await r.get_load(JID1)).fun, 'test.ping');
    assert.deepEqual(await r.get_jid(JID1), { m1: { return: true, retcode: 0, success: true } });
    await r.update_endtime(JID1, '2025, Jan 01 12:00:01.000000');
    assert.deepEqual(await r.get_jids(), {
      [JID1]: { Function: 'test.ping', Arguments: [], Target: '*', 'Target-type': 'glob', User: 'root', StartTime: '2025, Jan 01 12:00:00.000001', EndTime: '2025, Jan 01 12:00:01.000000' },
    });
    assert.equal(await r.get_endtime(JID1), '2025, Jan 01 12:00:01.000000');
  });

  test('get_jids_filter keeps the newest count jobs and drops saltutil.find_job unless asked', async () => {
    await r.prep_jid(false, JID2);
    await r.save_load(JID2, { fun: 'saltutil.find_job', arg: [JID1], tgt: 'm1', tgt_type: 'glob', user: 'root', jid: JID2 });
    assert.deepEqual((await r.get_jids_filter(5)).map((j) => j.JID), [JID1]);
    assert.deepEqual((await r.get_jids_filter(1, false)).map((j) => j.JID), [JID2]);
    assert.deepEqual(await r.get_jids_filter(0), []);
  });

  test('clean_old_jobs removes jobs older than keep_jobs_seconds', async () => {
    const old = new LocalCacheReturner({ opts: { cachedir: dir, keep_jobs_seconds: 1 } });
    await new Promise((res) => setTimeout(res, 1100));
    await old.clean_old_jobs();
    assert.deepEqual(await r.get_load(JID1), {});
  });
});
