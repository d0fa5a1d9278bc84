import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyslogReturner, syslogOptions } from './syslog_return.js';
import { ReturnerStoreError } from './errors.js';

/** A unix socket standing in for /dev/log: `logger` falls back to a stream socket, so Node can listen. */
function fakeSyslog(path: string): Promise<{ server: Server; messages: string[]; next(): Promise<string> }> {
  const messages: string[] = [];
  const waiters: Array<(m: string) => void> = [];
  const server = createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const w = waiters.shift();
        if (w) w(line);
        else messages.push(line);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(path, () =>
      resolve({
        server,
        messages,
        next: () => (messages.length ? Promise.resolve(messages.shift()!) : new Promise((r) => waiters.push(r))),
      }),
    ),
  );
}

describe('syslog returner', () => {
  let dir: string;
  let sock: string;
  let fake: Awaited<ReturnType<typeof fakeSyslog>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syslog-ret-'));
    sock = join(dir, 'log');
    fake = await fakeSyslog(sock);
  });
  after(() => {
    fake?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sends the return as JSON at user.info with the configured tag', async () => {
    const r = new SyslogReturner({ opts: { 'syslog.tag': 'mysalt' } }, { socketPath: sock });
    await r.returner({ return: true, jid: '20250101120000000001', fun: 'test.ping', id: 'm1' });
    assert.match(await fake.next(), /^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d mysalt: \{"return": true, "jid": "20250101120000000001", "fun": "test.ping", "id": "m1"\}$/);
  });

  test('level, facility and LOG_PID set the priority and add the pid', async () => {
    const r = new SyslogReturner({ opts: { syslog: { level: 'LOG_ERR', facility: 'LOG_DAEMON', tag: 'x', options: ['LOG_PID'] } } }, { socketPath: sock });
    await r.returner({ return: 'big'.repeat(2000), id: 'm1' });
    const msg = await fake.next();
    assert.match(msg, new RegExp(`^<27>.{15} x\\[${process.pid}\\]: \\{"return": "(big){2000}", "id": "m1"\\}$`));
  });

  test('invalid options are logged and nothing is sent, as Salt does', () => {
    assert.deepEqual(syslogOptions({ opts: { 'syslog.level': 'LOG_LOUD' } }), { ok: false, error: 'LOG_LOUD is not a valid syslog level' });
    assert.deepEqual(syslogOptions({ opts: { 'syslog.tag': 'x'.repeat(33) } }), { ok: false, error: 'tag size is limited to 32 characters' });
    assert.deepEqual(syslogOptions({ opts: { 'syslog.options': ['LOG_NOPE'] } }), { ok: false, error: 'syslog has no attribute LOG_NOPE' });
  });

  test('an unreachable socket is a ReturnerStoreError', async () => {
    const r = new SyslogReturner({ opts: {} }, { socketPath: join(dir, 'nothing') });
    await assert.rejects(r.returner({ return: 1, id: 'm' }), ReturnerStoreError);
  });
});
