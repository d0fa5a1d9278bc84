/**
 * Key management with real daemons: new minions wait in minions_pre until salt-key accepts
 * them; deleting a key rotates the AES key so the removed minion can no longer read publishes,
 * while the remaining minions re-authenticate and keep working.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';

describe('salt-key with real minions', () => {
  let cluster: TestCluster;
  const listing = async (): Promise<Record<string, string[]>> => JSON.parse((await cluster.cli('salt-key', ['-L', '--out', 'json'])).stdout);

  before(async () => {
    cluster = await TestCluster.start({ minions: ['k1', 'k2', 'k3'], autoAccept: false });
    await cluster.waitFor(async () => (await listing()).minions_pre?.length === 3, 20_000, 'three pending keys');
  });
  after(async () => {
    await cluster?.stop();
  });

  test('pending minions are listed as Unaccepted Keys and are not targeted', async () => {
    const r = await cluster.cli('salt-key', ['-L']);
    assert.equal(r.stdout, 'Accepted Keys:\nDenied Keys:\nUnaccepted Keys:\nk1\nk2\nk3\nRejected Keys:\n');
    const ping = await cluster.cli('salt', ['*', 'test.ping']);
    assert.equal(ping.code, 2);
    assert.match(ping.stdout, /No minions matched the target/);
  });

  test('salt-key -a accepts one key and that minion then answers', async () => {
    const r = await cluster.cli('salt-key', ['-a', 'k1', '-y']);
    assert.match(r.stdout, /Key for minion k1 accepted\./);
    const pki = join(cluster.root, 'master', 'etc', 'salt', 'pki', 'master');
    assert.equal(statSync(join(pki, 'minions', 'k1')).mode & 0o777, 0o644);
    await cluster.waitForMinions(['k1']);
  });

  test('salt-key -r rejects a key and the minion stays out', async () => {
    const r = await cluster.cli('salt-key', ['-r', 'k3', '-y']);
    assert.match(r.stdout, /Key for minion k3 rejected\./);
    assert.deepEqual((await listing()).minions_rejected, ['k3']);
  });

  test('deleting an accepted key rotates the AES key: the removed minion can no longer read publishes', async () => {
    await cluster.cli('salt-key', ['-a', 'k2', '-y']);
    await cluster.waitForMinions(['k1', 'k2']);
    const rotations = (): number => (cluster.logs.get('master') ?? '').split('Rotating AES key').length - 1;
    const before = rotations();
    const d = await cluster.cli('salt-key', ['-d', 'k2', '-y']);
    assert.match(d.stdout, /Key for minion k2 deleted\./);
    await cluster.waitFor(() => rotations() > before, 10_000, 'the AES key rotation');
    // Published to every subscriber; only minions that can decrypt it may run it.
    const log = join(cluster.root, 'ran.log');
    const r = await cluster.cli('salt', ['*', 'cmd.run', `echo ran >> ${log}`, '--out', 'json', '-t', '8']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout), { k1: '' }, 'k1 re-authenticated after the rotation and still answers');
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(readFileSync(log, 'utf8'), 'ran\n', 'only k1 ran the job');
    const k2log = cluster.logs.get('minion-k2') ?? '';
    assert.match(k2log, /has not accepted this minion's key|rejected|Dropped a publish/);
  });
});

describe('saltutil.revoke_auth with real minions', () => {
  let cluster: TestCluster;
  const listing = async (): Promise<Record<string, string[]>> => JSON.parse((await cluster.cli('salt-key', ['-L', '--out', 'json'])).stdout);

  before(async () => {
    cluster = await TestCluster.start({ minions: ['r1', 'r2'], autoAccept: false });
    await cluster.waitFor(async () => (await listing()).minions_pre?.length === 2, 20_000, 'two pending keys');
    await cluster.cli('salt-key', ['-A', '-y']);
    await cluster.waitForMinions(['r1', 'r2']);
  });
  after(async () => {
    await cluster?.stop();
  });

  test("a minion's revoke_auth deletes its own key on the master; it signs in again as a new, pending minion", async () => {
    const cacheDir = join(cluster.root, 'master', 'var', 'cache', 'salt', 'master', 'minions', 'r1');
    await cluster.cli('salt', ['r1', 'saltutil.revoke_auth', '-t', '5']);
    await cluster.waitFor(async () => (await listing()).minions_pre?.includes('r1') === true, 20_000, 'r1 pending again');
    const keys = await listing();
    assert.deepEqual(keys.minions, ['r2'], 'only r1 lost its key');
    assert.equal(existsSync(join(cacheDir, '..', 'r2')), true, "r2's minion cache is where r1's was");
    assert.equal(existsSync(cacheDir), false, "r1's minion cache went with its key");
    const ping = await cluster.cli('salt', ['*', 'test.ping', '--out', 'json']);
    assert.deepEqual(JSON.parse(ping.stdout), { r2: true });
  });
});
