/**
 * `salt-cp [options] TARGET SOURCE [SOURCE...] DEST`: copies local files to minions (Salt 3006's
 * salt/cli/cp.py).
 *
 * - Default ("old style"): every source file is read here and sent in one publish of
 *   `cp.recv({path: contents}, dest)`; directories are refused.
 * - `-C/--chunked`: files (directories recursively, empty ones created) are sent as base64 chunks
 *   of `salt_cp_chunk_size` bytes, gzip-compressed unless `-n`, one `cp.recv_chunked` publish per
 *   chunk, the first one setting the file mode.
 *
 * The result is printed as `{minion: {remote_path: True | error}}` with the outputter (nested
 * unless `--out`); minions that did not answer show False. The exit code is 0, as in Salt.
 *
 * Differences from Salt: a binary (non UTF-8) file in old-style mode is sent as bytes (Salt
 * fails to read it as text); directory entries are walked in name order (Salt: `os.listdir`'s).
 */
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseSaltCpArgv, type SaltCpCliOk } from '../client/salt_cp_options.js';
import { LocalClient } from '../client/local_client.js';
import { copyOptions, loadMasterConfig } from '../config/index.js';
import { mergeCliOptions } from './salt.js';

type Opts = Record<string, unknown>;

interface Io {
  out(s: string): void;
  err(s: string): void;
}

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** salt-cp stops here with this exit code (after printing its message). */
export class SaltCpExit extends Error {
  override name = 'SaltCpExit';
  readonly code = 'ESALTCP';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The publish-and-collect salt-cp needs (Salt's `LocalClient.cmd`). */
export interface CpClient {
  /** `{minion: return}` for a publish; minions that did not return are False; `{}` when nothing was published. */
  cmd(tgt: string | string[], fun: string, arg: unknown[], timeout: number, tgtType: string | null): Promise<Record<string, unknown>>;
}

/** {@link CpClient} over a {@link LocalClient}; prints Salt's notice when no minion matched. */
export function localCpClient(client: LocalClient, opts: Opts, io: Io): CpClient {
  return {
    async cmd(tgt, fun, arg, timeout, tgtType) {
      await client.listen(timeout * 1000);
      const pub = await client.pub({ tgt, fun, arg, tgtType: tgtType ?? 'glob', timeout });
      if (!pub.jid || pub.minions.length === 0) {
        io.out('No minions matched the target. No command was sent, no jid was assigned.\n');
        return {};
      }
      const ret: Record<string, unknown> = {};
      const iter = client.iterReturns(pub.jid, pub.minions, { timeout, gatherJobTimeout: Number(opts.gather_job_timeout ?? 10), expectMinions: false });
      for await (const part of iter) for (const [id, r] of Object.entries(part)) ret[id] = r.failed ? {} : r.ret;
      for (const m of pub.minions) if (!(m in ret)) ret[m] = false;
      return ret;
    },
  };
}

/** A file's permission bits as Salt sends them (the last four octal digits of st_mode). */
function fileMode(path: string): number | null {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/** Salt's `_recurse`: the files under `path` with their modes, and its empty directories. */
export function listFiles(sources: readonly string[]): { files: Map<string, number | null>; emptyDirs: string[] } {
  const files = new Map<string, number | null>();
  const emptyDirs = new Set<string>();
  const walk = (path: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new SaltCpExit(42, `${path} does not exist\n`);
      if (code === 'ENOTDIR' || code === 'EINVAL') {
        files.set(path, fileMode(path));
        return;
      }
      throw err;
    }
    if (entries.length === 0) emptyDirs.add(path);
    for (const e of entries) walk(join(path, e));
  };
  for (const src of sources) walk(src);
  return { files, emptyDirs: [...emptyDirs].sort() };
}

/** File text as Python's text mode reads it (universal newlines); bytes when it is not UTF-8. */
function readForPublish(path: string): string | Buffer {
  const raw = readFileSync(path);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw).replace(/\r\n?/g, '\n');
  } catch {
    return raw;
  }
}

