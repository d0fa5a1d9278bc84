import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventReturnQueue, eventReturnNames } from './event_return_queue.js';
import { createPgTestDatabase, PG_SKIP, type PgTestDatabase } from './_testing.js';

function lines(path: string): Array<{ data: unknown; tag: string }> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function recordingLog(): { log: never; errors: string[] } {
  const errors: string[] = [];
  const log = { error: (m: string) => errors.push(m), critical: (m: string) => errors.push(m), warn() {}, info() {}, debug() {}, trace() {}, child: () => log };
  return { log: log as never, errors };
}

describe('EventReturnQueue', () => {
  let dir: string;
  let n = 0;
  const file = () => join(dir, `events${++n}`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'event-return-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('event_return is a name, a list or a comma-separated text; empty means off', () => {
    assert.deepEqual(eventReturnNames('rawfile_json'), ['rawfile_json']);
    assert.deepEqual(eventReturnNames(['a', 'b']), ['a', 'b']);
    assert.deepEqual(eventReturnNames('a, b'), ['a', 'b']);
    assert.deepEqual(eventReturnNames(''), []);
    assert.equal(new EventReturnQueue({}).enabled, false);
    assert.equal(new EventReturnQueue({}).push('x', {}), undefined);
  });

  test('with event_return_queue 0 every event is written at once', async () => {
    const f = file();
    const q = new EventReturnQueue({ event_return: 'rawfile_json', 'rawfile_json.filename': f });
    await q.push('a/1', { x: 1 });
    assert.deepEqual(lines(f), [{ data: { x: 1 }, tag: 'a/1' }]);
    await q.close();
  });

  test('with event_return_queue N the events are handed over in batches of N, the rest on close', async () => {
    const f = file();
    const q = new EventReturnQueue({ event_return: ['rawfile_json'], event_return_queue: 3, 'rawfile_json.filename': f });
    assert.equal(q.push('t/1', 1), undefined);
    assert.equal(q.push('t/2', 2), undefined);
    assert.equal(lines(f).length, 0);
    await q.push('t/3', 3);
    assert.deepEqual(lines(f).map((e) => e.tag), ['t/1', 't/2', 't/3']);
    q.push('t/4', 4);
    assert.equal(q.pending, 1);
    await q.close();
    assert.deepEqual(lines(f).map((e) => e.tag), ['t/1', 't/2', 't/3', 't/4']);
    assert.equal(q.push('t/5', 5), undefined);
  });

  test('event_return_queue_max_seconds flushes a queue that is not full once its oldest event is that old', async () => {
    const f = file();
    const q = new EventReturnQueue({ event_return: 'rawfile_json', event_return_queue: 100, event_return_queue_max_seconds: 0.2, 'rawfile_json.filename': f });
    q.push('slow/1', {});
    assert.equal(lines(f).length, 0);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(lines(f).map((e) => e.tag), ['slow/1']);
    await q.close();
  });

  test('the whitelist and blacklist filter tags with fnmatch', async () => {
    const f = file();
    const q = new EventReturnQueue({
      event_return: 'rawfile_json',
      event_return_whitelist: ['salt/job/*', 'custom/*'],
      event_return_blacklist: ['salt/job/*/new'],
      'rawfile_json.filename': f,
    });
    for (const tag of ['salt/job/1/new', 'salt/job/1/ret/m1', 'salt/auth', 'custom/x']) q.push(tag, {});
    await q.close();
    assert.deepEqual(lines(f).map((e) => e.tag), ['salt/job/1/ret/m1', 'custom/x']);
  });

  test('a returner without event_return or one that fails is logged; the others still get the batch', async () => {
    const f = file();
    const { log, errors } = recordingLog();
    const q = new EventReturnQueue({ event_return: ['syslog', 'nosuch', 'rawfile_json'], 'rawfile_json.filename': f }, { log });
    await q.push('e/1', {});
    const broken = new EventReturnQueue({ event_return: 'rawfile_json', 'rawfile_json.filename': join(dir, 'no', 'dir') }, { log });
    await broken.push('e/2', {});
    assert.deepEqual(lines(f).map((e) => e.tag), ['e/1']);
    assert.deepEqual(errors.slice(0, 2), [
      "Could not store return for event(s) - returner 'syslog.event_return' not found.",
      "Could not store return for event(s) - returner 'nosuch.event_return' not found.",
    ]);
    assert.match(errors[errors.length - 1]!, /^Could not store events - returner 'rawfile_json\.event_return' raised exception: Could not write/);
    await q.close();
    await broken.close();
  });
});

describe('EventReturnQueue into pgjsonb', { skip: PG_SKIP }, () => {
  let db: PgTestDatabase;
  before(async () => {
    db = await createPgTestDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  test('batches land in salt_events in order, with the master id', async () => {
    const q = new EventReturnQueue({ id: 'salt-master-1', event_return: 'pgjsonb', event_return_queue: 2, ...db.opts });
    q.push('one', { n: 1 });
    assert.equal((await db.query('SELECT count(*)::int AS n FROM salt_events'))[0]!.n, 0);
    await q.push('two', { n: 2 });
    q.push('three', { n: 3 });
    await q.close();
    assert.deepEqual(await db.query('SELECT tag, data, master_id FROM salt_events ORDER BY id'), [
      { tag: 'one', data: { n: 1 }, master_id: 'salt-master-1' },
      { tag: 'two', data: { n: 2 }, master_id: 'salt-master-1' },
      { tag: 'three', data: { n: 3 }, master_id: 'salt-master-1' },
    ]);
  });
});
