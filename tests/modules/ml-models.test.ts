import { describe, expect, it } from 'vitest';
import { parseDirectionWeights, probabilityUp, readFeatureRow, type DirectionWeights } from '../../modules/lib/ml/DirectionModel.ts';
import { fitLogistic, logisticLogit } from '../../modules/lib/ml/LogisticRegression.ts';
import { classificationMetrics, expectedCalibrationError } from '../../modules/lib/ml/metrics.ts';
import { fitMlp, mlpLogit } from '../../modules/lib/ml/Mlp.ts';
import { applyPlatt, fitPlatt } from '../../modules/lib/ml/Platt.ts';
import { gaussian, mulberry32 } from '../../modules/lib/ml/Prng.ts';
import { sigmoid } from '../../modules/lib/ml/sigmoid.ts';
import { fitStandardisation, standardise } from '../../modules/lib/ml/Standardisation.ts';

/** Labels drawn from a known logistic model: y ~ Bernoulli(sigmoid(bias + coef . x)), x standard normal. */
function logisticData(n: number, bias: number, coef: number[], seed: number): { x: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = coef.map(() => gaussian(rand));
    x.push(row);
    y.push(rand() < sigmoid(logisticLogit({ bias, coef }, row)) ? 1 : 0);
  }
  return { x, y };
}

/** Four noisy clusters at (+-1, +-1), labelled 1 when the signs differ: no line separates them. */
function xorData(n: number, seed: number): { x: number[][]; y: number[] } {
  const rand = mulberry32(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rand() < 0.5 ? -1 : 1;
    const b = rand() < 0.5 ? -1 : 1;
    x.push([a + 0.25 * gaussian(rand), b + 0.25 * gaussian(rand)]);
    y.push(a !== b ? 1 : 0);
  }
  return { x, y };
}

function accuracy(p: number[], y: number[]): number {
  return p.filter((v, i) => (v >= 0.5 ? 1 : 0) === y[i]).length / y.length;
}

describe('seeded generator', () => {
  it('repeats its stream for a seed and differs across seeds', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const sa = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(sa);
    expect(sa.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});

describe('standardisation', () => {
  it('maps training columns to mean 0, std 1 and leaves a constant column at 0', () => {
    const rows = [[1, 5], [3, 5], [5, 5]];
    const s = fitStandardisation(rows);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[1]).toBe(1);
    expect(standardise(s, [5, 5])).toEqual([Math.sqrt(1.5), 0]);
  });
});

describe('logistic regression', () => {
  it('recovers the coefficients that generated seeded synthetic data', () => {
    const { x, y } = logisticData(20_000, -0.3, [1.5, -2, 0.5], 11);
    const fit = fitLogistic(x, y);
    expect(fit.converged).toBe(true);
    expect(fit.params.bias).toBeCloseTo(-0.3, 1);
    fit.params.coef.forEach((c, j) => expect(Math.abs(c - [1.5, -2, 0.5][j]!)).toBeLessThan(0.08));
  });

  it('shrinks the coefficients toward zero as the L2 penalty grows, never the bias', () => {
    const { x, y } = logisticData(2_000, 1, [1, -1], 3);
    const norms = [0, 0.1, 10].map((l2) => fitLogistic(x, y, { l2 }).params).map((p) => Math.hypot(...p.coef));
    expect(norms[1]!).toBeLessThan(norms[0]!);
    expect(norms[2]!).toBeLessThan(0.05);
    // With the coefficients forced to ~0 the bias alone fits the base rate.
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(sigmoid(fitLogistic(x, y, { l2: 1e6 }).params.bias)).toBeCloseTo(rate, 4);
  });

  it('is deterministic: the same data gives bit-identical parameters', () => {
    const { x, y } = logisticData(500, 0.2, [0.7, 0.1], 5);
    expect(fitLogistic(x, y, { l2: 0.01 })).toEqual(fitLogistic(x, y, { l2: 0.01 }));
  });
});

describe('MLP', () => {
  it('learns XOR-like data that a linear model cannot', () => {
    const train = xorData(400, 21);
    const test = xorData(400, 22);
    const lin = fitLogistic(train.x, train.y).params;
    const linAcc = accuracy(test.x.map((r) => sigmoid(logisticLogit(lin, r))), test.y);
    const mlp = fitMlp(train.x, train.y, { hidden: 8, seed: 1, learningRate: 0.03, epochs: 150, batchSize: 16 });
    const mlpAcc = accuracy(test.x.map((r) => sigmoid(mlpLogit(mlp.params, r))), test.y);
    // A line can classify at most three of the four clusters.
    expect(linAcc).toBeLessThan(0.8);
    expect(mlpAcc).toBeGreaterThan(0.95);
  });

  it('depends on its seed alone: same seed same weights, another seed other weights', () => {
    const { x, y } = xorData(100, 4);
    const opts = { hidden: 4, epochs: 5, batchSize: 10 };
    expect(fitMlp(x, y, { ...opts, seed: 9 }).params).toEqual(fitMlp(x, y, { ...opts, seed: 9 }).params);
    expect(fitMlp(x, y, { ...opts, seed: 10 }).params).not.toEqual(fitMlp(x, y, { ...opts, seed: 9 }).params);
  });

  it('early-stops on the validation loss and keeps the best epoch', () => {
    const train = logisticData(300, 0, [0.3, 0, 0, 0, 0, 0, 0, 0], 30);
    const validation = logisticData(300, 0, [0.3, 0, 0, 0, 0, 0, 0, 0], 31);
    const fit = fitMlp(train.x, train.y, { hidden: 16, seed: 2, learningRate: 0.05, epochs: 400, batchSize: 8, validation, patience: 10 });
    expect(fit.epochsRun).toBeLessThan(400);
    expect(fit.epochsRun - fit.bestEpoch).toBe(10);
    expect(Math.min(...fit.validationLoss)).toBe(fit.validationLoss[fit.bestEpoch - 1]);
  });
});

describe('Platt calibration', () => {
  it('reduces the expected calibration error of an overconfident scorer on held-out data', () => {
    const rand = mulberry32(77);
    const make = (n: number) => {
      const score: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const z = gaussian(rand);
        y.push(rand() < sigmoid(z) ? 1 : 0);
        score.push(3 * z + 1); // three times too sure, and biased up
      }
      return { score, y };
    };
    const fitSet = make(5_000);
    const test = make(5_000);
    const c = fitPlatt(fitSet.score, fitSet.y);
    expect(c.a).toBeCloseTo(1 / 3, 1);
    expect(c.b).toBeCloseTo(-1 / 3, 1);
    const before = expectedCalibrationError(test.score.map(sigmoid), test.y);
    const after = expectedCalibrationError(test.score.map((s) => applyPlatt(c, s)), test.y);
    expect(before).toBeGreaterThan(0.1);
    expect(after).toBeLessThan(0.03);
  });
});

