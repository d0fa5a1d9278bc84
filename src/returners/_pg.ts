/**
 * The small part of the `pg` package the pgjsonb returner uses, loaded on first use (so daemons
 * that never touch PostgreSQL do not pay for it) and typed here because `pg` ships no types.
 */
import { saltJsonLoads } from './_json.js';

export interface PgQueryResult {
  rows: Array<Record<string, unknown>>;
  rowCount: number | null;
}

export interface PgClient {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
  release(err?: Error | boolean): void;
}

export interface PgPool {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}

/** Connection settings, named as `pg.Pool` names them. */
export interface PgPoolConfig {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  ssl?: boolean | Record<string, unknown>;
  max?: number;
  idleTimeoutMillis?: number;
  connectionTimeoutMillis?: number;
  allowExitOnIdle?: boolean;
}

interface PgModule {
  Pool: new (config: PgPoolConfig & { types?: unknown }) => PgPool;
  types: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}

const JSON_OID = 114;
const JSONB_OID = 3802;

let loaded: Promise<PgModule> | undefined;

async function loadPg(): Promise<PgModule> {
  const specifier = 'pg';
  loaded ??= import(specifier).then((m: { default?: PgModule } & PgModule) => m.default ?? m);
  return loaded;
}

/**
 * A `pg.Pool` whose json/jsonb columns are read like Python's `json.loads` (so `1.0` stays a
 * float), and that lets the process exit while idle.
 */
export async function createPgPool(config: PgPoolConfig): Promise<PgPool> {
  const pg = await loadPg();
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === JSON_OID || oid === JSONB_OID ? (v: string) => saltJsonLoads(v) : pg.types.getTypeParser(oid, format),
  };
  return new pg.Pool({ max: 4, idleTimeoutMillis: 5000, allowExitOnIdle: true, ...config, types });
}
