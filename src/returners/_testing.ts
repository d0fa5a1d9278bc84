/**
 * Test support: the real PostgreSQL and Redis servers the returner tests use, found through
 * `SALT_TS_PG_URL` (e.g. postgres://salt:salt@127.0.0.1:5432/salt, a role allowed to create
 * databases) and `SALT_TS_REDIS_URL` (e.g. redis://127.0.0.1:6379). `.ci/run` starts both and
 * sets them; without them the tests that need a server skip with {@link PG_SKIP} / {@link REDIS_SKIP}.
 */
import { createPgPool } from './_pg.js';
import { PGJSONB_SCHEMA } from './pgjsonb.js';
import type { Dict } from './types.js';

/** The skip reason for PostgreSQL tests, or false when a server is configured. */
export const PG_SKIP: string | false = process.env.SALT_TS_PG_URL
  ? false
  : 'SALT_TS_PG_URL is not set: no PostgreSQL server for the pgjsonb tests (.ci/run starts one)';

/** The skip reason for Redis tests, or false when a server is configured. */
export const REDIS_SKIP: string | false = process.env.SALT_TS_REDIS_URL
  ? false
  : 'SALT_TS_REDIS_URL is not set: no Redis server for the redis returner tests (.ci/run starts one)';

/** A throw-away database with Salt's pgjsonb schema, and the options that point a returner at it. */
export interface PgTestDatabase {
  name: string;
  /** `returner.pgjsonb.*` options for this database. */
  opts: Dict;
  /** Runs SQL in this database (for checks the returner API does not offer). */
  query(sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

/** Creates a fresh database (`salt_ts_test_<pid>_<random>`) on the SALT_TS_PG_URL server. */
export async function createPgTestDatabase(): Promise<PgTestDatabase> {
  const url = new URL(String(process.env.SALT_TS_PG_URL));
  const base = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  const name = `salt_ts_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = await createPgPool({ ...base, database: url.pathname.slice(1) || 'postgres', max: 1 });
  const c = await admin.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    c.release();
  }
  const pool = await createPgPool({ ...base, database: name, max: 1 });
  const run = async (sql: string, values?: unknown[]) => {
    const conn = await pool.connect();
    try {
      return (await conn.query(sql, values)).rows;
    } finally {
      conn.release();
    }
  };
  await run(PGJSONB_SCHEMA);
  return {
    name,
    opts: {
      'returner.pgjsonb.host': base.host,
      'returner.pgjsonb.port': base.port,
      'returner.pgjsonb.user': base.user,
      'returner.pgjsonb.pass': base.password,
      'returner.pgjsonb.db': name,
    },
    query: run,
    async drop() {
      await pool.end();
      const conn = await admin.connect();
      try {
        // Closed pools end their sockets asynchronously: let those sessions finish, as a forced
        // drop would send them an error nobody listens to any more.
        for (let i = 0; i < 50; i++) {
          const { rows } = await conn.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await conn.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        conn.release();
        await admin.end();
      }
    },
  };
}

/** `redis.*` options for the SALT_TS_REDIS_URL server and database `db` (tests own one db each). */
export function redisTestOpts(db: number): Dict {
  const url = new URL(String(process.env.SALT_TS_REDIS_URL));
  return { 'redis.host': url.hostname, 'redis.port': Number(url.port || 6379), 'redis.db': db };
}
