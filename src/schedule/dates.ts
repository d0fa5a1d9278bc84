/**
 * Dates as the scheduler reads and writes them, in local time: a subset of `dateutil.parser.parse`
 * (for `when`, `range`, `after`, `until`), Python's `strptime` (for `once` with `once_fmt`) and
 * `strftime` (for `show_next_fire_time`).
 */
import { DateParseError } from './errors.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function monthIndex(word: string): number {
  return word.length >= 3 ? MONTHS.indexOf(word.slice(0, 3).toLowerCase()) : -1;
}

function weekdayIndex(word: string): number {
  return word.length >= 3 ? WEEKDAYS.indexOf(word.slice(0, 3).toLowerCase()) : -1;
}

/**
 * Reads a date/time the way `dateutil.parser.parse` does for the usual forms: ISO dates with an
 * optional `T`/space time, `MM/DD/YYYY`, month names (`Jan 5 2030`), times with optional seconds
 * and `am`/`pm` (`5:00pm`, `17:30:00`, `5pm`) and weekday names. Fields left out come from
 * `today` (midnight of `now`); a lone weekday means its next occurrence from today on.
 * @throws DateParseError when the text is not one of these forms.
 */
export function parseDate(text: unknown, now: Date = new Date()): Date {
  if (text instanceof Date) return new Date(text.getTime());
  if (typeof text !== 'string' || text.trim() === '') throw new DateParseError(`Invalid date string: expected text, got ${JSON.stringify(text)}`);
  const fail = (): never => {
    throw new DateParseError(`Invalid date string ${JSON.stringify(text)}`);
  };
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let weekday: number | undefined;
  let rest = text.trim().replace(/,/g, ' ');
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.*))?$/.exec(rest);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})(?:\s+(.*))?$/.exec(rest);
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    rest = iso[4] ?? '';
  } else if (us) {
    [month, day, year] = [Number(us[1]), Number(us[2]), Number(us[3])];
    if (year < 100) year += 2000;
    rest = us[4] ?? '';
  }
  const words = rest.split(/\s+/).filter((w) => w !== '');
  let timeSeen = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const time = /^(\d{1,2})(?::(\d{2}))?(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?$/i.exec(w);
    const ampmNext = /^[ap]\.?m\.?$/i.test(words[i + 1] ?? '');
    if (time && !timeSeen && (time[2] !== undefined || time[4] !== undefined || ampmNext)) {
      hour = Number(time[1]);
      minute = Number(time[2] ?? 0);
      second = Number(time[3] ?? 0);
      const ampm = (time[4] ?? (ampmNext ? words[++i] : '')).toLowerCase();
      if (ampm.startsWith('p') && hour < 12) hour += 12;
      if (ampm.startsWith('a') && hour === 12) hour = 0;
      timeSeen = true;
    } else if (weekdayIndex(w) >= 0 && /^[a-z]+$/i.test(w)) {
      weekday = weekdayIndex(w);
    } else if (monthIndex(w) >= 0 && /^[a-z]+\.?$/i.test(w) && month === undefined) {
      month = monthIndex(w) + 1;
    } else if (/^\d{4}$/.test(w) && year === undefined) {
      year = Number(w);
    } else if (/^\d{1,2}(st|nd|rd|th)?$/i.test(w) && day === undefined) {
      day = parseInt(w, 10);
    } else {
      fail();
    }
  }
  if (hour > 23 || minute > 59 || second > 59) fail();
  const base = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const y = year ?? base.getFullYear();
  const m = (month ?? base.getMonth() + 1) - 1;
  const d = day ?? base.getDate();
  const out = new Date(y, m, d, hour, minute, second);
  if (out.getMonth() !== m || out.getDate() !== d || Number.isNaN(out.getTime())) fail();
  if (weekday !== undefined && day === undefined) {
    out.setDate(out.getDate() + ((weekday - out.getDay() + 7) % 7));
  }
  return out;
}

/**
 * Python's `datetime.strptime(text, fmt)` for the directives `%Y %y %m %d %H %I %M %S %p %b %B
 * %a %A %j %f %%` (other characters must match literally; a space matches any run of spaces).
 * @throws DateParseError when the text does not fit the format.
 */
