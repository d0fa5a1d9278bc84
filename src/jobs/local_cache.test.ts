import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LocalJobCache } from './local_cache.js';
import { InvalidJobInputError, JobCacheReadError } from './errors.js';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { isJid } from '../protocol/jid.js';
import { loadCases } from '../../test/support/conformance.js';

function tempCache(opts: Partial<ConstructorParameters<typeof LocalJobCache>[0]> = {}): { cache: LocalJobCache; root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'jobs-'));
  const cache = new LocalJobCache({ cachedir: root, ...opts });
  return { cache, root, done: () => rmSync(root, { recursive: true, force: true }) };
}

const readP = (path: string): unknown => unpackBin(readFileSync(path));

// salt.utils.jid.jid_dir cases from real Salt 3006.10: the cache must put the job exactly there.
for (const c of loadCases('wire', 'jid.json').filter((c) => c.id.startsWith('jid-dir-'))) {
  test(`conformance ${c.id}: prepJid creates the job directory where Salt's jid_dir puts it`, async () => {
    const { cache, root, done } = tempCache({ hashType: c.input.hash_type });
    const expectedRel = c.input.job_dir ? relative(c.input.job_dir, c.expected.value) : c.expected.value;
    assert.equal(relative(cache.jobDir, cache.jidDir(c.input.jid)), expectedRel);
    await cache.prepJid({ jid: c.input.jid });
    const dir = join(root, 'jobs', expectedRel);
    assert.ok(statSync(dir).isDirectory());
    assert.equal(readFileSync(join(dir, 'jid'), 'utf8'), c.input.jid);
    done();
  });
}

test('prepJid generates a 20-digit jid, writes the jid file without newline, and the nocache marker on request', async () => {
  const { cache, done } = tempCache();
  const jid = await cache.prepJid({ nocache: true });
  assert.ok(isJid(jid) && /^\d{20}$/.test(jid), jid);
  assert.equal(readFileSync(join(cache.jidDir(jid), 'jid'), 'utf8'), jid);
  assert.equal(readFileSync(join(cache.jidDir(jid), 'nocache'), 'utf8'), '');
  assert.equal(await cache.jidExists(jid), true);
  assert.equal(await cache.jidExists('20000101000000000000'), false);
  done();
});

test('prepJid never hands out the same generated jid twice, and unique_jid adds _<pid>', async () => {
  const { cache, done } = tempCache();
  const jids = await Promise.all(Array.from({ length: 20 }, () => cache.prepJid()));
  assert.equal(new Set(jids).size, 20);
  const unique = new LocalJobCache({ cachedir: join(cache.jobDir, '..'), uniqueJid: true });
  assert.match(await unique.prepJid(), new RegExp(`^\\d{20}_${process.pid}$`));
  done();
});

test('prepJid honours a given jid even when its directory exists', async () => {
  const { cache, done } = tempCache();
  assert.equal(await cache.prepJid({ jid: '20250101000000000000' }), '20250101000000000000');
  assert.equal(await cache.prepJid({ jid: '20250101000000000000' }), '20250101000000000000');
  await assert.rejects(cache.prepJid({ jid: 5 as never }), InvalidJobInputError);
  done();
});

test('saveLoad writes .load.p as msgpack without "key", and .minions.p', async () => {
  const { cache, done } = tempCache();
  const jid = '20250319120000123456';
  const load = { fun: 'test.ping', arg: [], tgt: '*', tgt_type: 'glob', jid, user: 'root', key: 'SECRET-ROOT-KEY' };
  await cache.saveLoad(jid, load, ['m2', 'm1']);
  const dir = cache.jidDir(jid);
  const { key: _k, ...expected } = load;
  assert.deepEqual(readFileSync(join(dir, '.load.p')), packBin(expected));
  assert.deepEqual(readP(join(dir, '.minions.p')), ['m2', 'm1']);
  assert.equal(load.key, 'SECRET-ROOT-KEY', 'the caller\'s load is not modified');
  await assert.rejects(cache.saveLoad(jid, [] as never), InvalidJobInputError);
  done();
});

test('getLoad returns the load plus Minions, the sorted union with syndic lists; {} when unknown', async () => {
  const { cache, done } = tempCache();
  const jid = '20250319120000123456';
  await cache.prepJid({ jid });
  await cache.saveLoad(jid, { fun: 'test.ping', jid }, ['m3', 'm1']);
  await cache.saveMinions(jid, ['m2', 'm1'], 'syndic1');
  assert.ok(existsSync(join(cache.jidDir(jid), '.minions.syndic1.p')));
  assert.deepEqual(await cache.getLoad(jid), { fun: 'test.ping', jid, Minions: ['m1', 'm2', 'm3'] });
  assert.deepEqual(await cache.getLoad('20000101000000000000'), {});
  await cache.saveLoad('20250319120000000001', { fun: 'x', jid: '20250319120000000001' });
  assert.deepEqual(await cache.getLoad('20250319120000000001'), { fun: 'x', jid: '20250319120000000001' }, 'no Minions key when there are none');
  await assert.rejects(cache.saveMinions(jid, ['m'], '../evil'), InvalidJobInputError);
  done();
});

