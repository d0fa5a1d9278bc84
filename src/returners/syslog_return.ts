/**
 * The `syslog` returner: each return as one JSON message to the local syslog, as Salt sends it
 * through Python's `syslog` module. Node cannot open the `/dev/log` datagram socket itself, so
 * the message goes through util-linux `logger` (always present on Debian), which writes the
 * same local-socket format as the C library: `<PRI>Mmm dd hh:mm:ss tag[pid]: {json}`.
 *
 * Options (`syslog.*`, nested `syslog: {...}`, `--return_config`, `--return_kwargs`):
 * `level` (LOG_INFO), `facility` (LOG_USER), `tag` (default: the program name, as Python's
 * `sys.argv[0]`), `options` (list of LOG_PID, LOG_CONS, LOG_NDELAY, LOG_ODELAY, LOG_NOWAIT, LOG_PERROR).
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { genJid } from '../protocol/jid.js';
import { saltJsonDumps } from './_json.js';
import { ReturnerStoreError } from './errors.js';
import { getReturnerOptions } from './options.js';
import type { Dict, Returner, ReturnerContext } from './types.js';

const LEVELS: Record<string, string> = {
  LOG_EMERG: 'emerg',
  LOG_ALERT: 'alert',
  LOG_CRIT: 'crit',
  LOG_ERR: 'err',
  LOG_WARNING: 'warning',
  LOG_NOTICE: 'notice',
  LOG_INFO: 'info',
  LOG_DEBUG: 'debug',
};
const FACILITIES: Record<string, string> = {
  LOG_KERN: 'kern',
  LOG_USER: 'user',
  LOG_MAIL: 'mail',
  LOG_DAEMON: 'daemon',
  LOG_AUTH: 'auth',
  LOG_SYSLOG: 'syslog',
  LOG_LPR: 'lpr',
  LOG_NEWS: 'news',
  LOG_UUCP: 'uucp',
  LOG_CRON: 'cron',
  LOG_AUTHPRIV: 'authpriv',
  LOG_FTP: 'ftp',
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`LOG_LOCAL${i}`, `local${i}`])),
};
const LOG_OPTIONS = new Set(['LOG_PID', 'LOG_CONS', 'LOG_NDELAY', 'LOG_ODELAY', 'LOG_NOWAIT', 'LOG_PERROR']);

/** Where and how the returner sends; the defaults suit a real system. */
export interface SyslogTarget {
  /** The syslog socket (default `/dev/log`); tests point it at their own unix socket. */
  socketPath?: string;
  /** The `logger` program (default `logger` on PATH). */
  loggerCommand?: string;
}

/** The checked options of one send, or the reason they are refused. */
export function syslogOptions(ctx: ReturnerContext, ret?: Dict | null): { ok: true; level: string; facility: string; tag?: string; options: string[] } | { ok: false; error: string } {
  const o = getReturnerOptions(ctx, 'syslog', ret, { level: 'level', facility: 'facility', tag: 'tag', options: 'options' }, {
    level: 'LOG_INFO',
    facility: 'LOG_USER',
    options: [],
  });
  const level = String(o.level);
  const facility = String(o.facility);
  const options = Array.isArray(o.options) ? o.options.map(String) : [String(o.options)];
  if (!(level in LEVELS)) return { ok: false, error: `${level} is not a valid syslog level` };
  if (!(facility in FACILITIES)) return { ok: false, error: `${facility} is not a valid syslog facility` };
  for (const opt of options) if (!LOG_OPTIONS.has(opt)) return { ok: false, error: `syslog has no attribute ${opt}` };
  if ('tag' in o) {
    if (typeof o.tag !== 'string') return { ok: false, error: 'tag must be a string' };
    if (o.tag.length > 32) return { ok: false, error: 'tag size is limited to 32 characters' };
    return { ok: true, level, facility, tag: o.tag, options };
  }
  return { ok: true, level, facility, options };
}

/** The `syslog` returner. */
export class SyslogReturner implements Returner {
  readonly name = 'syslog';

  constructor(
    private readonly ctx: ReturnerContext,
    private readonly target: SyslogTarget = {},
  ) {}

  /**
   * Sends the return as one message. Invalid options are logged and the return dropped, as in
   * Salt. @throws ReturnerStoreError when `logger` fails (no socket, no program).
   */
  async returner(ret: Dict): Promise<void> {
    const o = syslogOptions(this.ctx, ret);
    if (!o.ok) {
      this.ctx.log?.error(o.error);
      return;
    }
    const message = saltJsonDumps(ret);
    const tag = o.tag ?? basename(process.argv[1] ?? process.argv0);
    const args = ['--socket', this.target.socketPath ?? '/dev/log', '--socket-errors=on', '-t', tag];
    args.push('-p', `${FACILITIES[o.facility]}.${LEVELS[o.level]}`);
    args.push('--size', String(Buffer.byteLength(message) + 1024));
    if (o.options.includes('LOG_PID')) args.push(`--id=${process.pid}`);
    if (o.options.includes('LOG_PERROR')) args.push('-s');
    await this.runLogger(args, `${message}\n`);
  }

  private runLogger(args: string[], input: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.target.loggerCommand ?? 'logger', args, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (err) => reject(new ReturnerStoreError(`syslog returner could not run logger: ${err.message}`, { cause: err })));
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new ReturnerStoreError(`syslog returner: logger exited with ${code}: ${stderr.trim()}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  async prep_jid(_nocache = false, passedJid?: string | null): Promise<string> {
    return passedJid ?? genJid({ unique: this.ctx.opts.unique_jid === true });
  }
}

/** Builds the `syslog` returner for a daemon's options. */
export function createSyslogReturner(ctx: ReturnerContext): Returner {
  return new SyslogReturner(ctx);
}
