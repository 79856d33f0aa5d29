import { Worker } from 'node:worker_threads';
import { HeliosError } from '../errors/HeliosError.ts';
import type { Database, Queryable, Statement } from './Database.ts';

type Pending = { resolve: (rows: unknown[] | null) => void; reject: (e: Error) => void };

/**
 * PostgreSQL compiled to WebAssembly, on a data directory: the embedded
 * default, so Helios needs no server to run. It runs in a worker thread of its
 * own (pgliteWorker.ts), so its SQL never holds the kernel's event loop.
 *
 * PGlite is one connection: a transaction is a BEGIN ... COMMIT on it, and
 * nothing else may run in between. So every statement outside a transaction
 * waits its turn behind the transaction in progress, while statements inside
 * it go straight to the worker.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  #worker: Worker;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  /** Work waiting for the connection, in order; `batch` goes to the front (see there). */
  #queue: (() => void)[] = [];
  #busy = false;
  #dead: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (m: { id: number; ok: boolean; rows?: unknown[] | null; error?: Record<string, string | undefined> }) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      if (m.ok) p.resolve(m.rows ?? null);
      else p.reject(Object.assign(new Error(m.error?.message ?? 'database error'), m.error));
    });
    const fail = (why: string) => {
      this.#dead ??= new HeliosError('HELIOS_E_STORE_UNAVAILABLE', `the embedded database's thread ${why}`);
      for (const p of this.#pending.values()) p.reject(this.#dead);
      this.#pending.clear();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => fail(`exited (${code})`));
  }

  /** `dir` undefined: in memory (tests); otherwise a directory that persists. */
  static async open(dir?: string): Promise<PgliteDatabase> {
    const worker = new Worker(new URL('./pgliteWorker.ts', import.meta.url), { workerData: { dir } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m.ready !== true) return;
        worker.off('error', reject);
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw new HeliosError('HELIOS_E_STORE_UNAVAILABLE', `the embedded database did not open: ${String(e)}`);
    });
    return new PgliteDatabase(worker);
  }

  async query<R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.#exclusive(() => this.#call('query', sql, params))) as R[];
  }

  async exec(sql: string): Promise<void> {
    await this.#exclusive(() => this.#call('exec', sql));
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#exclusive(async () => {
      await this.#call('query', 'BEGIN');
      try {
        const result = await fn({ query: async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) => (await this.#call('query', sql, params)) as R[] });
        await this.#call('query', 'COMMIT');
        return result;
      } catch (e) {
        await this.#call('query', 'ROLLBACK').catch(() => {});
        throw e;
      }
    });
  }

  /**
   * Ahead of everything still waiting (never of what is running): a batch is
   * the latency-critical write, the kill switch's record, which would
   * otherwise queue behind the book's cancellations of every working order
   * that the same halt set off. A batch touches its own rows only, so taking
   * it first reorders nothing that depends on it.
   */
  async batch(statements: readonly Statement[]): Promise<void> {
    await this.#exclusive(() => this.#call('batch', undefined, statements), true);
  }

  async close(): Promise<void> {
    await this.#exclusive(() => this.#call('close')).catch(() => {});
    await this.#worker.terminate();
  }

  #exclusive<T>(work: () => Promise<T>, first = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#busy = true;
        work()
          .then(resolve, reject)
          .finally(() => {
            const next = this.#queue.shift();
            if (next !== undefined) next();
            else this.#busy = false;
          });
      };
      if (!this.#busy) start();
      else if (first) this.#queue.unshift(start);
      else this.#queue.push(start);
    });
  }

  #call(op: 'query' | 'exec' | 'batch' | 'close', sql?: string, params: readonly unknown[] = []): Promise<unknown[] | null> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, sql, params });
    });
  }
}
