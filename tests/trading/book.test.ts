import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TradingMode } from '../../src/kernel/TradingState.ts';
import type { Venue, VenueEvent } from '../../src/paper/Venue.ts';
import type { Database } from '../../src/store/Database.ts';
import { DATABASES } from '../helpers/databases.ts';
import { emptyBook, FRICTIONLESS, openBook, seam, spyVenue } from './bookHarness.ts';
import { order, trade } from './marketEvents.ts';

for (const database of DATABASES) {
  describe.skipIf(database.skip !== undefined)(`TradingBook on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
    // One database per target, emptied before each test: opening PGlite costs seconds, truncating does not.
    let opened: Awaited<ReturnType<typeof database.open>>;
    beforeAll(async () => {
      opened = await database.open();
    });
    afterAll(() => opened?.drop());
    const fresh = (): Promise<Database> => emptyBook(opened.db);

    it('commits the order row before the venue learns of the order', async () => {
      const db = await fresh();
      const log: string[] = [];
      const s = seam(db, log);
      const venue = spyVenue(log, FRICTIONLESS);
      const book = await openBook(s.db, { venue });
      book.onMarket([trade('AAA', 1000, 100, 500)]);
      await book.flush();
      log.length = 0;
      await book.submit([order('o1', 'AAA', 'buy', 10, 1000), order('o2', 'AAA', 'sell', 3, 1000)]);
      expect(log).toEqual(['commit INSERT INTO orders + INSERT INTO orders', 'venue accept o1', 'venue accept o2']);
      expect(await db.query(`SELECT client_order_id, status FROM orders ORDER BY id`)).toEqual([
        { client_order_id: 'o1', status: 'accepted' },
        { client_order_id: 'o2', status: 'accepted' },
      ]);
    });

    it('a fill id the database already holds changes nothing, and the new fills of the same group still commit', async () => {
      const db = await fresh();
      // A venue that replays a fill it already sent (as one might after a reconnect).
      let emit!: (e: VenueEvent) => void;
      const venue: Venue = { listen: (fn) => (emit = fn), accept() {}, adopt() {}, onMarket() {}, cancel: () => false, cancelAll: () => [] };
      const book = await openBook(db, { venue });
      book.onMarket([trade('AAA', 1000, 100, 500)]);
      await book.submit([order('o1', 'AAA', 'buy', 10, 1000)]);
      const fill = (n: number, quantity: number): VenueEvent => ({ type: 'fill', fill: { fillId: `o1-f${n}`, clientOrderId: 'o1', symbol: 'AAA', side: 'buy', quantity, price: 100, fee: 0, ts: 1001 } });
      emit(fill(1, 4));
      await book.flush();
      emit(fill(1, 4));
      emit(fill(2, 3));
      await book.flush();
      expect(book.positions().map((p) => [p.symbol, p.quantity])).toEqual([['AAA', 7]]);
      expect(book.counters.fills).toBe(2);
      expect(await db.query(`SELECT fill_id FROM fills ORDER BY id`)).toEqual([{ fill_id: 'o1-f1' }, { fill_id: 'o1-f2' }]);
      expect(await db.query(`SELECT status, filled_quantity::float8 AS filled FROM orders`)).toEqual([{ status: 'partially_filled', filled: 7 }]);
      expect(await db.query(`SELECT quantity::float8 AS q FROM positions`)).toEqual([{ q: 7 }]);
    });

    it('never hands a client order id to the venue twice', async () => {
      const db = await fresh();
      const venue = spyVenue([], FRICTIONLESS);
      const book = await openBook(db, { venue });
      book.onMarket([trade('AAA', 1000, 100, 500)]);
      const a = book.submit([order('dup', 'AAA', 'buy', 10, 1000), order('dup', 'AAA', 'buy', 10, 1000)]);
      const b = book.submit([order('dup', 'AAA', 'buy', 99, 1001)]);
      await Promise.all([a, b]);
      expect(venue.accepted.map((o) => o.clientOrderId)).toEqual(['dup']);
      expect(book.counters).toMatchObject({ sent: 1, duplicates: 2 });
      expect(await db.query(`SELECT count(*)::int AS n FROM orders`)).toEqual([{ n: 1 }]);
    });

    it('commits fill, position and order status in one transaction, and moves memory only after it commits', async () => {
      const db = await fresh();
      const log: string[] = [];
      const s = seam(db, log);
      const book = await openBook(s.db, { broker: { ...FRICTIONLESS, feeBps: 10 } });
      book.onMarket([trade('AAA', 1000, 100, 500)]);
      await book.submit([order('o1', 'AAA', 'buy', 10, 1000)]);
      const seenBeforeCommit: unknown[] = [];
      s.beforeStatement = (sql) => {
        if (sql.includes('INSERT INTO fills')) seenBeforeCommit.push(book.snapshot().positions.AAA?.quantity ?? 0, book.snapshot().cash);
      };
      log.length = 0;
      book.onMarket([trade('AAA', 1001, 100, 500)]);
      await book.flush();
      expect(seenBeforeCommit).toEqual([0, 100_000]);
      expect(log).toEqual(['commit INSERT INTO fills + INSERT INTO positions + UPDATE orders SET + UPDATE account_state SET']);
      expect(book.snapshot()).toMatchObject({ cash: 100_000 - 1000 - 1, fees: 1, positions: { AAA: { quantity: 10, avgPrice: 100 } } });

      // A failure inside the transaction leaves neither the fill nor the position, in the database or in memory.
      await book.submit([order('o2', 'AAA', 'buy', 5, 1001)]);
      s.failOn = /^\s*UPDATE orders/;
      book.onMarket([trade('AAA', 1002, 100, 500)]);
      await book.flush();
      expect(book.writeFailures).toBe(1);
      expect(await db.query(`SELECT fill_id FROM fills ORDER BY id`)).toEqual([{ fill_id: 'o1-f1' }]);
      expect(await db.query(`SELECT quantity::float8 AS q FROM positions`)).toEqual([{ q: 10 }]);
      expect(book.snapshot().positions.AAA?.quantity).toBe(10);
    });

    it('comes back from a crash with positions, cash, working orders and seen ids; nothing unacknowledged survives', async () => {
      const db = await fresh();
      const s = seam(db, []);
      const a = await openBook(s.db, { broker: { ...FRICTIONLESS, participation: 0.5, feeBps: 10 } });
      a.onMarket([trade('AAA', 1000, 100, 1000), trade('BBB', 1000, 10, 1000)]);
      await a.submit([order('fill', 'AAA', 'buy', 10, 1000), order('part', 'AAA', 'sell', 30, 1000), order('rest', 'BBB', 'buy', 5, 1000, 1)]);
      // 'fill' takes 10 of 10 available, then 'part' takes nothing; then 'part' gets 10 of 20.
      a.onMarket([trade('AAA', 1001, 100, 20), trade('AAA', 1002, 101, 20)]);
      await a.flush();
      const before = a.snapshot();
      expect(before.positions.AAA?.quantity).toBe(0);
      expect(before.pending).toEqual({ AAA: -20, BBB: 5 });
      // Unacknowledged at the instant of the crash: an order still being written, and a fill.
      void a.submit([order('late', 'BBB', 'buy', 1, 1003)]);
      a.onMarket([trade('AAA', 1004, 102, 20)]);
      s.cut();
      await a.flush();

      const log: string[] = [];
      const venue = spyVenue(log, { ...FRICTIONLESS, participation: 1 });
      const b = await openBook(db, { venue, initialCash: 1 });
      expect(b.initialCash).toBe(100_000);
      const after = b.snapshot();
      expect(after.cash).toBeCloseTo(before.cash, 9);
      expect(after.fees).toBeCloseTo(before.fees, 9);
      expect(after.positions).toEqual(before.positions);
      expect(after.pending).toEqual({ AAA: -20, BBB: 5 });
      expect(b.openOrders().map((o) => [o.clientOrderId, o.filledQuantity])).toEqual([
        ['part', 10],
        ['rest', 0],
      ]);
      // Seen ids: an acknowledged one is a duplicate; the one that never committed was never sent, so it may go now.
      await b.submit([order('fill', 'AAA', 'buy', 10, 1005), order('late', 'BBB', 'buy', 1, 1005)]);
      expect(b.counters.duplicates).toBe(1);
      expect(venue.accepted.map((o) => o.clientOrderId)).toEqual(['late']);
      // The re-adopted order keeps working, its fill ids continuing from the last durable one.
      b.onMarket([trade('AAA', 1006, 103, 100)]);
      await b.flush();
      expect(await db.query(`SELECT fill_id, quantity::float8 AS q FROM fills WHERE client_order_id = 'part' ORDER BY id`)).toEqual([
        { fill_id: 'part-f1', q: 10 },
        { fill_id: 'part-f2', q: 20 },
      ]);
      expect(b.snapshot().positions.AAA?.quantity).toBe(-20);
    });

    it('answers exposure for REDUCING: the position less working reductions, never past zero', async () => {
      const db = await fresh();
      const long = await openBook(db, { broker: FRICTIONLESS });
      long.onMarket([trade('AAA', 0, 10, 1000), trade('SSS', 0, 10, 1000)]);
      await long.submit([order('l', 'AAA', 'buy', 100, 0), order('s', 'SSS', 'sell', 40, 0)]);
      long.onMarket([trade('AAA', 1, 10, 1000), trade('SSS', 1, 10, 1000)]);
      await long.flush();
      // A second book over the same rows, with a venue slow enough that its orders stay working.
      const b = await openBook(db, { broker: { ...FRICTIONLESS, latencyMs: 1_000_000 } });
      b.onMarket([trade('AAA', 2, 10, 1000), trade('SSS', 2, 10, 1000)]);
      expect([b.exposure('AAA'), b.exposure('SSS'), b.exposure('NONE')]).toEqual([100, -40, 0]);
      await b.submit([order('r1', 'AAA', 'sell', 30, 2), order('add', 'AAA', 'buy', 50, 2), order('r2', 'SSS', 'buy', 15, 2)]);
      expect([b.exposure('AAA'), b.exposure('SSS')]).toEqual([70, -25]);
      await b.submit([order('r3', 'AAA', 'sell', 90, 2)]);
      expect(b.exposure('AAA')).toBe(0);
      expect(b.symbols().sort()).toEqual(['AAA', 'SSS']);
    });

    it('enforces the trading mode itself and cancels everything on HALTED, orders still being written included', async () => {
      const db = await fresh();
      let mode: TradingMode = 'ACTIVE';
      const venue = spyVenue([], { ...FRICTIONLESS, latencyMs: 1_000_000 });
      const book = await openBook(db, { venue, mode: () => mode });
      book.onMarket([trade('AAA', 0, 10, 1000)]);
      await book.submit([order('w1', 'AAA', 'buy', 10, 0)]);
      const inFlight = book.submit([order('w2', 'AAA', 'buy', 10, 0)]);
      mode = 'HALTED';
      await book.cancelAll();
      await inFlight;
      await book.submit([order('h1', 'AAA', 'buy', 10, 0)]);
      expect(venue.accepted.map((o) => o.clientOrderId)).toEqual(['w1']);
      expect(await db.query(`SELECT client_order_id, status FROM orders ORDER BY id`)).toEqual([
        { client_order_id: 'w1', status: 'cancelled' },
        { client_order_id: 'w2', status: 'cancelled' },
        { client_order_id: 'h1', status: 'rejected' },
      ]);
      expect(book.openOrders()).toEqual([]);
      expect(book.snapshot()).toMatchObject({ mode: 'HALTED', pending: {} });
      expect(book.counters).toMatchObject({ sent: 1, cancelled: 2, rejected: 1 });
      // REDUCING: an order that would grow the position is refused.
      mode = 'REDUCING';
      await book.submit([order('r1', 'AAA', 'buy', 1, 0)]);
      expect(await db.query(`SELECT status, reason FROM orders WHERE client_order_id = 'r1'`)).toEqual([
        { status: 'rejected', reason: 'trading is REDUCING and the order would not shrink the position' },
      ]);
    });

    it('answers order and fill history from the database, filtered and newest first', async () => {
      const db = await fresh();
      const book = await openBook(db);
      book.onMarket([trade('AAA', 0, 10, 1000), trade('BBB', 0, 20, 1000)]);
      await book.submit([order('a1', 'AAA', 'buy', 10, 0), order('b1', 'BBB', 'buy', 5, 0), order('a2', 'AAA', 'buy', 1, 0, 1)]);
      book.onMarket([trade('AAA', 1, 11, 1000), trade('BBB', 1, 21, 1000)]);
      await book.flush();
      expect((await book.orders()).map((o) => o.clientOrderId)).toEqual(['a2', 'b1', 'a1']);
      expect((await book.orders({ status: 'open' })).map((o) => o.clientOrderId)).toEqual(['a2']);
      expect((await book.orders({ symbol: 'AAA', status: 'filled' })).map((o) => [o.clientOrderId, o.filledQuantity, o.ts])).toEqual([['a1', 10, 0]]);
      expect((await book.orders({ limit: 1 })).length).toBe(1);
      expect(await book.fills({ symbol: 'BBB' })).toEqual([
        { fillId: 'b1-f1', clientOrderId: 'b1', symbol: 'BBB', side: 'buy', quantity: 5, price: 21, fee: 0, ts: 1, at: expect.any(String) },
      ]);
    });
  });
}
