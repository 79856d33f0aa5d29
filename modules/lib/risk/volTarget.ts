/**
 * Volatility targeting: hold the notional whose return volatility equals a
 * target. An annual target becomes a per-period one under the square-root-of-
 * time rule (independent returns), sigma_period = sigma_annual / sqrt(periods
 * per year); a position of notional N in an asset with per-period return
 * volatility s moves by N * s per period, so
 *
 *   N = equity * (sigma_annual / sqrt(periodsPerYear)) / s
 *
 * (e.g. 15% a year over 525,600 one-minute periods is 0.0207% a minute; an
 * asset moving 0.1% a minute then gets 20.7% of equity).
 */
export function periodTargetVol(annualVol: number, periodsPerYear: number): number {
  if (!(annualVol >= 0) || !(periodsPerYear > 0)) throw new RangeError('annual vol must be >= 0 and periods per year > 0');
  return annualVol / Math.sqrt(periodsPerYear);
}

/** Notional whose per-period volatility is the target; `sigma` is floored at `floor` so a flat price cannot ask for infinity. */
export function volTargetNotional(equity: number, annualVol: number, periodsPerYear: number, sigma: number, floor = 1e-8): number {
  return (Math.max(equity, 0) * periodTargetVol(annualVol, periodsPerYear)) / Math.max(sigma, floor);
}
