/**
 * The `rawfile_json` returner: one JSON line per return or event, appended to
 * `rawfile_json.filename` (default `/var/log/salt/events`), as Salt writes it (Python's
 * `json.dumps` spacing, non-ASCII kept). Each call appends with one write, so lines from
 * concurrent writers do not interleave.
 */
import { appendFile } from 'node:fs/promises';
import { saltJsonDumps } from './_json.js';
import { ReturnerStoreError } from './errors.js';
import { getReturnerOptions } from './options.js';
import type { Dict, Returner, ReturnerContext, SaltEvent } from './types.js';

const DEFAULT_FILENAME = '/var/log/salt/events';

/** The file the returner writes to for one return (or for events when `ret` is empty). */
export function rawfileJsonFilename(ctx: ReturnerContext, ret?: Dict | null): string {
  return String(getReturnerOptions(ctx, 'rawfile_json', ret, { filename: 'filename' }, { filename: DEFAULT_FILENAME }).filename);
}

/** The `rawfile_json` returner. */
export class RawfileJsonReturner implements Returner {
  readonly name = 'rawfile_json';

  constructor(private readonly ctx: ReturnerContext) {}

  private async append(filename: string, lines: string): Promise<void> {
    try {
      await appendFile(filename, lines, 'utf8');
    } catch (err) {
      this.ctx.log?.error(`Could not write to rawdata_json file ${filename}`);
      throw new ReturnerStoreError(`Could not write to rawdata_json file ${filename}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Appends the return as one line. @throws ReturnerStoreError when the file cannot be written. */
  async returner(ret: Dict): Promise<void> {
    await this.append(rawfileJsonFilename(this.ctx, ret), `${saltJsonDumps(ret)}\n`);
  }

  /** Appends each event as one line, `{"data": ..., "tag": ...}` as Salt's event listener gives it; nothing for an empty batch. */
  async event_return(events: SaltEvent[]): Promise<void> {
    if (events.length === 0) return;
    const lines = events.map((e) => `${saltJsonDumps({ data: e.data, tag: e.tag })}\n`).join('');
    await this.append(rawfileJsonFilename(this.ctx, {}), lines);
  }
}

/** Builds the `rawfile_json` returner for a daemon's options. */
export function createRawfileJsonReturner(ctx: ReturnerContext): Returner {
  return new RawfileJsonReturner(ctx);
}