test('getLoad reports a corrupt .load.p', async () => {
  const { cache, done } = tempCache();
  const jid = '20250319120000123456';
  await cache.prepJid({ jid });
  writeFileSync(join(cache.jidDir(jid), '.load.p'), Buffer.from([0x82, 0xa1]));
  await assert.rejects(cache.getLoad(jid), JobCacheReadError);
  done();
});

// Both ways of storing a return: async (any thread) and blocking (the master's worker threads).
for (const blockingReturns of [false, true]) {
  const label = blockingReturns ? ' (blocking writes)' : '';
  test(`storeReturn writes <id>/return.p with return/retcode/success and <id>/out.p${label}`, async () => {
    const { cache, done } = tempCache({ blockingReturns });
    const jid = await cache.prepJid();
    const load = { cmd: '_return', id: 'm1', jid, fun: 'cmd.run', fun_args: ['echo hi'], return: 'hi', retcode: 0, success: true, out: 'nested', _stamp: 'x' };
    assert.deepEqual(await cache.storeReturn(load), { stored: true, jid });
    const dir = join(cache.jidDir(jid), 'm1');
    assert.deepEqual(readFileSync(join(dir, 'return.p')), packBin({ return: 'hi', retcode: 0, success: true }));
    assert.deepEqual(readP(join(dir, 'out.p')), 'nested');
    assert.deepEqual(readdirSync(dir).sort(), ['out.p', 'return.p']);
    await cache.storeReturn({ id: 'm2', jid, return: { a: [1, 2] } });
    assert.deepEqual(await cache.getReturns(jid), {
      m1: { return: 'hi', retcode: 0, success: true, out: 'nested' },
      m2: { return: { a: [1, 2] } },
    });
    done();
  });

  test(`a second return for the same job and minion is discarded, even when both arrive at once${label}`, async () => {
    const { cache, done } = tempCache({ blockingReturns });
    const jid = await cache.prepJid();
    const outcomes = await Promise.all([
      cache.storeReturn({ id: 'm1', jid, return: 'first' }),
      cache.storeReturn({ id: 'm1', jid, return: 'second' }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.stored).sort(), [false, true]);
    assert.deepEqual(outcomes.find((o) => !o.stored), { stored: false, jid, reason: 'duplicate' });
    const kept = (await cache.getReturns(jid)).m1!.return;
    assert.equal(await cache.storeReturn({ id: 'm1', jid, return: 'third' }).then((o) => o.stored), false);
    assert.equal((await cache.getReturns(jid)).m1!.return, kept);
    done();
  });
}

test('returns with ids that would leave the job directory are rejected and write nothing', async () => {
  const { cache, root, done } = tempCache();
  const jid = await cache.prepJid();
  const before = readdirSync(cache.jidDir(jid)).sort();
  for (const id of ['../evil', '..', '.', 'a/b', '/etc', 'a\\b', 'x\0', '', 42, null]) {
    const o = await cache.storeReturn({ id, jid, return: 'pwned' });
    assert.deepEqual(o, { stored: false, jid, reason: 'invalid-id' }, JSON.stringify(id));
  }
  assert.deepEqual(readdirSync(cache.jidDir(jid)).sort(), before);
  assert.deepEqual(readdirSync(root), ['jobs']);
  done();
});

test('storeReturn skips nocache jobs and incomplete loads', async () => {
  const { cache, done } = tempCache();
  const jid = await cache.prepJid({ nocache: true });
  assert.deepEqual(await cache.storeReturn({ id: 'm1', jid, return: 1 }), { stored: false, jid, reason: 'nocache' });
  assert.deepEqual(await cache.storeReturn({ id: 'm1', jid: 'nocache', return: 1 }), { stored: false, jid: 'nocache', reason: 'nocache' });
  assert.deepEqual(await cache.storeReturn({ id: 'm1', jid }), { stored: false, jid: null, reason: 'invalid-load' });
  assert.deepEqual(await cache.storeReturn('x' as never), { stored: false, jid: null, reason: 'invalid-load' });
  done();
});

test('a return for a jid this cache never prepared is stored (Salt prepares it), a non-jid is refused', async () => {
  const { cache, done } = tempCache();
  const jid = '20250101000000000042';
  assert.deepEqual(await cache.storeReturn({ id: 'm1', jid, return: true }), { stored: true, jid });
  assert.equal(readFileSync(join(cache.jidDir(jid), 'jid'), 'utf8'), jid);
  assert.deepEqual(await cache.storeReturn({ id: 'm1', jid: 'not-a-jid', return: true }), { stored: false, jid: 'not-a-jid', reason: 'unknown-jid' });
  done();
});

test('a "req" return (a job the minion started) gets a new jid and a saved load', async () => {
  const { cache, done } = tempCache();
  const o = await cache.storeReturn({ id: 'm1', jid: 'req', fun: 'test.ping', fun_args: [], return: true });
  assert.ok(o.stored && isJid(o.jid));
  const load = await cache.getLoad(o.jid!);
  assert.equal(load.jid, o.jid);
  assert.equal(load.tgt, 'm1');
  assert.equal(load.tgt_type, 'glob');
  assert.deepEqual(load.arg, []);
  assert.deepEqual((await cache.getReturns(o.jid!)).m1, { return: true });
  done();
});

test('getReturns wraps an old-format return.p and skips dot entries and dirs without return.p', async () => {
  const { cache, done } = tempCache();
  const jid = await cache.prepJid();
  const dir = cache.jidDir(jid);
  mkdirSync(join(dir, 'old'));
  writeFileSync(join(dir, 'old', 'return.p'), packBin('bare value'));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, '.hidden', 'return.p'), packBin({ return: 1 }));
  assert.deepEqual(await cache.getReturns(jid), { old: { return: 'bare value' } });
  assert.deepEqual(await cache.getReturns('20000101000000000000'), {});
  done();
});

