import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCases } from '../../test/support/conformance.js';
import { pemFinger, pemFingerOfFile, pemFingerOfString3006 } from './finger.js';

const cases = loadCases('wire', 'rsa.json').filter((c) => c.id.startsWith('finger-'));
const dir = mkdtempSync(join(tmpdir(), 'salt-ts-finger-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

for (const c of cases) {
  if (c.id === 'finger-key-string-quirk') {
    test(`rsa.json ${c.id}: the 3006.10 string variant hashes the whole PEM`, () => {
      assert.equal(pemFingerOfString3006(c.input.key, c.input.sum_type), c.expected.finger);
      assert.equal(pemFinger(c.input.key, c.input.sum_type), c.expected.file_variant_finger);
    });
    continue;
  }
  test(`rsa.json ${c.id}: pem_finger of the file written byte for byte`, () => {
    const path = join(dir, c.id);
    writeFileSync(path, c.input.pem_file_text, 'utf8');
    assert.equal(pemFingerOfFile(path, c.input.sum_type), c.expected.finger);
    assert.equal(pemFinger(c.input.pem_file_text, c.input.sum_type), c.expected.finger);
  });
}

test('pemFinger hashes the body lines with LF: the salt-wire example', () => {
  const expected = pemFingerOfString3006('AAAA\nBBBB\n');
  assert.equal(pemFinger('-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n'), expected);
  assert.match(expected, /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
});

test('pemFingerOfFile returns "" for a missing file or a directory, like Salt', () => {
  assert.equal(pemFingerOfFile(join(dir, 'does-not-exist')), '');
  assert.equal(pemFingerOfFile(dir), '');
});

test('pemFinger rejects an unknown hash type', () => {
  assert.throws(() => pemFinger('x', 'nope'), /unknown hash_type/);
});
