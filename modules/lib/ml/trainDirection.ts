import { buildDirectionDataset, type DirectionDataset } from './directionDataset.ts';
import { probabilityUp, rawLogit, type DirectionWeights, type TrainingProvenance } from './DirectionModel.ts';
import { fitLogistic, logisticLogit } from './LogisticRegression.ts';
import { classificationMetrics, type ClassificationMetrics } from './metrics.ts';
import { fitMlp } from './Mlp.ts';
import type { DailyBar } from './ohlcvCsv.ts';
import { fitPlatt } from './Platt.ts';
import { softplus } from './sigmoid.ts';
import { fitStandardisation, standardise } from './Standardisation.ts';

export interface DirectionTrainingConfig {
  features: readonly string[];
  /** Rows dated on or before this are training rows. */
  trainEnd: string;
  /** Rows after trainEnd up to this date calibrate and early-stop; later rows are the test period. */
  validationEnd: string;
  /** Candidate L2 penalties for the logistic model; the one with the lowest validation log-loss wins. */
  logisticL2: readonly number[];
  mlp: { hidden: number; seed: number; learningRate: number; epochs: number; batchSize: number; l2: number; patience: number };
}

/**
 * Inputs that mean the same on a daily bar and a 1m bar: bounded
 * oscillators, z-scores and ratios to their own rolling means, all v1
 * features. Percent-of-price inputs (returns, macd, SMA ratios) are left out:
 * a model trained on daily bars would read 1m values far inside its training
 * range. Collinear twins are left out too (bbPctB = (zscore20 + 2) / 4,
 * williamsR14 = stochK14 - 100).
 */
export const DIRECTION_FEATURES: readonly string[] = Object.freeze([
  'rsi14',
  'zscore20',
  'stochK14',
  'cci20',
  'adx14',
  'plusDI14',
  'minusDI14',
  'closeLocation',
  'volRatio20',
  'volZ20',
  'obvZ20',
]);

export const DEFAULT_TRAINING: DirectionTrainingConfig = Object.freeze({
  features: DIRECTION_FEATURES,
  trainEnd: '2012-12-31',
  validationEnd: '2015-12-31',
  logisticL2: Object.freeze([1e-3, 1e-2, 1e-1, 1, 10]),
  mlp: Object.freeze({ hidden: 8, seed: 20240601, learningRate: 0.003, epochs: 300, batchSize: 64, l2: 1e-3, patience: 25 }),
});

export interface TrainingSource {
  /** Path as recorded in the weights (repository-relative). */
  path: string;
  sha256: string;
}

interface Split {
  x: number[][];
  y: number[];
  from: string;
  to: string;
}

/**
 * Trains both direction models on daily bars, time-ordered: standardisation
 * and model fit on the training period, model selection (logistic L2, MLP
 * early stopping) and Platt calibration on the validation period, and the
 * test period touched only to report its metrics. Pure and deterministic:
 * same bars and config, same weights.
 */
export function trainDirectionModels(
  bars: readonly DailyBar[],
  source: TrainingSource,
  cfg: DirectionTrainingConfig = DEFAULT_TRAINING,
): { logistic: DirectionWeights; mlp: DirectionWeights } {
  const data = buildDirectionDataset(bars, cfg.features);
  const train = slice(data, (d) => d <= cfg.trainEnd);
  const validation = slice(data, (d) => d > cfg.trainEnd && d <= cfg.validationEnd);
  const test = slice(data, (d) => d > cfg.validationEnd);
  for (const [name, s] of [['train', train], ['validation', validation], ['test', test]] as const) {
    if (s.y.length === 0) throw new Error(`the ${name} period has no rows`);
  }
  const std = fitStandardisation(train.x);
  const zTrain = train.x.map((r) => standardise(std, r));
  const zVal = validation.x.map((r) => standardise(std, r));

  let best = { l2: NaN, loss: Infinity, params: { bias: 0, coef: [] as number[] } };
  for (const l2 of cfg.logisticL2) {
    const params = fitLogistic(zTrain, train.y, { l2 }).params;
    const loss = meanLogLoss(zVal.map((z) => logisticLogit(params, z)), validation.y);
    if (loss < best.loss) best = { l2, loss, params };
  }
  const mlpFit = fitMlp(zTrain, train.y, { ...cfg.mlp, validation: { x: zVal, y: validation.y } });

  const provenance = (hyperparameters: Record<string, number | string>): TrainingProvenance => ({
    source: source.path,
    sha256: source.sha256,
    timeframe: '1d',
    target: 'next bar close > this bar close',
    periods: { train: period(train), validation: period(validation), test: period(test) },
    hyperparameters,
  });
  const finish = (partial: Omit<DirectionWeights, 'calibration' | 'metrics'>): DirectionWeights => {
    const w = { ...partial, calibration: { method: 'platt', a: 1, b: 0 }, metrics: {} } as DirectionWeights;
    w.calibration = fitPlatt(zVal.map((z) => rawLogit(w, z)), validation.y);
    w.metrics = { train: score(w, train), validation: score(w, validation), test: score(w, test) };
    return w;
  };
  const common = { format: 'helios.direction-weights/1' as const, features: [...cfg.features], standardisation: std };
  return {
    logistic: finish({ ...common, version: '1.0.0', model: 'logistic', params: best.params, trainedOn: provenance({ l2: best.l2, l2Candidates: cfg.logisticL2.join(' ') }) }),
    mlp: finish({
      ...common,
      version: '2.0.0',
      model: 'mlp',
      params: mlpFit.params,
      trainedOn: provenance({ ...cfg.mlp, bestEpoch: mlpFit.bestEpoch, epochsRun: mlpFit.epochsRun }),
    }),
  };
}

/** Scores a weights object on rows through the same inference path a module uses. */
export function score(w: DirectionWeights, rows: { x: readonly (readonly number[])[]; y: readonly number[] }): ClassificationMetrics {
  return classificationMetrics(rows.x.map((r) => probabilityUp(w, r)), rows.y);
}

/** The bytes a weights file holds: stable key order as built, two-space JSON, trailing newline. */
export function serialiseWeights(w: DirectionWeights): string {
  return `${JSON.stringify(w, null, 2)}\n`;
}

/** The rows of `data` whose date passes `keep`, in order. */
export function slice(data: DirectionDataset, keep: (date: string) => boolean): Split {
  const s: Split = { x: [], y: [], from: '', to: '' };
  for (let i = 0; i < data.dates.length; i++) {
    const d = data.dates[i]!;
    if (!keep(d)) continue;
    if (s.from === '') s.from = d;
    s.to = d;
    s.x.push(data.x[i]!);
    s.y.push(data.y[i]!);
  }
  return s;
}

function period(s: Split): { from: string; to: string; n: number } {
  return { from: s.from, to: s.to, n: s.y.length };
}

function meanLogLoss(logits: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += softplus(logits[i]!) - y[i]! * logits[i]!;
  return s / y.length;
}
