import { join } from 'node:path';
import type { Database } from './Database.ts';
import { migrate } from './migrate.ts';
import { PgliteDatabase } from './PgliteDatabase.ts';
import { PostgresDatabase } from './PostgresDatabase.ts';

/** `DATABASE_URL` set: that PostgreSQL server; otherwise PGlite under the data directory. Migrated either way. */
export async function openDatabase(opts: { url?: string | undefined; dataDir?: string | undefined }): Promise<Database> {
  const db = opts.url ? await PostgresDatabase.open(opts.url) : await PgliteDatabase.open(opts.dataDir === undefined ? undefined : join(opts.dataDir, 'pglite'));
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
