/**
 * Logging with Salt's level names and formats.
 *
 * Console lines look like Salt's: `[WARNING ] message`. The log file uses Salt's default
 * `log_fmt_logfile`: `2025-01-01 12:00:00,123 [salt.master      :0   ][WARNING ][1234] message`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Logger {
  trace(msg: string): void;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  critical(msg: string): void;
  /** A logger for a sub-component (`salt.master` → `salt.transport`...). */
  child(name: string): Logger;
}

/** Salt's level names and numbers (salt/_logging/impl.py). */
export const LOG_LEVELS: Record<string, number> = {
  all: 0,
  garbage: 1,
  trace: 5,
  debug: 10,
  profile: 15,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
  quiet: 1000,
};

const LEVEL_LABEL: Record<number, string> = { 5: 'TRACE', 10: 'DEBUG', 20: 'INFO', 30: 'WARNING', 40: 'ERROR', 50: 'CRITICAL' };

export function isLogLevel(name: unknown): name is string {
  return typeof name === 'string' && name.toLowerCase() in LOG_LEVELS;
}

function levelNumber(name: string | undefined, fallback: number): number {
  if (!name) return fallback;
  return LOG_LEVELS[name.toLowerCase()] ?? fallback;
}

export interface LoggerOptions {
  /** Console level (`-l`, `log_level`), default `warning`. */
  consoleLevel?: string;
  /** Log file path (`log_file`); only plain paths are supported. */
  logFile?: string;
  /** File level (`log_level_logfile`), default `warning`. */
  fileLevel?: string;
  name?: string;
  /** Where console lines go (stderr by default). */
  consoleWrite?: (line: string) => void;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function fileTimestamp(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, '0')}`;
}

class SaltLogger implements Logger {
  private fileBroken = false;

  constructor(
    private readonly name: string,
    private readonly consoleLevel: number,
    private readonly fileLevel: number,
    private readonly logFile: string | undefined,
    private readonly consoleWrite: (line: string) => void,
  ) {
    if (logFile) {
      try {
        mkdirSync(dirname(logFile), { recursive: true });
      } catch {
        this.fileBroken = true;
      }
    }
  }

  private emit(level: number, msg: string): void {
    const label = LEVEL_LABEL[level] ?? 'INFO';
    if (level >= this.consoleLevel) this.consoleWrite(`[${label.padEnd(8)}] ${msg}\n`);
    if (this.logFile && !this.fileBroken && level >= this.fileLevel) {
      const line = `${fileTimestamp(new Date())} [${this.name.padEnd(17).slice(0, 17)}:0   ][${label.padEnd(8)}][${process.pid}] ${msg}\n`;
      try {
        appendFileSync(this.logFile, line, { mode: 0o600 });
      } catch {
        this.fileBroken = true;
      }
    }
  }

  trace(msg: string): void {
    this.emit(5, msg);
  }
  debug(msg: string): void {
    this.emit(10, msg);
  }
  info(msg: string): void {
    this.emit(20, msg);
  }
  warn(msg: string): void {
    this.emit(30, msg);
  }
  error(msg: string): void {
    this.emit(40, msg);
  }
  critical(msg: string): void {
    this.emit(50, msg);
  }
  child(name: string): Logger {
    return new SaltLogger(name, this.consoleLevel, this.fileLevel, this.logFile, this.consoleWrite);
  }
}

/** Creates a logger writing to stderr and, when `logFile` is given, to that file. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return new SaltLogger(
    opts.name ?? 'salt',
    levelNumber(opts.consoleLevel, LOG_LEVELS.warning),
    levelNumber(opts.fileLevel ?? opts.consoleLevel, LOG_LEVELS.warning),
    opts.logFile && !/^(udp|tcp|file):\/\//.test(opts.logFile) ? opts.logFile : undefined,
    opts.consoleWrite ?? ((line) => process.stderr.write(line)),
  );
}

/** A logger that discards everything. */
export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  critical() {},
  child() {
    return nullLogger;
  },
};
