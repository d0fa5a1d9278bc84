import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packEvent, unpackEvent, tagify, utcStamp, stampEvent, peekEventTag } from './event.js';
import { packFrame } from './framing.js';
import { EventDecodeError, InvalidEventError } from './errors.js';

// salt-wire 9.1 example (bytes produced by Salt's SaltEvent.pack / frame_msg_ipc).
const EXAMPLE_EVENT_HEX =
  '73616c742f6a6f622f32303235303130313030303030303030303030302f6e65770a0a82a36a6964b43230323530313031303030303030303030303030a76d696e696f6e7391a26d31';
const EXAMPLE_FRAME_PREFIX_HEX = '82a46865616480a4626f6479c449';

test('packEvent gives the salt-wire 9.1 example bytes', () => {
  const packed = packEvent('salt/job/20250101000000000000/new', { jid: '20250101000000000000', minions: ['m1'] });
  assert.equal(packed.toString('hex'), EXAMPLE_EVENT_HEX);
  assert.equal(packed.length, 73);
});

test('packFrame wraps the 9.1 example event exactly like Salt', () => {
  const frame = packFrame(Buffer.from(EXAMPLE_EVENT_HEX, 'hex'));
  assert.equal(frame.toString('hex'), EXAMPLE_FRAME_PREFIX_HEX + EXAMPLE_EVENT_HEX);
});

test('unpackEvent reads the 9.1 example back', () => {
  assert.deepEqual(unpackEvent(Buffer.from(EXAMPLE_EVENT_HEX, 'hex')), {
    tag: 'salt/job/20250101000000000000/new',
    data: { jid: '20250101000000000000', minions: ['m1'] },
  });
});

test('unpackEvent splits at the first "\\n\\n" so data may contain it', () => {
  const ev = unpackEvent(packEvent('a/b', { text: 'x\n\ny', bin: Buffer.from([0, 1, 2]) }));
  assert.equal(ev.tag, 'a/b');
  assert.equal(ev.data.text, 'x\n\ny');
  assert.deepEqual(ev.data.bin, Buffer.from([0, 1, 2]));
});

test('packEvent writes text as msgpack str and bytes as bin (use_bin_type=True)', () => {
  const packed = packEvent('t', { s: 'x'.repeat(40), b: Buffer.from('ab') });
  const data = packed.subarray(3);
  assert.equal(data.toString('hex'), '82a173d928' + '78'.repeat(40) + 'a162c4026162');
});

test('unpackEvent rejects a body without tag end, bad msgpack and non-map data', () => {
  assert.throws(() => unpackEvent(Buffer.from('no-tag-end')), EventDecodeError);
  assert.throws(() => unpackEvent(Buffer.from('tag\n\n\x82')), EventDecodeError);
  assert.throws(() => unpackEvent(Buffer.concat([Buffer.from('tag\n\n'), Buffer.from([0x93, 1, 2, 3])])), EventDecodeError);
});

test('packEvent refuses an empty tag, a tag with "\\n\\n" and non-map data', () => {
  assert.throws(() => packEvent('', {}), InvalidEventError);
  assert.throws(() => packEvent('a\n\nb', {}), InvalidEventError);
  assert.throws(() => packEvent('a', [] as never), (e: Error) => e instanceof InvalidEventError && /must be a map/.test(e.message));
  assert.throws(() => packEvent('a', null as never), InvalidEventError);
});

test('peekEventTag reads only the tag', () => {
  assert.equal(peekEventTag(packEvent('salt/auth', { id: 'm' })), 'salt/auth');
  assert.equal(peekEventTag(Buffer.from('nothing')), null);
});

test('tagify joins the non-empty parts of base, prefix and suffix', () => {
  assert.equal(tagify(['20250101000000000000', 'ret', 'm1'], 'job'), 'salt/job/20250101000000000000/ret/m1');
  assert.equal(tagify('start', 'minion'), 'salt/minion/start');
  assert.equal(tagify('x'), 'salt/x');
  assert.equal(tagify(['a', '', 'b']), 'salt/a/b');
  assert.equal(tagify([1, 'new'], 'run'), 'salt/run/1/new');
  assert.equal(tagify('key', '', ''), 'key');
  assert.equal(tagify(), 'salt');
  assert.equal(tagify('presence', 'custom', 'mybase'), 'mybase/custom/presence');
});

test('utcStamp is Python isoformat: microseconds, omitted when zero', () => {
  const ms = Date.UTC(2025, 5, 12, 18, 30, 55, 123);
  assert.equal(utcStamp(ms + 0.456), '2025-06-12T18:30:55.123456');
  assert.equal(utcStamp(Date.UTC(2025, 0, 1, 0, 0, 0, 0)), '2025-01-01T00:00:00');
  assert.equal(utcStamp(Date.UTC(2025, 0, 1, 0, 0, 0, 0) + 0.001), '2025-01-01T00:00:00.000001');
  assert.match(utcStamp(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
});

test('stampEvent adds _stamp to a copy and overwrites an old stamp (as fire_event does)', () => {
  const data = { a: 1, _stamp: 'old' };
  const stamped = stampEvent(data, '2025-01-01T00:00:00.000001');
  assert.deepEqual(stamped, { a: 1, _stamp: '2025-01-01T00:00:00.000001' });
  assert.equal(data._stamp, 'old');
});