export function strptime(text: unknown, fmt: string): Date {
  if (typeof text !== 'string') throw new DateParseError(`Date string could not be parsed: expected text, got ${JSON.stringify(text)}`);
  const fail = (): never => {
    throw new DateParseError(`time data ${JSON.stringify(text)} does not match format ${JSON.stringify(fmt)}`);
  };
  let pos = 0;
  const f = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0, pm: undefined as boolean | undefined, yday: undefined as number | undefined };
  const take = (re: RegExp): string => {
    const m = re.exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return m![0];
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      if (/\s/.test(c)) take(/^\s*/);
      else if (text[pos] === c) pos++;
      else fail();
      continue;
    }
    const d = fmt[++i];
    switch (d) {
      case 'Y': f.year = Number(take(/^\d{4}/)); break;
      case 'y': { const y = Number(take(/^\d{2}/)); f.year = y < 69 ? 2000 + y : 1900 + y; break; }
      case 'm': f.month = Number(take(/^\d{1,2}/)); break;
      case 'd': f.day = Number(take(/^\d{1,2}/)); break;
      case 'H': f.hour = Number(take(/^\d{1,2}/)); break;
      case 'I': f.hour = Number(take(/^\d{1,2}/)); break;
      case 'M': f.minute = Number(take(/^\d{1,2}/)); break;
      case 'S': f.second = Number(take(/^\d{1,2}/)); break;
      case 'f': f.ms = Math.floor(Number(take(/^\d{1,6}/).padEnd(6, '0')) / 1000); break;
      case 'j': f.yday = Number(take(/^\d{1,3}/)); break;
      case 'p': f.pm = take(/^[ap]m/i).toLowerCase() === 'pm'; break;
      case 'b': case 'B': {
        const idx = monthIndex(take(/^[a-z]+/i));
        if (idx < 0) fail();
        f.month = idx + 1;
        break;
      }
      case 'a': case 'A': if (weekdayIndex(take(/^[a-z]+/i)) < 0) fail(); break;
      case '%': if (text[pos] === '%') pos++; else fail(); break;
      default: throw new DateParseError(`Unsupported directive %${d} in format ${JSON.stringify(fmt)}`);
    }
  }
  if (pos !== text.length) throw new DateParseError(`unconverted data remains: ${text.slice(pos)}`);
  if (f.pm !== undefined && fmt.includes('%I')) {
    if (f.hour === 12) f.hour = 0;
    if (f.pm) f.hour += 12;
  }
  const out = f.yday !== undefined ? new Date(f.year, 0, f.yday, f.hour, f.minute, f.second, f.ms) : new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
  if (f.month < 1 || f.month > 12 || f.hour > 23 || f.minute > 59 || f.second > 61 || out.getDate() !== (f.yday !== undefined ? out.getDate() : f.day)) fail();
  return out;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Python's `time.strftime(fmt)` for `%Y %y %m %d %H %I %M %S %p %b %B %a %A %j %f %%`, local time.
 */
export function strftime(d: Date, fmt: string): string {
  return fmt.replace(/%([YymdHIMSpbBaAjf%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getFullYear()).padStart(4, '0');
      case 'y': return p2(d.getFullYear() % 100);
      case 'm': return p2(d.getMonth() + 1);
      case 'd': return p2(d.getDate());
      case 'H': return p2(d.getHours());
      case 'I': return p2(d.getHours() % 12 || 12);
      case 'M': return p2(d.getMinutes());
      case 'S': return p2(d.getSeconds());
      case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
      case 'b': return MONTH_NAMES[d.getMonth()].slice(0, 3);
      case 'B': return MONTH_NAMES[d.getMonth()];
      case 'a': return WEEKDAY_NAMES[d.getDay()].slice(0, 3);
      case 'A': return WEEKDAY_NAMES[d.getDay()];
      case 'j': {
        const start = new Date(d.getFullYear(), 0, 1);
        return String(Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86400000) + 1).padStart(3, '0');
      }
      case 'f': return String(d.getMilliseconds() * 1000).padStart(6, '0');
      default: return '%';
    }
  });
}
