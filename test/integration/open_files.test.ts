/**
 * A master close to its open-files limit says so (log + `salt/master/<id>/stats`), and keeps
 * serving once the connections are gone. The master runs under `prlimit` with a small limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { binPath, freePort } from '../support/cluster.js';
import { decodeWire, encodeWire } from '../../src/protocol/payload.js';

const LIMIT = 256;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function clearPing(port: number): Promise<unknown> {
  const sock = new zmq.Request({ linger: 0, receiveTimeout: 5000 });
  sock.connect(`tcp://127.0.0.1:${port}`);
  try {
    await sock.send(encodeWire({ enc: 'clear', load: { cmd: 'ping', id: 'probe' } }));
    const [reply] = await sock.receive();
    return decodeWire(reply);
  } finally {
    sock.close();
  }
}

test('a master near its open-files limit logs it and counts it in its delivery stats, and serves on afterwards', async () => {
  const root = mkdtempSync(join(tmpdir(), 'salt-ts-fdlimit-'));
  const conf = join(root, 'etc', 'salt');
  mkdirSync(conf, { recursive: true });
  const ret = await freePort();
  const logFile = join(root, 'master.log');
  writeFileSync(
    join(conf, 'master'),
    [`root_dir: ${root}`, 'interface: 127.0.0.1', `publish_port: ${await freePort()}`, `ret_port: ${ret}`, 'worker_threads: 2', `log_file: ${logFile}`, 'log_level_logfile: warning'].join('\n') + '\n',
  );
  const master = spawn('prlimit', [`--nofile=${LIMIT}:${LIMIT}`, process.execPath, binPath('salt-master'), '-c', conf, '-l', 'warning'], { stdio: 'ignore' });
  const sockets: Socket[] = [];
  try {
    for (let i = 0; !existsSync(join(root, 'var', 'run', 'salt', 'master', 'publish_pull.ipc')); i++) {
      assert.ok(i < 200 && master.exitCode === null, 'the master did not start');
      await sleep(100);
    }
    assert.deepEqual(await clearPing(ret), { cmd: 'ping', id: 'probe' });
    const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    // Idle TCP connections to 4506 (libzmq accepts each: one descriptor) until the master holds
    // 92 % of its limit: near it, not at it, where it could not even open its log.
    const fds = (): number => readdirSync(`/proc/${master.pid}/fd`).length;
    while (fds() < 0.92 * LIMIT) {
      const s = connect(ret, '127.0.0.1');
      s.on('error', () => {});
      sockets.push(s);
      await sleep(sockets.length % 10 === 0 ? 100 : 0);
      assert.ok(sockets.length < LIMIT, 'the connections did not reach the master');
    }
    for (let i = 0; i < 100 && !/open_files_near_limit=[1-9]/.test(log()); i++) await sleep(100);
    assert.match(log(), /The master has \d+ of its 256 file descriptors open/);
    assert.match(log(), /open_files_near_limit=[1-9]/, 'counted with the delivery stats');
    for (const s of sockets.splice(0)) s.destroy();
    let answer: unknown;
    for (let i = 0; i < 50 && answer === undefined; i++) {
      answer = await clearPing(ret).catch(() => undefined);
      if (answer === undefined) await sleep(200);
    }
    assert.deepEqual(answer, { cmd: 'ping', id: 'probe' }, 'the master serves again');
  } finally {
    for (const s of sockets) s.destroy();
    master.kill('SIGTERM');
    await new Promise((r) => (master.exitCode !== null ? r(null) : master.once('exit', r)));
    rmSync(root, { recursive: true, force: true });
  }
});
