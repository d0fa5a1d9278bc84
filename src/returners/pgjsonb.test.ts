import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PyFloat } from '../protocol/pytypes.js';
import { PgjsonbReturner, pgjsonbOptions } from './pgjsonb.js';
import { ReturnerConnectionError } from './errors.js';
import { createPgTestDatabase, PG_SKIP, type PgTestDatabase } from './_testing.js';

const JID1 = '20250101120000000001';
const JID2 = '20250101130000000002';

describe('pgjsonb options', () => {
  test('defaults are Salt\'s: localhost, salt/salt, database salt, port 5432', () => {
    assert.deepEqual(pgjsonbOptions({ opts: {} }), { host: 'localhost', user: 'salt', pass: 'salt', db: 'salt', port: 5432 });
  });

  test('returner.pgjsonb.* keys win over the short pgjsonb.* keys; the port becomes a number', () => {
    const o = pgjsonbOptions({ opts: { 'returner.pgjsonb.host': 'db1', 'pgjsonb.host': 'db2', 'pgjsonb.user': 'u', 'returner.pgjsonb.port': '6543' } });
    assert.equal(o.host, 'db1');
    assert.equal(o.user, 'u');
    assert.equal(o.port, 6543);
  });

  test('--return_config and --return_kwargs in the ret select other settings', () => {
    const ctx = { opts: { 'returner.pgjsonb.db': 'main', 'alt.returner.pgjsonb.db': 'other' } };
    assert.equal(pgjsonbOptions(ctx, { ret_config: 'alt' }).db, 'other');
    assert.equal(pgjsonbOptions(ctx, { ret_kwargs: { db: 'third' } }).db, 'third');
  });
});

