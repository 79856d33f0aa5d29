import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/Database.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/PgliteDatabase.ts';
import { PostgresDatabase } from '../../src/store/PostgresDatabase.ts';

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Why the target is skipped on this machine, or undefined when it runs. */
  skip: string | undefined;
  /** A fresh, migrated database, and how to throw it away. */
  open(opts?: { dir?: string }): Promise<{ db: Database; drop(): Promise<void> }>;
}

const url = process.env.DATABASE_URL;

/**
 * Every store test runs on both: PGlite always, the PostgreSQL server when
 * DATABASE_URL is set (CI sets it and fails if the server is down). Each
 * PostgreSQL database is a fresh schema, so runs never see each other's rows.
 */
export const DATABASES: DatabaseTarget[] = [
  {
    name: 'pglite',
    skip: undefined,
    async open(opts) {
      const db = await PgliteDatabase.open(opts?.dir);
      await migrate(db);
      return { db, drop: () => db.close() };
    },
  },
  {
    name: 'postgres',
    skip: url ? undefined : 'DATABASE_URL is not set: no PostgreSQL server to test against (CI sets it)',
    async open(opts) {
      const schema = (opts?.dir ? `helios_${opts.dir.replace(/\W/g, '_').slice(-40)}` : `helios_t_${randomBytes(6).toString('hex')}`).toLowerCase();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await admin.end();
      const db = await PostgresDatabase.open(url!, { schema });
      await migrate(db);
      return {
        db,
        async drop() {
          await db.close();
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  },
];
