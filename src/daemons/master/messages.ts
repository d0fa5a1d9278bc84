/**
 * What the master's request workers and its main thread say to each other.
 *
 * Workers decode, decrypt and verify requests and do their disk work; anything that touches state
 * shared by the whole master (the event bus, the publisher, the minion registry, session keys that
 * every worker must know) comes back to the main thread as an action.
 */
import type { MessagePort } from 'node:worker_threads';

export type MasterAction =
  /** Fire an event on the master bus. */
  | { type: 'fire'; tag: string; data: Record<string, unknown> }
  /** Publish an event a worker already stamped and packed (tag ‖ "\n\n" ‖ msgpack). */
  | { type: 'firePacked'; body: Uint8Array }
  /** A minion's session key was created or renewed: every worker must learn it. */
  | { type: 'session'; id: string; key: string }
  /** A minion key was accepted (by auth) so the registry must know the id. */
  | { type: 'accepted'; id: string }
  /** Fresh grains/pillar for the minion data cache used by targeting. */
  | { type: 'minionData'; id: string; grains: Record<string, unknown>; pillar: Record<string, unknown> };

/** A clear `publish` from a client whose access key checked out. */
export interface PublishRequest {
  load: Record<string, unknown>;
  /** The effective user name (after sudo_ handling). */
  user: string;
}

/** A worker's answer to one request. Exactly one of `reply` / `publish` is set. */
export interface WorkerResult {
  reply?: Buffer;
  publish?: PublishRequest;
  actions: MasterAction[];
}

/** Main thread → worker. */
export type ToWorker =
  | { type: 'request'; seq: number; body: Buffer }
  | { type: 'aes'; key: string }
  | { type: 'session'; id: string; key: string }
  | { type: 'wrapPublish'; seq: number; load: Record<string, unknown> }
  | { type: 'keysChanged' }
  /** Finish deferred work (job-cache writes) and answer `drained`: the master is stopping. */
  | { type: 'drain'; seq: number };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'result'; seq: number; result: WorkerResult }
  | { type: 'wrapped'; seq: number; frame: Buffer }
  | { type: 'failed'; seq: number; error: string }
  | { type: 'drained'; seq: number }
  | { type: 'ready' }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string };

/** Everything a worker needs to start. Plain data: it crosses the thread boundary. */
export interface WorkerInit {
  opts: Record<string, unknown>;
  masterPrivatePem: string;
  masterPublicPem: string;
  aesKey: string;
  /** Access keys by user name (`root` → contents of `.root_key`). */
  accessKeys: Record<string, string>;
  sessions: Record<string, string>;
  logLevel: string;
  /** This worker's channel to the job-cache writer thread (transferred, one per worker). */
  writerPort: MessagePort;
}
