/**
 * salt-cp against a real master and two real minions: a text file in one cp.recv publish, and a
 * 3 MiB binary file in chunks (cp.recv_chunked), compared byte for byte on arrival.
 *
 * Both minions run on this host with the same working directory, so a chunked copy to both at
 * once would append to one file twice: the chunked copies go to each minion with its own
 * destination.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';

describe('salt-cp with two minions', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await TestCluster.start({ minions: ['c1', 'c2'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('salt-cp copies a small text file to both minions and prints {minion: {dest: True}}', async () => {
    const src = join(cluster.root, 'motd.txt');
    writeFileSync(src, 'Welcome to salt-ts\nsecond line\n');
    const dest = join(cluster.root, 'motd.copy');
    const r = await cluster.cli('salt-cp', ['-L', 'c1,c2', src, dest, '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const docs = r.stdout.trim();
    assert.deepEqual(JSON.parse(docs), { c1: { [dest]: true }, c2: { [dest]: true } });
    assert.equal(readFileSync(dest, 'utf8'), 'Welcome to salt-ts\nsecond line\n');
  });

  test('salt-cp prints with the nested outputter by default', async () => {
    const src = join(cluster.root, 'nested.txt');
    writeFileSync(src, 'x');
    const dest = join(cluster.root, 'nested.copy');
    const r = await cluster.cli('salt-cp', ['c1', src, dest]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `c1:\n    ----------\n    ${dest}:\n        True\n`);
  });

  for (const id of ['c1', 'c2']) {
    test(`salt-cp --chunked copies a 3 MiB binary file to ${id} byte for byte, with its mode`, async () => {
      const src = join(cluster.root, `big-${id}.bin`);
      const data = randomBytes(3 * 1024 * 1024);
      writeFileSync(src, data);
      chmodSync(src, 0o640);
      const dest = join(cluster.root, 'copies', id, 'big.bin');
      const r = await cluster.cli('salt-cp', ['--chunked', id, src, dest, '--out', 'json', '-t', '30'], { timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { [id]: { [dest]: true } });
      assert.ok(readFileSync(dest).equals(data), 'the copy differs from the source');
      assert.equal(statSync(dest).mode & 0o777, 0o640);
    });
  }

  test('salt-cp -C -n copies a directory (uncompressed) under DEST/<dirname>', async () => {
    const tree = join(cluster.root, 'conf.d');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    mkdirSync(join(tree, 'empty'));
    writeFileSync(join(tree, 'sub', 'a.conf'), 'a=1\n');
    const dest = join(cluster.root, 'deploy') + '/';
    const r = await cluster.cli('salt-cp', ['-C', '-n', 'c2', tree, dest, '--out', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { c2: { [`${dest}conf.d/sub/a.conf`]: true, [`${dest}conf.d/empty`]: true } });
    assert.equal(readFileSync(join(dest, 'conf.d', 'sub', 'a.conf'), 'utf8'), 'a=1\n');
    assert.ok(statSync(join(dest, 'conf.d', 'empty')).isDirectory());
  });

  test('salt-cp without --chunked refuses a directory with exit code 1', async () => {
    const r = await cluster.cli('salt-cp', ['c1', cluster.root, '/tmp/nowhere']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /is a directory, only files are supported in non-chunked mode\. Use "--chunked" command line argument\.\n$/);
  });
});
