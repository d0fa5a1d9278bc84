/**
 * zeromq.js allows one pending send per socket (a second concurrent send rejects with EBUSY).
 * A SendQueue serialises sends on one socket, keeps their order, and bounds how many may wait.
 */
import type { Writable } from 'zeromq';

export class SendQueueFullError extends Error {
  override name = 'SendQueueFullError';
  readonly code = 'EQUEUEFULL';
}

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;
  /** Messages refused because the queue was full: counted so that drops are never silent. */
  dropped = 0;

  constructor(
    private readonly socket: Writable,
    private readonly maxWaiting = 100_000,
  ) {}

  /** Queues a (multipart) message; resolves once libzmq has taken it. */
  send(message: Buffer | Array<Buffer | string>): Promise<void> {
    if (this.waiting >= this.maxWaiting) {
      this.dropped++;
      return Promise.reject(new SendQueueFullError(`send queue full (${this.maxWaiting} messages waiting)`));
    }
    this.waiting++;
    const next = this.tail.then(() => this.sendOnce(message));
    this.tail = next.then(
      () => {
        this.waiting--;
      },
      () => {
        this.waiting--;
      },
    );
    return next;
  }

  /** One send, tried again when a signal interrupted the call (EINTR: nothing was sent). */
  private async sendOnce(message: Buffer | Array<Buffer | string>): Promise<void> {
    for (;;) {
      try {
        await this.socket.send(message as never);
        return;
      } catch (err) {
        if ((err as { code?: string } | null)?.code !== 'EINTR') throw err;
      }
    }
  }

  get pending(): number {
    return this.waiting;
  }
}
