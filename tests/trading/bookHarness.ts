import type { OrderIntent } from '../../src/contracts/tiers.ts';
import type { TradingMode } from '../../src/kernel/TradingState.ts';
import { PaperBroker, type PaperBrokerOptions } from '../../src/paper/PaperBroker.ts';
import type { Venue } from '../../src/paper/Venue.ts';
import type { Database, Queryable } from '../../src/store/Database.ts';
import { TradingBook, type TradingBookOptions } from '../../src/trading/TradingBook.ts';

/**
 * A database seam: logs each committed write (a transaction as one entry),
 * can fail a statement matching a pattern, calls a hook before each
 * statement, and can be cut, after which every call fails as if the process
 * had died there. What was committed before the cut stays in the database.
 */
export function seam(db: Database, log: string[]) {
  const s = {
    cutAt: false,
    failOn: undefined as RegExp | undefined,
    beforeStatement: undefined as ((sql: string) => void) | undefined,
    cut() {
      s.cutAt = true;
    },
  };
  const check = (sql: string) => {
    if (s.cutAt) throw new Error('process died');
    s.beforeStatement?.(sql);
    if (s.failOn?.test(sql)) throw new Error(`injected failure on ${sql.slice(0, 30)}`);
  };
  const words = (sql: string) => sql.trim().split(/\s+/).slice(0, 3).join(' ');
  const wrapped: Database = {
    kind: db.kind,
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    async query(sql, params) {
      check(sql);
      const r = await db.query(sql, params);
      if (!/^\s*SELECT/i.test(sql)) log.push(`commit ${words(sql)}`);
      return r as never;
    },
    async transaction(fn) {
      const statements: string[] = [];
      const out = await db.transaction((tx) =>
        fn({
          async query(sql, params) {
            check(sql);
            statements.push(words(sql));
            return (await tx.query(sql, params)) as never;
          },
        } as Queryable),
      );
      log.push(`commit ${statements.join(' + ')}`);
      return out;
    },
    async batch(list) {
      for (const st of list) check(st.sql);
      await db.batch(list);
      log.push(`commit ${list.map((st) => words(st.sql)).join(' + ')}`);
    },
  };
  return Object.assign(s, { db: wrapped });
}

/** A paper broker whose accept() is logged, so a test can see when the venue first learnt of an order. */
export function spyVenue(log: string[], opts: PaperBrokerOptions = {}): Venue & { accepted: OrderIntent[]; broker: PaperBroker } {
  const broker = new PaperBroker(opts);
  const accepted: OrderIntent[] = [];
  return {
    broker,
    accepted,
    listen: (fn) => broker.listen(fn),
    accept(order) {
      log.push(`venue accept ${order.clientOrderId}`);
      accepted.push(order);
      broker.accept(order);
    },
    adopt: (order, resume) => broker.adopt(order, resume),
    onMarket: (e) => broker.onMarket(e),
    cancel: (id) => broker.cancel(id),
    cancelAll: () => broker.cancelAll(),
  };
}

/** Costs off and immediate, full fills, so the arithmetic in a test is the arithmetic of the book. */
export const FRICTIONLESS: PaperBrokerOptions = { latencyMs: 0, participation: 1, feeBps: 0, minFee: 0, halfSpreadBps: 0, impactBps: 0, lotSize: 1 };

export async function openBook(db: Database, opts: TradingBookOptions & { mode?: () => TradingMode } = {}): Promise<TradingBook> {
  return TradingBook.open(db, { initialCash: 100_000, broker: FRICTIONLESS, onError: () => {}, ...opts });
}

/** Empties the book's tables, so one migrated database serves a whole test file. */
export async function emptyBook(db: Database): Promise<Database> {
  await db.exec(`TRUNCATE fills, orders, positions, account_state`);
  return db;
}
