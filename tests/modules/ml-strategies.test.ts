import { describe, expect, it } from 'vitest';
import { bollingerReversion } from '../../modules/lib/strategies/bollingerReversion.ts';
import { buildStrategies } from '../../modules/lib/strategies/catalogue.ts';
import { channelPosition, momentumBreakout } from '../../modules/lib/strategies/momentumBreakout.ts';
import { smaCross } from '../../modules/lib/strategies/smaCross.ts';
import type { Direction, Strategy } from '../../modules/lib/strategies/Strategy.ts';
import { StrategyBook } from '../../modules/lib/strategies/StrategyBook.ts';

/** Feeds records in order, carrying the direction as the book would; returns the views. */
function run(s: Strategy, records: Record<string, number>[]): { direction: Direction; confidence: number }[] {
  let prev: Direction = 0;
  return records.map((f) => {
    const v = s.decide(f, prev);
    prev = v.direction;
    return v;
  });
}

const dirs = (views: { direction: Direction }[]): Direction[] => views.map((v) => v.direction);

describe('sma-cross', () => {
  const s = smaCross(); // band 0.25 ATR, full confidence at 2 ATR
  const atr = 0.01;

  it('enters on a gap beyond the band, in its sign', () => {
    expect(s.decide({ smaCross10_30: 0.004, atr14Pct: atr }, 0)).toEqual({ direction: 1, confidence: 0.5 + 0.5 * (0.004 / 0.02) });
    expect(s.decide({ smaCross10_30: -0.004, atr14Pct: atr }, 0).direction).toBe(-1);
    expect(s.decide({ smaCross10_30: 0.002, atr14Pct: atr }, 0)).toEqual({ direction: 0, confidence: 0.5 });
  });

  it('keeps its side while the gap dithers inside the band (hysteresis), flips beyond it', () => {
    const gaps = [0.004, 0.001, -0.002, 0.0005, -0.003, -0.001, 0.002, 0.0026];
    expect(dirs(run(s, gaps.map((g) => ({ smaCross10_30: g, atr14Pct: atr }))))).toEqual([1, 1, 1, 1, -1, -1, -1, 1]);
  });

  it('maps the gap in its favour to confidence, 0.5 while the gap is against it, capped at 1', () => {
    expect(s.decide({ smaCross10_30: -0.002, atr14Pct: atr }, 1)).toEqual({ direction: 1, confidence: 0.5 });
    expect(s.decide({ smaCross10_30: 0.05, atr14Pct: atr }, 1).confidence).toBe(1);
  });

  it('scales its band with ATR: the same gap is a cross on a quiet bar and noise on a wild one', () => {
    expect(s.decide({ smaCross10_30: 0.004, atr14Pct: 0.001 }, 0).direction).toBe(1);
    expect(s.decide({ smaCross10_30: 0.004, atr14Pct: 0.05 }, 0).direction).toBe(0);
  });
});

describe('bollinger-reversion', () => {
  const s = bollingerReversion(); // exit within 0.05 of the middle, full confidence 0.5 beyond a band

  it('goes long below the lower band and short above the upper', () => {
    expect(s.decide({ bbPctB: -0.1 }, 0)).toEqual({ direction: 1, confidence: 0.5 + 0.5 * (0.6 / 1) });
    expect(s.decide({ bbPctB: 1.25 }, 0)).toEqual({ direction: -1, confidence: 0.5 + 0.5 * (0.75 / 1) });
    expect(s.decide({ bbPctB: 0.9 }, 0)).toEqual({ direction: 0, confidence: 0.5 });
  });

  it('holds until the close comes back near the middle band, then goes flat', () => {
    expect(dirs(run(s, [-0.2, 0.1, 0.3, 0.44, 0.46, 0.2].map((b) => ({ bbPctB: b }))))).toEqual([1, 1, 1, 1, 0, 0]);
    expect(dirs(run(s, [1.1, 0.8, 0.56, 0.54].map((b) => ({ bbPctB: b }))))).toEqual([-1, -1, -1, 0]);
  });

  it('flips straight through when the opposite band breaks while positioned', () => {
    expect(dirs(run(s, [-0.1, 1.05].map((b) => ({ bbPctB: b }))))).toEqual([1, -1]);
  });

  it('loses confidence as the long reverts toward the middle', () => {
    const c = run(s, [-0.5, 0, 0.25, 0.4].map((b) => ({ bbPctB: b }))).map((v) => v.confidence);
    expect(c).toEqual([1, 0.75, 0.625, 0.55]);
  });
});

