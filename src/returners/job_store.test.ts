import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LocalJobCache } from '../jobs/local_cache.js';
import { testMaster, type TestMaster } from '../runners/_testing.js';
import { MasterJobStore } from './job_store.js';
import { createPgTestDatabase, PG_SKIP, REDIS_SKIP, redisTestOpts, type PgTestDatabase } from './_testing.js';

const JID = '20250301100000000001';
const PUB = { fun: 'test.echo', arg: ['hi'], tgt: 'm*', tgt_type: 'glob', user: 'root', jid: JID, ret: '' };

function recordingLog(): { log: never; critical: string[] } {
  const critical: string[] = [];
  const log = { critical: (m: string) => critical.push(m), error: (m: string) => critical.push(m), warn() {}, info() {}, debug() {}, trace() {}, child: () => log };
  return { log: log as never, critical };
}

describe('MasterJobStore with local_cache', () => {
  let dir: string;
  let cache: LocalJobCache;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jobstore-'));
    cache = new LocalJobCache({ cachedir: dir });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults to local_cache and shares the given LocalJobCache', async () => {
    const store = new MasterJobStore({ cachedir: dir }, { localCache: cache });
    assert.equal(store.masterJobCache, 'local_cache');
    assert.equal(await store.prepJid(false, JID), JID);
    await store.savePublishLoad(JID, PUB, ['m1', 'm2']);
    assert.deepEqual((await cache.getLoad(JID)).Minions, ['m1', 'm2']);
  });

  test('storeReturn stores a return once; a second one is a duplicate', async () => {
    const store = new MasterJobStore({ cachedir: dir, job_cache_store_endtime: true }, { localCache: cache });
    assert.deepEqual(await store.storeReturn({ id: 'm1', jid: JID, return: 'hi', retcode: 0, success: true }), { stored: true, jid: JID });
    assert.deepEqual(await store.storeReturn({ id: 'm1', jid: JID, return: 'again' }), { stored: false, jid: JID, reason: 'duplicate' });
    assert.deepEqual(await cache.getReturns(JID), { m1: { return: 'hi', retcode: 0, success: true } });
    assert.match(String(await cache.getEndtime(JID)), /^\d{4}, [A-Z][a-z]{2} \d\d /);
  });

  test('a req return gets a new jid (handed back) and its load saved', async () => {
    const store = new MasterJobStore({ cachedir: dir }, { localCache: cache });
    const load = { id: 'm1', jid: 'req', fun: 'test.ping', fun_args: [], return: true };
    const out = await store.storeReturn(load);
    assert.equal(out.stored, true);
    assert.match(String(out.jid), /^\d{20}$/);
    assert.equal(load.jid, out.jid);
    assert.deepEqual((await cache.getLoad(String(out.jid))).tgt, 'm1');
  });

  test('invalid loads, bad ids, nocache, job_cache off and ext_job_cache are not stored in the master cache', async () => {
    const store = new MasterJobStore({ cachedir: dir }, { localCache: cache });
    assert.deepEqual(await store.storeReturn({ id: 'm1', jid: JID }), { stored: false, jid: null, reason: 'invalid-load' });
    assert.equal((await store.storeReturn({ id: '../x', jid: JID, return: 1 })).reason, 'invalid-id');
    assert.equal((await store.storeReturn({ id: 'm3', jid: 'nocache', return: 1 })).reason, 'nocache');
    const off = new MasterJobStore({ cachedir: dir, job_cache: false }, { localCache: cache });
    assert.equal((await off.storeReturn({ id: 'm4', jid: JID, return: 1 })).reason, 'job-cache-off');
    const ext = new MasterJobStore({ cachedir: dir, ext_job_cache: 'rawfile_json' }, { localCache: cache });
    assert.equal((await ext.storeReturn({ id: 'm5', jid: JID, return: 1 })).reason, 'ext-job-cache');
    assert.deepEqual(Object.keys(await cache.getReturns(JID)), ['m1']);
  });

  test('publishRet appends ext_job_cache to the publish ret, as Salt\'s LocalClient does', () => {
    assert.equal(new MasterJobStore({ cachedir: dir }).publishRet(''), '');
    assert.equal(new MasterJobStore({ cachedir: dir, ext_job_cache: 'redis' }).publishRet(''), 'redis');
    assert.equal(new MasterJobStore({ cachedir: dir, ext_job_cache: 'redis' }).publishRet('syslog'), 'syslog,redis');
  });

  test('an ext_job_cache without save_load is logged critical; the master cache still gets the load', async () => {
    const { log, critical } = recordingLog();
    const store = new MasterJobStore({ cachedir: dir, ext_job_cache: 'syslog' }, { localCache: cache, log });
    const jid = '20250301100000000009';
    await store.savePublishLoad(jid, { ...PUB, jid }, ['m1']);
    assert.match(critical[0]!, /external job cache "syslog" failed to save the load of 20250301100000000009: Returner 'syslog' does not support function save_load/);
    assert.equal((await cache.getLoad(jid)).fun, 'test.echo');
  });

  test('an unknown master_job_cache cannot allocate jids', async () => {
    const store = new MasterJobStore({ cachedir: dir, master_job_cache: 'nosuch' });
    await assert.rejects(store.prepJid(), /Returner 'nosuch' is not available/);
  });
});

