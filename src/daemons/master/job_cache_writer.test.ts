import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { LocalJobCache } from '../../jobs/local_cache.js';
import { encodeWire } from '../../protocol/payload.js';
import type { FromWorker } from './messages.js';

test('the writer thread stores each return it is handed and acknowledges them, logging one it cannot read', async () => {
  const cachedir = mkdtempSync(join(tmpdir(), 'salt-ts-writer-'));
  const writer = new Worker(new URL('./job_cache_writer.js', import.meta.url), { workerData: { opts: { cachedir } } });
  const logs: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      writer.on('message', (m: FromWorker) => (m.type === 'ready' ? resolve() : m.type === 'log' && logs.push(m.msg)));
      writer.once('error', reject);
    });
    const jobs = new LocalJobCache({ cachedir });
    const jid = await jobs.prepJid();
    const { port1, port2 } = new MessageChannel();
    writer.postMessage({ type: 'port', port: port2 }, [port2]);
    let acked = 0;
    const allAcked = new Promise<void>((resolve) =>
      port1.on('message', (m: { stored: number }) => {
        acked += m.stored;
        if (acked === 3) resolve();
      }),
    );
    const send = (load: Record<string, unknown>): void => {
      const body = new Uint8Array(encodeWire(load));
      port1.postMessage({ body }, [body.buffer]);
    };
    send({ id: 'web-1', jid, return: true, retcode: 0, success: true });
    send({ id: 'db-1', jid, return: 'up', retcode: 0, success: true });
    const junk = new Uint8Array([0xc1]); // never valid msgpack
    port1.postMessage({ body: junk }, [junk.buffer]);
    await allAcked;
    await new Promise((r) => setTimeout(r, 50)); // log lines travel on another channel
    assert.ok(existsSync(join(jobs.jidDir(jid), 'web-1', 'return.p')));
    assert.ok(existsSync(join(jobs.jidDir(jid), 'db-1', 'return.p')));
    assert.ok(logs.some((l) => l.startsWith('Could not store the return')), `the unreadable one is logged: ${logs.join(' | ')}`);
    port1.close();
  } finally {
    await writer.terminate();
    rmSync(cachedir, { recursive: true, force: true });
  }
});
