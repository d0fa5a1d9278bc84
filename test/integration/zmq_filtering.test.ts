/**
 * Salt's `zmq_filtering` on a real master and real minions: a publish for one minion travels
 * under that minion's topic only, a grain target under `broadcast`, and every targeted minion
 * still answers. Raw subscribers on the master's publish port see what each minion's
 * subscription lets through.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as zmq from 'zeromq';
import { TestCluster } from '../support/cluster.js';
import { minionTopic } from '../../src/protocol/pub_topics.js';

const IDS = ['web-1', 'db-1'];
let cluster: TestCluster;
const watchers: Array<{ sub: zmq.Subscriber; topics: string[] }> = [];

/** A subscriber to `topic` on the master's 4505 that records the topic frame of each message. */
function watch(topic: string): { sub: zmq.Subscriber; topics: string[] } {
  const sub = new zmq.Subscriber();
  sub.subscribe(topic);
  sub.connect(`tcp://127.0.0.1:${cluster.ports.publish}`);
  const w = { sub, topics: [] as string[] };
  void (async () => {
    for await (const frames of sub) w.topics.push(frames.length === 2 ? frames[0]!.toString() : `<${frames.length} frames>`);
  })().catch(() => undefined);
  watchers.push(w);
  return w;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 500));

before(async () => {
  cluster = await TestCluster.start({ minions: IDS, master: { zmq_filtering: true }, minion: { zmq_filtering: true } });
});
after(async () => {
  for (const w of watchers) w.sub.close();
  await cluster?.stop();
});

test('zmq_filtering: a publish for one minion goes under its topic only, and it answers', async () => {
  const web = watch(minionTopic('web-1'));
  const db = watch(minionTopic('db-1'));
  const broadcast = watch('broadcast');
  await settle();
  const r = await cluster.cli('salt', ['web-1', 'test.ping', '--out', 'json', '-t', '20']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(JSON.parse(r.stdout), { 'web-1': true });
  await settle();
  assert.deepEqual(web.topics, [minionTopic('web-1')]);
  assert.deepEqual(db.topics, [], 'db-1 never saw the publish for web-1');
  assert.deepEqual(broadcast.topics, []);

  const all = await cluster.cli('salt', ['*', 'test.ping', '--out', 'json', '--static', '-t', '20']);
  assert.equal(all.code, 0, all.stderr + all.stdout);
  assert.deepEqual(JSON.parse(all.stdout), { 'web-1': true, 'db-1': true });
  await settle();
  assert.deepEqual(web.topics.length, 2);
  assert.deepEqual(db.topics, [minionTopic('db-1')], 'a glob is sent once per matched minion');
  assert.deepEqual(broadcast.topics, []);
});

test('zmq_filtering: a grain target is broadcast and reaches every minion it matches', async () => {
  const broadcast = watch('broadcast');
  await settle();
  const r = await cluster.cli('salt', ['-G', 'id:db-1', 'test.ping', '--out', 'json', '-t', '20']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(JSON.parse(r.stdout), { 'db-1': true });
  await settle();
  assert.deepEqual(broadcast.topics, ['broadcast']);
});
