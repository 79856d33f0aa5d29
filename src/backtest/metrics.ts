/** Performance figures of an equity curve sampled once per bar. */
export interface BacktestMetrics {
  bars: number;
  startEquity: number;
  endEquity: number;
  /** endEquity / startEquity - 1. */
  totalReturn: number;
  /** Mean over sample standard deviation of per-bar simple returns, times sqrt(periodsPerYear); 0 when flat. */
  sharpe: number;
  /** Largest peak-to-trough fall as a fraction of the peak, in [0, 1]. */
  maxDrawdown: number;
}

export function equityMetrics(equity: readonly number[], periodsPerYear = 252): BacktestMetrics {
  const n = equity.length;
  if (n === 0) return { bars: 0, startEquity: 0, endEquity: 0, totalReturn: 0, sharpe: 0, maxDrawdown: 0 };
  let peak = equity[0]!;
  let maxDd = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 1; i < n; i++) {
    const r = equity[i]! / equity[i - 1]! - 1;
    sum += r;
    sumSq += r * r;
    peak = Math.max(peak, equity[i]!);
    maxDd = Math.max(maxDd, 1 - equity[i]! / peak);
  }
  const m = n - 1;
  const mean = m > 0 ? sum / m : 0;
  const variance = m > 1 ? (sumSq - m * mean * mean) / (m - 1) : 0;
  const sd = Math.sqrt(Math.max(variance, 0));
  return {
    bars: n,
    startEquity: equity[0]!,
    endEquity: equity[n - 1]!,
    totalReturn: equity[n - 1]! / equity[0]! - 1,
    sharpe: sd > 1e-15 ? (mean / sd) * Math.sqrt(periodsPerYear) : 0,
    maxDrawdown: maxDd,
  };
}
