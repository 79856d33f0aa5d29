/**
 * Trains the ml tier's direction models on the bundled daily S&P 500 bars and
 * writes their weights beside the module versions that load them:
 *   modules/ml/direction/1.0.0/weights.json  logistic regression
 *   modules/ml/direction/2.0.0/weights.json  one-hidden-layer MLP
 * Deterministic: running it twice writes identical bytes (no clock, no
 * Math.random, seeded initialisation). Usage: npm run train
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseOhlcvCsv } from '../modules/lib/ml/ohlcvCsv.ts';
import { serialiseWeights, trainDirectionModels } from '../modules/lib/ml/trainDirection.ts';
import type { DirectionWeights } from '../modules/lib/ml/DirectionModel.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = 'data/sp500-2000.csv';

const bytes = await readFile(root + source);
const bars = parseOhlcvCsv(bytes.toString('utf8'));
const sha256 = createHash('sha256').update(bytes).digest('hex');
const models = trainDirectionModels(bars, { path: source, sha256 });

for (const w of [models.logistic, models.mlp]) {
  const out = `modules/ml/direction/${w.version}/weights.json`;
  await writeFile(root + out, serialiseWeights(w));
  console.log(`${out}  ${summary(w)}`);
}

function summary(w: DirectionWeights): string {
  const t = w.metrics.test;
  const f = (x: number): string => x.toFixed(4);
  return `${w.model}: test n=${t.n} base rate ${f(t.baseRate)} | accuracy ${f(t.accuracy)} (majority ${f(t.baseline.accuracy)}) | log-loss ${f(t.logLoss)} (base ${f(t.baseline.logLoss)}) | Brier ${f(t.brier)} (base ${f(t.baseline.brier)}) | ECE ${f(t.ece)}`;
}
