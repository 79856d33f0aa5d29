import { invert } from './matrix.ts';
import { bfgs, nelderMead, numericHessian } from './optimiser.ts';

/**
 * GARCH(1,1) with a constant mean and Gaussian innovations:
 *
 *   r_t = mu + e_t,   e_t = sqrt(h_t) z_t,   z_t ~ N(0, 1)
 *   h_t = omega + alpha e_{t-1}^2 + beta h_{t-1}
 *
 * The recursion starts the way fGarch starts it: the pre-sample e_0^2 and h_0
 * both equal the mean of the squared residuals, so h_1 = omega + (alpha +
 * beta) * mean(e^2); with that start the fit reproduces the published
 * benchmark (Bollerslev-Ghysels dem2gbp).
 */
export interface GarchParams {
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
}

export interface GarchFit extends GarchParams {
  logLikelihood: number;
  /** Optimiser iterations over all restarts and the polish. */
  iterations: number;
  /** The polish (or, at a boundary where gradients mislead, the last simplex) met its tolerance, and alpha + beta < 1. */
  converged: boolean;
  /** Asymptotic standard errors from the inverse numerical Hessian; absent when asked not to or when it is singular. */
  standardErrors?: GarchParams;
}

export interface GarchFitOptions {
  /** A previous fit to start from (a rolling refit); one default start is still tried beside it. */
  start?: GarchParams;
  /** Compute standard errors (a 4x4 numerical Hessian: about 33 likelihood evaluations). Default false. */
  standardErrors?: boolean;
}

/** Fewer points than this cannot pin four parameters down. */
export const MIN_GARCH_SAMPLE = 30;

const LOG_2PI = Math.log(2 * Math.PI);

/** Mean of squared residuals about `mu`: the recursion's pre-sample e_0^2 and h_0. */
export function initialVariance(returns: ArrayLike<number>, mu: number): number {
  let s = 0;
  for (let i = 0; i < returns.length; i++) {
    const e = returns[i]! - mu;
    s += e * e;
  }
  return returns.length > 0 ? s / returns.length : 0;
}

/**
 * Conditional variances h_1 .. h_{T+1}: one per return plus the one-step
 * forecast after the last. `h0` (pre-sample e_0^2 and h_0) defaults to the
 * mean squared residual.
 */
export function garchFilter(returns: ArrayLike<number>, p: GarchParams, h0 = initialVariance(returns, p.mu)): Float64Array {
  const n = returns.length;
  const h = new Float64Array(n + 1);
  let prevE2 = h0;
  let prevH = h0;
  for (let t = 0; t <= n; t++) {
    const ht = p.omega + p.alpha * prevE2 + p.beta * prevH;
    h[t] = ht;
    if (t === n) break;
    const e = returns[t]! - p.mu;
    prevE2 = e * e;
    prevH = ht;
  }
  return h;
}

/** Gaussian log-likelihood of the sample; -Infinity when a variance is not positive. */
export function garchLogLikelihood(returns: ArrayLike<number>, p: GarchParams): number {
  const n = returns.length;
  const h0 = initialVariance(returns, p.mu);
  let prevE2 = h0;
  let prevH = h0;
  let ll = 0;
  for (let t = 0; t < n; t++) {
    const h = p.omega + p.alpha * prevE2 + p.beta * prevH;
    if (!(h > 0)) return -Infinity;
    const e = returns[t]! - p.mu;
    const e2 = e * e;
    ll -= 0.5 * (LOG_2PI + Math.log(h) + e2 / h);
    prevE2 = e2;
    prevH = h;
  }
  return ll;
}

/**
 * Variance forecasts for 1..horizon steps ahead, given the one-step forecast
 * h_{T+1}: h_{T+k} = s2 + (alpha + beta)^(k-1) (h_{T+1} - s2), with
 * s2 = omega / (1 - alpha - beta) the unconditional variance. A
 * non-stationary model (alpha + beta >= 1) is forecast by the same recursion,
 * which then grows without bound, as it should.
 */
