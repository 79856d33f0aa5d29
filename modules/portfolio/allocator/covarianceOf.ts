import { cholesky } from '../../lib/portfolio/cholesky.ts';
import { ledoitWolfConstantCorrelation } from '../../lib/portfolio/covariance.ts';
import { zeros, type Matrix } from '../../lib/portfolio/matrix.ts';
import type { Book, History } from './Book.ts';
import type { AllocatorConfig } from './config.ts';

/** A symbol's per-period volatility: the reviews' latest forecast, else its sample, else the configured default. */
export function volatilityOf(book: Book, symbol: string, cfg: AllocatorConfig): number {
  const h = book.history.get(symbol);
  if (h === undefined) return cfg.defaultVolatility;
  if (h.volatility !== null && h.volatility > 0) return h.volatility;
  const r = h.returns;
  if (r.length >= cfg.minHistory) {
    let m = 0;
    for (const x of r) m += x;
    m /= r.length;
    let v = 0;
    for (const x of r) v += (x - m) ** 2;
    const sd = Math.sqrt(v / (r.length - 1));
    if (sd > 0) return sd;
  }
  return cfg.defaultVolatility;
}

/**
 * Return covariance over `symbols` (in that order). Symbols with at least
 * `minHistory` returns get the Ledoit-Wolf shrunk sample covariance over
 * their last common stretch of returns (aligned by position from the end:
 * candles close at the same boundaries for all symbols, so the k-th latest
 * return of each covers about the same period); the others are taken as
 * uncorrelated with their forecast variance, which keeps the matrix positive
 * definite without pretending to know their correlations. A relative ridge of
 * 1e-8 absorbs a sample that shrinkage left singular.
 */
export function covarianceOf(book: Book, symbols: readonly string[], cfg: AllocatorConfig, cache?: CovarianceCache): { sigma: Matrix; shrinkage: number | null } {
  const inputs = symbols.map((s) => book.history.get(s)!);
  if (cache !== undefined && cache.value !== null && sameInputs(cache.inputs, symbols, inputs)) return cache.value;
  const value = estimate(book, symbols, cfg);
  if (cache !== undefined) {
    cache.inputs = { symbols: symbols.slice(), histories: inputs.map((h) => ({ volatility: h.volatility, returns: h.returns.slice() })) };
    cache.value = value;
  }
  return value;
}

/**
 * The REJECT guard prices a batch twice, with and without its rejections,
 * and the two histories are nearly always the same (a rejection arrives with
 * the approvals of the same candle). The covariance, the one costly step, is
 * then computed once, after checking that what it depends on (symbols,
 * returns, volatility forecasts) is equal, element by element.
 */
export interface CovarianceCache {
  inputs: { symbols: string[]; histories: Pick<History, 'volatility' | 'returns'>[] } | null;
  value: { sigma: Matrix; shrinkage: number | null } | null;
}

function sameInputs(c: CovarianceCache['inputs'], symbols: readonly string[], histories: readonly History[]): boolean {
  if (c === null || c.symbols.length !== symbols.length) return false;
  for (let i = 0; i < symbols.length; i++) {
    if (c.symbols[i] !== symbols[i]) return false;
    const a = c.histories[i]!;
    const b = histories[i]!;
    if (a.volatility !== b.volatility || a.returns.length !== b.returns.length) return false;
    for (let k = 0; k < a.returns.length; k++) if (a.returns[k] !== b.returns[k]) return false;
  }
  return true;
}

function estimate(book: Book, symbols: readonly string[], cfg: AllocatorConfig): { sigma: Matrix; shrinkage: number | null } {
  const n = symbols.length;
  const sigma = zeros(n);
  const rich: number[] = [];
  for (let i = 0; i < n; i++) if (book.history.get(symbols[i]!)!.returns.length >= cfg.minHistory) rich.push(i);
  let shrinkage: number | null = null;
  if (rich.length > 0) {
    const t = Math.min(...rich.map((i) => book.history.get(symbols[i]!)!.returns.length));
    const lw = ledoitWolfConstantCorrelation(rich.map((i) => book.history.get(symbols[i]!)!.returns.slice(-t)));
    shrinkage = lw.shrinkage;
    for (let a = 0; a < rich.length; a++) for (let b = 0; b < rich.length; b++) sigma[rich[a]!]![rich[b]!] = lw.sigma[a]![b]!;
  }
  const isRich = new Set(rich);
  for (let i = 0; i < n; i++) if (!isRich.has(i)) sigma[i]![i] = volatilityOf(book, symbols[i]!, cfg) ** 2;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sigma[i]![i]! / n;
  for (let i = 0; i < n; i++) sigma[i]![i]! += 1e-8 * mean;
  if (n > 0 && cholesky(sigma) === null) {
    // Only a pathological sample gets here; its variances alone are still a usable, definite answer.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sigma[i]![j] = 0;
  }
  return { sigma, shrinkage };
}
