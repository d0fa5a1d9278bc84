import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic_file.js';
import { packBin, unpackBin } from './protocol/binpack.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'atomic-'));
}

test('writeFileAtomic replaces the file and leaves no temp file', async () => {
  const dir = tmp();
  const path = join(dir, 'return.p');
  writeFileSync(path, 'old');
  await writeFileAtomic(path, Buffer.from('new'));
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['return.p']);
  rmSync(dir, { recursive: true });
});

test('writeFileAtomic sets the requested mode (default 0600)', async () => {
  const dir = tmp();
  await writeFileAtomic(join(dir, 'a'), 'x');
  await writeFileAtomic(join(dir, 'b'), 'x', 0o644);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'b')).mode & 0o777 & ~process.umask(), 0o644 & ~process.umask());
  rmSync(dir, { recursive: true });
});

test('a reader never sees a half-written file while it is rewritten', async () => {
  const dir = tmp();
  const path = join(dir, '.load.p');
  await writeFileAtomic(path, packBin({ n: -1, blob: 'x'.repeat(200_000) }));
  let writing = true;
  const writer = (async () => {
    for (let n = 0; n < 40; n++) await writeFileAtomic(path, packBin({ n, blob: 'x'.repeat(200_000 + n) }));
    writing = false;
  })();
  let reads = 0;
  while (writing) {
    const v = unpackBin(await readFile(path)) as { n: number; blob: string };
    assert.equal(v.blob.length, v.n < 0 ? 200_000 : 200_000 + v.n);
    reads++;
  }
  await writer;
  assert.ok(reads > 0);
  assert.deepEqual(readdirSync(dir), ['.load.p']);
  rmSync(dir, { recursive: true });
});

test('writeFileAtomic into a missing directory throws and creates nothing', async () => {
  const dir = tmp();
  await assert.rejects(writeFileAtomic(join(dir, 'nope', 'f'), 'x'), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true });
});

test('writeFileAtomicSync replaces the file with the requested mode and leaves no temp file', () => {
  const dir = tmp();
  const path = join(dir, 'return.p');
  writeFileSync(path, 'old');
  writeFileAtomicSync(path, packBin({ return: true }));
  writeFileAtomicSync(join(dir, 'out.p'), 'nested', 0o600, false);
  assert.deepEqual(unpackBin(readFileSync(path)), { return: true });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).sort(), ['out.p', 'return.p']);
  assert.throws(() => writeFileAtomicSync(join(dir, 'nope', 'f'), 'x'), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir).sort(), ['out.p', 'return.p']);
  rmSync(dir, { recursive: true });
});
