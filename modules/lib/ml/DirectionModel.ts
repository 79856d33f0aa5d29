import { logisticLogit, type LogisticParams } from './LogisticRegression.ts';
import type { ClassificationMetrics } from './metrics.ts';
import { mlpLogit, type MlpParams } from './Mlp.ts';
import { applyPlatt, type PlattCalibration } from './Platt.ts';
import { standardise, type Standardisation } from './Standardisation.ts';

/** Where and how a direction model was trained: enough to reproduce it. */
export interface TrainingProvenance {
  source: string;
  /** sha256 of the source file's bytes. */
  sha256: string;
  timeframe: string;
  target: string;
  periods: Record<'train' | 'validation' | 'test', { from: string; to: string; n: number }>;
  /** Hyperparameters as used, including any chosen on the validation period. */
  hyperparameters: Record<string, number | string>;
}

interface WeightsCommon {
  format: 'helios.direction-weights/1';
  /** The module version these weights ship with. */
  version: string;
  /** Plain feature names, in the model's input order; the module reads `<tf>.<name>`. */
  features: string[];
  standardisation: Standardisation;
  calibration: PlattCalibration;
  trainedOn: TrainingProvenance;
  /** Calibrated-probability scores per period. */
  metrics: Record<'train' | 'validation' | 'test', ClassificationMetrics>;
}

/** The versioned artifact a direction module loads: a model's parameters plus everything inference needs. */
export type DirectionWeights = (WeightsCommon & { model: 'logistic'; params: LogisticParams }) | (WeightsCommon & { model: 'mlp'; params: MlpParams });

/** The model's raw logit for a standardised input row. */
export function rawLogit(w: DirectionWeights, z: readonly number[]): number {
  return w.model === 'logistic' ? logisticLogit(w.params, z) : mlpLogit(w.params, z);
}

/**
 * Calibrated P(next bar closes up) for a raw feature row in `w.features`
 * order. `scratch` (length >= features) avoids an allocation per call.
 */
export function probabilityUp(w: DirectionWeights, x: readonly number[], scratch?: number[]): number {
  return applyPlatt(w.calibration, rawLogit(w, standardise(w.standardisation, x, scratch)));
}

/**
 * Fills `out` with the model's features from a plain-named record. Returns
 * false when any is missing or not finite: the model then has no view.
 */
export function readFeatureRow(w: DirectionWeights, f: Readonly<Record<string, number>>, out: number[]): boolean {
  for (let j = 0; j < w.features.length; j++) {
    const v = f[w.features[j]!];
    if (v === undefined || !Number.isFinite(v)) return false;
    out[j] = v;
  }
  return true;
}

/**
 * Checks a weights object (parsed JSON) before a module trusts it: a
 * truncated or hand-edited file must fail create(), not produce NaN
 * confidences at trading time.
 */
export function parseDirectionWeights(json: unknown): DirectionWeights {
  const w = json as DirectionWeights;
  const fail = (why: string): never => {
    throw new Error(`direction weights: ${why}`);
  };
  if (typeof json !== 'object' || json === null) fail('not an object');
  if (w.format !== 'helios.direction-weights/1') fail(`unknown format ${JSON.stringify(w.format)}`);
  const d = Array.isArray(w.features) ? w.features.length : fail('features is not a list');
  if (d === 0 || !w.features.every((n) => typeof n === 'string' && n.length > 0)) fail('features must be non-empty names');
  if (!finiteList(w.standardisation?.mean, d) || !finiteList(w.standardisation?.std, d) || !w.standardisation.std.every((s) => s > 0)) fail('standardisation does not match the features');
  if (w.calibration?.method !== 'platt' || !Number.isFinite(w.calibration.a) || !Number.isFinite(w.calibration.b)) fail('calibration must be platt with finite a, b');
  if (w.model === 'logistic') {
    if (!Number.isFinite(w.params?.bias) || !finiteList(w.params.coef, d)) fail('logistic params do not match the features');
  } else if (w.model === 'mlp') {
    const p = w.params;
    const h = Array.isArray(p?.w2) ? p.w2.length : fail('mlp w2 is not a list');
    if (h === 0 || !finiteList(p.w2, h) || !finiteList(p.b1, h) || !Number.isFinite(p.b2)) fail('mlp output layer is malformed');
    if (!Array.isArray(p.w1) || p.w1.length !== h || !p.w1.every((row) => finiteList(row, d))) fail('mlp hidden layer does not match the features');
  } else {
    fail(`unknown model ${JSON.stringify((w as { model?: unknown }).model)}`);
  }
  return w;
}

function finiteList(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}
