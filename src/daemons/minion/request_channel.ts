/**
 * The minion's encrypted request channel to the master (port 4506): packages loads as protocol 3
 * (session key, nonce, ts, tok, id) or protocol 2 (AES key) and decrypts replies. A reply that does
 * not decrypt (or the master's "bad load") triggers one re-authentication and one retry.
 */
import { randomUUID } from 'node:crypto';
import { Crypticle } from '../../protocol/crypticle.js';
import { decodeWire, encodeWire } from '../../protocol/payload.js';
import { ReqClient } from '../../transport/zeromq.js';
import type { Credentials, MinionKeys } from './auth.js';

type Load = Record<string, unknown>;

export class RequestChannelError extends Error {
  override name = 'RequestChannelError';
  readonly code = 'EREQUEST';
}

export interface RequestChannelOptions {
  id: string;
  encAlgo: string;
  sigAlgo: string;
  /** Re-authenticates and returns fresh credentials. */
  reauth: () => Promise<Credentials>;
  /** Close the socket after this many idle ms (see ReqClientOptions.idleCloseMs); default never. */
  idleCloseMs?: number;
}

export class RequestChannel {
  private readonly client: ReqClient;
  private crypticles = new Map<string, Crypticle>();

  constructor(
    uri: string,
    private creds: Credentials,
    private readonly keys: MinionKeys,
    private readonly opts: RequestChannelOptions,
  ) {
    this.client = new ReqClient(uri, { idleCloseMs: opts.idleCloseMs });
  }

  updateCredentials(creds: Credentials): void {
    this.creds = creds;
  }

  private crypticle(key: string): Crypticle {
    let c = this.crypticles.get(key);
    if (!c) {
      c = new Crypticle(key);
      this.crypticles.clear();
      this.crypticles.set(key, c);
    }
    return c;
  }

  private package(load: Load): { body: Buffer; key: string; nonce: string } {
    const nonce = randomUUID().replace(/-/g, '');
    const { sessionKey, aesKey } = this.creds;
    if (sessionKey) {
      const full: Load = { ...load, nonce, ts: Math.floor(Date.now() / 1000), tok: this.keys.tok, id: this.opts.id };
      const blob = this.crypticle(sessionKey).dumps(full);
      const env = { enc: 'aes', load: blob, version: 3, id: this.opts.id, enc_algo: this.opts.encAlgo, sig_algo: this.opts.sigAlgo };
      return { body: encodeWire(env), key: sessionKey, nonce };
    }
    // Protocol 2 adds only the nonce; commands that need a token (`_minion_event`, `_mine`) carry
    // their own `tok`, as a real 3006 minion does (a stray `tok` ends up in job return events).
    const full: Load = { ...load, nonce };
    const blob = this.crypticle(aesKey).dumps(full);
    return { body: encodeWire({ enc: 'aes', load: blob, version: 2, enc_algo: this.opts.encAlgo, sig_algo: this.opts.sigAlgo }), key: aesKey, nonce };
  }

  private decodeReply(raw: Buffer, key: string, nonce: string): { ok: true; value: unknown } | { ok: false } {
    let body: unknown;
    try {
      body = decodeWire(raw);
    } catch {
      return { ok: false };
    }
    if (body === 'bad load' || body === null || body === undefined) return { ok: false };
    const blob = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'utf8') : undefined;
    if (!blob) {
      // send_private replies (pillar) are plain maps
      return { ok: true, value: body };
    }
    try {
      return { ok: true, value: this.crypticle(key).loads(blob, nonce) };
    } catch {
      return { ok: false };
    }
  }

  /** Sends an encrypted request and returns the decrypted reply. */
  async send(load: Load, opts: { timeoutMs: number; tries: number }): Promise<unknown> {
    return (await this.sendDetailed(load, opts)).value;
  }

  /** Like send, also giving the request nonce (needed to verify `send_private` pillar replies). */
  async sendDetailed(load: Load, opts: { timeoutMs: number; tries: number }): Promise<{ value: unknown; nonce: string }> {
    let lastErr: Error | undefined;
    for (let attempt = 0; attempt < Math.max(1, opts.tries); attempt++) {
      try {
        for (let reauthed = 0; reauthed < 2; reauthed++) {
          const { body, key, nonce } = this.package(load);
          const raw = await this.client.send(body, opts.timeoutMs);
          const out = this.decodeReply(raw, key, nonce);
          if (out.ok) return { value: out.value, nonce };
          this.creds = await this.opts.reauth();
        }
        throw new RequestChannelError(`The master refused the ${String(load.cmd)} request even after re-authentication`);
      } catch (err) {
        lastErr = err as Error;
      }
    }
    throw lastErr ?? new RequestChannelError('request failed');
  }

  get credentials(): Credentials {
    return this.creds;
  }

  close(): void {
    this.client.close();
  }
}
