/**
 * The embedded database's own thread: PGlite (PostgreSQL compiled to
 * WebAssembly) executes SQL synchronously on whatever thread hosts it, for
 * milliseconds per transaction under load. Hosted here, that time is taken
 * from this thread instead of the kernel's, whose event loop carries every
 * tier hop, effect call and API request.
 *
 * Protocol: `{ id, op: 'query' | 'exec' | 'batch' | 'close', sql?, params? }` in,
 * `{ id, ok: true, rows }` or `{ id, ok: false, error }` out, one answer per
 * request. Requests may overlap; PGlite runs them one at a time, and the
 * caller (PgliteDatabase) keeps transactions exclusive.
 */
import { mkdir } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

interface Request {
  id: number;
  op: 'query' | 'exec' | 'batch' | 'close';
  sql?: string;
  /** For 'batch': the statements, as `{ sql, params }`. */
  params?: unknown[];
}

const port = parentPort!;
const dir = (workerData as { dir?: string }).dir;
if (dir !== undefined) await mkdir(dir, { recursive: true });
const db = dir === undefined ? new PGlite() : new PGlite(dir);
await db.waitReady;
port.postMessage({ ready: true });

port.on('message', (m: Request) => {
  run(m).then(
    (rows) => port.postMessage({ id: m.id, ok: true, rows }),
    (e: unknown) => port.postMessage({ id: m.id, ok: false, error: errorFields(e) }),
  );
});

async function run(m: Request): Promise<unknown[] | null> {
  switch (m.op) {
    case 'query':
      return (await db.query(m.sql!, m.params ?? [])).rows;
    case 'exec':
      await db.exec(m.sql!);
      return null;
    case 'batch':
      await db.transaction(async (tx) => {
        for (const st of m.params as { sql: string; params?: unknown[] }[]) await tx.query(st.sql, st.params ?? []);
      });
      return null;
    case 'close':
      await db.close();
      return null;
  }
}

/** What a caller may inspect of a database error (message and PostgreSQL's fields), clone-safe. */
function errorFields(e: unknown): Record<string, string | undefined> {
  const x = e as Record<string, unknown>;
  const pick = (k: string) => (typeof x?.[k] === 'string' ? (x[k] as string) : undefined);
  return { message: e instanceof Error ? e.message : String(e), code: pick('code'), detail: pick('detail'), constraint: pick('constraint'), severity: pick('severity') };
}