export function garchVarianceForecast(p: GarchParams, nextVariance: number, horizon: number): number[] {
  const out: number[] = [];
  let h = nextVariance;
  for (let k = 0; k < horizon; k++) {
    out.push(h);
    h = p.omega + (p.alpha + p.beta) * h;
  }
  return out;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

/**
 * The optimiser works on unit-variance data (GARCH is scale equivariant:
 * scaling r by c scales mu by c and omega by c^2, leaving alpha and beta) and
 * on unconstrained coordinates [mu, ln omega, logit(alpha+beta), logit(alpha/(alpha+beta))],
 * so every point it tries is a stationary, positive model.
 */
function fromTheta(th: readonly number[]): GarchParams {
  const persistence = logistic(th[2]!);
  const share = logistic(th[3]!);
  return { mu: th[0]!, omega: Math.exp(th[1]!), alpha: persistence * share, beta: persistence * (1 - share) };
}

function toTheta(p: GarchParams): number[] {
  const persistence = Math.min(Math.max(p.alpha + p.beta, 1e-4), 1 - 1e-6);
  const share = Math.min(Math.max(p.alpha / Math.max(p.alpha + p.beta, 1e-12), 1e-4), 1 - 1e-4);
  return [p.mu, Math.log(Math.max(p.omega, 1e-12)), logit(persistence), logit(share)];
}

/**
 * Maximum-likelihood fit: Nelder-Mead from a few starting points, a restart
 * of Nelder-Mead from the best (which escapes a collapsed simplex), then a
 * BFGS polish on numerical gradients in the same coordinates.
 */
export function fitGarch11(returns: readonly number[], opts: GarchFitOptions = {}): GarchFit {
  const n = returns.length;
  if (n < MIN_GARCH_SAMPLE) throw new RangeError(`GARCH(1,1) needs at least ${MIN_GARCH_SAMPLE} returns, got ${n}`);
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= n;
  let v = 0;
  for (const r of returns) v += (r - mean) * (r - mean);
  const scale = Math.sqrt(v / n);
  let largest = 0;
  for (const r of returns) largest = Math.max(largest, Math.abs(r));
  // A constant series leaves rounding noise in its variance: relative to the data's size, that is zero.
  if (!(scale > 1e-10 * largest) || !Number.isFinite(scale)) throw new RangeError('GARCH(1,1) needs returns with a positive, finite variance');
  const y = returns.map((r) => r / scale);
  const negLL = (th: readonly number[]): number => -garchLogLikelihood(y, fromTheta(th));

  const starts: GarchParams[] = [
    { mu: 0, omega: 0.05, alpha: 0.1, beta: 0.85 },
    { mu: 0, omega: 0.2, alpha: 0.2, beta: 0.6 },
    { mu: 0, omega: 0.01, alpha: 0.05, beta: 0.94 },
  ].map((s) => ({ ...s, mu: mean / scale }));
  if (opts.start) {
    // A rolling refit starts where the last fit ended; one default start still guards against a stale optimum.
    const s = opts.start;
    starts.splice(1, starts.length - 1, { mu: s.mu / scale, omega: s.omega / (scale * scale), alpha: s.alpha, beta: s.beta });
  }
  let iterations = 0;
  let best = { x: toTheta(starts[0]!), value: Infinity };
  for (const s of starts) {
    const r = nelderMead(negLL, toTheta(s), { step: [0.1, 0.5, 0.5, 0.5], fTol: 1e-6, xTol: 1e-4, maxIterations: 300 });
    iterations += r.iterations;
    if (r.value < best.value) best = r;
  }
  const again = nelderMead(negLL, best.x, { step: 0.05, fTol: 1e-11, xTol: 1e-7, maxIterations: 400 });
  iterations += again.iterations;
  if (again.value <= best.value) best = again;
  const polish = bfgs(negLL, best.x, { gTol: 1e-9, maxIterations: 100 });
  iterations += polish.iterations;
  if (polish.value <= best.value) best = polish;

  const u = fromTheta(best.x);
  const fit: GarchFit = {
    mu: u.mu * scale,
    omega: u.omega * scale * scale,
    alpha: u.alpha,
    beta: u.beta,
    // The density of r is the density of y divided by the scale, once per observation.
    logLikelihood: -best.value - n * Math.log(scale),
    iterations,
    converged: Number.isFinite(best.value) && (polish.converged || again.converged) && u.alpha + u.beta < 1,
  };
  if (opts.standardErrors) {
    const se = standardErrors(y, u);
    if (se) fit.standardErrors = { mu: se.mu * scale, omega: se.omega * scale * scale, alpha: se.alpha, beta: se.beta };
  }
  return fit;
}

/** Square roots of the diagonal of the inverse Hessian of -logL in natural coordinates. */
function standardErrors(y: readonly number[], p: GarchParams): GarchParams | null {
  const f = (x: readonly number[]): number => -garchLogLikelihood(y, { mu: x[0]!, omega: x[1]!, alpha: x[2]!, beta: x[3]! });
  const H = numericHessian(f, [p.mu, p.omega, p.alpha, p.beta], 1e-4);
  const C = invert(H);
  if (!C) return null;
  const d = C.map((row, i) => row[i]!);
  if (!d.every((x) => x > 0)) return null;
  return { mu: Math.sqrt(d[0]!), omega: Math.sqrt(d[1]!), alpha: Math.sqrt(d[2]!), beta: Math.sqrt(d[3]!) };
}