describe('pgjsonb returner against PostgreSQL', { skip: PG_SKIP }, () => {
  let db: PgTestDatabase;
  let r: PgjsonbReturner;
  before(async () => {
    db = await createPgTestDatabase();
    r = new PgjsonbReturner({ opts: { id: 'master1', ...db.opts } });
  });
  after(async () => {
    await r?.close();
    await db?.drop();
  });

  test('returner inserts one salt_returns row: fun, jid, return, id, success text and full_ret', async () => {
    const ret = { success: true, return: { a: new PyFloat(1), b: [1, 'x'] }, retcode: 0, jid: JID1, fun: 'test.echo', fun_args: ['x'], id: 'm1' };
    await r.returner(ret);
    const rows = await db.query('SELECT fun, jid, return, id, success, full_ret, alter_time FROM salt_returns');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.fun, 'test.echo');
    assert.equal(rows[0]!.jid, JID1);
    assert.equal(rows[0]!.id, 'm1');
    assert.equal(rows[0]!.success, 'true');
    assert.ok(rows[0]!.alter_time instanceof Date);
    const full = (await db.query("SELECT full_ret::text AS t FROM salt_returns"))[0]!.t;
    assert.equal(full, '{"id": "m1", "fun": "test.echo", "jid": "20250101120000000001", "return": {"a": 1.0, "b": [1, "x"]}, "retcode": 0, "success": true, "fun_args": ["x"]}');
  });

  test('save_load stores the load in jids and replaces it on a second save', async () => {
    await r.save_load(JID1, { fun: 'test.echo', arg: ['x'], tgt: '*', tgt_type: 'glob', user: 'root', jid: JID1 }, ['m1', 'm2']);
    assert.deepEqual(await r.get_load(JID1), { fun: 'test.echo', arg: ['x'], tgt: '*', tgt_type: 'glob', user: 'root', jid: JID1 });
    await r.save_load(JID1, { fun: 'test.echo', arg: ['y'], jid: JID1 });
    assert.deepEqual((await r.get_load(JID1)).arg, ['y']);
    assert.deepEqual(await r.get_load('20000101000000000000'), {});
  });

  test('get_jid maps each minion to its full return, floats kept as floats', async () => {
    const got = await r.get_jid(JID1);
    assert.deepEqual(Object.keys(got), ['m1']);
    assert.equal(got.m1!.fun, 'test.echo');
    assert.ok((got.m1!.return as Record<string, unknown>).a instanceof PyFloat);
    assert.deepEqual(await r.get_jid(JID2), {});
  });

  test('get_fun gives the latest return of a function per minion', async () => {
    await r.returner({ success: false, return: 'later', retcode: 1, jid: JID2, fun: 'test.echo', fun_args: [], id: 'm1' });
    await r.returner({ success: true, return: 'other', retcode: 0, jid: JID2, fun: 'test.echo', fun_args: [], id: 'm2' });
    const got = await r.get_fun('test.echo');
    assert.deepEqual(Object.keys(got).sort(), ['m1', 'm2']);
    assert.equal(got.m1!.return, 'later');
    assert.equal((await db.query("SELECT success FROM salt_returns WHERE jid = $1 AND id = 'm1'", [JID2]))[0]!.success, 'false');
  });

  test('get_jids lists jobs in the format_jid_instance shape; get_minions every minion that returned', async () => {
    const jids = await r.get_jids();
    assert.deepEqual(jids[JID1], { Function: 'test.echo', Arguments: ['y'], Target: 'unknown-target', 'Target-type': 'list', User: 'root', StartTime: '2025, Jan 01 12:00:00.000001' });
    assert.deepEqual(await r.get_minions(), ['m1', 'm2']);
  });

  test('prep_jid keeps a passed jid and otherwise makes a new one', async () => {
    assert.equal(await r.prep_jid(false, JID2), JID2);
    assert.match(await r.prep_jid(), /^\d{20}$/);
  });

  test('event_return stores each event with its tag and this master id', async () => {
    await r.event_return([
      { tag: 'salt/job/1/new', data: { a: 1 } },
      { tag: 'custom/tag', data: { b: 'x' } },
    ]);
    const rows = await db.query('SELECT tag, data, master_id FROM salt_events ORDER BY id');
    assert.deepEqual(rows, [
      { tag: 'salt/job/1/new', data: { a: 1 }, master_id: 'master1' },
      { tag: 'custom/tag', data: { b: 'x' }, master_id: 'master1' },
    ]);
  });

  test('clean_old_jobs deletes rows older than keep_jobs_seconds, archiving them with archive_jobs', async () => {
    await db.query("UPDATE salt_returns SET alter_time = NOW() - interval '2 hours' WHERE jid = $1", [JID1]);
    await db.query("UPDATE salt_events SET alter_time = NOW() - interval '2 hours' WHERE tag = 'custom/tag'");
    const cleaner = new PgjsonbReturner({ opts: { ...db.opts, keep_jobs_seconds: 3600, archive_jobs: true } });
    try {
      await cleaner.clean_old_jobs();
    } finally {
      await cleaner.close();
    }
    assert.deepEqual((await db.query('SELECT DISTINCT jid FROM salt_returns')).map((x) => x.jid), [JID2]);
    assert.deepEqual(await r.get_load(JID1), {});
    assert.deepEqual((await db.query('SELECT tag FROM salt_events')).map((x) => x.tag), ['salt/job/1/new']);
    assert.deepEqual((await db.query('SELECT DISTINCT jid FROM salt_returns_archive')).map((x) => x.jid), [JID1]);
    assert.deepEqual((await db.query('SELECT jid FROM jids_archive')).map((x) => x.jid), [JID1]);
    assert.deepEqual((await db.query('SELECT tag FROM salt_events_archive')).map((x) => x.tag), ['custom/tag']);
  });

  test('keep_jobs_seconds 0 keeps everything', async () => {
    const keeper = new PgjsonbReturner({ opts: { ...db.opts, keep_jobs_seconds: 0 } });
    await db.query("UPDATE salt_returns SET alter_time = NOW() - interval '3 days'");
    try {
      await keeper.clean_old_jobs();
    } finally {
      await keeper.close();
    }
    assert.equal((await db.query('SELECT count(*)::int AS n FROM salt_returns'))[0]!.n, 2);
  });
});

describe('pgjsonb without a server', () => {
  test('returner logs Salt\'s critical message when PostgreSQL cannot be reached; get_load throws ReturnerConnectionError', async () => {
    const logged: string[] = [];
    const log = { critical: (m: string) => logged.push(m), debug() {}, info() {}, warn() {}, error() {}, trace() {}, child: () => log } as never;
    const r = new PgjsonbReturner({ opts: { 'returner.pgjsonb.host': '127.0.0.1', 'returner.pgjsonb.port': 1 }, log });
    try {
      await r.returner({ id: 'm1', jid: JID1, fun: 'test.ping', return: true });
      assert.deepEqual(logged, ['Could not store return with pgjsonb returner. PostgreSQL server unavailable.']);
      await assert.rejects(r.get_load(JID1), (err: Error) => err instanceof ReturnerConnectionError && /pgjsonb returner could not connect to database/.test(err.message));
    } finally {
      await r.close();
    }
  });
});
