import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalJobCache } from '../jobs/local_cache.js';
import { parseJobTime } from './jobs.js';
import { fakeMinions, testMaster, type TestMaster } from './_testing.js';

const JID1 = '20250319120000123456';
const JID2 = '20250320090000000001';
const JID3 = '20250321100000000002';

describe('jobs runner', () => {
  let m: TestMaster;
  before(async () => {
    m = testMaster();
    const cache = new LocalJobCache({ cachedir: String(m.opts.cachedir) });
    await cache.prepJid({ jid: JID1 });
    await cache.saveLoad(JID1, { fun: 'test.ping', arg: [], tgt: '*', tgt_type: 'glob', user: 'root', jid: JID1 }, ['m1', 'm2']);
    await cache.storeReturn({ id: 'm1', jid: JID1, return: true, retcode: 0, success: true, out: 'nested' });
    await cache.prepJid({ jid: JID2 });
    await cache.saveLoad(JID2, { fun: 'cmd.run', arg: ['echo hi'], tgt: 'web*', tgt_type: 'glob', user: 'alice', jid: JID2, metadata: { role: 'web' } }, ['web1']);
    await cache.storeReturn({ id: 'web1', jid: JID2, return: '', retcode: 0 });
    await cache.prepJid({ jid: JID3 });
    await cache.saveLoad(JID3, { fun: 'saltutil.find_job', arg: [JID1], tgt: ['m2'], tgt_type: 'list', user: 'root', jid: JID3 }, ['m2']);
  });
  after(() => m.cleanup());

  test('list_jobs lists every stored job in the format_jid_instance shape', async () => {
    const ret = (await m.call('jobs.list_jobs')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(ret), [JID1, JID2, JID3]);
    assert.deepEqual(ret[JID1], { Function: 'test.ping', Arguments: [], Target: '*', 'Target-type': 'glob', User: 'root', StartTime: '2025, Mar 19 12:00:00.123456' });
    assert.deepEqual(ret[JID2]!.Metadata, { role: 'web' });
  });

  test('list_jobs filters by function glob, target glob and metadata', async () => {
    assert.deepEqual(Object.keys((await m.call('jobs.list_jobs', ['search_function=test.*'])) as object), [JID1]);
    assert.deepEqual(Object.keys((await m.call('jobs.list_jobs', ['search_function=nope,cmd.*'])) as object), [JID2]);
    assert.deepEqual(Object.keys((await m.call('jobs.list_jobs', ['search_target=m2'])) as object), [JID3]);
    assert.deepEqual(Object.keys((await m.call('jobs.list_jobs', ['search_metadata={"role": "web"}'])) as object), [JID2]);
    assert.deepEqual(Object.keys((await m.call('jobs.list_jobs', ['search_metadata={"role": "db"}'])) as object), []);
  });

  test('list_jobs filters by start_time and end_time', async () => {
    const r = (await m.call('jobs.list_jobs', ["start_time=2025, Mar 20 00:00", 'end_time=2025-03-20 23:59'])) as object;
    assert.deepEqual(Object.keys(r), [JID2]);
  });

  test('list_jobs with outputter wraps the listing as {outputter, data}', async () => {
    const r = (await m.call('jobs.list_jobs', ['outputter=json', 'search_function=test.ping'])) as Record<string, unknown>;
    assert.equal(r.outputter, 'json');
    assert.deepEqual(Object.keys(r.data as object), [JID1]);
  });

  test('lookup_jid returns the minion returns with the stored outputter', async () => {
    assert.deepEqual(await m.call('jobs.lookup_jid', [JID1]), { outputter: 'nested', data: { m1: true } });
    assert.deepEqual(await m.call('jobs.lookup_jid', [JID2]), { web1: '' });
  });

  test('lookup_jid missing=True adds "Minion did not return" for targeted minions without a return', async () => {
    const r = (await m.call('jobs.lookup_jid', [JID1, 'missing=True'])) as { data: object };
    assert.deepEqual(r.data, { m1: true, m2: 'Minion did not return' });
    const none = (await m.call('jobs.lookup_jid', [JID1, 'missing=True', 'returned=False'])) as { data: object };
    assert.deepEqual(none.data, { m2: 'Minion did not return' });
  });

  test('list_job gives jid, listing with Minions, and Result', async () => {
    const r = (await m.call('jobs.list_job', [JID1])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(r), ['jid', 'Function', 'Arguments', 'Target', 'Target-type', 'User', 'Minions', 'StartTime', 'Result']);
    assert.deepEqual(r.Minions, ['m1', 'm2']);
    assert.deepEqual(r.Result, { m1: { return: true, retcode: 0, success: true, out: 'nested' } });
  });

  test('list_job of an unknown jid reports the returner error', async () => {
    const r = (await m.call('jobs.list_job', ['20200101000000000000'])) as Record<string, unknown>;
    assert.equal(r.Error, 'Cannot contact returner or no job with this jid');
    assert.deepEqual(r.Result, {});
  });

  test('print_job nests the listing and Result under the jid', async () => {
    const r = (await m.call('jobs.print_job', [JID2])) as Record<string, Record<string, unknown>>;
    assert.equal(r[JID2]!.Function, 'cmd.run');
    assert.deepEqual(r[JID2]!.Result, { web1: { return: '', retcode: 0 } });
  });

  test('exit_success is True only for minions with a truthy return', async () => {
    assert.deepEqual(await m.call('jobs.exit_success', [JID1]), { m1: true, m2: false });
    assert.deepEqual(await m.call('jobs.exit_success', [JID2]), { web1: false });
  });

  test('last_run prints the newest matching job, False when none matches', async () => {
    const r = (await m.call('jobs.last_run', ['function=cmd.run'])) as Record<string, unknown>;
    assert.deepEqual(Object.keys(r), [JID2]);
    assert.equal(await m.call('jobs.last_run', ['function=nothing.here']), false);
    assert.equal(await m.call('jobs.last_run', ['metadata=notadict']), false);
  });

  test('list_jobs_filter keeps the newest count jobs and drops find_job by default', async () => {
    // The runner calls of this suite are jobs too (runner_returns): leave them out.
    const ours = (r: unknown) => (r as Array<Record<string, unknown>>).filter((j) => !String(j.Function).startsWith('runner.')).map((j) => j.JID);
    assert.deepEqual(ours(await m.call('jobs.list_jobs_filter', ['1000'])), [JID1, JID2]);
    assert.deepEqual(ours(await m.call('jobs.list_jobs_filter', ['1000', 'filter_find_job=False'])), [JID1, JID2, JID3]);
    const newest = (await m.call('jobs.list_jobs_filter', ['1'])) as Array<Record<string, unknown>>;
    assert.equal(newest.length, 1);
    assert.equal(newest[0]!.Function, 'runner.jobs.list_jobs_filter');
  });

  test('active groups saltutil.running answers by jid with Running and Returned', async () => {
    const publisher = fakeMinions({
      m1: [{ jid: JID1, fun: 'test.sleep', arg: [10], tgt: '*', tgt_type: 'glob', user: 'root', pid: 111 }],
      m2: [{ jid: JID1, fun: 'test.sleep', arg: [10], tgt: '*', tgt_type: 'glob', user: 'root', pid: 222 }],
      m3: 'not a list',
    });
    const r = (await m.client(publisher).cmd('jobs.active', [], {}, { printEvent: false })) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(r), [JID1]);
    assert.equal(r[JID1]!.Function, 'test.sleep');
    assert.deepEqual(r[JID1]!.Running, [{ m1: 111 }, { m2: 222 }]);
    assert.deepEqual(r[JID1]!.Returned, ['m1']);
  });

  test('display_progress fires and prints progress events', async () => {
    m.events.length = 0;
    m.out.length = 0;
    await m.client().cmd('jobs.list_jobs', ['display_progress=True', 'search_function=none']);
    const progress = m.events.filter((e) => e.tag.endsWith('/progress'));
    assert.equal(progress.length, 1);
    assert.equal(progress[0]!.data.message, 'Querying returner local_cache for jobs.');
    assert.match(m.out.join(''), /^event:\n    ----------\n    _stamp:\n        \S+\n    message:\n        Querying returner local_cache for jobs.\nsuffix:\n    progress\n/);
  });

  test('an ext_source naming no returner is reported as the KeyError of the runner', async () => {
    const r = String(await m.call('jobs.list_jobs', ['ext_source=nosuch']));
    assert.match(r, /^Exception occurred in runner jobs\.list_jobs: Traceback/);
    assert.match(r, /KeyError: 'nosuch\.get_jids'\n$/);
  });
});

describe('parseJobTime', () => {
  test('reads the StartTime form, ISO dates and month-name dates alike', () => {
    const t = parseJobTime('2015, Mar 16 19:00:00.123456');
    assert.equal(t, Date.UTC(2015, 2, 16, 19) + 123.456);
    assert.equal(parseJobTime('2015-03-16 19:00'), Date.UTC(2015, 2, 16, 19));
    assert.equal(parseJobTime('2015-03-16'), Date.UTC(2015, 2, 16));
    assert.equal(parseJobTime('Mar 16 2015 19:00'), Date.UTC(2015, 2, 16, 19));
  });
  test('rejects text it cannot read, naming it', () => {
    assert.throws(() => parseJobTime('yesterday'), /Unknown string format: yesterday/);
  });
});
