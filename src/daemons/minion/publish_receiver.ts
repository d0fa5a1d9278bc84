/**
 * Turns frames from the master's publisher (4505) into job loads: checks the topic, the
 * optional master signature, decrypts with the AES key (re-authenticating once when the key
 * rotated), applies the serial rule (a replayed or stale publish decrypts to `{}` and is
 * dropped) and drops jids already seen.
 */
import { isMap, asBuffer } from '../../protocol/values.js';
import type { KeyObject } from 'node:crypto';
import { BROADCAST_TOPIC, minionTopic } from '../../protocol/pub_topics.js';
import { Crypticle } from '../../protocol/crypticle.js';
import { decodeWire } from '../../protocol/payload.js';
import { verify } from '../../protocol/rsa.js';

type Load = Record<string, unknown>;



export interface PublishReceiverOptions {
  id: string;
  /** Minion `sign_pub_messages`: require and verify the master's signature. */
  requireSignature: boolean;
  /** `minion_jid_queue_hwm`: how many recent jids are remembered. */
  jidQueueHwm: number;
  /** Current AES key and master public key. */
  credentials(): { aesKey: string; masterPub: KeyObject };
  /** Signs in again (the AES key rotated); resolves when new credentials are in place. */
  reauth(): Promise<unknown>;
}

export type DropReason = 'topic' | 'undecodable' | 'not-aes' | 'signature' | 'decrypt' | 'stale-serial' | 'incomplete' | 'duplicate-jid';

export class PublishReceiver {
  private crypticle: Crypticle | null = null;
  private crypticleKey = '';
  private readonly recentJids: string[] = [];
  private readonly topic: string;
  /** Why publishes were dropped, counted. */
  readonly drops: Partial<Record<DropReason, number>> = {};

  constructor(private readonly opts: PublishReceiverOptions) {
    this.topic = minionTopic(opts.id);
  }

  private drop(reason: DropReason): null {
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    return null;
  }

  private currentCrypticle(): Crypticle {
    const { aesKey } = this.opts.credentials();
    if (!this.crypticle || this.crypticleKey !== aesKey) {
      // A new AES key restarts the master's serial count, so the receiver starts over too.
      this.crypticle = new Crypticle(aesKey);
      this.crypticleKey = aesKey;
    }
    return this.crypticle;
  }

  /** Returns the job load of a publish frame, or null when it must be dropped. */
  async receive(frames: Buffer[]): Promise<Load | null> {
    let frame: Buffer;
    if (frames.length === 1) frame = frames[0];
    else if (frames.length === 2 && [BROADCAST_TOPIC, this.topic].includes(frames[0].toString('latin1'))) frame = frames[1];
    else return this.drop('topic');
    let env: unknown;
    try {
      env = decodeWire(frame);
    } catch {
      return this.drop('undecodable');
    }
    if (!isMap(env) || env.enc !== 'aes') return this.drop('not-aes');
    const blob = asBuffer(env.load);
    if (!blob) return this.drop('not-aes');
    if (this.opts.requireSignature) {
      const sig = asBuffer(env.sig);
      const algo = typeof env.sig_algo === 'string' ? env.sig_algo : 'PKCS1v15-SHA1';
      let ok = false;
      try {
        ok = !!sig && verify(this.opts.credentials().masterPub, blob, sig, algo);
      } catch {
        ok = false;
      }
      if (!ok) return this.drop('signature');
    }
    let data: unknown;
    try {
      data = this.currentCrypticle().loads(blob);
    } catch {
      await this.opts.reauth();
      try {
        data = this.currentCrypticle().loads(blob);
      } catch {
        return this.drop('decrypt');
      }
    }
    if (!isMap(data)) return this.drop('undecodable');
    if (Object.keys(data).length === 0) return this.drop('stale-serial');
    if (!('tgt' in data) || !('jid' in data) || !('fun' in data) || !('arg' in data)) return this.drop('incomplete');
    const jid = String(data.jid);
    if (this.recentJids.includes(jid)) return this.drop('duplicate-jid');
    this.recentJids.push(jid);
    if (this.recentJids.length > this.opts.jidQueueHwm) this.recentJids.shift();
    return data;
  }
}
