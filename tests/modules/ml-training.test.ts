import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildDirectionDataset } from '../../modules/lib/ml/directionDataset.ts';
import { parseDirectionWeights, probabilityUp } from '../../modules/lib/ml/DirectionModel.ts';
import { parseOhlcvCsv } from '../../modules/lib/ml/ohlcvCsv.ts';
import { DEFAULT_TRAINING, serialiseWeights, slice, trainDirectionModels } from '../../modules/lib/ml/trainDirection.ts';

const root = new URL('../../', import.meta.url).pathname;
const csv = await readFile(`${root}data/sp500-2000.csv`);
const bars = parseOhlcvCsv(csv.toString('utf8'));
const source = { path: 'data/sp500-2000.csv', sha256: createHash('sha256').update(csv).digest('hex') };
const committed = {
  logistic: await readFile(`${root}modules/ml/direction/1.0.0/weights.json`, 'utf8'),
  mlp: await readFile(`${root}modules/ml/direction/2.0.0/weights.json`, 'utf8'),
};

describe('direction training', () => {
  it('writes identical bytes when run twice (a 2000-2004 slice)', () => {
    const small = bars.filter((b) => b.date < '2005-01-01');
    const cfg = { ...DEFAULT_TRAINING, trainEnd: '2002-12-31', validationEnd: '2003-12-31', mlp: { ...DEFAULT_TRAINING.mlp, epochs: 15 } };
    const a = trainDirectionModels(small, source, cfg);
    const b = trainDirectionModels(small, source, cfg);
    expect(serialiseWeights(a.logistic)).toBe(serialiseWeights(b.logistic));
    expect(serialiseWeights(a.mlp)).toBe(serialiseWeights(b.mlp));
    expect(a.mlp.trainedOn.periods.test).toEqual({ from: '2004-01-02', to: '2004-12-30', n: 251 });
  });

  it('reproduces the committed weights files byte for byte from the bundled data', () => {
    const fresh = trainDirectionModels(bars, source);
    expect(serialiseWeights(fresh.logistic)).toBe(committed.logistic);
    expect(serialiseWeights(fresh.mlp)).toBe(committed.mlp);
  });

  it('splits by time: train, then validation, then test, disjoint and in order', () => {
    const w = parseDirectionWeights(JSON.parse(committed.logistic));
    const p = w.trainedOn.periods;
    expect(p.train.to <= DEFAULT_TRAINING.trainEnd && DEFAULT_TRAINING.trainEnd < p.validation.from).toBe(true);
    expect(p.validation.to <= DEFAULT_TRAINING.validationEnd && DEFAULT_TRAINING.validationEnd < p.test.from).toBe(true);
    expect(w.trainedOn.sha256).toBe(source.sha256);
  });

  it.each(['logistic', 'mlp'] as const)('%s: the test-period metrics in the weights file are what the weights score', (model) => {
    const w = parseDirectionWeights(JSON.parse(committed[model]));
    const test = slice(buildDirectionDataset(bars, w.features), (d) => d > DEFAULT_TRAINING.validationEnd);
    const p = test.x.map((r) => probabilityUp(w, r));
    const y = test.y;
    const n = y.length;
    const mean = (f: (i: number) => number): number => y.reduce((s, _, i) => s + f(i), 0) / n;
    // Recomputed here from the definitions, not through metrics.ts.
    const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
    p.forEach((v, i) => {
      const b = bins[Math.min(9, Math.floor(v * 10))]!;
      b.n++;
      b.p += v;
      b.y += y[i]!;
    });
    const ece = bins.reduce((s, b) => s + (b.n === 0 ? 0 : (b.n / n) * Math.abs(b.p / b.n - b.y / b.n)), 0);
    const m = w.metrics.test;
    expect(m.n).toBe(n);
    expect(m.baseRate).toBeCloseTo(mean((i) => y[i]!), 12);
    expect(m.accuracy).toBeCloseTo(mean((i) => ((p[i]! >= 0.5 ? 1 : 0) === y[i] ? 1 : 0)), 12);
    expect(m.logLoss).toBeCloseTo(mean((i) => -Math.log(y[i] === 1 ? p[i]! : 1 - p[i]!)), 12);
    expect(m.brier).toBeCloseTo(mean((i) => (p[i]! - y[i]!) ** 2), 12);
    expect(m.ece).toBeCloseTo(ece, 12);
    // Honesty check on what the file claims: daily direction is close to a coin weighted by the drift.
    expect(Math.abs(m.logLoss - m.baseline.logLoss)).toBeLessThan(0.01);
  });
});

describe('OHLCV CSV', () => {
  it('parses by header name and refuses bad prices or unordered dates', () => {
    expect(parseOhlcvCsv('volume,date,close,open,high,low\n5,2020-01-02,10,9,11,8\n')).toEqual([{ date: '2020-01-02', open: 9, high: 11, low: 8, close: 10, volume: 5 }]);
    expect(() => parseOhlcvCsv('date,open,high,low,close,volume\n2020-01-02,1,1,0,1,1\n')).toThrow(/line 2/);
    expect(() => parseOhlcvCsv('date,open,high,low,close,volume\n2020-01-03,1,1,1,1,1\n2020-01-02,1,1,1,1,1\n')).toThrow(/dates must increase/);
    expect(() => parseOhlcvCsv('date,open,high,low,close\n')).toThrow(/no "volume" column/);
  });
});
