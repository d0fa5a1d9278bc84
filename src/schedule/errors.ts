/** Errors of the scheduler: bad cron expressions, bad dates, bad schedule data. */

/** A cron expression that does not parse, or names no time that can ever come. */
export class CronSyntaxError extends Error {
  readonly code = 'ECRONSYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

/** A date or time text that cannot be read (`when`, `once`, `range`, `after`, `until`). */
export class DateParseError extends Error {
  readonly code = 'EDATEPARSE';
  constructor(message: string) {
    super(message);
    this.name = 'DateParseError';
  }
}

/** Schedule data of the wrong shape (`schedule` that is not a map, a job that is not a map...). */
export class ScheduleDataError extends Error {
  readonly code = 'ESCHEDULEDATA';
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleDataError';
  }
}
