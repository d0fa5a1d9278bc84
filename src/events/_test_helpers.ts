/** Shared helpers for the event bus tests: a temp sock_dir and raw socket utilities. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusEndpoint } from './addresses.js';

/** Creates a temp dir and returns it with a cleanup function. */
export function tempSockDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'evt-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a raw connection to an endpoint. */
export function rawConnect(ep: BusEndpoint): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = 'path' in ep ? createConnection({ path: ep.path }) : createConnection({ host: ep.host, port: ep.port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves when the predicate holds, polling every 5 ms; rejects after `ms`. */
export async function until(pred: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
