import { gaussian, mulberry32, shuffle } from './Prng.ts';
import { logit, sigmoid, softplus } from './sigmoid.ts';

/** One hidden tanh layer, sigmoid output: P(y = 1 | x) = sigmoid(b2 + w2 . tanh(b1 + W1 x)). */
export interface MlpParams {
  /** hidden x inputs, row per hidden unit. */
  w1: number[][];
  b1: number[];
  w2: number[];
  b2: number;
}

export interface MlpFitOptions {
  hidden?: number;
  seed?: number;
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  /** L2 penalty on the weights (not the biases), per sample. */
  l2?: number;
  /** Held-out rows for early stopping: training keeps the epoch with the lowest validation log-loss. */
  validation?: { x: readonly (readonly number[])[]; y: readonly number[] };
  /** Epochs without a validation improvement before stopping. */
  patience?: number;
}

export interface MlpFit {
  params: MlpParams;
  /** Epoch (1-based) whose parameters were kept. */
  bestEpoch: number;
  epochsRun: number;
  /** Mean training log-loss per epoch, measured after the epoch. */
  trainLoss: number[];
  validationLoss: number[];
}

export function mlpLogit(p: MlpParams, x: readonly number[]): number {
  let z = p.b2;
  for (let k = 0; k < p.w2.length; k++) {
    const row = p.w1[k]!;
    let a = p.b1[k]!;
    for (let j = 0; j < row.length; j++) a += row[j]! * x[j]!;
    z += p.w2[k]! * Math.tanh(a);
  }
  return z;
}

/**
 * Mini-batch Adam on mean log-loss. Initialisation, batch order and therefore
 * the result depend on `seed` alone. Parameters live in one flat vector during
 * training (layout: W1 row-major, b1, w2, b2) so the optimiser is one loop.
 */
export function fitMlp(x: readonly (readonly number[])[], y: readonly number[], opts: MlpFitOptions = {}): MlpFit {
  const h = opts.hidden ?? 8;
  const d = x[0]?.length ?? 0;
  const lr = opts.learningRate ?? 0.01;
  const epochs = opts.epochs ?? 200;
  const batch = Math.max(1, opts.batchSize ?? 32);
  const l2 = opts.l2 ?? 0;
  const patience = opts.patience ?? 20;
  const rand = mulberry32(opts.seed ?? 1);
  const size = h * d + h + h + 1;
  const iB1 = h * d;
  const iW2 = iB1 + h;
  const iB2 = iW2 + h;
  const theta = new Float64Array(size);
  // Xavier-style scale keeps tanh units out of saturation at the start.
  for (let i = 0; i < h * d; i++) theta[i] = gaussian(rand) / Math.sqrt(Math.max(1, d));
  for (let k = 0; k < h; k++) theta[iW2 + k] = gaussian(rand) / Math.sqrt(h);
  const rate = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
  theta[iB2] = logit(rate, 1e-6);

  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const grad = new Float64Array(size);
  const hid = new Float64Array(h);
  const order = Array.from({ length: x.length }, (_, i) => i);
  const b1 = 0.9;
  const b2 = 0.999;
  let step = 0;
  let best = theta.slice();
  let bestLoss = Infinity;
  let bestEpoch = 0;
  const trainLoss: number[] = [];
  const validationLoss: number[] = [];
  let epoch = 0;
  while (epoch < epochs) {
    epoch++;
    shuffle(order, rand);
    for (let start = 0; start < order.length; start += batch) {
      const end = Math.min(order.length, start + batch);
      grad.fill(0);
      for (let t = start; t < end; t++) {
        const i = order[t]!;
        const xi = x[i]!;
        let z = theta[iB2]!;
        for (let k = 0; k < h; k++) {
          let a = theta[iB1 + k]!;
          const base = k * d;
          for (let j = 0; j < d; j++) a += theta[base + j]! * xi[j]!;
          hid[k] = Math.tanh(a);
          z += theta[iW2 + k]! * hid[k]!;
        }
        const dz = sigmoid(z) - y[i]!;
        grad[iB2]! += dz;
        for (let k = 0; k < h; k++) {
          grad[iW2 + k]! += dz * hid[k]!;
          const da = dz * theta[iW2 + k]! * (1 - hid[k]! * hid[k]!);
          grad[iB1 + k]! += da;
          const base = k * d;
          for (let j = 0; j < d; j++) grad[base + j]! += da * xi[j]!;
        }
      }
      const nb = end - start;
      step++;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      for (let p = 0; p < size; p++) {
        const isWeight = p < iB1 || (p >= iW2 && p < iB2);
        const g = grad[p]! / nb + (isWeight ? l2 * theta[p]! : 0);
        m[p] = b1 * m[p]! + (1 - b1) * g;
        v[p] = b2 * v[p]! + (1 - b2) * g * g;
        theta[p]! -= (lr * (m[p]! / c1)) / (Math.sqrt(v[p]! / c2) + 1e-8);
      }
    }
    const params = unpack(theta, h, d);
    trainLoss.push(meanLogLoss(params, x, y));
    if (opts.validation !== undefined) {
      const vl = meanLogLoss(params, opts.validation.x, opts.validation.y);
      validationLoss.push(vl);
      if (vl < bestLoss) {
        bestLoss = vl;
        best = theta.slice();
        bestEpoch = epoch;
      } else if (epoch - bestEpoch >= patience) {
        break;
      }
    }
  }
  if (opts.validation === undefined) {
    best = theta.slice();
    bestEpoch = epoch;
  }
  return { params: unpack(best, h, d), bestEpoch, epochsRun: epoch, trainLoss, validationLoss };
}

function unpack(theta: Float64Array, h: number, d: number): MlpParams {
  const w1: number[][] = [];
  for (let k = 0; k < h; k++) w1.push(Array.from(theta.subarray(k * d, k * d + d)));
  return {
    w1,
    b1: Array.from(theta.subarray(h * d, h * d + h)),
    w2: Array.from(theta.subarray(h * d + h, h * d + 2 * h)),
    b2: theta[h * d + 2 * h]!,
  };
}

function meanLogLoss(p: MlpParams, x: readonly (readonly number[])[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const z = mlpLogit(p, x[i]!);
    s += softplus(z) - y[i]! * z;
  }
  return s / Math.max(1, x.length);
}
