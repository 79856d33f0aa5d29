import pg from 'pg';
import { HeliosError } from '../errors/HeliosError.ts';
import type { Database, Queryable, Statement } from './Database.ts';

/** A PostgreSQL server through a small pool (`DATABASE_URL`), for several kernels or a real deployment. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  #pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** `schema`: a search_path to work in (tests use a fresh one per run). */
  static async open(url: string, opts: { schema?: string } = {}): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: url, max: 4, ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}) });
    // An idle client's error (server restart) must not crash the kernel; the next query reconnects.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (e) {
      await pool.end();
      throw new HeliosError('HELIOS_E_STORE_UNAVAILABLE', `cannot reach PostgreSQL at ${redact(url)}: ${(e as Error).message}`);
    }
    return new PostgresDatabase(pool);
  }

  async query<R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(sql, params as unknown[])).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  batch(statements: readonly Statement[]): Promise<void> {
    return this.transaction(async (tx) => {
      for (const st of statements) await tx.query(st.sql, st.params);
    });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn({ query: async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => (await client.query<R>(sql, params as unknown[])).rows });
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/** Never log a password. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
