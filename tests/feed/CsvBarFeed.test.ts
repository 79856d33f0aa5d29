import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModuleContext } from '../../src/contracts/module.ts';
import type { RawMarketEvent } from '../../src/contracts/tiers.ts';
import { HeliosError, isHeliosError } from '../../src/errors/HeliosError.ts';
import { CsvBarFeed } from '../../src/feed/CsvBarFeed.ts';
import { create } from '../../modules/ingestion/market-data/index.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

const SP500 = new URL('../../data/sp500-2000.csv', import.meta.url).pathname;
const dir = await tempDir();
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(fn: () => unknown): Promise<HeliosError> {
  try {
    await fn();
  } catch (e) {
    if (isHeliosError(e, 'HELIOS_E_INPUT_INVALID')) return e;
    throw e;
  }
  throw new Error('expected HELIOS_E_INPUT_INVALID, but it was accepted');
}

const GOOD = 'date,open,high,low,close,adjclose,volume\n2020-01-02,10,11,9,10.5,10.5,100\n';

describe('CsvBarFeed', () => {
  it('reads the bundled S&P 500 file: every daily bar, at 00:00 UTC, first and last as in the file', async () => {
    const feed = await CsvBarFeed.fromFile(SP500);
    // data/README.md says 5,104; the file holds 5,105 distinct dates (2000-01-03 .. 2020-04-17).
    expect(feed.size).toBe(5_105);
    const bars = feed.next(10_000);
    expect(bars).toHaveLength(5_105);
    expect(feed.remaining).toBe(0);
    expect(feed.next(10)).toEqual([]);
    expect(bars[0]).toEqual({ symbol: 'SPX', ts: Date.UTC(2000, 0, 3), kind: 'bar', open: 1469.25, high: 1478, low: 1438.359985, close: 1455.219971, volume: 931_800_000 });
    expect(bars.at(-1)).toEqual({ symbol: 'SPX', ts: Date.UTC(2020, 3, 17), kind: 'bar', open: 2842.429932, high: 2879.219971, low: 2830.879883, close: 2874.560059, volume: 5_792_140_000 });
    expect(bars.every((b, i) => i === 0 || b.ts > bars[i - 1]!.ts)).toBe(true);
  });

  it('hands bars out in chunks, under the symbol asked for, and every one passes ingestion with a daily candle per day', async () => {
    const feed = await CsvBarFeed.fromFile(SP500, { symbol: 'SPY' });
    const chunks = [feed.next(1), feed.next(999), feed.next(5_000)];
    expect(chunks.map((c) => c.length)).toEqual([1, 999, 4_105]);
    const bars = chunks.flat();
    expect(new Set(bars.map((b) => b.symbol))).toEqual(new Set(['SPY']));

    const ctx = { config: { timeframes: ['1d'] }, log: { info() {}, warn() {} }, effects: { call: async () => null } } as unknown as ModuleContext;
    const m = create(ctx);
    const out = await m.handle(bars.map((b, i) => ({ seq: i + 1, ...b }) as RawMarketEvent));
    expect(out).toHaveLength(5_105);
    const candles = out.flatMap((e) => e.candles ?? []);
    expect(candles).toHaveLength(5_104);
    expect(candles[0]).toEqual({ tf: '1d', start: Date.UTC(2000, 0, 3), open: 1469.25, high: 1478, low: 1438.359985, close: 1455.219971, volume: 931_800_000, count: 1 });
  });

  it('refuses a missing file with a coded error naming it', async () => {
    const e = await refusal(() => CsvBarFeed.fromFile(join(dir, 'nope.csv')));
    expect(e.message).toContain('nope.csv');
    expect(e.message).toContain('ENOENT');
  });

  it.each([
    ['a wrong header', 'date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n', 1, /header/],
    ['an empty file', '', 1, /header/],
    ['a short row', GOOD + '2020-01-03,10,11,9,10.5,100\n', 3, /7 fields, found 6/],
    ['a word for a number', GOOD + '2020-01-03,10,eleven,9,10.5,10.5,100\n', 3, /high "eleven"/],
    ['an empty number', GOOD + '2020-01-03,10,11,,10.5,10.5,100\n', 3, /low ""/],
    ['an overflowing number', GOOD + '2020-01-03,10,11,9,1e999,10.5,100\n', 3, /close "1e999"/],
    ['a date that is not one', GOOD + '\n2020-02-30,10,11,9,10.5,10.5,100\n', 4, /2020-02-30/],
    ['a date in another layout', GOOD + '01/03/2020,10,11,9,10.5,10.5,100\n', 3, /01\/03\/2020/],
  ])('refuses %s, naming the line', async (_, text, line, why) => {
    const path = join(dir, `bad-${line}-${text.length}.csv`);
    await writeFile(path, text);
    const e = await refusal(() => CsvBarFeed.fromFile(path));
    expect(e.message).toContain(`${path} line ${line}:`);
    expect(e.message).toMatch(why);
    expect(e.details).toEqual({ source: path, line });
  });

  it('accepts CRLF line ends, a byte-order mark and a trailing newline, and keeps odd but numeric values for ingestion to judge', () => {
    const feed = CsvBarFeed.parse('\uFEFFdate,open,high,low,close,adjclose,volume\r\n2020-01-02,10,9,11,10.5,10.5,100\r\n\r\n');
    expect(feed.next(5)).toEqual([{ symbol: 'SPX', ts: Date.UTC(2020, 0, 2), kind: 'bar', open: 10, high: 9, low: 11, close: 10.5, volume: 100 }]);
  });
});