/** Old-style salt-cp: one `cp.recv` publish carrying every file. */
export async function runOldstyle(client: CpClient, p: Pick<SaltCpCliOk, 'tgt' | 'tgtType' | 'src' | 'dest'>, timeout: number): Promise<Record<string, unknown>> {
  const files: Record<string, string | Buffer> = {};
  for (const fn of p.src) {
    let st;
    try {
      st = statSync(fn);
    } catch {
      continue; // Salt skips a source that is neither a file nor a directory
    }
    if (st.isFile()) files[fn] = readForPublish(fn);
    else if (st.isDirectory()) throw new SaltCpExit(1, `${fn} is a directory, only files are supported in non-chunked mode. Use "--chunked" command line argument.\n`);
  }
  return client.cmd(p.tgt, 'cp.recv', [files, p.dest], timeout, p.tgtType);
}

/** The chunks salt-cp sends for a file: gzip-compressed chunks (always at least one), or raw ones (none for an empty file). */
export function* fileChunks(path: string, chunkSize: number, gzip: boolean): Generator<Buffer> {
  const data = readFileSync(path);
  if (gzip) {
    // Salt compresses while each read fills a whole chunk, so a size that is a multiple of the
    // chunk size ends with one empty chunk.
    let offset = 0;
    for (;;) {
      const part = data.subarray(offset, offset + chunkSize);
      offset += part.length;
      yield gzipSync(part, { level: 9 });
      if (part.length !== chunkSize) return;
    }
  }
  for (let offset = 0; offset < data.length; offset += chunkSize) yield data.subarray(offset, offset + chunkSize);
}

/** A string the minion would read as a `key=value` keyword argument (Salt's KWARG_REGEX). */
const LOOKS_LIKE_KWARG = /^[\p{L}_][\p{L}\p{N}_.-]*=(?!=)/u;

/**
 * The `cp.recv_chunked` arguments: positional like Salt, except a chunk whose base64 text looks
 * like `name=` (e.g. the empty gzip member `H4sIAAAAAAACAwMAAAAAAAAAAAA=`) goes as a keyword
 * argument: the wire carries it as text, and the minion would otherwise take it for `name=""`
 * and refuse the call (a latent Salt bug, hit when Python's gzip header happens to have no `+`/`/`).
 */
export function recvChunkedArgs(remote: string, chunk: Buffer, append: boolean, gzip: boolean, mode: number | null): unknown[] {
  if (LOOKS_LIKE_KWARG.test(chunk.toString('latin1'))) return [remote, { __kwarg__: true, chunk, append, compressed: gzip, mode }];
  return [remote, chunk, append, gzip, mode];
}

/**
 * Chunked salt-cp: one `cp.recv_chunked` publish per chunk of every file, then one per empty
 * directory. `minions` are the targeted minions (for the "Publish failed" message).
 */
