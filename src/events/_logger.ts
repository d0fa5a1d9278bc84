/** The few logging calls the event bus makes; any object with these methods fits (default: silent). */
export interface BusLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const noop = (): void => {};

/** A logger that drops everything. */
export const silentLogger: BusLogger = { debug: noop, info: noop, warn: noop, error: noop };
