import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCases } from '../../test/support/conformance.js';
import { decodeWire, encodeWire, PyDateTime, SaltConstant } from './payload.js';
import { PayloadError } from './errors.js';
import { PyFloat } from './pytypes.js';
import { assertTaggedEqual, bytesOf, fromTagged } from './_tagged.js';

const cases = loadCases('wire', 'payload.json');

/** Cases that cannot be replayed, with the reason. */
const EXCLUDED: Record<string, string> = {
  'dumps-frozenset-ints':
    'informational: Salt raises TypeError for a frozenset, and JS has no frozenset type to hand the encoder',
};

for (const c of cases) {
  const skip = EXCLUDED[c.id];
  if (c.id.startsWith('dumps-')) {
    test(`payload.json ${c.id}: encodes to Salt's bytes and decodes to Salt's loads value`, { skip }, () => {
      const value = fromTagged(c.input.value);
      const bytes = encodeWire(value, { useBinType: c.input.use_bin_type === true });
      assert.equal(bytes.toString('hex'), bytesOf(c.expected.bytes).toString('hex'));
      assertTaggedEqual(decodeWire(bytes), c.expected.loads_value);
    });
  } else {
    test(`payload.json ${c.id}: decodes like salt.payload.loads`, { skip }, () => {
      const input = bytesOf(c.input.bytes);
      const opts = { raw: c.input.raw === true };
      if (c.expected.error) {
        assert.throws(() => decodeWire(input, opts), PayloadError);
      } else {
        assertTaggedEqual(decodeWire(input, opts), c.expected.value);
      }
    });
  }
}

test('encodeWire never emits str8 or bin for text or bytes of 32..255 bytes', () => {
  for (const n of [32, 100, 255]) {
    assert.equal(encodeWire('x'.repeat(n))[0], 0xda);
    assert.equal(encodeWire(Buffer.alloc(n, 0xff))[0], 0xda);
  }
  assert.equal(encodeWire('x'.repeat(31))[0], 0xbf);
  assert.equal(encodeWire(new Uint8Array([1, 2]))[0], 0xa2);
});

test('encodeWire with useBinType uses str8 for text and bin for bytes', () => {
  assert.equal(encodeWire('x'.repeat(40), { useBinType: true }).subarray(0, 2).toString('hex'), 'd928');
  assert.equal(encodeWire(Buffer.from([0]), { useBinType: true }).toString('hex'), 'c40100');
});

test('encodeWire maps undefined to nil, -0 to int 0, PyFloat to float64 and unsafe integers exactly', () => {
  assert.equal(encodeWire(undefined).toString('hex'), 'c0');
  assert.equal(encodeWire(-0).toString('hex'), '00');
  assert.equal(encodeWire(new PyFloat(3)).toString('hex'), 'cb4008000000000000');
  assert.equal(encodeWire(2 ** 60).toString('hex'), 'cf1000000000000000');
  assert.equal(encodeWire(1e20).toString('hex'), encodeWire('100000000000000000000').toString('hex'));
  assert.equal(encodeWire(2n ** 64n).toString('hex'), encodeWire('18446744073709551616').toString('hex'));
});

test('encodeWire writes a JS Date as ext 78 with its UTC fields', () => {
  const bytes = encodeWire(new Date(Date.UTC(2025, 0, 1, 12, 0, 0, 5)));
  assert.equal(bytes.subarray(0, 3).toString('hex'), 'c7184e');
  assert.equal(bytes.subarray(3).toString('ascii'), '20250101T12:00:00.005000');
});

test('encodeWire rejects values msgpack cannot carry with PayloadError', () => {
  assert.throws(() => encodeWire(() => 1), PayloadError);
  assert.throws(() => encodeWire(Symbol('x')), PayloadError);
  assert.throws(() => encodeWire(new (class Foo {})()), /Foo/);
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => encodeWire(cyclic), PayloadError);
});

