import { finite, integer, object, type StateObject } from './state.ts';

/**
 * An exponential average seeded, as the textbooks do, by the simple mean of
 * its first `period` inputs; from then on avg += alpha * (x - avg). Not
 * defined (ready = false) before `period` inputs. `ema(p)` uses alpha
 * 2/(p+1); `wilder(p)` uses Wilder's 1/p (RSI, ATR, DMI, ADX).
 */
export class SmoothedAverage {
  readonly period: number;
  readonly alpha: number;
  #seen = 0;
  #sum = 0;
  #avg = 0;

  constructor(period: number, alpha: number) {
    this.period = period;
    this.alpha = alpha;
  }

  static ema(period: number): SmoothedAverage {
    return new SmoothedAverage(period, 2 / (period + 1));
  }

  static wilder(period: number): SmoothedAverage {
    return new SmoothedAverage(period, 1 / period);
  }

  get ready(): boolean {
    return this.#seen >= this.period;
  }

  get value(): number {
    return this.#avg;
  }

  push(x: number): void {
    if (this.#seen >= this.period) {
      this.#avg += this.alpha * (x - this.#avg);
      return;
    }
    this.#sum += x;
    if (++this.#seen === this.period) this.#avg = this.#sum / this.period;
  }

  toState(): StateObject {
    return { seen: this.#seen, sum: this.#sum, avg: this.#avg };
  }

  /** Adopts a `toState()` of an average with the same period and alpha. */
  load(x: unknown, what: string): void {
    const s = object(x, what);
    this.#seen = integer(s.seen, `${what}.seen`, 0, this.period);
    this.#sum = finite(s.sum, `${what}.sum`);
    this.#avg = finite(s.avg, `${what}.avg`);
  }
}
