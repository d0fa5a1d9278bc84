import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { PyFloat } from '../protocol/pytypes.js';
import { RedisReturner, redisOptions } from './redis_return.js';
import { ReturnerConnectionError } from './errors.js';
import { REDIS_SKIP, redisTestOpts } from './_testing.js';

const JID1 = '20250101120000000001';
const JID2 = '20250101130000000002';
const DB = 11;

describe('redis options', () => {
  test('redis.host/port/db, nested redis: {...}, and the defaults localhost:6379 db 0', () => {
    assert.deepEqual(redisOptions({ opts: {} }), { host: 'localhost', port: 6379, db: 0 });
    assert.deepEqual(redisOptions({ opts: { 'redis.host': 'r1', 'redis.port': 7000, 'redis.db': '3' } }), { host: 'r1', port: 7000, db: '3' });
    assert.equal(redisOptions({ opts: { redis: { host: 'nested' }, 'redis.host': 'flat' } }).host, 'nested');
  });
});

describe('redis returner against Redis', { skip: REDIS_SKIP }, () => {
  let raw: Redis;
  let r: RedisReturner;
  before(async () => {
    const o = redisTestOpts(DB);
    raw = new Redis({ host: String(o['redis.host']), port: Number(o['redis.port']), db: DB });
    await raw.flushdb();
    r = new RedisReturner({ opts: { ...o, keep_jobs_seconds: 3600 } });
  });
  after(async () => {
    await raw?.flushdb();
    await raw?.quit();
    await r?.close();
  });

  test('returner writes Salt\'s keys: ret:<jid> hash, <minion>:<fun>, the minions set, and a TTL', async () => {
    await r.returner({ success: true, return: { v: new PyFloat(2) }, retcode: 0, jid: JID1, fun: 'test.echo', fun_args: ['x'], id: 'm1' });
    assert.equal(await raw.hget(`ret:${JID1}`, 'm1'), '{"success": true, "return": {"v": 2.0}, "retcode": 0, "jid": "20250101120000000001", "fun": "test.echo", "fun_args": ["x"], "id": "m1"}');
    const ttl = await raw.ttl(`ret:${JID1}`);
    assert.ok(ttl > 3500 && ttl <= 3600, String(ttl));
    assert.equal(await raw.get('m1:test.echo'), JID1);
    assert.deepEqual(await raw.smembers('minions'), ['m1']);
  });

  test('save_load / get_load keep the load as JSON under load:<jid> with the job TTL', async () => {
    await r.save_load(JID1, { fun: 'test.echo', arg: ['x'], tgt: 'm*', tgt_type: 'glob', user: 'root', jid: JID1 });
    assert.equal(await raw.get(`load:${JID1}`), '{"fun": "test.echo", "arg": ["x"], "tgt": "m*", "tgt_type": "glob", "user": "root", "jid": "20250101120000000001"}');
    assert.ok((await raw.ttl(`load:${JID1}`)) > 3500);
    assert.deepEqual((await r.get_load(JID1)).tgt, 'm*');
    assert.deepEqual(await r.get_load(JID2), {});
  });

  test('get_jid, get_fun, get_jids and get_minions read the same keys back', async () => {
    await r.returner({ success: true, return: 'two', retcode: 0, jid: JID2, fun: 'test.echo', fun_args: [], id: 'm2' });
    const got = await r.get_jid(JID1);
    assert.deepEqual(Object.keys(got), ['m1']);
    assert.ok((got.m1!.return as Record<string, unknown>).v instanceof PyFloat);
    const fun = await r.get_fun('test.echo');
    assert.deepEqual(Object.keys(fun), ['m1', 'm2']);
    assert.equal(fun.m2!.return, 'two');
    assert.deepEqual(await r.get_jids(), {
      [JID1]: { Function: 'test.echo', Arguments: ['x'], Target: 'm*', 'Target-type': 'glob', User: 'root', StartTime: '2025, Jan 01 12:00:00.000001' },
    });
    assert.deepEqual(await r.get_minions(), ['m1', 'm2']);
  });

  test('clean_old_jobs drops ret hashes whose load has expired', async () => {
    await r.clean_old_jobs();
    assert.equal(await raw.exists(`ret:${JID1}`), 1);
    assert.equal(await raw.exists(`ret:${JID2}`), 0);
  });

  test('keep_jobs_seconds 0 stores without expiry', async () => {
    const forever = new RedisReturner({ opts: { ...redisTestOpts(DB), keep_jobs_seconds: 0 } });
    try {
      await forever.returner({ return: 1, jid: JID2, fun: 'test.ping', id: 'm3' });
      await forever.save_load(JID2, { jid: JID2, fun: 'test.ping' });
    } finally {
      await forever.close();
    }
    assert.equal(await raw.ttl(`ret:${JID2}`), -1);
    assert.equal(await raw.ttl(`load:${JID2}`), -1);
  });
});

describe('redis without a server', () => {
  test('a refused connection is a ReturnerConnectionError', async () => {
    const r = new RedisReturner({ opts: { 'redis.host': '127.0.0.1', 'redis.port': 1 } });
    try {
      await assert.rejects(r.get_load(JID1), ReturnerConnectionError);
    } finally {
      await r.close();
    }
  });
});
