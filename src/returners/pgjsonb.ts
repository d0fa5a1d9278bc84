/**
 * The `pgjsonb` returner: returns, job loads and events in PostgreSQL `jsonb` columns, in the
 * tables Salt documents for it (see {@link PGJSONB_SCHEMA}), so Salt and salt-ts masters can share
 * one database. Usable as a minion returner (`--return pgjsonb`), `master_job_cache`,
 * `ext_job_cache` and `event_return`.
 *
 * Options (defaults): `returner.pgjsonb.host` (localhost), `.user` (salt), `.pass` (salt),
 * `.db` (salt), `.port` (5432), `.sslmode`, `.sslcert`, `.sslkey`, `.sslrootcert`, `.sslcrl`;
 * also nested (`returner.pgjsonb: {host: ...}`), with `--return_config`/`--return_kwargs`, and
 * (a salt-ts convenience) the shorter `pgjsonb.host` keys when the `returner.` ones are unset.
 * `keep_jobs_seconds` and `archive_jobs` drive `clean_old_jobs`.
 *
 * Differences from Salt 3006, on purpose:
 * - `get_fun` uses PostgreSQL syntax (Salt's query has MySQL backquotes and always fails).
 * - a multi-function job's `fun` list is stored in `salt_returns.fun` as `a,b` (Salt fails on it).
 * - connections are pooled instead of opened per call.
 */
import { readFileSync } from 'node:fs';
import { formatJidInstance, genJid } from '../protocol/jid.js';
import { saltJsonDumps } from './_json.js';
import { createPgPool, type PgClient, type PgPool, type PgPoolConfig } from './_pg.js';
import { ReturnerConnectionError, ReturnerStoreError } from './errors.js';
import { getReturnerOptions, keepJobsSeconds } from './options.js';
import type { Dict, Returner, ReturnerContext, SaltEvent } from './types.js';

/** Salt's documented pgjsonb schema (tables `jids`, `salt_returns`, `salt_events` and their indexes). */
export const PGJSONB_SCHEMA = `
CREATE TABLE IF NOT EXISTS jids (
   jid varchar(255) NOT NULL primary key,
   load jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_jids_jsonb on jids
       USING gin (load)
       WITH (fastupdate=on);

CREATE TABLE IF NOT EXISTS salt_returns (
  fun varchar(50) NOT NULL,
  jid varchar(255) NOT NULL,
  return jsonb NOT NULL,
  id varchar(255) NOT NULL,
  success varchar(10) NOT NULL,
  full_ret jsonb NOT NULL,
  alter_time TIMESTAMP WITH TIME ZONE DEFAULT NOW());

CREATE INDEX IF NOT EXISTS idx_salt_returns_id ON salt_returns (id);
CREATE INDEX IF NOT EXISTS idx_salt_returns_jid ON salt_returns (jid);
CREATE INDEX IF NOT EXISTS idx_salt_returns_fun ON salt_returns (fun);
CREATE INDEX IF NOT EXISTS idx_salt_returns_return ON salt_returns
    USING gin (return) with (fastupdate=on);
CREATE INDEX IF NOT EXISTS idx_salt_returns_full_ret ON salt_returns
    USING gin (full_ret) with (fastupdate=on);

CREATE SEQUENCE IF NOT EXISTS seq_salt_events_id;
CREATE TABLE IF NOT EXISTS salt_events (
    id BIGINT NOT NULL UNIQUE DEFAULT nextval('seq_salt_events_id'),
    tag varchar(255) NOT NULL,
    data jsonb NOT NULL,
    alter_time TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    master_id varchar(255) NOT NULL);

CREATE INDEX IF NOT EXISTS idx_salt_events_tag on
    salt_events (tag);
CREATE INDEX IF NOT EXISTS idx_salt_events_data ON salt_events
    USING gin (data) with (fastupdate=on);
`;

const VIRTUALNAME = 'returner.pgjsonb';
const DEFAULTS: Dict = { host: 'localhost', user: 'salt', pass: 'salt', db: 'salt', port: 5432 };
const ATTRS: Record<string, string> = {
  host: 'host',
  user: 'user',
  pass: 'pass',
  db: 'db',
  port: 'port',
  sslmode: 'sslmode',
  sslcert: 'sslcert',
  sslkey: 'sslkey',
  sslrootcert: 'sslrootcert',
  sslcrl: 'sslcrl',
};

const SAVE_LOAD_SQL = 'INSERT INTO jids (jid, load) VALUES ($1, $2::jsonb) ON CONFLICT (jid) DO UPDATE SET load = EXCLUDED.load';

