/**
 * Value kinds that Salt's wire msgpack carries as ext types and that plain JS values cannot
 * represent exactly: Python `datetime` (ext 78) and Salt constants (ext 79).
 */

const EXT78_TEXT =
  /^(\d{4})(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])T(2[0-3]|[01]\d|\d):([0-5]\d|\d):(6[01]|[0-5]\d|\d)\.(\d{1,6})$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A naive Python `datetime` with microsecond precision (a JS Date only has milliseconds).
 * Salt sends datetimes as msgpack ext 78 holding `strftime("%Y%m%dT%H:%M:%S.%f")`.
 */
export class PyDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
  ) {
    const checks: [string, number, number, number][] = [
      ['year', year, 1, 9999],
      ['month', month, 1, 12],
      ['hour', hour, 0, 23],
      ['minute', minute, 0, 59],
      ['second', second, 0, 59],
      ['microsecond', microsecond, 0, 999999],
    ];
    for (const [name, v, lo, hi] of checks) {
      if (!Number.isInteger(v) || v < lo || v > hi) {
        throw new RangeError(`PyDateTime ${name} must be an integer in ${lo}..${hi}: got ${v}`);
      }
    }
    const dim = daysInMonth(year, month);
    if (!Number.isInteger(day) || day < 1 || day > dim) {
      throw new RangeError(`PyDateTime day must be an integer in 1..${dim}: got ${day}`);
    }
  }

  /** The UTC fields of a JS Date (milliseconds become microseconds). */
  static fromDate(d: Date): PyDateTime {
    if (Number.isNaN(d.getTime())) throw new RangeError('PyDateTime.fromDate: invalid Date');
    return new PyDateTime(
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds() * 1000,
    );
  }

  /**
   * Parses the ext 78 text (`20250101T12:00:00.000000`) the way Python's
   * `strptime("%Y%m%dT%H:%M:%S.%f")` does. Throws RangeError on anything else.
   */
  static parseExtText(text: string): PyDateTime {
    const m = EXT78_TEXT.exec(text);
    if (!m) throw new RangeError(`datetime text does not match %Y%m%dT%H:%M:%S.%f: got ${JSON.stringify(text)}`);
    const micro = Number(m[7].padEnd(6, '0'));
    return new PyDateTime(+m[1], +m[2], +m[3].trim(), +m[4], +m[5], +m[6], micro);
  }

  /** The ext 78 payload text: `%Y%m%dT%H:%M:%S.%f`. */
  toExtText(): string {
    return (
      `${pad(this.year, 4)}${pad(this.month, 2)}${pad(this.day, 2)}T` +
      `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}.${pad(this.microsecond, 6)}`
    );
  }

  /** `YYYY-MM-DDTHH:MM:SS.ffffff` (always with microseconds). */
  toIsoMicros(): string {
    return (
      `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}T` +
      `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}.${pad(this.microsecond, 6)}`
    );
  }

  /** Python's `isoformat()`: the `.ffffff` part only when microsecond is not 0. */
  isoformat(): string {
    const s = this.toIsoMicros();
    return this.microsecond === 0 ? s.slice(0, -7) : s;
  }

  /** Python's `str(datetime)`: like isoformat with a space instead of `T`. */
  toString(): string {
    return this.isoformat().replace('T', ' ');
  }

  /** The instant as a JS Date, reading the fields as UTC (sub-millisecond digits are dropped). */
  toDate(): Date {
    const d = new Date(0);
    d.setUTCFullYear(this.year, this.month - 1, this.day);
    d.setUTCHours(this.hour, this.minute, this.second, Math.floor(this.microsecond / 1000));
    return d;
  }
}

/** A `salt.defaults._Constant` (e.g. `NOT_SET`), sent as ext 79 holding `[name, value]`. */
export class SaltConstant {
  constructor(
    readonly name: string,
    readonly value: unknown = null,
  ) {}
}
