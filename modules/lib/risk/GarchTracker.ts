import { fitGarch11, garchFilter, garchVarianceForecast, MIN_GARCH_SAMPLE, type GarchParams } from './garch.ts';

export interface GarchTrackerOptions {
  /** Returns kept for refits (the rolling window). */
  window: number;
  /** Refit after this many new returns. */
  refitEvery: number;
  /** Returns needed before the first fit; until then the EWMA answers. */
  minFit: number;
  /** RiskMetrics decay of the EWMA fallback. */
  ewmaLambda: number;
  /** The EWMA starts as the plain mean of squares over this many returns (a single squared return is too noisy a seed). */
  ewmaSeed: number;
}

export const DEFAULT_TRACKER_OPTIONS: GarchTrackerOptions = { window: 1000, refitEvery: 250, minFit: 250, ewmaLambda: 0.94, ewmaSeed: 20 };

/** Plain-object state: structured-clone safe, JSON safe. */
export interface GarchTrackerState {
  [key: string]: unknown;
  /** The rolling window, oldest first. */
  returns: number[];
  count: number;
  sinceFit: number;
  ewma: number;
  params: GarchParams | null;
  /** GARCH one-step forecast h_{t+1}; meaningful only with params. */
  garchVariance: number;
  fits: number;
  failedFits: number;
}

export type VarianceSource = 'none' | 'ewma' | 'garch';

/**
 * One instrument's variance forecaster. `update` is O(1): it advances the EWMA
 * and, once a model is fitted, the GARCH recursion. Every `refitEvery` returns
 * it refits by maximum likelihood on the last `window` returns. A fit that
 * fails or is not stationary (alpha + beta >= 1) drops the model and the EWMA
 * answers until the next refit succeeds: a forecast that mean-reverts to
 * nothing is worse than a plain EWMA.
 */
export class GarchTracker {
  readonly options: GarchTrackerOptions;
  #ring: Float64Array;
  #head = 0;
  #size = 0;
  #count = 0;
  #sinceFit = 0;
  #ewma = 0;
  #params: GarchParams | null = null;
  #garchVariance = 0;
  #fits = 0;
  #failedFits = 0;

  constructor(options: Partial<GarchTrackerOptions> = {}) {
    const o = { ...DEFAULT_TRACKER_OPTIONS, ...options };
    if (!(Number.isInteger(o.window) && o.window >= MIN_GARCH_SAMPLE)) throw new RangeError(`window must be an integer >= ${MIN_GARCH_SAMPLE}`);
    if (!(Number.isInteger(o.refitEvery) && o.refitEvery >= 1)) throw new RangeError('refitEvery must be a positive integer');
    if (!(Number.isInteger(o.minFit) && o.minFit >= MIN_GARCH_SAMPLE && o.minFit <= o.window)) throw new RangeError(`minFit must be an integer in [${MIN_GARCH_SAMPLE}, window]`);
    if (!(o.ewmaLambda > 0 && o.ewmaLambda < 1)) throw new RangeError('ewmaLambda must be in (0, 1)');
    if (!(Number.isInteger(o.ewmaSeed) && o.ewmaSeed >= 1)) throw new RangeError('ewmaSeed must be a positive integer');
    this.options = Object.freeze(o);
    this.#ring = new Float64Array(o.window);
  }

  /** Returns seen since creation. */
  get count(): number {
    return this.#count;
  }

  get source(): VarianceSource {
    return this.#params ? 'garch' : this.#count > 0 ? 'ewma' : 'none';
  }

  /** The fitted model in use, or null while the EWMA answers. */
  get params(): GarchParams | null {
    return this.#params ? { ...this.#params } : null;
  }

  get fits(): number {
    return this.#fits;
  }

  get failedFits(): number {
    return this.#failedFits;
  }

  /** True when the next `update` with fitting allowed would refit. */
  get refitDue(): boolean {
    return this.#size >= this.options.minFit && this.#sinceFit >= this.options.refitEvery;
  }

