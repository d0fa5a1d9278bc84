import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReader, frameBody, packFrame, scanMsgpack } from './framing.js';
import { packBin } from '../protocol/binpack.js';
import { packEvent } from './event.js';
import { FrameError } from './errors.js';

test('packFrame uses bin8, bin16 and bin32 by body size', () => {
  assert.equal(packFrame(Buffer.alloc(255))[12], 0xc4);
  const f16 = packFrame(Buffer.alloc(256));
  assert.equal(f16[12], 0xc5);
  assert.equal(f16.readUInt16BE(13), 256);
  const f32 = packFrame(Buffer.alloc(70000));
  assert.equal(f32[12], 0xc6);
  assert.equal(f32.readUInt32BE(13), 70000);
  assert.equal(f32.length, 12 + 5 + 70000);
});

test('packFrame equals msgpack of {"head": {}, "body": bin} (use_bin_type=True)', () => {
  for (const n of [0, 3, 300, 70000]) {
    const body = Buffer.alloc(n, 7);
    assert.deepEqual(packFrame(body), packBin({ head: {}, body }));
  }
});

test('scanMsgpack finds the end of every msgpack type, or how much is missing', () => {
  const value = {
    a: [1, -1, 200, -200, 70000, -70000, 2 ** 40, 1.5, null, true, false],
    s: 'x'.repeat(40),
    t: 'y'.repeat(300),
    b: Buffer.alloc(70000),
    m: { nested: { deep: [[], {}] } },
  };
  const buf = packBin(value);
  assert.deepEqual(scanMsgpack(buf, 0), { end: buf.length });
  const cut = buf.subarray(0, buf.length - 10);
  const scan = scanMsgpack(cut, 0);
  assert.ok('need' in scan && scan.need > cut.length);
  const two = Buffer.concat([buf, buf]);
  assert.deepEqual(scanMsgpack(two, buf.length), { end: two.length });
});

test('scanMsgpack rejects the reserved byte 0xc1', () => {
  assert.throws(() => scanMsgpack(Buffer.from([0x91, 0xc1]), 0), FrameError);
});

test('FrameReader returns many frames from one chunk', () => {
  const frames = Array.from({ length: 50 }, (_, i) => packFrame(packEvent(`t/${i}`, { i })));
  const reader = new FrameReader();
  const got = reader.push(Buffer.concat(frames));
  assert.equal(got.length, 50);
  got.forEach((f, i) => assert.deepEqual(f, frames[i]));
  assert.equal(reader.pendingBytes, 0);
});

test('FrameReader reassembles a frame split across chunks, byte by byte', () => {
  const frame = packFrame(packEvent('split/me', { big: 'z'.repeat(1000) }));
  const reader = new FrameReader();
  const got: Buffer[] = [];
  for (let i = 0; i < frame.length; i++) got.push(...reader.push(frame.subarray(i, i + 1)));
  assert.equal(got.length, 1);
  assert.deepEqual(got[0], frame);
});

test('FrameReader assembles a large frame split in big pieces', () => {
  const frame = packFrame(Buffer.alloc(3_000_000, 1));
  const reader = new FrameReader();
  const got: Buffer[] = [];
  for (let i = 0; i < frame.length; i += 65536) got.push(...reader.push(frame.subarray(i, i + 65536)));
  assert.equal(got.length, 1);
  assert.equal(got[0]!.length, frame.length);
});

test('FrameReader refuses a frame over its size limit before it arrives', () => {
  const reader = new FrameReader(1000);
  const frame = packFrame(Buffer.alloc(5000));
  assert.throws(() => reader.push(frame.subarray(0, 20)), (e: Error) => e instanceof FrameError && /exceeds the limit/.test(e.message));
});

test('frameBody takes the body of an empty-head frame without copying, and of any other map', () => {
  const body = packEvent('a', { x: 1 });
  const frame = packFrame(body);
  const got = frameBody(frame);
  assert.deepEqual(got, body);
  assert.equal(got.buffer, frame.buffer);
  assert.deepEqual(frameBody(packBin({ head: { mid: 3 }, body })), body);
  assert.deepEqual(frameBody(packBin({ body: 'text body' })), Buffer.from('text body'));
});

test('frameBody rejects frames that are not a map with bytes body', () => {
  assert.throws(() => frameBody(packBin([1, 2])), FrameError);
  assert.throws(() => frameBody(packBin({ head: {} })), FrameError);
  assert.throws(() => frameBody(packBin({ body: 5 })), FrameError);
});
