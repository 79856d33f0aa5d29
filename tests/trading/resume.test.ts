import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/Database.ts';
import { DATABASES } from '../helpers/databases.ts';
import { emptyBook, openBook } from './bookHarness.ts';
import { order, trade } from './marketEvents.ts';

/*
 * Where a book reopened after a crash says the market stood: the time and the
 * prices a restarted feed continues from (main.ts seeds the synthetic feed
 * with them), so a restart neither goes back in event time nor jumps prices.
 */
for (const database of DATABASES) {
  describe.skipIf(database.skip !== undefined)(`TradingBook resumes the market on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
    let opened: Awaited<ReturnType<typeof database.open>>;
    beforeAll(async () => {
      opened = await database.open();
    });
    afterAll(() => opened?.drop());
    const fresh = (): Promise<Database> => emptyBook(opened.db);

    it('resumes event time after every acknowledged order, one written after the last fill included', async () => {
      const db = await fresh();
      const a = await openBook(db, { markEveryMs: 0 });
      a.onMarket([trade('AAA', 1_000, 100, 500)]);
      await a.submit([order('o1', 'AAA', 'buy', 10, 1_000)]);
      a.onMarket([trade('AAA', 1_001, 100, 500)]);
      await a.flush();
      // Later events and an order decided on them; no fill follows before the crash.
      a.onMarket([trade('AAA', 9_000, 101, 500)]);
      await a.submit([order('o2', 'AAA', 'buy', 1, 9_000, 50)]);
      expect(a.snapshot().asOf).toBe(9_000);

      const b = await openBook(db, { markEveryMs: 0 });
      expect(b.snapshot().asOf).toBe(9_000);
    });

    it('persists every position mark each markEveryMs of event time, at most once per 1,000 events, so a restart marks positions where the market was', async () => {
      const db = await fresh();
      const a = await openBook(db, { markEveryMs: 60_000 });
      a.onMarket([trade('AAA', 0, 100, 500), trade('BBB', 0, 20, 500)]);
      await a.submit([order('o1', 'AAA', 'buy', 10, 0)]);
      a.onMarket([trade('AAA', 1, 100, 500)]);
      await a.flush();
      const stored = async (): Promise<unknown> => (await db.query<{ m: number }>(`SELECT mark_price::float8 AS m FROM positions WHERE symbol = 'AAA'`))[0]?.m;
      expect(await stored()).toBe(100);

      // 999 events since the book opened, across two minutes of event time: time alone is not enough.
      a.onMarket(Array.from({ length: 996 }, (_, i) => trade(i % 2 === 0 ? 'AAA' : 'BBB', 2 + i * 120, 100 + i / 100, 500)));
      await a.flush();
      expect(await stored()).toBe(100);
      // The thousandth, past the interval: the marks as they stand go to the database, with the event time.
      a.onMarket([trade('AAA', 200_000, 112.5, 500)]);
      await a.flush();
      expect(await stored()).toBe(112.5);

      // Reopened, as after a kill: the position is marked at the last checkpoint, not at its fill; a symbol never traded has no stored mark.
      a.onMarket([trade('AAA', 200_001, 113, 500)]);
      const b = await openBook(db, { markEveryMs: 60_000 });
      expect(b.marks()).toEqual({ AAA: 112.5 });
      expect(b.snapshot().positions.AAA).toMatchObject({ quantity: 10, avgPrice: 100, markPrice: 112.5 });
      expect(b.snapshot().equity).toBeCloseTo(100_000 + 10 * 12.5, 9);
      expect(b.snapshot().asOf).toBe(200_000);
    });

    it('writes no marks with markEveryMs 0: positions keep the mark of their last fill', async () => {
      const db = await fresh();
      const a = await openBook(db, { markEveryMs: 0 });
      a.onMarket([trade('AAA', 0, 100, 500)]);
      await a.submit([order('o1', 'AAA', 'buy', 10, 0)]);
      a.onMarket([trade('AAA', 1, 100, 500)]);
      await a.flush();
      a.onMarket(Array.from({ length: 2_000 }, (_, i) => trade('AAA', 2 + i * 1_000, 100 + i / 100, 500)));
      await a.flush();
      const b = await openBook(db, { markEveryMs: 0 });
      expect(b.marks()).toEqual({ AAA: 100 });
      await expect(openBook(db, { markEveryMs: -1 })).rejects.toThrow(/markEveryMs/);
    });
  });
}
