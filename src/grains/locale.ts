/**
 * The `locale_info` grain: the default language and encoding (what Python's
 * `locale.getlocale()` reports for the process environment), the detected encoding and the
 * local time zone's abbreviation (`UTC`, `CET`, `EST` ...).
 */
import { readFile, readlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/** Python 3.11 maps the C/POSIX locale (which it coerces to C.UTF-8) to `en_US`/`UTF-8`. */
const C_LOCALES = new Set(['', 'C', 'POSIX', 'C.UTF-8', 'C.utf8', 'C.utf-8']);

/** Python's encoding spellings in normalized locale names. */
function normalizeEncoding(enc: string): string {
  const key = enc.toLowerCase().replace(/[-_]/g, '');
  if (key === 'utf8') return 'UTF-8';
  const iso = /^iso8859(\d+)$/.exec(key);
  if (iso) return `ISO8859-${iso[1]}`;
  if (key === 'eucjp') return 'eucJP';
  if (key === 'euckr') return 'eucKR';
  return enc;
}

/**
 * `[defaultlanguage, defaultencoding]` for an environment, like Python 3.11's
 * `locale.getlocale()` after start-up: LC_ALL, then LC_CTYPE, then LANG decide. A name without
 * an encoding gives `null` for it.
 */
export function defaultLocale(env: NodeJS.ProcessEnv = process.env): [string | null, string | null] {
  const name = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  if (C_LOCALES.has(name)) return ['en_US', 'UTF-8'];
  const withoutModifier = name.split('@')[0]!;
  const [language, encoding] = withoutModifier.split('.', 2) as [string, string | undefined];
  return [language || null, encoding ? normalizeEncoding(encoding) : null];
}

/** The std and dst abbreviations of a POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`). */
export function posixTzNames(tz: string): { std: string; dst: string | null; stdOffsetMinutes: number | null } | null {
  const m = /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{2}){0,2})?(<[^>]+>|[A-Za-z]{3,})?/.exec(tz);
  if (!m) return null;
  const strip = (s: string): string => s.replace(/^<|>$/g, '');
  let stdOffsetMinutes: number | null = null;
  if (m[2]) {
    const [h, min = '0'] = m[2].replace(/^[+-]/, '').split(':');
    const sign = m[2].startsWith('-') ? 1 : -1; // POSIX offsets count west of Greenwich
    stdOffsetMinutes = sign * (Number(h) * 60 + Number(min)) || 0;
  }
  return { std: strip(m[1]!), dst: m[3] ? strip(m[3]) : null, stdOffsetMinutes };
}

/** The POSIX TZ footer of a TZif (version 2+) file, or null. */
export function tzifFooter(data: Buffer): string | null {
  if (data.subarray(0, 4).toString('latin1') !== 'TZif' || data[4] === 0) return null;
  const text = data.toString('latin1');
  const end = text.lastIndexOf('\n');
  if (end <= 0) return null;
  const start = text.lastIndexOf('\n', end - 1);
  if (start < 0) return null;
  return text.slice(start + 1, end);
}

/** The UTC offset (minutes east) of `zone` (an IANA name; undefined = the process's zone) at `now`. */
function utcOffsetMinutes(zone: string | undefined, now: Date): number {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /^GMT(?:([+-])(\d{1,2}):?(\d{2})?)?$/.exec(part ?? '');
    if (m) return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  } catch {
    /* an unknown zone name: fall back to the process's offset */
  }
  return -now.getTimezoneOffset();
}

/**
 * The abbreviation of the local time zone at `now`, as `datetime.now(tzlocal()).tzname()` gives
 * it: from $TZ (a POSIX string or a zone name), else `/etc/localtime`. `UTC` when no zone is set.
 */
export async function localTimezoneName(env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<string> {
  let posix: string | null;
  let zone: string | undefined;
  const tz = env.TZ?.replace(/^:/, '');
  if (tz) {
    const path = isAbsolute(tz) ? tz : join('/usr/share/zoneinfo', tz);
    const data = await readFile(path).catch(() => null);
    posix = data ? tzifFooter(data) : tz;
    if (data && !isAbsolute(tz)) zone = tz;
  } else {
    const data = await readFile('/etc/localtime').catch(() => null);
    if (!data) return 'UTC';
    posix = tzifFooter(data);
    const target = await readlink('/etc/localtime').catch(() => '');
    const m = /zoneinfo\/(.+)$/.exec(target);
    zone = m?.[1];
  }
  const names = posix ? posixTzNames(posix) : null;
  if (!names) return 'UTC';
  if (!names.dst || names.stdOffsetMinutes === null) return names.std;
  return utcOffsetMinutes(zone, now) !== names.stdOffsetMinutes ? names.dst : names.std;
}
