/**
 * RSA key pairs for swarm minions, generated once and cached on disk so that later runs start in
 * seconds: `<dir>/<bits>/key-<n>.pem` (PKCS#1 private) and `key-<n>.pub` (SPKI public).
 * The default dir is `$SALT_TS_SWARM_KEYS` or `~/.cache/salt-ts-swarm-keys`. A 2048-bit key takes
 * about 0.3 s of one core here, so 10,000 keys take ~25 minutes on two cores the first time.
 *
 *   node dist/bench/swarm/keys.js --count 10000     # pre-generate (idempotent, resumable)
 */
import { generateKeyPair as generateKeyPairCb } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const generateKeyPair = promisify(generateKeyPairCb);

export interface SwarmKey {
  privatePem: string;
  publicPem: string;
}

/** The default key cache directory. */
export function defaultKeyDir(): string {
  return process.env.SALT_TS_SWARM_KEYS ?? join(homedir(), '.cache', 'salt-ts-swarm-keys');
}

export interface KeyCacheOptions {
  /** Cache directory; default {@link defaultKeyDir}. `null`: generate in memory, cache nothing. */
  dir?: string | null;
  /** Key size in bits; default 2048 (Salt's `keysize`). */
  bits?: number;
  /** Keys generated at once; default the number of cores. */
  concurrency?: number;
  /** Called after each key generated (not for cached ones). */
  onGenerated?: (done: number, missing: number) => void;
}

async function generate(bits: number): Promise<SwarmKey> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', {
    modulusLength: bits,
    publicExponent: 65537,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Returns `count` key pairs: the cached ones are read, the missing ones generated (on the libuv
 * thread pool, `concurrency` at a time) and stored. Key n is always the same key, so minion n
 * keeps its identity across runs.
 */
export async function ensureSwarmKeys(count: number, opts: KeyCacheOptions = {}): Promise<SwarmKey[]> {
  const bits = opts.bits ?? 2048;
  const dir = opts.dir === undefined ? defaultKeyDir() : opts.dir;
  const sub = dir === null ? null : join(dir, String(bits));
  if (sub) await mkdir(sub, { recursive: true, mode: 0o700 });
  const keys: SwarmKey[] = new Array(count);
  const missing: number[] = [];
  for (let i = 0; i < count; i++) {
    if (sub && existsSync(join(sub, `key-${i}.pem`)) && existsSync(join(sub, `key-${i}.pub`))) {
      keys[i] = { privatePem: await readFile(join(sub, `key-${i}.pem`), 'utf8'), publicPem: await readFile(join(sub, `key-${i}.pub`), 'utf8') };
    } else {
      missing.push(i);
    }
  }
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < missing.length) {
      const i = missing[next++]!;
      const key = await generate(bits);
      if (sub) {
        await writeAtomic(join(sub, `key-${i}.pub`), key.publicPem);
        await writeAtomic(join(sub, `key-${i}.pem`), key.privatePem);
      }
      keys[i] = key;
      opts.onGenerated?.(++done, missing.length);
    }
  };
  const concurrency = Math.max(1, opts.concurrency ?? availableParallelism());
  await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, worker));
  return keys;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--count');
  const count = i >= 0 ? Number(process.argv[i + 1]) : 1000;
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count expects a positive integer, got ${process.argv[i + 1]}`);
  const started = Date.now();
  await ensureSwarmKeys(count, {
    onGenerated: (d, m) => {
      if (d % 100 === 0 || d === m) process.stderr.write(`generated ${d}/${m} keys (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    },
  });
  process.stdout.write(`${count} keys ready in ${defaultKeyDir()}\n`);
}