test('listJobs lists every job with a load, sorted by jid', async () => {
  const { cache, done } = tempCache();
  await cache.saveLoad('20250101000000000002', { jid: '20250101000000000002', fun: 'b' });
  await cache.saveLoad('20250101000000000001', { jid: '20250101000000000001', fun: 'a' });
  await cache.prepJid({ jid: '20250101000000000003' });
  assert.deepEqual(await cache.listJobs(), [
    { jid: '20250101000000000001', load: { jid: '20250101000000000001', fun: 'a' } },
    { jid: '20250101000000000002', load: { jid: '20250101000000000002', fun: 'b' } },
  ]);
  done();
});

test('cleanOldJobs removes jobs older than keep_jobs_seconds and keeps younger ones', async () => {
  const { cache, done } = tempCache({ keepJobsSeconds: 3600 });
  const jid = await cache.prepJid();
  await cache.storeReturn({ id: 'm1', jid, return: true });
  assert.equal(await cache.cleanOldJobs(Date.now() + 1800_000), 0);
  assert.equal(await cache.jidExists(jid), true);
  assert.equal(await cache.cleanOldJobs(Date.now() + 7200_000), 1);
  assert.equal(await cache.jidExists(jid), false);
  done();
});

test('cleanOldJobs scrubs job dirs without a jid file after a grace period, and old empty hash dirs', async () => {
  const { cache, done } = tempCache();
  const broken = join(cache.jobDir, 'ab', 'cdef');
  mkdirSync(broken, { recursive: true });
  assert.equal(await cache.cleanOldJobs(), 0, 'a job being prepared is left alone');
  const old = new Date(Date.now() - 120_000);
  utimesSync(broken, old, old);
  assert.equal(await cache.cleanOldJobs(), 1);
  assert.ok(!existsSync(broken));
  assert.ok(existsSync(join(cache.jobDir, 'ab')));
  await cache.cleanOldJobs(Date.now() + 2 * 86400_000);
  assert.ok(!existsSync(join(cache.jobDir, 'ab')));
  done();
});

test('keep_jobs_seconds 0 keeps jobs forever', async () => {
  const { cache, done } = tempCache({ keepJobsSeconds: 0 });
  const jid = await cache.prepJid();
  assert.equal(await cache.cleanOldJobs(Date.now() + 365 * 86400_000), 0);
  assert.equal(await cache.jidExists(jid), true);
  done();
});

test('updateEndtime and getEndtime store the end time as plain text', async () => {
  const { cache, done } = tempCache();
  const jid = await cache.prepJid();
  assert.equal(await cache.getEndtime(jid), null);
  await cache.updateEndtime(jid, '2025, Mar 19 12:00:01.000000');
  assert.equal(readFileSync(join(cache.jidDir(jid), 'endtime'), 'utf8'), '2025, Mar 19 12:00:01.000000');
  assert.equal(await cache.getEndtime(jid), '2025, Mar 19 12:00:01.000000');
  done();
});

test('no temp files are left in a job directory after writes', async () => {
  const { cache, done } = tempCache();
  const jid = await cache.prepJid();
  await cache.saveLoad(jid, { jid }, ['m1']);
  await cache.storeReturn({ id: 'm1', jid, return: 1, out: 'txt' });
  const dir = cache.jidDir(jid);
  assert.deepEqual(readdirSync(dir).sort(), ['.load.p', '.minions.p', 'jid', 'm1']);
  assert.deepEqual(readdirSync(join(dir, 'm1')).sort(), ['out.p', 'return.p']);
  done();
});

test('200 returns stored at once are all kept (fsync off)', async () => {
  const { cache, done } = tempCache({ fsync: false });
  const jid = await cache.prepJid();
  const ids = Array.from({ length: 200 }, (_, i) => `m${i}`);
  const outcomes = await Promise.all(ids.map((id) => cache.storeReturn({ id, jid, return: id, retcode: 0 })));
  assert.ok(outcomes.every((o) => o.stored));
  const stored = await cache.getReturns(jid);
  assert.equal(Object.keys(stored).length, 200);
  assert.ok(ids.every((id) => stored[id]!.return === id));
  done();
});
