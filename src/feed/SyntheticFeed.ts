import type { RawMarketEvent } from '../contracts/tiers.ts';
import { seededRandom } from '../util/seededRandom.ts';

export interface SyntheticFeedOptions {
  symbols: number;
  seed: number;
  /** Event time of the first event, epoch ms. */
  start: number;
}

/**
 * Seeded trades for a set of instruments whose returns follow a GARCH(1,1)
 * variance, so volatility clusters the way real prices do, which is what
 * makes strategies and risk limits do something visible.
 */
export class SyntheticFeed {
  #rand: () => number;
  #prices: number[];
  #variance: number[];
  #t: number;
  #i = 0;
  readonly symbols: string[];

  constructor(opts: SyntheticFeedOptions) {
    this.#rand = seededRandom(opts.seed);
    this.symbols = Array.from({ length: opts.symbols }, (_, i) => `SYN${String(i).padStart(3, '0')}`);
    this.#prices = this.symbols.map(() => 50 + this.#rand() * 150);
    this.#variance = this.symbols.map(() => 1e-6);
    this.#t = opts.start;
  }

  /** The next `n` events, round-robin over instruments, 1 ms of event time apart. */
  next(n: number): Omit<RawMarketEvent, 'seq'>[] {
    const out: Omit<RawMarketEvent, 'seq'>[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = this.#i++ % this.symbols.length;
      // GARCH(1,1): omega + alpha * shock^2 + beta * variance, mean-reverting around ~1e-6.
      const z = this.#gauss();
      const shock = Math.sqrt(this.#variance[i]!) * z;
      this.#variance[i] = 1e-8 + 0.08 * shock * shock + 0.9 * this.#variance[i]!;
      this.#prices[i] = this.#prices[i]! * Math.exp(shock);
      out[k] = { symbol: this.symbols[i]!, ts: this.#t++, kind: 'trade', price: round(this.#prices[i]!), size: 1 + Math.floor(this.#rand() * 100) };
    }
    return out;
  }

  #gauss(): number {
    const u = Math.max(this.#rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#rand());
  }
}

function round(p: number): number {
  return Math.round(p * 100) / 100;
}
