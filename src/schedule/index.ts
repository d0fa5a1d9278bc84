/**
 * The scheduler: timed jobs from `schedule:` (config, pillar, `_schedule.conf`) run by the minion
 * (execution functions) or the master (runners). See {@link Scheduler}.
 */
export { Scheduler, type SchedulerOptions, type JobDecision } from './scheduler.js';
export { CronExpression } from './cron.js';
export { parseDate, strptime, strftime } from './dates.js';
export { scheduleConfPath, readSavedSchedule, configDirOf, includeDirOf } from './persist.js';
export { CronSyntaxError, DateParseError, ScheduleDataError } from './errors.js';
export type { ScheduleControl, ScheduleRunner, ScheduleRunResult, ScheduleRunInfo, ScheduleReturnSender, ScheduleWhere } from './types.js';
