/**
 * Where an event bus listens (salt-wire 3.5, 9.2): Unix sockets in `sock_dir`, or loopback TCP
 * ports with `ipc_mode: tcp`.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EventBusListenError } from './errors.js';

export type BusRole = 'master' | 'minion';
export type IpcMode = 'ipc' | 'tcp';

/** A Unix socket path or a loopback TCP port. */
export type BusEndpoint = { path: string } | { host: string; port: number };

export interface BusLocation {
  /** Master `sock_dir` (`/var/run/salt/master`) or minion `sock_dir`. */
  sockDir: string;
  /** Default `master`. */
  role?: BusRole;
  /** The minion id; required for a minion bus. */
  id?: string;
  /** `hash_type` used for the minion socket names; default `sha256`. */
  hashType?: string;
  /** Default `ipc` (Unix sockets). */
  ipcMode?: IpcMode;
  /** TCP publish port: `tcp_master_pub_port` 4512 / minion `tcp_pub_port` 4510. */
  tcpPubPort?: number;
  /** TCP pull port: `tcp_master_pull_port` 4513 / minion `tcp_pull_port` 4511. */
  tcpPullPort?: number;
}

/** Largest Unix socket path Linux accepts (sun_path is 108 bytes with the final NUL). */
const MAX_UNIX_PATH = 107;

/**
 * The pub (subscribers) and pull (publishers) endpoints of a bus.
 * @throws EventBusListenError when a minion bus has no id, or a socket path is too long.
 */
export function busEndpoints(loc: BusLocation): { pub: BusEndpoint; pull: BusEndpoint } {
  const role = loc.role ?? 'master';
  if (loc.ipcMode === 'tcp') {
    const host = '127.0.0.1';
    return role === 'master'
      ? { pub: { host, port: loc.tcpPubPort ?? 4512 }, pull: { host, port: loc.tcpPullPort ?? 4513 } }
      : { pub: { host, port: loc.tcpPubPort ?? 4510 }, pull: { host, port: loc.tcpPullPort ?? 4511 } };
  }
  let pub: string;
  let pull: string;
  if (role === 'master') {
    pub = join(loc.sockDir, 'master_event_pub.ipc');
    pull = join(loc.sockDir, 'master_event_pull.ipc');
  } else {
    if (typeof loc.id !== 'string' || loc.id === '') {
      throw new EventBusListenError('A minion event bus needs the minion id (its socket names derive from it): got none');
    }
    const h = minionBusHash(loc.id, loc.hashType);
    pub = join(loc.sockDir, `minion_event_${h}_pub.ipc`);
    pull = join(loc.sockDir, `minion_event_${h}_pull.ipc`);
  }
  for (const p of [pub, pull]) {
    if (Buffer.byteLength(p) > MAX_UNIX_PATH) {
      throw new EventBusListenError(
        `The event socket path must be at most ${MAX_UNIX_PATH} bytes (choose a shorter 'sock_dir'): got ${Buffer.byteLength(p)} bytes in ${p}`,
      );
    }
  }
  return { pub: { path: pub }, pull: { path: pull } };
}

/** First 10 hex characters of `hash_type(id)`, as in the minion bus socket names. */
export function minionBusHash(id: string, hashType = 'sha256'): string {
  return createHash(hashType).update(id, 'utf8').digest('hex').slice(0, 10);
}

/** A readable form of an endpoint for messages. */
export function describeEndpoint(ep: BusEndpoint): string {
  return 'path' in ep ? ep.path : `${ep.host}:${ep.port}`;
}
