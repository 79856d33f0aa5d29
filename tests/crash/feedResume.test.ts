import { describe, expect, it } from 'vitest';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { SyntheticFeed } from '../../src/feed/SyntheticFeed.ts';

const START = Date.UTC(2026, 0, 5, 14, 30);
const opts = { symbols: 3, seed: 7, start: START };

/** What a restart hands the synthetic feed (main.ts: the book's last marks), so its market carries on instead of jumping. */
describe('SyntheticFeed initialPrices', () => {
  it('opens each named instrument at its given price', () => {
    const events = new SyntheticFeed({ ...opts, initialPrices: { SYN001: 1234.5 } }).next(3 * 20);
    const first = events.filter((e) => e.symbol === 'SYN001').slice(0, 20);
    for (const e of first) {
      const px = e.kind === 'trade' ? e.price! : (e.bid! + e.ask!) / 2;
      expect(Math.abs(Math.log(px / 1234.5))).toBeLessThan(0.01);
    }
  });

  it('leaves the rest of the stream as it was: other instruments identical, the named one the same returns from its new level', () => {
    const plain = new SyntheticFeed(opts).next(3 * 2_000);
    const resumed = new SyntheticFeed({ ...opts, initialPrices: { SYN001: 1234.5 } }).next(3 * 2_000);
    expect(resumed.filter((e) => e.symbol !== 'SYN001')).toEqual(plain.filter((e) => e.symbol !== 'SYN001'));
    const trades = (es: typeof plain) => es.filter((e) => e.symbol === 'SYN001' && e.kind === 'trade');
    const [a, b] = [trades(plain), trades(resumed)];
    expect(b.map((e) => [e.ts, e.size])).toEqual(a.map((e) => [e.ts, e.size]));
    const scale = b[0]!.price! / a[0]!.price!;
    for (let i = 0; i < a.length; i++) expect(b[i]!.price! / a[i]!.price! / scale).toBeCloseTo(1, 3);
  });

  it('ignores prices of instruments it does not have, and refuses a price that is not positive', () => {
    expect(new SyntheticFeed({ ...opts, initialPrices: { SYN999: 10, OTHER: 5 } }).next(300)).toEqual(new SyntheticFeed(opts).next(300));
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let err: unknown;
      try {
        new SyntheticFeed({ ...opts, initialPrices: { SYN000: bad } });
      } catch (e) {
        err = e;
      }
      expect(isHeliosError(err, 'HELIOS_E_INPUT_INVALID'), String(bad)).toBe(true);
    }
  });
});
