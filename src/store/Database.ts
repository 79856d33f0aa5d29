/**
 * The SQL the platform needs, and nothing else: parameterised queries,
 * multi-statement scripts (migrations) and transactions. PGlite (embedded) and
 * a PostgreSQL server implement it with the same SQL, so every query is tested
 * against both.
 */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Statement {
  sql: string;
  params?: readonly unknown[];
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: all of it commits or none of it does. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Statements that need no answer from one another, in one transaction. For
   * writes on a latency-critical path (the kill switch): an embedded database
   * on another thread takes them in one message instead of one per statement.
   */
  batch(statements: readonly Statement[]): Promise<void>;
  close(): Promise<void>;
}
