import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.ts';
import { emptyBook, openBook } from './bookHarness.ts';
import { order, trade } from './marketEvents.ts';

const day = (d: number, h = 0, m = 0, ms = 0) => Date.UTC(2026, 0, d, h, m) + ms;

for (const database of DATABASES) {
  describe.skipIf(database.skip !== undefined)(`account snapshot on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
    let opened: Awaited<ReturnType<typeof database.open>>;
    beforeAll(async () => {
      opened = await database.open();
    });
    afterAll(() => opened?.drop());

    it('rolls daily P&L at UTC midnight of event time, tracks the peak and the drawdown from it, and keeps them across a restart', async () => {
      const db = await emptyBook(opened.db);
      const book = await openBook(db, { initialCash: 10_000 });
      book.onMarket([trade('AAA', day(5, 10), 100, 1000)]);
      expect(book.snapshot()).toMatchObject({ asOf: day(5, 10), equity: 10_000, dayStartEquity: 10_000, dailyPnl: 0, peakEquity: 10_000, drawdown: 0 });
      await book.submit([order('b', 'AAA', 'buy', 10, day(5, 10))]);
      book.onMarket([trade('AAA', day(5, 10, 1), 100, 1000)]);
      await book.flush();
      expect(book.snapshot()).toMatchObject({ cash: 9_000, equity: 10_000, grossExposure: 1_000 });

      book.onMarket([trade('AAA', day(5, 12), 110, 1)]);
      expect(book.snapshot()).toMatchObject({ equity: 10_100, dailyPnl: 100, peakEquity: 10_100, drawdown: 0 });
      book.onMarket([trade('AAA', day(5, 23, 59, 59_999), 90, 1)]);
      let a = book.snapshot();
      expect(a).toMatchObject({ equity: 9_900, dailyPnl: -100, dayStartEquity: 10_000, peakEquity: 10_100 });
      expect(a.drawdown).toBeCloseTo(1 - 9_900 / 10_100, 12);

      // The first event of the next UTC day: the day starts from the equity the last one ended with.
      book.onMarket([trade('AAA', day(6), 95, 1)]);
      a = book.snapshot();
      expect(a).toMatchObject({ equity: 9_950, dayStartEquity: 9_900, dailyPnl: 50, peakEquity: 10_100, grossExposure: 950 });
      expect(a.drawdown).toBeCloseTo(1 - 9_950 / 10_100, 12);
      expect(a.positions.AAA).toEqual({ quantity: 10, avgPrice: 100, markPrice: 95, realizedPnl: 0 });

      // Selling part realises (exit - entry) on what was sold and keeps the entry price of the rest.
      await book.submit([order('s', 'AAA', 'sell', 4, day(6))]);
      book.onMarket([trade('AAA', day(6, 0, 1), 95, 1000)]);
      await book.flush();
      a = book.snapshot();
      expect(a).toMatchObject({ cash: 9_380, equity: 9_950, positions: { AAA: { quantity: 6, avgPrice: 100, realizedPnl: -20 } } });
      expect(book.positions()).toEqual([{ symbol: 'AAA', quantity: 6, avgPrice: 100, markPrice: 95, unrealizedPnl: -30, realizedPnl: -20 }]);

      const again = await openBook(db, { initialCash: 10_000 });
      expect(again.snapshot()).toMatchObject({ asOf: day(6, 0, 1), cash: 9_380, equity: 9_950, dayStartEquity: 9_900, peakEquity: 10_100 });
      // Same day after the restart: no new roll.
      again.onMarket([trade('AAA', day(6, 9), 100, 1)]);
      expect(again.snapshot()).toMatchObject({ equity: 9_980, dayStartEquity: 9_900, dailyPnl: 80 });
    });

    it('rolls over several empty days at once and never goes back a day on a late event', async () => {
      const db = await emptyBook(opened.db);
      const book = await openBook(db, { initialCash: 1_000 });
      book.onMarket([trade('AAA', day(5, 10), 10, 1000)]);
      await book.submit([order('b', 'AAA', 'buy', 50, day(5, 10))]);
      book.onMarket([trade('AAA', day(5, 11), 10, 1000)]);
      await book.flush();
      book.onMarket([trade('AAA', day(9, 1), 12, 1)]);
      expect(book.snapshot()).toMatchObject({ equity: 1_100, dayStartEquity: 1_000, dailyPnl: 100 });
      book.onMarket([trade('AAA', day(8, 23), 8, 1)]);
      expect(book.snapshot()).toMatchObject({ asOf: day(9, 1), equity: 900, dayStartEquity: 1_000, drawdown: 1 - 900 / 1_100 });
    });
  });
}
