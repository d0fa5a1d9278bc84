/**
 * A lock shared by test files that use the same system resource (dpkg/apt), so that the test
 * runner's parallel files do not fight over it. A directory is created atomically; a lock left by
 * a dead process is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './processes.js';

/** Waits (up to `timeoutMs`) for the named lock and returns its release function. */
export async function acquireSystemLock(name: string, timeoutMs = 600_000): Promise<() => void> {
  const dir = join(tmpdir(), `salt-ts-test-lock-${name}`);
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      if (Number.isFinite(owner) && !processAlive(owner)) rmSync(dir, { recursive: true, force: true });
      if (Date.now() > end) throw new Error(`timed out waiting for the ${name} test lock (${dir})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
