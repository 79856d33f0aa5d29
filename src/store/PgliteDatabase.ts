import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './Database.ts';

/**
 * PostgreSQL compiled to WebAssembly, in process, on a data directory: the
 * embedded default, so Helios needs no server to run. One connection, so
 * statements are serialised by PGlite itself.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  #db: PGlite;

  private constructor(db: PGlite) {
    this.#db = db;
  }

  /** `dir` undefined: in memory (tests); otherwise a directory that persists. */
  static async open(dir?: string): Promise<PgliteDatabase> {
    if (dir !== undefined) await mkdir(dir, { recursive: true });
    const db = dir === undefined ? new PGlite() : new PGlite(dir);
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.#db.query<R>(sql, params as unknown[])).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#db.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#db.transaction(async (tx) =>
      fn({ query: async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => (await tx.query<R>(sql, params as unknown[])).rows }),
    );
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