describe('metrics', () => {
  it('scores a hand-checked forecast set', () => {
    const m = classificationMetrics([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1], 2);
    expect(m.n).toBe(4);
    expect(m.baseRate).toBe(0.5);
    expect(m.accuracy).toBe(0.5);
    expect(m.brier).toBeCloseTo((0.01 + 0.04 + 0.36 + 0.36) / 4, 12);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4, 12);
    // Bins [0, .5): {0.2, 0.4} mean .3 vs up-share .5; [.5, 1]: {0.9, 0.6} mean .75 vs .5.
    expect(m.ece).toBeCloseTo(0.5 * 0.2 + 0.5 * 0.25, 12);
    expect(m.baseline).toEqual({ accuracy: 0.5, logLoss: Math.log(2), brier: 0.25 });
  });
});

describe('direction weights', () => {
  const good: DirectionWeights = {
    format: 'helios.direction-weights/1',
    version: '0.0.1',
    model: 'logistic',
    features: ['a', 'b'],
    standardisation: { mean: [1, 0], std: [2, 1] },
    params: { bias: 0.1, coef: [0.5, -1] },
    calibration: { method: 'platt', a: 2, b: -0.2 },
    trainedOn: { source: 's', sha256: 'h', timeframe: '1d', target: 't', periods: { train: { from: '', to: '', n: 0 }, validation: { from: '', to: '', n: 0 }, test: { from: '', to: '', n: 0 } }, hyperparameters: {} },
    metrics: {} as DirectionWeights['metrics'],
  };

  it('predicts sigmoid(a * model logit of the standardised row + b)', () => {
    const w = parseDirectionWeights(good);
    const z = 0.1 + 0.5 * ((3 - 1) / 2) - 1 * 0.5;
    expect(probabilityUp(w, [3, 0.5])).toBeCloseTo(sigmoid(2 * z - 0.2), 15);
  });

  it('reads features by plain name and reports a missing or non-finite one', () => {
    const row: number[] = [];
    expect(readFeatureRow(good, { b: 2, a: 1, c: 9 }, row)).toBe(true);
    expect(row).toEqual([1, 2]);
    expect(readFeatureRow(good, { a: 1 }, row)).toBe(false);
    expect(readFeatureRow(good, { a: 1, b: Number.NaN }, row)).toBe(false);
  });

  it.each([
    ['a wrong format', { ...good, format: 'x' }],
    ['coefficients of the wrong length', { ...good, params: { bias: 0, coef: [1] } }],
    ['a zero std', { ...good, standardisation: { mean: [0, 0], std: [1, 0] } }],
    ['a non-finite calibration', { ...good, calibration: { method: 'platt', a: null, b: 0 } }],
    ['an mlp hidden row of the wrong width', { ...good, model: 'mlp', params: { w1: [[1]], b1: [0], w2: [1], b2: 0 } }],
    ['an unknown model', { ...good, model: 'forest' }],
  ])('rejects %s', (_why, w) => {
    expect(() => parseDirectionWeights(w)).toThrow(/direction weights/);
  });
});
