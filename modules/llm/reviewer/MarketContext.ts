import { fixed, pct } from '../../lib/review/ruleBased.ts';

/** Recent closes of one symbol, as the reviewer saw them: plain data, so it snapshots as it is. */
export interface PriceHistory {
  /** Event time of the newest price; several decisions of one close share it. */
  lastTs: number;
  /** Oldest first, at most the configured window. */
  prices: number[];
}

/** What the summary needs from the decision under review. */
export interface ContextFacts {
  symbol: string;
  source: string;
  confidence?: number;
  volatility?: number;
}

/**
 * Records a decision's price. Every source's decision on one candle close
 * carries the same ts and price, so only the first counts; an older ts (which
 * the kernel's per-symbol order rules out) is ignored rather than trusted.
 */
export function observe(history: Record<string, PriceHistory>, symbol: string, ts: number, price: number, window: number): void {
  const h = history[symbol];
  if (h === undefined) {
    history[symbol] = { lastTs: ts, prices: [price] };
    return;
  }
  if (ts <= h.lastTs) return;
  h.lastTs = ts;
  h.prices.push(price);
  if (h.prices.length > window) h.prices.splice(0, h.prices.length - window);
}

/** Sample standard deviation of log returns; null with fewer than two returns. */
export function realisedVolatility(prices: readonly number[]): number | null {
  if (prices.length < 3) return null;
  let sum = 0;
  const r: number[] = [];
  for (let i = 1; i < prices.length; i++) {
    const x = Math.log(prices[i]! / prices[i - 1]!);
    r.push(x);
    sum += x;
  }
  const mean = sum / r.length;
  let ss = 0;
  for (const x of r) ss += (x - mean) * (x - mean);
  return Math.sqrt(ss / (r.length - 1));
}

/**
 * The market-context summary sent with a review request: a few plain lines a
 * model reads without a legend. Deterministic text for deterministic input.
 */
export function summarise(h: PriceHistory | undefined, f: ContextFacts): string {
  const prices = h?.prices ?? [];
  const lines = [`${f.symbol}: ${prices.length} recent closes seen`];
  if (prices.length > 0) lines.push(`last price: ${prices[prices.length - 1]}`);
  if (prices.length >= 2) {
    const first = prices[0]!;
    const last = prices[prices.length - 1]!;
    const change = last / first - 1;
    const word = change > 0.001 ? 'up' : change < -0.001 ? 'down' : 'flat';
    lines.push(`trend over the last ${prices.length} closes: ${word} ${change >= 0 ? '+' : ''}${pct(change)}`);
  } else lines.push('trend: not enough history');
  const rv = realisedVolatility(prices);
  lines.push(rv === null ? 'realised volatility: not enough history' : `realised volatility per period: ${pct(rv)}`);
  lines.push(f.volatility === undefined ? 'risk volatility forecast: not given' : `risk volatility forecast per period: ${pct(f.volatility)}`);
  lines.push(f.confidence === undefined ? `signal confidence: not given (source ${f.source})` : `signal confidence: ${fixed(f.confidence, 2)} (source ${f.source})`);
  return lines.join('\n');
}