export async function runChunked(
  client: CpClient,
  p: Pick<SaltCpCliOk, 'tgt' | 'tgtType' | 'src' | 'dest'>,
  settings: { timeout: number; gzip: boolean; chunkSize: number; minions: () => Promise<string[]> },
): Promise<Record<string, Record<string, unknown>>> {
  const { files, emptyDirs } = listFiles(p.src);
  const dest = p.dest;
  const destIsDir = emptyDirs.length > 0 || files.size > 1 || /[\\/]$/.test(dest);
  const pyJoin = (...parts: string[]): string => parts.reduce((a, b) => (b.startsWith('/') ? b : a === '' || a.endsWith('/') ? a + b : `${a}/${b}`));
  const remotePath = (fn: string): string | null => {
    if (p.src.includes(fn)) return destIsDir ? pyJoin(dest, basename(fn)) : dest;
    for (const path of p.src) {
      const rel = relative(path + sep, fn);
      if (rel.startsWith(`..${sep}`) || rel === '..') continue;
      return pyJoin(dest, basename(path), rel);
    }
    return null;
  };
  const ret: Record<string, Record<string, unknown>> = {};
  const slot = (id: string): Record<string, unknown> => (ret[id] ??= {});
  for (const [fn, mode] of files) {
    const remote = remotePath(fn)!;
    const failed = new Map<string, unknown>();
    let index = 1;
    for (const chunk of fileChunks(fn, settings.chunkSize, settings.gzip)) {
      const b64 = Buffer.from(chunk.toString('base64'), 'latin1');
      const result = await client.cmd(p.tgt, 'cp.recv_chunked', recvChunkedArgs(remote, b64, index > 1, settings.gzip, mode), settings.timeout, p.tgtType);
      if (Object.keys(result).length === 0) {
        const msg = `Publish failed.${index > 1 ? ' File partially transferred.' : ''} It may be necessary to decrease salt_cp_chunk_size (current value: ${settings.chunkSize})`;
        for (const m of await settings.minions()) slot(m)[remote] = msg;
        break;
      }
      for (const [id, r] of Object.entries(result)) {
        slot(id)[remote] = r;
        if (r !== true && !failed.has(id)) failed.set(id, r);
      }
      index++;
    }
    for (const [id, msg] of failed) slot(id)[remote] = msg;
  }
  for (const dir of emptyDirs) {
    const remote = remotePath(dir)!;
    for (const [id, r] of Object.entries(await client.cmd(p.tgt, 'cp.recv_chunked', [remote, null], settings.timeout, p.tgtType))) slot(id)[remote] = r;
  }
  return ret;
}

function display(io: Io, data: unknown, out: string, opts: Opts, format: typeof import('../output/index.js').formatOutput): void {
  const color = opts.force_color ? true : opts.no_color ? false : opts.color !== undefined ? Boolean(opts.color) : process.stdout.isTTY === true;
  const text = format(data, out === 'text' ? 'txt' : out, copyOptions(opts, { color }) as never, {});
  if (!text) return;
  if (typeof opts.output_file === 'string' && opts.output_file) appendFileSync(opts.output_file, text + '\n');
  else io.out(text + '\n');
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const parsed = parseSaltCpArgv(argv);
  if (!parsed.ok) {
    if (parsed.stdout) io.out(parsed.stdout);
    if (parsed.stderr) io.err(parsed.stderr);
    return parsed.exitCode;
  }
  if (parsed.options.versions_report) {
    const { versionsReport } = await import('../version.js');
    io.out(versionsReport().join('\n') + '\n');
    return 0;
  }
  let opts: Opts;
  try {
    opts = loadMasterConfig({ configDir: parsed.options.config_dir }) as unknown as Opts;
  } catch (err) {
    io.err(`${(err as Error).message}\n`);
    return 2;
  }
  mergeCliOptions(opts, parsed.options as unknown as Record<string, unknown>, parsed.explicit);
  if (opts.output_file && !opts.output_file_append) appendFileSync(String(opts.output_file), '', { flag: 'w' });
  let timeout = Number(opts.timeout);
  if (!(timeout > 0)) timeout = 5;
  const local = new LocalClient(opts);
  const client = localCpClient(local, opts, io);
  try {
    let ret: unknown;
    if (parsed.options.chunked) {
      ret = await runChunked(client, parsed, {
        timeout,
        gzip: parsed.options.gzip,
        chunkSize: Number(opts.salt_cp_chunk_size ?? 98304),
        // Only needed when a publish failed: the master's own target resolution.
        minions: async () => (await import('../runners/_common.js')).targetMinions(opts, parsed.tgt, parsed.tgtType ?? 'glob'),
      });
    } else {
      ret = await runOldstyle(client, parsed, timeout);
    }
    const { formatOutput } = await import('../output/index.js');
    display(io, ret, String(opts.output || 'nested'), opts, formatOutput);
    return 0;
  } catch (err) {
    if (err instanceof SaltCpExit) {
      if (err.exitCode === 42) io.err(err.message);
      else io.out(err.message);
      return err.exitCode;
    }
    const e = err as Error;
    if (['AuthenticationError', 'AuthorizationError', 'SaltReqTimeoutError', 'PublishError', 'EventBusConnectError'].includes(e.name)) {
      io.err(`${e.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await local.close();
  }
}