describe('momentum-breakout', () => {
  const s = momentumBreakout(); // volume >= 1.5x, edge 5% of the range, exit at mid-channel
  /** A record for a close at channel position `pos` of a 100..110 channel. */
  const at = (pos: number, volRatio20: number): Record<string, number> => {
    const c = 100 + 10 * pos;
    return { donchianHigh20Pct: c / 110 - 1, donchianLow20Pct: c / 100 - 1, volRatio20 };
  };

  it('recovers the channel position from the two Donchian distances', () => {
    expect(channelPosition(at(0.3, 1).donchianHigh20Pct!, at(0.3, 1).donchianLow20Pct!)).toBeCloseTo(0.3, 12);
    expect(channelPosition(0, 0)).toBe(0.5);
  });

  it('goes long at the 20-bar high only when volume confirms', () => {
    expect(s.decide(at(1, 2), 0).direction).toBe(1);
    expect(s.decide(at(0.97, 1.5), 0).direction).toBe(1);
    expect(s.decide(at(1, 1.4), 0)).toEqual({ direction: 0, confidence: 0.5 });
    expect(s.decide(at(0.9, 3), 0).direction).toBe(0);
  });

  it('mirrors at the 20-bar low', () => {
    expect(s.decide(at(0, 2), 0).direction).toBe(-1);
    expect(s.decide(at(0, 1.2), 0).direction).toBe(0);
  });

  it('holds above mid-channel and exits below it; a confirmed opposite breakout flips', () => {
    expect(dirs(run(s, [at(1, 2), at(0.7, 0.8), at(0.55, 1), at(0.45, 1), at(0.8, 1)]))).toEqual([1, 1, 1, 0, 0]);
    expect(dirs(run(s, [at(0, 2), at(0.4, 1), at(0.6, 1)]))).toEqual([-1, -1, 0]);
    expect(dirs(run(s, [at(1, 2), at(0.02, 2)]))).toEqual([1, -1]);
  });

  it('maps channel position and volume to confidence', () => {
    expect(s.decide(at(1, 3), 0).confidence).toBeCloseTo(1, 12);
    expect(s.decide(at(1, 1.5), 0).confidence).toBeCloseTo(0.5 + 0.25 + 0.25 * 0.25, 12);
    expect(s.decide(at(0.75, 1), 1).confidence).toBeCloseTo(0.5 + 0.25 * 0.5, 12);
  });
});

describe('strategy book', () => {
  const origin = (seq: number, symbol: string) => ({ seq, symbol, ts: seq * 60_000, price: 100 });

  it('emits one signal per strategy whose features are present, keeping state per symbol', () => {
    const book = new StrategyBook(buildStrategies(undefined, undefined));
    const out: Parameters<StrategyBook['emit']>[2] = [];
    book.emit(origin(1, 'A'), { bbPctB: -0.1, smaCross10_30: 0.01, atr14Pct: 0.01 }, out);
    book.emit(origin(2, 'B'), { bbPctB: 0.3 }, out);
    book.emit(origin(3, 'A'), { bbPctB: 0.3 }, out);
    expect(out.map((s) => [s.seq, s.symbol, s.source, s.direction])).toEqual([
      [1, 'A', 'sma-cross', 1],
      [1, 'A', 'bollinger-reversion', 1],
      [2, 'B', 'bollinger-reversion', 0],
      [3, 'A', 'bollinger-reversion', 1],
    ]);
    expect(book.snapshot()).toEqual({ 'sma-cross': { A: 1 }, 'bollinger-reversion': { A: 1, B: 0 }, 'momentum-breakout': {} });
  });

  it('restores its own strategies, ignores others and drops malformed entries', () => {
    const book = new StrategyBook(buildStrategies(['bollinger-reversion'], undefined));
    expect(book.restore({ 'bollinger-reversion': { A: -1, B: 7, C: 'x' }, 'sma-cross': { A: 1 } })).toBe(1);
    expect(book.snapshot()).toEqual({ 'bollinger-reversion': { A: -1 } });
    expect(book.restore({ A: 1 })).toBe(0);
    expect(book.snapshot()).toEqual({ 'bollinger-reversion': {} });
  });

  it('refuses unknown strategy names and takes per-strategy parameter overrides', () => {
    expect(() => buildStrategies(['sma-cross', 'toString'], undefined)).toThrow(/unknown strategy "toString"/);
    expect(() => buildStrategies('sma-cross', undefined)).toThrow(/list of names/);
    const [tight] = buildStrategies(['bollinger-reversion'], { 'bollinger-reversion': { exitBand: 0.3 } });
    expect(tight!.decide({ bbPctB: 0.25 }, 1).direction).toBe(0);
  });
});