test('decodeWire keeps map order for index-like and non-string keys by returning a Map', () => {
  const bytes = encodeWire(new Map<unknown, unknown>([['b', 1], ['1', 2]]));
  const decoded = decodeWire(bytes);
  assert.ok(decoded instanceof Map);
  assert.deepEqual([...decoded.keys()], ['b', '1']);
  assert.equal(encodeWire(decoded).toString('hex'), bytes.toString('hex'));
});

test('decodeWire makes a __proto__ key an own property, not the prototype', () => {
  const decoded = decodeWire(Buffer.from('81a95f5f70726f746f5f5f01', 'hex')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  assert.deepEqual(Object.keys(decoded), ['__proto__']);
  assert.equal(encodeWire(decoded).toString('hex'), '81a95f5f70726f746f5f5f01');
});

test('decodeWire returns integral floats as PyFloat so they re-encode as float64', () => {
  const decoded = decodeWire(Buffer.from('cb4000000000000000', 'hex'));
  assert.ok(decoded instanceof PyFloat);
  assert.equal(encodeWire(decoded).toString('hex'), 'cb4000000000000000');
});

test('decodeWire raw mode keeps text as Buffers', () => {
  const decoded = decodeWire(encodeWire({ a: 'b' }), { raw: true });
  assert.ok(decoded instanceof Map);
  const [[k, v]] = [...decoded.entries()];
  assert.deepEqual([k, v], [Buffer.from('a'), Buffer.from('b')]);
});

test('decodeWire keeps a UTF-8 byte-order mark as text (Python does not strip it)', () => {
  assert.equal(decodeWire(Buffer.from('a3efbbbf', 'hex')), '\ufeff');
});

test('decodeWire throws PayloadError on truncated input at every cut of a real envelope', () => {
  const full = encodeWire({ enc: 'aes', load: Buffer.alloc(300, 7), version: 2, f: 1.5, n: -70000 });
  for (let i = 0; i < full.length; i++) {
    assert.throws(() => decodeWire(full.subarray(0, i)), PayloadError, `cut at ${i}`);
  }
});

test('decodeWire refuses absurd declared lengths without allocating', () => {
  for (const hex of ['dbffffffff', 'c6ffffffff', 'ddffffffff', 'dfffffffff', 'c9ffffffff05', 'deffff']) {
    assert.throws(() => decodeWire(Buffer.from(hex, 'hex')), /truncated/, hex);
  }
});

test('decodeWire throws PayloadError on deep nesting, trailing bytes, c1, and bad ext payloads', () => {
  assert.throws(() => decodeWire(Buffer.alloc(5000, 0x91)), PayloadError);
  assert.throws(() => decodeWire(Buffer.from('0000', 'hex')), /trailing/);
  assert.throws(() => decodeWire(Buffer.alloc(0)), PayloadError);
  assert.throws(() => decodeWire(Buffer.from('c1', 'hex')), /0xc1/);
  assert.throws(() => decodeWire(Buffer.concat([Buffer.from('c7054e', 'hex'), Buffer.from('hello')])), /ext 78/);
  assert.throws(() => decodeWire(Buffer.from('d44f01', 'hex')), /ext 79/);
  assert.throws(() => decodeWire(Buffer.from('8180c0', 'hex')), /unhashable/);
});

test('PyDateTime parses the ext 78 text like strptime, including short %f', () => {
  const dt = PyDateTime.parseExtText('20250101T12:00:00.5');
  assert.equal(dt.microsecond, 500000);
  assert.throws(() => PyDateTime.parseExtText('20250230T12:00:00.000000'), RangeError);
  assert.equal(dt.toString(), '2025-01-01 12:00:00.500000');
});

test('SaltConstant round-trips through ext 79', () => {
  const bytes = encodeWire(new SaltConstant('NOT_SET', null));
  const back = decodeWire(bytes);
  assert.ok(back instanceof SaltConstant);
  assert.equal(back.name, 'NOT_SET');
});