  /** One-step-ahead variance of the next return (same units as the returns, squared); null before any return. */
  variance(): number | null {
    if (this.#params) return this.#garchVariance;
    return this.#count > 0 ? this.#ewma : null;
  }

  /** Variances 1..horizon steps ahead (the GARCH term structure; flat for the EWMA). */
  forecast(horizon: number): number[] {
    const v = this.variance();
    if (v === null) return [];
    if (!this.#params) return new Array<number>(horizon).fill(v);
    return garchVarianceForecast(this.#params, v, horizon);
  }

  /**
   * Adds one return. `allowFit` false defers a due refit to a later update,
   * so a caller with many instruments can spread refits over batches.
   */
  update(r: number, allowFit = true): void {
    if (!Number.isFinite(r)) return;
    this.#ring[this.#head] = r;
    this.#head = (this.#head + 1) % this.#ring.length;
    if (this.#size < this.#ring.length) this.#size++;
    this.#count++;
    this.#sinceFit++;
    const r2 = r * r;
    const seed = this.options.ewmaSeed;
    this.#ewma = this.#count <= seed ? this.#ewma + (r2 - this.#ewma) / this.#count : this.options.ewmaLambda * this.#ewma + (1 - this.options.ewmaLambda) * r2;
    if (this.#params) {
      const e = r - this.#params.mu;
      this.#garchVariance = this.#params.omega + this.#params.alpha * e * e + this.#params.beta * this.#garchVariance;
    }
    if (allowFit && this.refitDue) this.refit();
  }

  /** Refits now on the current window (normally `update` decides when). */
  refit(): void {
    this.#sinceFit = 0;
    const sample = this.window();
    try {
      const fit = fitGarch11(sample, this.#params ? { start: this.#params } : {});
      if (fit.converged && fit.alpha + fit.beta < 1 && fit.omega > 0) {
        this.#params = { mu: fit.mu, omega: fit.omega, alpha: fit.alpha, beta: fit.beta };
        const h = garchFilter(sample, this.#params);
        this.#garchVariance = h[h.length - 1]!;
        this.#fits++;
        return;
      }
    } catch {
      // A degenerate window (e.g. constant prices) cannot be fitted: fall through to the EWMA.
    }
    this.#params = null;
    this.#failedFits++;
  }

  /** The rolling window, oldest first. */
  window(): number[] {
    const out = new Array<number>(this.#size);
    const start = (this.#head - this.#size + this.#ring.length) % this.#ring.length;
    for (let i = 0; i < this.#size; i++) out[i] = this.#ring[(start + i) % this.#ring.length]!;
    return out;
  }

  toState(): GarchTrackerState {
    return {
      returns: this.window(),
      count: this.#count,
      sinceFit: this.#sinceFit,
      ewma: this.#ewma,
      params: this.params,
      garchVariance: this.#garchVariance,
      fits: this.#fits,
      failedFits: this.#failedFits,
    };
  }

  /** Rebuilds a tracker; options may differ from the writer's (a smaller window keeps the newest returns). */
  static fromState(s: GarchTrackerState, options: Partial<GarchTrackerOptions> = {}): GarchTracker {
    const t = new GarchTracker(options);
    const returns = s.returns.slice(-t.#ring.length);
    for (const r of returns) {
      t.#ring[t.#head] = r;
      t.#head = (t.#head + 1) % t.#ring.length;
    }
    t.#size = returns.length;
    t.#count = s.count;
    t.#sinceFit = s.sinceFit;
    t.#ewma = s.ewma;
    t.#params = s.params ? { mu: s.params.mu, omega: s.params.omega, alpha: s.params.alpha, beta: s.params.beta } : null;
    t.#garchVariance = s.garchVariance;
    t.#fits = s.fits;
    t.#failedFits = s.failedFits;
    return t;
  }
}

/** Loose check of a state read back from a snapshot (it crossed a worker or came from an older version). */
export function isGarchTrackerState(v: unknown): v is GarchTrackerState {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  const params = s.params;
  const paramsOk =
    params === null ||
    (typeof params === 'object' && params !== null && ['mu', 'omega', 'alpha', 'beta'].every((k) => finite((params as Record<string, unknown>)[k])));
  return (
    Array.isArray(s.returns) &&
    s.returns.every(finite) &&
    ['count', 'sinceFit', 'ewma', 'garchVariance', 'fits', 'failedFits'].every((k) => finite(s[k])) &&
    paramsOk
  );
}
