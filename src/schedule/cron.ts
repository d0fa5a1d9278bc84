/**
 * A five-field cron expression evaluator (what Salt's scheduler gets from `croniter`): minute,
 * hour, day of month, month, day of week, in local time. Fields accept `*`, numbers, ranges
 * (`1-5`), steps (`*\/15`, `10-40/10`), lists (`1,15,30`) and English names for months and days
 * (`jan`, `mon-fri`); `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and
 * `@hourly` stand for their usual expressions. When both day fields are restricted a day
 * matches if either does (Vixie cron and croniter's default).
 */
import { CronSyntaxError } from './errors.js';

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too; it is folded onto 0 after parsing.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The search for the next time gives up after this many years (e.g. `0 0 30 2 *` never comes). */
const SEARCH_YEARS = 8;

function parseValue(text: string, spec: FieldSpec, expr: string): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower.slice(0, 3)) ?? -1;
  if (named >= 0 && /^[a-z]+$/.test(lower)) return spec.min === 1 ? named + 1 : named;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: ${spec.name} value ${JSON.stringify(text)} is not a number or name`);
  const n = Number(text);
  if (n < spec.min || n > spec.max) {
    throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: ${spec.name} ${n} is outside ${spec.min}-${spec.max}`);
  }
  return n;
}

function parseField(text: string, spec: FieldSpec, expr: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part === '') throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: empty item in the ${spec.name} field`);
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined) throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: ${JSON.stringify(part)} has two steps`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: step ${JSON.stringify(stepText)} is not a positive number`);
      }
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = spec.min;
      hi = spec.name === 'day of week' ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = parseValue(a, spec, expr);
      hi = parseValue(b, spec, expr);
      if (hi < lo) throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: range ${JSON.stringify(range)} ends before it starts`);
    } else {
      lo = parseValue(range, spec, expr);
      // `5/15` means 5, 20, 35, 50 (from 5 to the end of the field).
      hi = stepText !== undefined ? spec.max : lo;
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.name === 'day of week' && v === 7 ? 0 : v);
  }
  return values;
}

/** A parsed cron expression; see the module comment for the syntax. */
export class CronExpression {
  private readonly minutes: Set<number>;
  private readonly hours: Set<number>;
  private readonly days: Set<number>;
  private readonly months: Set<number>;
  private readonly weekdays: Set<number>;
  private readonly dayRestricted: boolean;
  private readonly weekdayRestricted: boolean;

  private constructor(readonly source: string, fields: string[]) {
    const sets = fields.map((f, i) => parseField(f, FIELDS[i], source));
    [this.minutes, this.hours, this.days, this.months, this.weekdays] = sets;
    this.dayRestricted = !/^[*?]$/.test(fields[2]);
    this.weekdayRestricted = !/^[*?]$/.test(fields[4]);
  }

  /**
   * Parses a five-field expression or an `@` alias.
   * @throws CronSyntaxError naming the field and value at fault.
   */
  static parse(expr: string): CronExpression {
    if (typeof expr !== 'string') throw new CronSyntaxError(`Invalid cron expression: expected text, got ${expr === null ? 'null' : typeof expr}`);
    const text = ALIASES[expr.trim().toLowerCase()] ?? expr.trim();
    const fields = text.split(/\s+/);
    if (fields.length !== 5) {
      throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(expr)}: expected 5 fields (minute hour day month weekday), got ${fields.length}`);
    }
    return new CronExpression(expr, fields);
  }

  private dayMatches(d: Date): boolean {
    const dom = this.days.has(d.getDate());
    const dow = this.weekdays.has(d.getDay());
    if (this.dayRestricted && this.weekdayRestricted) return dom || dow;
    if (this.dayRestricted) return dom;
    if (this.weekdayRestricted) return dow;
    return true;
  }

  /** Whether the minute holding `d` is one the expression names. */
  matches(d: Date): boolean {
    return this.months.has(d.getMonth() + 1) && this.dayMatches(d) && this.hours.has(d.getHours()) && this.minutes.has(d.getMinutes());
  }

  /**
   * The first matching minute strictly after `after` (seconds and milliseconds zero), local time.
   * @throws CronSyntaxError when no such minute comes within eight years (e.g. 30 February).
   */
  next(after: Date): Date {
    const t = new Date(after.getTime());
    t.setSeconds(0, 0);
    t.setMinutes(t.getMinutes() + 1);
    const limit = after.getFullYear() + SEARCH_YEARS;
    while (t.getFullYear() <= limit) {
      if (!this.months.has(t.getMonth() + 1)) {
        t.setMonth(t.getMonth() + 1, 1);
        t.setHours(0, 0, 0, 0);
      } else if (!this.dayMatches(t)) {
        t.setDate(t.getDate() + 1);
        t.setHours(0, 0, 0, 0);
      } else if (!this.hours.has(t.getHours())) {
        t.setHours(t.getHours() + 1, 0, 0, 0);
      } else if (!this.minutes.has(t.getMinutes())) {
        t.setMinutes(t.getMinutes() + 1, 0, 0);
      } else {
        return t;
      }
    }
    throw new CronSyntaxError(`Invalid cron expression ${JSON.stringify(this.source)}: it names no time in the next ${SEARCH_YEARS} years`);
  }
}
