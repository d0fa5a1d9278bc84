/**
 * Job ids (salt.utils.jid): `%Y%m%d%H%M%S%f` of the UTC time (20 digits), optionally with a
 * `_<pid>` suffix (`unique_jid`), plus the helpers the master, CLI and runners use.
 */
import { createHash } from 'node:crypto';

const MONTH_ABBR = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Microseconds since the Unix epoch, from the wall clock (sub-millisecond via performance.now). */
export function nowMicros(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

function toMicros(now: Date | bigint): bigint {
  return typeof now === 'bigint' ? now : BigInt(now.getTime()) * 1000n;
}

/** `%Y%m%d%H%M%S%f` of an instant given in microseconds since the epoch (UTC). */
export function formatJidTime(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const d = new Date(Number(ms));
  const micro = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
    p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds()) + p(micro, 6)
  );
}

/** Options of {@link genJid}. */
export interface GenJidOptions {
  /** Salt's `unique_jid`: append `_<pid>` and never repeat or go back in time. Default false. */
  unique?: boolean;
  /** Process id for the unique suffix. Default `process.pid`. */
  pid?: number;
  /** The clock reading: a Date, or microseconds since the epoch as a bigint. Default: now. */
  now?: Date | bigint;
}

/**
 * A jid source with its own "last jid" memory (Salt keeps one per process).
 * Without `unique` the jid is just the formatted time, so equal readings give equal jids.
 * With `unique`, a reading at or before the previous unique jid's time becomes that time + 1 µs.
 */
export class JidGenerator {
  private last: bigint | undefined;

  next(opts: GenJidOptions = {}): string {
    let t = toMicros(opts.now ?? nowMicros());
    if (!opts.unique) return formatJidTime(t);
    if (this.last !== undefined && this.last >= t) t = this.last + 1n;
    this.last = t;
    return `${formatJidTime(t)}_${opts.pid ?? process.pid}`;
  }
}

const processJids = new JidGenerator();

/** Generates a jid (see {@link JidGenerator}); the unique rule uses this process's shared state. */
export function genJid(opts: GenJidOptions = {}): string {
  return processJids.next(opts);
}

// Python's int() on text: optional surrounding whitespace and sign, digits with single `_` separators.
const PY_INT = /^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u;

/**
 * Python's int() on text. Non-ASCII decimal digits pass the syntax check (as in Python) but
 * their value is not needed anywhere here, so they are reported as unsupported.
 */
function pyInt(text: string): number {
  if (!PY_INT.test(text)) throw new RangeError(`invalid literal for int() with base 10: ${JSON.stringify(text)}`);
  const digits = text.trim().replace(/_/g, '');
  if (!/^[+-]?[0-9]+$/.test(digits)) throw new RangeError(`non-ASCII digits are not supported: ${JSON.stringify(text)}`);
  return Number(digits);
}

/** True when Python's int() would accept the text. */
function pyIntAccepts(text: string): boolean {
  return PY_INT.test(text);
}

function lengthOk(chars: string[]): boolean {
  return chars.length === 20 || (chars.length > 21 && chars[20] === '_');
}

/**
 * Salt's `is_jid`: text of 20 characters, or longer than 21 with `_` at index 20, whose first
 * 20 characters Python's int() accepts (so a leading space, `+` or `_` separators pass).
 */
export function isJid(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const chars = Array.from(v);
  if (!lengthOk(chars)) return false;
  return pyIntAccepts(chars.slice(0, 20).join(''));
}

/**
 * Salt's `jid_to_time`: `"YYYY, Mon DD HH:MM:SS.ffffff"`, or `""` when the length is wrong.
 * Only the month is interpreted (month 00 gives an empty name); other fields are sliced as is.
 * @throws RangeError when the month is not an integer or out of range (Python's ValueError/IndexError).
 */
export function jidToTime(jid: string | number | bigint): string {
  const chars = Array.from(String(jid));
  if (!lengthOk(chars)) return '';
  const part = (a: number, b: number) => chars.slice(a, b).join('');
  const month = pyInt(part(4, 6));
  const index = month < 0 ? MONTH_ABBR.length + month : month;
  if (index < 0 || index >= MONTH_ABBR.length) throw new RangeError(`jid month out of range: ${part(4, 6)}`);
  return `${part(0, 4)}, ${MONTH_ABBR[index]} ${part(6, 8)} ${part(8, 10)}:${part(10, 12)}:${part(12, 14)}.${part(14, 20)}`;
}

/**
 * Salt's `jid_dir`: `<jobDir>/<hex[:2]>/<hex[2:]>` of `hashType(str(jid))`, the local job cache
 * layout; without a jobDir just `<hex[:2]>/<hex[2:]>`. Joined like Python's os.path.join.
 */
export function jidDir(jid: string | number | bigint, jobDir?: string | null, hashType = 'sha256'): string {
  const hex = createHash(hashType).update(String(jid), 'utf8').digest('hex');
  const parts = [...(jobDir === undefined || jobDir === null ? [] : [jobDir]), hex.slice(0, 2), hex.slice(2)];
  return parts.reduce((acc, p) => (acc === '' || acc.endsWith('/') ? acc + p : `${acc}/${p}`));
}

type JobLoad = Record<string, unknown>;

function listOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof Map) return [...v.keys()];
  if (v !== null && typeof v === 'object') return Object.keys(v);
  return [];
}

/**
 * Salt's `format_job_instance`: the `salt-run jobs.*` listing of one job load
 * (`Function`, `Arguments`, `Target`, `Target-type`, `User`, [`Metadata`]).
 */
export function formatJobInstance(job: JobLoad): Record<string, unknown> {
  const get = (k: string, d: unknown) => (Object.hasOwn(job, k) ? job[k] : d);
  const ret: Record<string, unknown> = {
    Function: get('fun', 'unknown-function'),
    Arguments: listOf(get('arg', [])),
    Target: get('tgt', 'unknown-target'),
    'Target-type': get('tgt_type', 'list'),
    User: get('user', 'root'),
  };
  if (Object.hasOwn(job, 'metadata')) {
    ret.Metadata = job.metadata;
  } else {
    const kwargs = job.kwargs;
    if (kwargs !== null && typeof kwargs === 'object' && Object.hasOwn(kwargs, 'metadata')) {
      ret.Metadata = (kwargs as JobLoad).metadata;
    }
  }
  return ret;
}

/** Salt's `format_jid_instance`: {@link formatJobInstance} plus `StartTime`. */
export function formatJidInstance(jid: string, job: JobLoad): Record<string, unknown> {
  return { ...formatJobInstance(job), StartTime: jidToTime(jid) };
}

/** Salt's `format_jid_instance_ext`: {@link formatJobInstance} plus `JID` and `StartTime`. */
export function formatJidInstanceExt(jid: string, job: JobLoad): Record<string, unknown> {
  return { ...formatJobInstance(job), JID: jid, StartTime: jidToTime(jid) };
}
