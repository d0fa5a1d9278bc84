/**
 * Salt's `local_cache` job cache (salt-wire 8.5), on disk exactly where and how Salt keeps it,
 * so the stock `salt` CLI and `salt-run jobs.*` can read a salt-ts master's jobs:
 *
 * ```
 * <cachedir>/jobs/<h[0:2]>/<h[2:]>/     h = hash_type(jid) hex
 *     jid  nocache  .load.p  .minions.p  .minions.<syndic>.p  endtime
 *     <minion id>/return.p  <minion id>/out.p
 * ```
 * `.p` files are msgpack (use_bin_type=True). Every method is async so a master never blocks
 * its event loop on the disk (a worker thread may ask for blocking return writes: see
 * `blockingReturns`); files are replaced atomically.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packBin, unpackBin } from '../protocol/binpack.js';
import { genJid, isJid, jidDir } from '../protocol/jid.js';
import { writeFileAtomic, writeFileAtomicSync } from '../atomic_file.js';
import { InvalidJobInputError, JobCacheReadError, JobCacheWriteError } from './errors.js';
import { validMinionId } from './minion_id.js';

const LOAD_P = '.load.p';
const MINIONS_P = '.minions.p';
const RETURN_P = 'return.p';
const OUT_P = 'out.p';
const ENDTIME = 'endtime';
const JID_FILE = 'jid';
const NOCACHE = 'nocache';
const RETURN_KEYS = ['return', 'retcode', 'success'] as const;
// A job directory without its `jid` file is only scrubbed once it is this old, so a job being
// prepared right now is never removed under its feet.
const UNFINISHED_GRACE_MS = 60_000;
const PREP_TRIES = 5;
// How many recent jobs storeReturn remembers as existing (and whether they are nocache).
const KNOWN_JOBS_MAX = 1000;

/** The few logging calls the cache makes; any object with these methods fits (default: silent). */
export interface JobCacheLogger {
  debug(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const silent: JobCacheLogger = { debug() {}, warn() {}, error() {} };

export interface LocalJobCacheOptions {
  /** The master `cachedir` (`/var/cache/salt/master`); jobs live in `<cachedir>/jobs`. */
  cachedir: string;
  /** `hash_type`; default `sha256`. */
  hashType?: string;
  /** `keep_jobs_seconds`; default 86400. 0 keeps jobs forever. */
  keepJobsSeconds?: number;
  /** `unique_jid`: generated jids get a `_<pid>` suffix. Default false. */
  uniqueJid?: boolean;
  /**
   * fsync each file before renaming it into place (default true). Turning it off trades crash
   * durability for speed under many returns; writes stay atomic either way.
   */
  fsync?: boolean;
  /**
   * Store returns with blocking file calls (default false). For the master's request worker
   * threads, where a return costs five system calls and the async versions cost more CPU in
   * thread-pool hops and promises than the calls themselves. Never on a main event loop.
   */
  blockingReturns?: boolean;
  logger?: JobCacheLogger;
}

/** One minion's stored return, as `get_jid` gives it. */
export interface CachedReturn {
  return: unknown;
  retcode?: unknown;
  success?: unknown;
  out?: unknown;
  [key: string]: unknown;
}

/** Why {@link LocalJobCache.storeReturn} did or did not store a return. */
export type StoreReturnOutcome =
  | { stored: true; jid: string }
  | { stored: false; jid: string | null; reason: 'invalid-load' | 'invalid-id' | 'nocache' | 'duplicate' | 'unknown-jid' };

type Load = Record<string, unknown>;

function isMap(v: unknown): v is Load {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Uint8Array);
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function assertJid(jid: unknown): asserts jid is string {
  if (typeof jid !== 'string' || jid === '') {
    throw new InvalidJobInputError(`A job id must be non-empty text: got ${jid === null ? 'None' : typeof jid}`);
  }
}

/** Salt's `local_cache` job cache. */
export class LocalJobCache {
  /** `<cachedir>/jobs`. */
  readonly jobDir: string;
  readonly hashType: string;
  readonly keepJobsSeconds: number;
  private readonly uniqueJid: boolean;
  private readonly fsync: boolean;
  private readonly blockingReturns: boolean;
  private readonly log: JobCacheLogger;
  private readonly known = new Map<string, boolean>();

  constructor(opts: LocalJobCacheOptions) {
    if (typeof opts?.cachedir !== 'string' || opts.cachedir === '') {
      throw new InvalidJobInputError(`The job cache needs 'cachedir' as a directory path: got ${JSON.stringify(opts?.cachedir)}`);
    }
    this.jobDir = join(opts.cachedir, 'jobs');
    this.hashType = opts.hashType ?? 'sha256';
    this.keepJobsSeconds = opts.keepJobsSeconds ?? 86400;
    this.uniqueJid = opts.uniqueJid ?? false;
    this.fsync = opts.fsync ?? true;
    this.blockingReturns = opts.blockingReturns ?? false;
    this.log = opts.logger ?? silent;
  }

  /** The directory of a job: `<jobDir>/<h[0:2]>/<h[2:]>`, h = hash_type(jid). */
  jidDir(jid: string): string {
    return jidDir(jid, this.jobDir, this.hashType);
  }

  /**
   * Reserves a job id and creates its directory with the `jid` file (and `nocache` marker).
   * A given jid is used as is (its directory may exist already); a generated one is replaced
   * by a fresh one if its directory is taken.
   * @throws InvalidJobInputError for a given jid that is not text; JobCacheWriteError when the
   *   directory cannot be made after 5 tries.
   */
  async prepJid(opts: { jid?: string; nocache?: boolean } = {}): Promise<string> {
    const passed = opts.jid !== undefined && opts.jid !== '' ? opts.jid : undefined;
    if (passed !== undefined) assertJid(passed);
    let lastErr: unknown;
    for (let attempt = 0; attempt < PREP_TRIES; attempt++) {
      const jid = passed ?? genJid({ unique: this.uniqueJid });
      const dir = this.jidDir(jid);
      try {
        await mkdir(join(dir, '..'), { recursive: true });
        try {
          await mkdir(dir);
        } catch (err) {
          if (errno(err) !== 'EEXIST') throw err;
          if (passed === undefined) {
            // Someone else has this jid (same microsecond): take the next one.
            await new Promise((r) => setTimeout(r, 1));
            continue;
          }
        }
        await this.write(join(dir, JID_FILE), jid, 0o644);
        if (opts.nocache) await writeFile(join(dir, NOCACHE), '', { mode: 0o644 });
        this.remember(jid, Boolean(opts.nocache) || (await exists(join(dir, NOCACHE))));
        return jid;
      } catch (err) {
        lastErr = err;
        this.log.warn(`Could not prepare the job cache directory for job ${jid}: ${(err as Error).message}. Retrying.`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    throw new JobCacheWriteError(`prep_jid could not store a jid after ${PREP_TRIES} tries`, { cause: lastErr });
  }

  /**
   * Saves the publish load of a job as `.load.p` (without `key`, the access key the CLI may have
   * sent), and the targeted minions as `.minions.p` when given.
   * @throws InvalidJobInputError for a jid that is not text or a load that is not a map.
   */
  async saveLoad(jid: string, load: Load, minions?: Iterable<string>): Promise<void> {
    assertJid(jid);
    if (!isMap(load)) throw new InvalidJobInputError(`A job load must be a map: got ${Array.isArray(load) ? 'a list' : typeof load}`);
    const { key: _key, ...clean } = load;
    const dir = this.jidDir(jid);
    await mkdir(dir, { recursive: true });
    await this.write(join(dir, LOAD_P), packBin(clean), 0o644);
    if (minions !== undefined) await this.saveMinions(jid, minions);
  }

  /**
   * Saves the list of minions a job targets (`.minions.p`), or the list a syndic forwarded
   * (`.minions.<syndicId>.p`).
   * @throws InvalidJobInputError for a jid that is not text, or a syndic id that is not a valid id.
   */
  async saveMinions(jid: string, minions: Iterable<string>, syndicId?: string): Promise<void> {
    assertJid(jid);
    if (syndicId !== undefined && !validMinionId(syndicId)) {
      throw new InvalidJobInputError(`A syndic id must be a valid minion id: got ${JSON.stringify(syndicId)}`);
    }
    const list = [...minions];
    const dir = this.jidDir(jid);
    await mkdir(dir, { recursive: true });
    const name = syndicId === undefined ? MINIONS_P : `.minions.${syndicId}.p`;
    await this.write(join(dir, name), packBin(list), 0o644);
  }

  /**
   * Stores one minion's return (the `_return` load): `<id>/return.p` with the `return`,
   * `retcode` and `success` present in the load, and `<id>/out.p` when it names an outputter.
   * A second return of the same minion for the same job is discarded. A `req` jid (a job the
   * minion started itself) gets a new jid and its load saved, as Salt's `store_job` does.
   * Never throws on bad network input: the outcome says what happened.
   * @throws JobCacheWriteError only when the disk fails.
   */
  async storeReturn(load: Load): Promise<StoreReturnOutcome> {
    if (!isMap(load) || !('return' in load) || !('jid' in load) || !('id' in load)) {
      return { stored: false, jid: null, reason: 'invalid-load' };
    }
    const id = load.id;
    const givenJid = load.jid;
    if (!validMinionId(id)) {
      this.log.warn(`Discarding a return with an invalid minion id: ${JSON.stringify(String(id)).slice(0, 200)}`);
      return { stored: false, jid: typeof givenJid === 'string' ? givenJid : null, reason: 'invalid-id' };
    }
    if (typeof givenJid !== 'string' || givenJid === '') return { stored: false, jid: null, reason: 'invalid-load' };
    let jid = givenJid;
    if (jid === 'nocache') return { stored: false, jid, reason: 'nocache' };
    if (jid === 'req') {
      jid = await this.prepJid({ nocache: Boolean(load.nocache) });
      const arg = load.arg ?? load.fun_args ?? [];
      await this.saveLoad(jid, { ...load, jid, arg, tgt_type: 'glob', tgt: id });
    }
    const minionDir = join(this.jidDir(jid), id);
    for (let attempt = 0; ; attempt++) {
      const nocache = await this.jobState(jid);
      if (nocache) return { stored: false, jid, reason: 'nocache' };
      try {
        if (this.blockingReturns) mkdirSync(minionDir);
        else await mkdir(minionDir);
        break;
      } catch (err) {
        if (errno(err) === 'EEXIST') {
          this.log.error(`An extra return was detected from minion ${id}, please verify the minion, this could be a replay attack`);
          return { stored: false, jid, reason: 'duplicate' };
        }
        if (errno(err) === 'ENOENT') {
          // The job directory went away since it was last seen (cleaned): look again once.
          if (this.known.delete(jid) && attempt === 0) continue;
          this.log.error(`An inconsistency occurred, a job was received with a job id (${jid}) that is not present in the local cache`);
          return { stored: false, jid, reason: 'unknown-jid' };
        }
        throw new JobCacheWriteError(`Cannot create ${minionDir}: ${(err as Error).message}`, { cause: err });
      }
    }
    const ret: Load = {};
    for (const k of RETURN_KEYS) if (k in load) ret[k] = load[k];
    try {
      if (this.blockingReturns) {
        writeFileAtomicSync(join(minionDir, RETURN_P), packBin(ret), 0o600, this.fsync);
        if ('out' in load) writeFileAtomicSync(join(minionDir, OUT_P), packBin(load.out), 0o600, this.fsync);
      } else {
        await this.write(join(minionDir, RETURN_P), packBin(ret), 0o600);
        if ('out' in load) await this.write(join(minionDir, OUT_P), packBin(load.out), 0o600);
      }
    } catch (err) {
      throw new JobCacheWriteError(`Cannot write the return of ${id} for job ${jid}: ${(err as Error).message}`, { cause: err });
    }
    return { stored: true, jid };
  }

  /**
   * The saved load of a job plus `Minions` (sorted union of `.minions.p` and syndic lists, only
   * when non-empty); `{}` when the job is unknown.
   * @throws JobCacheReadError when `.load.p` is not valid msgpack.
   */
  async getLoad(jid: string): Promise<Load> {
    assertJid(jid);
    const dir = this.jidDir(jid);
    const raw = await readIfExists(join(dir, LOAD_P));
    if (raw === null) return {};
    const value = decode(raw, join(dir, LOAD_P));
    const ret: Load = isMap(value) ? { ...value } : {};
    const all = new Set<string>();
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      names = [];
    }
    for (const name of names) {
      if (name !== MINIONS_P && !(name.startsWith('.minions.') && name.endsWith('.p'))) continue;
      const buf = await readIfExists(join(dir, name));
      if (buf === null) continue;
      try {
        const list = unpackBin(buf);
        if (Array.isArray(list)) for (const m of list) if (typeof m === 'string') all.add(m);
      } catch (err) {
        this.log.warn(`Skipping unreadable minion list ${join(dir, name)}: ${(err as Error).message}`);
      }
    }
    if (all.size) ret.Minions = [...all].sort(pyStrCompare);
    return ret;
  }

  /**
   * The stored returns of a job by minion id (sorted): `{ return, retcode?, success?, out? }`.
   * A `return.p` in Salt's old format (the bare return) is wrapped as `{ return }`.
   * Unreadable entries are logged and skipped. `{}` for an unknown job.
   */
  async getReturns(jid: string): Promise<Record<string, CachedReturn>> {
    assertJid(jid);
    const dir = this.jidDir(jid);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return {};
    }
    const ret: Record<string, CachedReturn> = {};
    for (const name of names.filter((n) => !n.startsWith('.')).sort(pyStrCompare)) {
      const raw = await readIfExists(join(dir, name, RETURN_P));
      if (raw === null) continue;
      try {
        const data = unpackBin(raw);
        const entry: CachedReturn = isMap(data) && 'return' in data ? ({ ...data } as CachedReturn) : { return: data };
        const out = await readIfExists(join(dir, name, OUT_P));
        if (out !== null) entry.out = unpackBin(out);
        ret[name] = entry;
      } catch (err) {
        this.log.warn(`Skipping the unreadable return of ${name} for job ${jid}: ${(err as Error).message}`);
      }
    }
    return ret;
  }

  /**
   * Every job with a saved load, sorted by jid: `{ jid, load }` (the jid is the load's `jid`, or
   * the `jid` file when the load lacks it). Unreadable loads are logged and skipped.
   */
  async listJobs(): Promise<Array<{ jid: string; load: Load }>> {
    const jobs: Array<{ jid: string; load: Load }> = [];
    for (const dir of await this.jobDirs()) {
      const raw = await readIfExists(join(dir, LOAD_P));
      if (raw === null) continue;
      let load: unknown;
      try {
        load = unpackBin(raw);
      } catch (err) {
        this.log.warn(`Failed to deserialize ${join(dir, LOAD_P)}: ${(err as Error).message}`);
        continue;
      }
      if (!isMap(load) || Object.keys(load).length === 0) continue;
      let jid = typeof load.jid === 'string' ? load.jid : null;
      if (jid === null) jid = (await readIfExists(join(dir, JID_FILE)))?.toString('utf8') ?? null;
      if (jid) jobs.push({ jid, load });
    }
    return jobs.sort((a, b) => pyStrCompare(a.jid, b.jid));
  }

  /**
   * Removes jobs older than `keep_jobs_seconds`, as Salt's `clean_old_jobs` does: the age is
   * that of the job's `jid` file (its ctime); a job directory without a `jid` file is scrubbed
   * (after a short grace period, as it may be being prepared), and so are empty hash
   * directories old enough. Does nothing when keep_jobs_seconds is 0.
   * @param now the current time in epoch ms (default Date.now()).
   * @returns the number of job directories removed.
   */
  async cleanOldJobs(now = Date.now()): Promise<number> {
    if (this.keepJobsSeconds === 0) return 0;
    const keepMs = this.keepJobsSeconds * 1000;
    let removed = 0;
    let tops: string[];
    try {
      tops = await readdir(this.jobDir);
    } catch {
      return 0;
    }
    for (const top of tops) {
      const tPath = join(this.jobDir, top);
      let finals: string[];
      try {
        finals = await readdir(tPath);
      } catch {
        continue;
      }
      if (finals.length === 0) {
        const st = await stat(tPath).catch(() => null);
        if (st && now - st.ctimeMs > keepMs) await rm(tPath, { recursive: true, force: true });
        continue;
      }
      for (const final of finals) {
        const fPath = join(tPath, final);
        const jidStat = await stat(join(fPath, JID_FILE)).catch(() => null);
        let old: boolean;
        if (jidStat?.isFile()) old = now - jidStat.ctimeMs > keepMs;
        else {
          const st = await stat(fPath).catch(() => null);
          old = st !== null && now - st.mtimeMs > UNFINISHED_GRACE_MS;
        }
        if (!old) continue;
        try {
          this.known.clear();
          await rm(fPath, { recursive: true, force: true });
          removed++;
        } catch (err) {
          this.log.error(`Unable to remove ${fPath}: ${(err as Error).message}`);
        }
      }
    }
    return removed;
  }

  /** True when the job's directory exists. */
  async jidExists(jid: string): Promise<boolean> {
    assertJid(jid);
    return exists(this.jidDir(jid));
  }

  /** Stores the end time of a job (`endtime`, plain text), for `job_cache_store_endtime`. */
  async updateEndtime(jid: string, endtime: string): Promise<void> {
    assertJid(jid);
    const dir = this.jidDir(jid);
    await mkdir(dir, { recursive: true });
    await this.write(join(dir, ENDTIME), endtime, 0o644);
  }

  /** The stored end time of a job, or null. */
  async getEndtime(jid: string): Promise<string | null> {
    assertJid(jid);
    return (await readIfExists(join(this.jidDir(jid), ENDTIME)))?.toString('utf8') ?? null;
  }

  private write(path: string, data: Buffer | string, mode: number): Promise<void> {
    return writeFileAtomic(path, data, mode, this.fsync);
  }

  /**
   * Whether a job is `nocache`, making sure the directory of a real jid exists first (Salt
   * prepares the jid of every incoming return). Remembered per jid, so a burst of returns for
   * one job costs one look at the disk.
   */
  private async jobState(jid: string): Promise<boolean> {
    const known = this.known.get(jid);
    if (known !== undefined) return known;
    const dir = this.jidDir(jid);
    if (isJid(jid) && !(await exists(join(dir, JID_FILE)))) await this.prepJid({ jid });
    const nocache = await exists(join(dir, NOCACHE));
    if (await exists(dir)) this.remember(jid, nocache);
    return nocache;
  }

  private remember(jid: string, nocache: boolean): void {
    this.known.set(jid, nocache);
    if (this.known.size > KNOWN_JOBS_MAX) this.known.delete(this.known.keys().next().value as string);
  }

  private async jobDirs(): Promise<string[]> {
    const out: string[] = [];
    let tops: string[];
    try {
      tops = await readdir(this.jobDir);
    } catch {
      return out;
    }
    for (const top of tops) {
      const names = await readdir(join(this.jobDir, top)).catch(() => [] as string[]);
      for (const n of names) out.push(join(this.jobDir, top, n));
    }
    return out;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR' || errno(err) === 'EISDIR') return null;
    throw new JobCacheReadError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

function decode(buf: Buffer, path: string): unknown {
  try {
    return unpackBin(buf);
  } catch (err) {
    throw new JobCacheReadError(`Failed to unpack ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Python's default str ordering (by code point), which differs from UTF-16 `<` only for astral characters. */
function pyStrCompare(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}
