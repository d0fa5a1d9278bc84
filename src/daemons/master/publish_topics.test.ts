import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minionTopic } from '../../protocol/pub_topics.js';
import { publishTopics } from './publish_topics.js';

// SHA-1 hex digests computed independently (Python's hashlib).
const WEB1 = 'ba92dbab2801178bcb56af5f2562eda9d2a3cf41';
const DB1 = '4bfc5cb48b81cb35c6142297ac2a549d7cc04ac7';
const filtering = { zmq_filtering: true };

test('a minion topic is the SHA-1 hex of its id', () => {
  assert.equal(minionTopic('web-1'), WEB1);
  assert.equal(minionTopic('db-1'), DB1);
});

test('without zmq_filtering a publish has no topic (one frame to everyone)', () => {
  assert.equal(publishTopics({}, '*', 'glob', ['web-1']), undefined);
  assert.equal(publishTopics({ zmq_filtering: false }, 'web-1', 'glob', ['web-1']), undefined);
});

test('glob, pcre and text list targets go to the minions the master matched, one topic each', () => {
  assert.deepEqual(publishTopics(filtering, '*', 'glob', ['web-1', 'db-1']), [WEB1, DB1]);
  assert.deepEqual(publishTopics(filtering, 'web-.*', 'pcre', ['web-1']), [WEB1]);
  assert.deepEqual(publishTopics(filtering, 'web-1,nobody', 'list', ['web-1']), [WEB1]);
});

test('a list target given as a list is used as it is, unmatched ids included', () => {
  assert.deepEqual(publishTopics(filtering, ['web-1', 'db-1'], 'list', ['web-1']), [WEB1, DB1]);
});

test('other target types, and targets that matched nobody, are broadcast', () => {
  assert.deepEqual(publishTopics(filtering, 'os:Debian', 'grain', ['web-1']), ['broadcast']);
  assert.deepEqual(publishTopics(filtering, 'G@os:Debian and web*', 'compound', ['web-1']), ['broadcast']);
  assert.deepEqual(publishTopics(filtering, 'nomatch*', 'glob', []), ['broadcast']);
});

test('with order_masters a targeted publish also goes to the syndics', () => {
  assert.deepEqual(publishTopics({ ...filtering, order_masters: true }, 'web-1', 'glob', ['web-1']), [WEB1, 'syndic']);
  assert.deepEqual(publishTopics({ ...filtering, order_masters: true }, 'os:Debian', 'grain', []), ['broadcast']);
});
