import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zmq from 'zeromq';
import { PubServer, receiveRetrying, ReqClient, ReqServer, sendRetrying } from './zeromq.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw ZeroMQ subscriber to `topics` (all when none) connected to `endpoint`. */
function subscriber(endpoint: string, topics: string[] = [], options: zmq.SocketOptions<zmq.Subscriber> = {}): zmq.Subscriber {
  const sub = new zmq.Subscriber(options);
  sub.subscribe(...topics);
  sub.connect(endpoint);
  return sub;
}

async function port(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('PubServer counts publishes dropped for a subscriber at its high-water mark', async () => {
  const p = await port();
  const pub = new PubServer({ hwm: 1 });
  await pub.bind('127.0.0.1', p);
  const sub = subscriber(`tcp://127.0.0.1:${p}`, [], { receiveHighWaterMark: 1 });
  try {
    await sleep(300);
    // The subscriber never reads: once the kernel buffers are full, frames hit the HWM.
    const frame = Buffer.alloc(256 * 1024, 1);
    for (let i = 0; i < 200 && pub.hwmDrops === 0; i++) await pub.publish(frame);
    assert.ok(pub.hwmDrops > 0, 'drops at the HWM are counted');
  } finally {
    sub.close();
    pub.close();
  }
});

test('PubServer delivers to a reading subscriber without counting drops', async () => {
  const p = await port();
  const pub = new PubServer({});
  await pub.bind('127.0.0.1', p);
  const sub = subscriber(`tcp://127.0.0.1:${p}`);
  try {
    await sleep(300);
    await pub.publish(Buffer.from('hello'));
    const [msg] = await sub.receive();
    assert.equal(msg!.toString(), 'hello');
    assert.equal(pub.hwmDrops, 0);
  } finally {
    sub.close();
    pub.close();
  }
});

test('ReqClient with idleCloseMs drops its connection when idle and reconnects for the next request', async () => {
  const p = await port();
  const server = new ReqServer({});
  await server.bind('127.0.0.1', p);
  void server.serve((req) => void req.reply(Buffer.concat([Buffer.from('re:'), req.body])));
  const client = new ReqClient(`tcp://127.0.0.1:${p}`, { idleCloseMs: 50 });
  try {
    assert.equal((await client.send(Buffer.from('a'), 3000)).toString(), 're:a');
    assert.equal(client.connected, true);
    await sleep(200);
    assert.equal(client.connected, false);
    assert.equal((await client.send(Buffer.from('b'), 3000)).toString(), 're:b');
  } finally {
    client.close();
    server.close();
  }
});

test('ReqServer counts a reply whose requester has gone', async () => {
  const p = await port();
  const server = new ReqServer({});
  await server.bind('127.0.0.1', p);
  let replyLater: ((b: Buffer) => Promise<void>) | undefined;
  void server.serve((req) => {
    replyLater = req.reply;
  });
  const client = new ReqClient(`tcp://127.0.0.1:${p}`);
  try {
    await assert.rejects(client.send(Buffer.from('x'), 200), { code: 'ETIMEDOUT' });
    await sleep(200);
    await replyLater!(Buffer.from('late'));
    assert.equal(server.undeliverable, 1);
  } finally {
    client.close();
    server.close();
  }
});

test('the master sockets carry messages far larger than their 1 KiB batch buffers, intact', async () => {
  const [rp, pp] = [await port(), await port()];
  const server = new ReqServer({});
  await server.bind('127.0.0.1', rp);
  void server.serve((req) => void req.reply(Buffer.concat([req.body, req.body])));
  const client = new ReqClient(`tcp://127.0.0.1:${rp}`);
  const pub = new PubServer({});
  await pub.bind('127.0.0.1', pp);
  const sub = subscriber(`tcp://127.0.0.1:${pp}`);
  try {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    const reply = await client.send(big, 10_000);
    assert.equal(reply.length, 2 * big.length);
    assert.ok(reply.subarray(big.length).equals(big) && reply.subarray(0, big.length).equals(big));
    // Publish until the subscription is live (a PUB drops frames for peers still connecting).
    let got: Buffer | undefined;
    const received = sub.receive().then(([frame]) => (got = frame));
    for (let i = 0; i < 50 && !got; i++) {
      await pub.publish(big);
      await Promise.race([received, sleep(100)]);
    }
    assert.ok(got?.equals(big), 'the subscriber got the 3 MiB publish intact');
  } finally {
    sub.close();
    pub.close();
    client.close();
    server.close();
  }
});

test('a call a signal interrupted (EINTR) is made again; other errors still fail', async () => {
  const eintr = Object.assign(new Error('Interrupted system call'), { code: 'EINTR' });
  let calls = 0;
  const flaky = {
    receive: async () => {
      if (++calls < 3) throw eintr;
      return [Buffer.from('ok')];
    },
    send: async () => {
      if (++calls < 5) throw eintr;
    },
  };
  assert.deepEqual(await receiveRetrying(flaky as never), [Buffer.from('ok')]);
  assert.equal(calls, 3);
  await sendRetrying(flaky as never, Buffer.from('x'));
  assert.equal(calls, 5);
  const broken = { receive: async () => Promise.reject(Object.assign(new Error('gone'), { code: 'ETERM' })) };
  await assert.rejects(receiveRetrying(broken as never), { code: 'ETERM' });
});

test('SendQueue sends again after EINTR and keeps the order of messages', async () => {
  const { SendQueue } = await import('./send_queue.js');
  const sent: string[] = [];
  let interruptNext = true;
  const sock = {
    send: async (m: Buffer) => {
      if (interruptNext) {
        interruptNext = false;
        throw Object.assign(new Error('Interrupted system call'), { code: 'EINTR' });
      }
      sent.push(m.toString());
    },
  };
  const q = new SendQueue(sock as never);
  await Promise.all([q.send(Buffer.from('a')), q.send(Buffer.from('b'))]);
  assert.deepEqual(sent, ['a', 'b']);
});

test('PubServer writes publishes on an I/O thread of its own, not the one the request socket shares', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const ioThreads = (): number =>
    readdirSync('/proc/self/task').filter((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim().startsWith('ZMQbg/IO/')).length;
  const req = new ReqServer();
  await req.bind('127.0.0.1', await port());
  const before = ioThreads();
  assert.ok(before >= 1, 'the request socket runs on the default context I/O thread');
  const pub = new PubServer();
  try {
    await pub.bind('127.0.0.1', 0);
    assert.match(pub.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(ioThreads(), before + 1, 'a second libzmq I/O thread serves the publisher');
  } finally {
    pub.close();
    req.close();
  }
});

test('PubServer with topics sends [topic, frame] to the subscribers of each topic only', async () => {
  const pub = new PubServer();
  await pub.bind('127.0.0.1', 0);
  const recording = (...topics: string[]) => {
    const sub = subscriber(pub.endpoint, topics);
    const got: string[][] = [];
    void (async () => {
      for await (const frames of sub) got.push(frames.map((f) => f.toString()));
    })().catch(() => undefined);
    return { sub, got };
  };
  const a = recording('topic-a');
  const b = recording('topic-b');
  const all = recording();
  try {
    await sleep(300);
    await pub.publish(Buffer.from('for a'), ['topic-a']);
    await pub.publish(Buffer.from('for everyone'));
    await sleep(300);
    assert.deepEqual(a.got, [['topic-a', 'for a']]);
    assert.deepEqual(b.got, []);
    assert.deepEqual(all.got, [['topic-a', 'for a'], ['for everyone']]);
  } finally {
    for (const s of [a, b, all]) s.sub.close();
    pub.close();
  }
});
