/**
 * The master writes minion returns to the job cache from a thread of its own at a lower CPU
 * priority (nice 10), after answering: a real master and minions, checked through /proc and
 * the job cache on disk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from '../support/cluster.js';
import { jidDir } from '../../src/protocol/jid.js';
import { WRITER_NICE } from '../../src/daemons/master/job_cache_writer_client.js';

const IDS = ['w1', 'w2', 'w3'];
let cluster: TestCluster;

before(async () => {
  cluster = await TestCluster.start({ minions: IDS });
});
after(async () => {
  await cluster?.stop();
});

/** Nice value of each thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

test('exactly one master thread runs at the writer\'s nice value: the job-cache writer', () => {
  const nices = threadNices(cluster.masterPid!);
  assert.equal(nices.filter((n) => n === WRITER_NICE).length, 1, `thread nice values: ${nices.join(' ')}`);
  assert.ok(nices.filter((n) => n === 0).length > 3, 'the other threads keep their priority');
});

test('every return of a job reaches the job cache on disk', async () => {
  const r = await cluster.cli('salt', ['*', 'test.ping', '--show-jid', '-t', '20']);
  assert.equal(r.code, 0, r.stderr);
  const jid = /^jid: (\d{20})$/m.exec(r.stdout)?.[1] ?? '';
  assert.match(jid, /^\d{20}$/);
  const dir = jidDir(jid, join(cluster.root, 'master', 'var', 'cache', 'salt', 'master', 'jobs'), 'sha256');
  await cluster.waitFor(() => IDS.every((id) => existsSync(join(dir, id, 'return.p'))), 10_000, 'the returns in the job cache');
});
