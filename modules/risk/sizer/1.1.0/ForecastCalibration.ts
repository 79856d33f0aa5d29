/**
 * How well each symbol's variance forecasts have matched what followed: an
 * exponentially weighted mean of r^2 / h (realised squared return over the
 * variance forecast for it). A calibrated model keeps it near 1; above 1 the
 * model has been under-forecasting, so volatility is scaled up by its square
 * root (clamped to [1/2, 2] in volatility, so one shock cannot dominate).
 */
export class ForecastCalibration {
  readonly lambda: number;
  #ratio = new Map<string, number>();

  constructor(lambda: number) {
    this.lambda = lambda;
  }

  record(symbol: string, ret: number, forecastVariance: number): void {
    if (!(forecastVariance > 0) || !Number.isFinite(ret)) return;
    const prev = this.#ratio.get(symbol) ?? 1;
    this.#ratio.set(symbol, this.lambda * prev + (1 - this.lambda) * ((ret * ret) / forecastVariance));
  }

  /** Multiplier for a volatility forecast, in [0.5, 2]. */
  scale(symbol: string): number {
    const r = this.#ratio.get(symbol) ?? 1;
    return Math.min(2, Math.max(0.5, Math.sqrt(r)));
  }

  toState(): Record<string, number> {
    return Object.fromEntries(this.#ratio);
  }

  static fromState(state: unknown, lambda: number): ForecastCalibration {
    const c = new ForecastCalibration(lambda);
    if (typeof state !== 'object' || state === null) throw new TypeError('calibration state must be an object');
    for (const [symbol, v] of Object.entries(state as Record<string, unknown>)) {
      if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new TypeError(`calibration for ${symbol} is malformed`);
      c.#ratio.set(symbol, v);
    }
    return c;
  }
}