/** The connection options of the pgjsonb returner for one return (or none). */
export function pgjsonbOptions(ctx: ReturnerContext, ret?: Dict | null): Dict {
  const fromReturner = getReturnerOptions(ctx, VIRTUALNAME, ret, ATTRS, {});
  const short = getReturnerOptions(ctx, 'pgjsonb', ret, ATTRS, {});
  const out: Dict = { ...DEFAULTS, ...short, ...fromReturner };
  out.port = Number(out.port);
  return out;
}

function sslConfig(o: Dict): PgPoolConfig['ssl'] {
  const mode = o.sslmode === undefined || o.sslmode === null || o.sslmode === 'None' ? undefined : String(o.sslmode);
  const hasFiles = ['sslcert', 'sslkey', 'sslrootcert'].some((k) => typeof o[k] === 'string');
  if (mode === undefined && !hasFiles) return undefined;
  if (mode === 'disable') return false;
  const ssl: Record<string, unknown> = { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
  if (typeof o.sslrootcert === 'string') ssl.ca = readFileSync(o.sslrootcert, 'utf8');
  if (typeof o.sslcert === 'string') ssl.cert = readFileSync(o.sslcert, 'utf8');
  if (typeof o.sslkey === 'string') ssl.key = readFileSync(o.sslkey, 'utf8');
  if (typeof o.sslcrl === 'string') ssl.crl = readFileSync(o.sslcrl, 'utf8');
  if (mode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
  return ssl;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(',');
  return v === undefined || v === null ? '' : String(v);
}

/** `str()` of a Python value stored in `success varchar(10)`: psycopg2 writes booleans as true/false. */
function successText(v: unknown): string {
  if (v === undefined) return 'false';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v !== null && typeof v === 'object') return 'true';
  return String(v);
}

/** The `pgjsonb` returner. */
export class PgjsonbReturner implements Returner {
  readonly name = 'pgjsonb';
  private readonly pools = new Map<string, Promise<PgPool>>();

  constructor(private readonly ctx: ReturnerContext) {}

  /** A pooled connection for the options of `ret`. @throws ReturnerConnectionError */
  private async connect(ret?: Dict | null): Promise<PgClient> {
    const o = pgjsonbOptions(this.ctx, ret);
    const config: PgPoolConfig = {
      host: String(o.host),
      port: Number(o.port),
      database: String(o.db),
      user: String(o.user),
      password: String(o.pass),
      connectionTimeoutMillis: 10_000,
    };
    const ssl = sslConfig(o);
    if (ssl !== undefined) config.ssl = ssl;
    const key = JSON.stringify(config);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = createPgPool(config).then((p) => {
        p.on('error', (err) => this.ctx.log?.warn(`pgjsonb: idle connection failed: ${err.message}`));
        return p;
      });
      this.pools.set(key, pool);
    }
    try {
      return await (await pool).connect();
    } catch (err) {
      throw new ReturnerConnectionError(`pgjsonb returner could not connect to database: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Runs `work` on one connection; `transaction` wraps it in BEGIN/COMMIT (ROLLBACK on error). */
  private async with<T>(ret: Dict | null | undefined, work: (c: PgClient) => Promise<T>, transaction = false): Promise<T> {
    const client = await this.connect(ret);
    let broken: Error | undefined;
    try {
      if (transaction) await client.query('BEGIN');
      const result = await work(client);
      if (transaction) await client.query('COMMIT');
      return result;
    } catch (err) {
      if (transaction) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      if (err instanceof ReturnerConnectionError) throw err;
      throw new ReturnerStoreError(`pgjsonb: ${(err as Error).message}`, { cause: err });
    } finally {
      client.release(broken ?? false);
    }
  }

  /** Inserts one row into `salt_returns`. Logs (and swallows) an unreachable server, as Salt does. */
  async returner(ret: Dict): Promise<void> {
    try {
      await this.with(ret, (c) =>
        c.query(
          'INSERT INTO salt_returns (fun, jid, return, id, success, full_ret, alter_time) VALUES ($1, $2, $3::jsonb, $4, $5, $6::jsonb, to_timestamp($7))',
          [text(ret.fun), text(ret.jid), saltJsonDumps(ret.return ?? null), text(ret.id), successText(ret.success), saltJsonDumps(ret), Date.now() / 1000],
        ),
      );
    } catch (err) {
      if (!(err instanceof ReturnerConnectionError)) throw err;
      this.ctx.log?.critical('Could not store return with pgjsonb returner. PostgreSQL server unavailable.');
    }
  }

  /** Inserts the events into `salt_events` in one transaction, tagged with this master's `id`. */
  async event_return(events: SaltEvent[]): Promise<void> {
    if (events.length === 0) return;
    const masterId = String(this.ctx.opts.id ?? '');
    await this.with(
      null,
      async (c) => {
        for (const event of events) {
          await c.query('INSERT INTO salt_events (tag, data, master_id, alter_time) VALUES ($1, $2::jsonb, $3, to_timestamp($4))', [
            String(event.tag ?? ''),
            saltJsonDumps(event.data ?? ''),
            masterId,
            Date.now() / 1000,
          ]);
        }
      },
      true,
    );
  }

  /** Saves (or replaces) the load of a job in `jids`. The minion list is not kept, as in Salt. */
  async save_load(jid: string, load: Dict, _minions?: string[] | null): Promise<void> {
    await this.with(null, (c) => c.query(SAVE_LOAD_SQL, [jid, saltJsonDumps(load)]));
  }

  /** Included for API consistency (Salt's pgjsonb does not keep minion lists). */
  async save_minions(): Promise<void> {}

  async get_load(jid: string): Promise<Dict> {
    const { rows } = await this.with(null, (c) => c.query('SELECT load FROM jids WHERE jid = $1', [jid]));
    return rows.length ? ((rows[0]!.load as Dict) ?? {}) : {};
  }

  /** `{minion: full_ret}` for every stored return of the job. */
  async get_jid(jid: string): Promise<Record<string, Dict>> {
    const { rows } = await this.with(null, (c) => c.query('SELECT id, full_ret FROM salt_returns WHERE jid = $1 ORDER BY alter_time', [jid]));
    const out: Record<string, Dict> = {};
    for (const row of rows) out[String(row.id)] = row.full_ret as Dict;
    return out;
  }

  async get_fun(fun: string): Promise<Record<string, Dict>> {
    const sql = `SELECT s.id, s.jid, s.full_ret FROM salt_returns s
      JOIN (SELECT MAX(jid) AS jid FROM salt_returns GROUP BY fun, id) max ON s.jid = max.jid
      WHERE s.fun = $1 ORDER BY s.jid`;
    const { rows } = await this.with(null, (c) => c.query(sql, [fun]));
    const out: Record<string, Dict> = {};
    for (const row of rows) out[String(row.id)] = row.full_ret as Dict;
    return out;
  }

  async get_jids(): Promise<Record<string, Dict>> {
    const { rows } = await this.with(null, (c) => c.query('SELECT jid, load FROM jids ORDER BY jid'));
    const out: Record<string, Dict> = {};
    for (const row of rows) out[String(row.jid)] = formatJidInstance(String(row.jid), (row.load as Dict) ?? {});
    return out;
  }

  async get_minions(): Promise<string[]> {
    const { rows } = await this.with(null, (c) => c.query('SELECT DISTINCT id FROM salt_returns ORDER BY id'));
    return rows.map((r) => String(r.id));
  }

  async prep_jid(_nocache = false, passedJid?: string | null): Promise<string> {
    return passedJid ?? genJid({ unique: this.ctx.opts.unique_jid === true });
  }

  /**
   * Deletes (or with `archive_jobs` first copies to `<table>_archive`) the jobs, returns and events
   * older than `keep_jobs_seconds`; nothing when that is 0. Errors are logged, as in Salt.
   */
  async clean_old_jobs(): Promise<void> {
    const keep = Math.trunc(keepJobsSeconds(this.ctx.opts));
    if (keep <= 0) return;
    try {
      await this.with(
        null,
        async (c) => {
          const stamp = (await c.query(`SELECT (NOW() - interval '${keep} second') AS stamp`)).rows[0]!.stamp;
          if (this.ctx.opts.archive_jobs) {
            for (const table of ['jids', 'salt_returns', 'salt_events']) {
              await c.query(`CREATE TABLE IF NOT EXISTS ${table}_archive (LIKE ${table})`);
            }
            await c.query('INSERT INTO jids_archive SELECT * FROM jids WHERE jid IN (SELECT DISTINCT jid FROM salt_returns WHERE alter_time < $1)', [stamp]);
            await c.query('INSERT INTO salt_returns_archive SELECT * FROM salt_returns WHERE alter_time < $1', [stamp]);
            await c.query('INSERT INTO salt_events_archive SELECT * FROM salt_events WHERE alter_time < $1', [stamp]);
          }
          await c.query('DELETE FROM jids WHERE jid IN (SELECT DISTINCT jid FROM salt_returns WHERE alter_time < $1)', [stamp]);
          await c.query('DELETE FROM salt_returns WHERE alter_time < $1', [stamp]);
          await c.query('DELETE FROM salt_events WHERE alter_time < $1', [stamp]);
        },
        true,
      );
    } catch (err) {
      this.ctx.log?.error(`pgjsonb clean_old_jobs failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map(async (p) => (await p).end()));
  }
}

/** Builds the `pgjsonb` returner for a daemon's options. */
export function createPgjsonbReturner(ctx: ReturnerContext): Returner {
  return new PgjsonbReturner(ctx);
}
