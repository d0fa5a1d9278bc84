/**
 * The master's mine store: one msgpack file per minion, `cachedir/minions/<id>/mine.p` (Salt's
 * `localfs` cache, bank `minions/<id>`, key `mine`), beside the minion's `data.p`.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validMinionId } from '../jobs/minion_id.js';
import { packBin, unpackBin } from '../protocol/binpack.js';

/** A minion id that cannot name a cache directory (empty, with `/`, `\` or NUL...). */
export class InvalidMinionIdError extends Error {
  readonly code = 'EINVALIDMINIONID';
  constructor(id: unknown) {
    super(`Invalid minion id: ${JSON.stringify(id)}`);
    this.name = 'InvalidMinionIdError';
  }
}

/** The `minions/<id>/<key>.p` files of the master cache. */
export class MinionCacheBank {
  readonly dir: string;

  constructor(cachedir: string) {
    this.dir = join(cachedir, 'minions');
  }

  private path(id: string, key: string): string {
    if (!validMinionId(id)) throw new InvalidMinionIdError(id);
    return join(this.dir, id, `${key}.p`);
  }

  /** The stored value, or `{}` when there is none (Salt's localfs answer); undefined if unreadable. */
  async fetch(id: string, key: string): Promise<unknown> {
    try {
      return unpackBin(await readFile(this.path(id, key)));
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
    }
  }

  /** Like {@link fetch}, synchronously (for target matching over the data cache). */
  fetchSync(id: string, key: string): unknown {
    try {
      return unpackBin(readFileSync(this.path(id, key)));
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
    }
  }

  /** Replaces the value atomically (temp file + rename). @throws InvalidMinionIdError */
  async store(id: string, key: string, value: unknown): Promise<void> {
    const target = this.path(id, key);
    await mkdir(join(this.dir, id), { recursive: true });
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, packBin(value));
    await rename(tmp, target);
  }

  /** Removes the value; false when there was none. @throws InvalidMinionIdError */
  async flush(id: string, key: string): Promise<boolean> {
    const target = this.path(id, key);
    try {
      await rm(target);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