describe('MasterJobStore with pgjsonb as master_job_cache', { skip: PG_SKIP }, () => {
  let db: PgTestDatabase;
  let store: MasterJobStore;
  let m: TestMaster;
  before(async () => {
    db = await createPgTestDatabase();
    m = testMaster({ master_job_cache: 'pgjsonb', ...db.opts });
    store = new MasterJobStore(m.opts);
  });
  after(async () => {
    await store?.close();
    m?.cleanup();
    await db?.drop();
  });

  test('the publish load and the returns go to PostgreSQL, not to the local cache', async () => {
    const jid = await store.prepJid();
    await store.savePublishLoad(jid, { ...PUB, jid }, ['m1', 'm2']);
    assert.deepEqual(await store.storeReturn({ id: 'm1', jid, fun: 'test.echo', fun_args: ['hi'], return: 'hi', retcode: 0, success: true }), { stored: true, jid });
    assert.deepEqual((await db.query('SELECT load FROM jids WHERE jid = $1', [jid]))[0]!.load, { ...PUB, jid });
    assert.deepEqual((await db.query('SELECT id, return FROM salt_returns WHERE jid = $1', [jid])), [{ id: 'm1', return: 'hi' }]);
    assert.equal(await new LocalJobCache({ cachedir: String(m.opts.cachedir) }).jidExists(jid), false);
  });

  test('salt-run jobs.lookup_jid, list_job and list_jobs read the job through pgjsonb', async () => {
    const jid = '20250301100000000002';
    await store.savePublishLoad(jid, { ...PUB, jid }, ['m1', 'm2']);
    await store.storeReturn({ id: 'm1', jid, fun: 'test.echo', fun_args: ['hi'], return: 'one', retcode: 0, success: true });
    await store.storeReturn({ id: 'm2', jid, fun: 'test.echo', fun_args: ['hi'], return: 'two', retcode: 0, success: true });
    assert.deepEqual(await m.call('jobs.lookup_jid', [jid]), { m1: 'one', m2: 'two' });
    const job = (await m.call('jobs.list_job', [jid])) as Record<string, unknown>;
    assert.equal(job.Function, 'test.echo');
    assert.deepEqual(Object.keys(job.Result as object).sort(), ['m1', 'm2']);
    const jobs = (await m.call('jobs.list_jobs', ['search_function=test.echo'])) as Record<string, Record<string, unknown>>;
    assert.deepEqual(jobs[jid], { Function: 'test.echo', Arguments: ['hi'], Target: 'm*', 'Target-type': 'glob', User: 'root', StartTime: '2025, Mar 01 10:00:00.000002' });
  });

  test('a req return gets a jid from pgjsonb.prep_jid and its load saved in jids', async () => {
    const load = { id: 'm1', jid: 'req', fun: 'test.ping', fun_args: [], return: true };
    const out = await store.storeReturn(load);
    assert.equal(out.stored, true);
    assert.equal(((await db.query('SELECT load FROM jids WHERE jid = $1', [out.jid]))[0]!.load as Record<string, unknown>).tgt, 'm1');
  });

  test('list_jobs_filter says pgjsonb has no get_jids_filter, as Salt does', async () => {
    const r = String(await m.call('jobs.list_jobs_filter', ['5']));
    assert.match(r, /NotImplementedError: 'pgjsonb\.get_jids_filter' returner function not implemented yet\.\n$/);
  });
});

describe('MasterJobStore with redis as ext_job_cache', { skip: REDIS_SKIP }, () => {
  const DB = 12;
  let raw: Redis;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jobstore-redis-'));
    const o = redisTestOpts(DB);
    raw = new Redis({ host: String(o['redis.host']), port: Number(o['redis.port']), db: DB });
    await raw.flushdb();
  });
  after(async () => {
    await raw?.flushdb();
    await raw?.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the publish load goes to Redis and the local cache; lookup reads Redis through ext_job_cache', async () => {
    const m = testMaster({ cachedir: dir, ext_job_cache: 'redis', ...redisTestOpts(DB) });
    const store = new MasterJobStore(m.opts);
    try {
      await store.savePublishLoad(JID, PUB, ['m1']);
      assert.deepEqual(JSON.parse(String(await raw.get(`load:${JID}`))), PUB);
      assert.equal((await new LocalJobCache({ cachedir: dir }).getLoad(JID)).fun, 'test.echo');
      // The minion's own redis returner stores the return (the publish ret names redis).
      await store.returners.fn('redis', 'returner')({ success: true, return: 'hi', retcode: 0, jid: JID, fun: 'test.echo', fun_args: ['hi'], id: 'm1' });
      assert.deepEqual(await m.call('jobs.lookup_jid', [JID]), { m1: 'hi' });
    } finally {
      await store.close();
      m.cleanup();
    }
  });
});
