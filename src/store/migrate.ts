import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HeliosError } from '../errors/HeliosError.ts';
import type { Database } from './Database.ts';

const MIGRATIONS = new URL('../../database/migrations/', import.meta.url).pathname;

/**
 * Applies `database/migrations/NNN_name.sql` in order, each in its own
 * transaction with its record in `schema_migrations`, so a crash mid-way
 * leaves either all of a migration or none. A migration already applied is
 * checked by name; editing one after it shipped is refused rather than
 * silently skipped.
 */
export async function migrate(db: Database, dir = MIGRATIONS): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = (await readdir(dir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
  const done = new Map((await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).map((r) => [r.name, r.checksum]));
  const applied: string[] = [];
  for (const f of files) {
    const sql = await readFile(join(dir, f), 'utf8');
    const sum = checksum(sql);
    const prior = done.get(f);
    if (prior !== undefined) {
      if (prior !== sum) throw new HeliosError('HELIOS_E_STORE_UNAVAILABLE', `migration ${f} changed after it was applied; add a new migration instead`);
      continue;
    }
    await db.transaction(async (tx) => {
      // Statements one by one: the extended protocol (used in transactions) takes one statement per call.
      for (const stmt of splitStatements(sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [f, sum]);
    });
    applied.push(f);
  }
  return applied;
}

/** Splits on semicolons at the end of a line; migrations keep to that shape (no functions with bodies). */
export function splitStatements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function checksum(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
