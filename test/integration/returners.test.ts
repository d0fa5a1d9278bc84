/**
 * Returners and external job caches with the real programs and real servers: `salt-run jobs.*`
 * reading jobs that live in PostgreSQL (pgjsonb as master_job_cache) or Redis (ext_job_cache),
 * and a real master and minion sending returns and events to pgjsonb, redis and rawfile_json.
 * PostgreSQL/Redis parts skip without SALT_TS_PG_URL / SALT_TS_REDIS_URL (.ci/run sets them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LocalJobCache } from '../../src/jobs/local_cache.js';
import { MasterJobStore, RedisReturner } from '../../src/returners/index.js';
import { createPgTestDatabase, PG_SKIP, REDIS_SKIP, redisTestOpts, type PgTestDatabase } from '../../src/returners/_testing.js';
import { run, TestCluster } from '../support/cluster.js';

const REDIS_DB = 13;
const PUB = { fun: 'test.echo', arg: ['hi'], tgt: 'm*', tgt_type: 'glob', user: 'root' };

/**
 * The master and minion wiring of src/returners lives in src/daemons (edited by others): until it
 * is in, the end-to-end part skips with this reason.
 */
const DAEMON_WIRING: string | false = false;

/** A master config dir (JSON values are YAML) with root_dir inside it. */
function masterConfig(root: string, conf: Record<string, unknown>): string {
  const dir = join(root, 'etc', 'salt');
  mkdirSync(dir, { recursive: true });
  const all = { root_dir: root, ...conf };
  writeFileSync(join(dir, 'master'), Object.entries(all).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n') + '\n');
  return dir;
}

describe('salt-run jobs.* through pgjsonb as master_job_cache', { skip: PG_SKIP }, () => {
  let db: PgTestDatabase;
  let root: string;
  let conf: string;
  const jid = '20250501100000000001';
  before(async () => {
    db = await createPgTestDatabase();
    root = mkdtempSync(join(tmpdir(), 'salt-ts-ret-pg-'));
    conf = masterConfig(root, { master_job_cache: 'pgjsonb', ...db.opts });
    const store = new MasterJobStore({ cachedir: join(root, 'var', 'cache', 'salt', 'master'), master_job_cache: 'pgjsonb', ...db.opts });
    try {
      await store.savePublishLoad(jid, { ...PUB, jid }, ['m1', 'm2']);
      await store.storeReturn({ id: 'm1', jid, fun: 'test.echo', fun_args: ['hi'], return: 'one', retcode: 0, success: true });
      await store.storeReturn({ id: 'm2', jid, fun: 'test.echo', fun_args: ['hi'], return: { nested: [1, 2] }, retcode: 0, success: true });
    } finally {
      await store.close();
    }
  });
  after(async () => {
    if (root) rmSync(root, { recursive: true, force: true });
    await db?.drop();
  });

  test('jobs.lookup_jid prints the returns stored in PostgreSQL', async () => {
    const r = await run('salt-run', ['-c', conf, 'jobs.lookup_jid', jid], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'm1:\n    one\nm2:\n    ----------\n    nested:\n        - 1\n        - 2\n');
  });

  test('jobs.list_jobs --out json lists the job from the jids table', async () => {
    const r = await run('salt-run', ['-c', conf, 'jobs.list_jobs', '--out', 'json'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout)[jid], { Function: 'test.echo', Arguments: ['hi'], Target: 'm*', 'Target-type': 'glob', User: 'root', StartTime: '2025, May 01 10:00:00.000001' });
  });
});

describe('salt-run jobs.lookup_jid through redis as ext_job_cache', { skip: REDIS_SKIP }, () => {
  let root: string;
  let raw: Redis;
  const jid = '20250501100000000002';
  before(async () => {
    const o = redisTestOpts(REDIS_DB);
    raw = new Redis({ host: String(o['redis.host']), port: Number(o['redis.port']), db: REDIS_DB });
    await raw.flushdb();
    root = mkdtempSync(join(tmpdir(), 'salt-ts-ret-redis-'));
    const r = new RedisReturner({ opts: o });
    try {
      await r.save_load(jid, { ...PUB, jid });
      await r.returner({ success: true, return: 'from redis', retcode: 0, jid, fun: 'test.echo', fun_args: ['hi'], id: 'm1' });
    } finally {
      await r.close();
    }
  });
  after(async () => {
    await raw?.flushdb();
    await raw?.quit();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the ext_job_cache is read before the master job cache', async () => {
    const conf = masterConfig(root, { ext_job_cache: 'redis', ...redisTestOpts(REDIS_DB) });
    const r = await run('salt-run', ['-c', conf, 'jobs.lookup_jid', jid], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'm1:\n    from redis\n');
  });
});

describe('a master and a minion with returners', { skip: DAEMON_WIRING || PG_SKIP || REDIS_SKIP }, () => {
  let db: PgTestDatabase;
  let cluster: TestCluster;
  let raw: Redis;
  let files: string;
  before(async () => {
    db = await createPgTestDatabase();
    const o = redisTestOpts(REDIS_DB);
    raw = new Redis({ host: String(o['redis.host']), port: Number(o['redis.port']), db: REDIS_DB });
    await raw.flushdb();
    files = mkdtempSync(join(tmpdir(), 'salt-ts-ret-files-'));
    cluster = await TestCluster.start({
      minions: ['m1'],
      master: { master_job_cache: 'pgjsonb', event_return: ['rawfile_json', 'pgjsonb'], event_return_queue: 2, event_return_queue_max_seconds: 1, 'rawfile_json.filename': join(files, 'events'), ...db.opts },
      minion: { 'rawfile_json.filename': join(files, 'm1-returns'), ...o },
    });
  });
  after(async () => {
    await cluster?.stop();
    await raw?.flushdb();
    await raw?.quit();
    if (files) rmSync(files, { recursive: true, force: true });
    await db?.drop();
  });

  test('with master_job_cache pgjsonb a job lands in PostgreSQL and salt-run finds it there', async () => {
    const r = await cluster.cli('salt', ['m1', 'test.echo', 'hello', '--show-jid', '-t', '10']);
    assert.equal(r.code, 0, r.stderr);
    const jid = /^jid: (\d{20})$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(jid, /^\d{20}$/);
    await cluster.waitFor(async () => (await db.query('SELECT 1 FROM salt_returns WHERE jid = $1', [jid])).length === 1, 10_000, 'the return in salt_returns');
    assert.equal(((await db.query('SELECT load FROM jids WHERE jid = $1', [jid]))[0]!.load as Record<string, unknown>).fun, 'test.echo');
    const look = await cluster.cli('salt-run', ['jobs.lookup_jid', jid]);
    assert.equal(look.stdout, 'm1:\n    hello\n', look.stderr);
    const local = new LocalJobCache({ cachedir: join(cluster.root, 'master', 'var', 'cache', 'salt', 'master') });
    assert.equal(await local.jidExists(jid), false);
  });

  test('--return rawfile_json,redis makes the minion write its return to the file and to Redis', async () => {
    const r = await cluster.cli('salt', ['m1', 'test.echo', 'again', '--return', 'rawfile_json,redis', '--show-jid', '-t', '10']);
    assert.equal(r.code, 0, r.stderr);
    const jid = /^jid: (\d{20})$/m.exec(r.stdout)?.[1] ?? '';
    await cluster.waitFor(() => existsSync(join(files, 'm1-returns')), 10_000, 'the rawfile_json return');
    const line = JSON.parse(readFileSync(join(files, 'm1-returns'), 'utf8').trim().split('\n').pop()!);
    assert.deepEqual([line.jid, line.id, line.fun, line.return], [jid, 'm1', 'test.echo', 'again']);
    await cluster.waitFor(async () => (await raw.hexists(`ret:${jid}`, 'm1')) === 1, 10_000, 'the redis return');
    assert.equal(await raw.get('m1:test.echo'), jid);
  });

  test('event_return writes the master events to the file and to salt_events in batches', async () => {
    const r = await cluster.cli('salt', ['m1', 'test.ping', '--show-jid', '-t', '10']);
    const jid = /^jid: (\d{20})$/m.exec(r.stdout)?.[1] ?? '';
    await cluster.waitFor(
      async () => (await db.query('SELECT tag FROM salt_events WHERE tag = $1', [`salt/job/${jid}/ret/m1`])).length === 1,
      15_000,
      'the job return event in salt_events',
    );
    const tags = readFileSync(join(files, 'events'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).tag);
    assert.ok(tags.includes(`salt/job/${jid}/new`), tags.join('\n'));
  });
});
