import { RingBuffer } from './RingBuffer.ts';
import { finite, integer, object, type StateObject } from './state.ts';

/**
 * The last `n` values of a series with their mean and variance in O(1)
 * amortised per push.
 *
 * Why not plain running sums: sum(x) and sum(x^2) over prices near 1,500 with
 * a spread of 20 lose about 9 digits to cancellation, and every add/remove
 * pair leaves rounding behind that never goes away. Instead the sums are of
 * deviations from a shift (the window mean at the last rebase), which keeps
 * the cancellation to the spread itself, and they are recomputed from the
 * buffer every `n` pushes (a two-pass mean and variance), so rounding can
 * accumulate over at most one window. That keeps them within ~1e-13 relative
 * of a full recomputation on any realistic series.
 *
 * A window whose values are all identical reports that value and a variance
 * of exactly 0: a running sum would leave ~1e-17 of noise there, which turns
 * a z-score or %B (0/0 by rights) into an arbitrary number.
 */
export class RollingWindow {
  readonly n: number;
  readonly #ring: RingBuffer;
  #shift = 0;
  #s1 = 0;
  #s2 = 0;
  #sinceRebase = 0;
  /** Consecutive pushes equal to the one before. */
  #equalRun = 0;

  constructor(n: number) {
    this.n = n;
    this.#ring = new RingBuffer(n);
  }

  get full(): boolean {
    return this.#ring.pushed >= this.n;
  }

  /** All `n` values identical (only meaningful once full). */
  get flat(): boolean {
    return this.#equalRun >= this.n - 1;
  }

  newest(): number {
    return this.#ring.at(0);
  }

  push(x: number): void {
    const ring = this.#ring;
    if (ring.pushed > 0 && x === ring.at(0)) this.#equalRun++;
    else this.#equalRun = 0;
    if (ring.pushed >= this.n) {
      const d = ring.at(this.n - 1) - this.#shift;
      this.#s1 -= d;
      this.#s2 -= d * d;
    }
    ring.push(x);
    const d = x - this.#shift;
    this.#s1 += d;
    this.#s2 += d * d;
    if (++this.#sinceRebase >= this.n) this.#rebase();
  }

  /** Mean of the window (running form). */
  mean(): number {
    return this.flat ? this.#ring.at(0) : this.#shift + this.#s1 / this.n;
  }

  /** Population variance (divisor n). */
  variance(): number {
    if (this.flat) return 0;
    const v = (this.#s2 - (this.#s1 * this.#s1) / this.n) / this.n;
    return v > 0 ? v : 0;
  }

  /** Sample variance (divisor n - 1). */
  sampleVariance(): number {
    return (this.variance() * this.n) / (this.n - 1);
  }

  /** Mean by a pass over the buffer: for statistics that need a pass anyway (mean absolute deviation). */
  exactMean(): number {
    if (this.flat) return this.#ring.at(0);
    let s = 0;
    for (let k = 0; k < this.n; k++) s += this.#ring.at(k);
    return s / this.n;
  }

  /** Mean absolute deviation around `centre`, by a pass: it has no running form. */
  meanAbsDeviation(centre: number): number {
    if (this.flat) return 0;
    let s = 0;
    for (let k = 0; k < this.n; k++) s += Math.abs(this.#ring.at(k) - centre);
    return s / this.n;
  }

  #rebase(): void {
    const m = this.#ring.size;
    let sum = 0;
    for (let k = 0; k < m; k++) sum += this.#ring.at(k);
    const mean = sum / m;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < m; k++) {
      const d = this.#ring.at(k) - mean;
      s1 += d;
      s2 += d * d;
    }
    this.#shift = mean;
    this.#s1 = s1;
    this.#s2 = s2;
    this.#sinceRebase = 0;
  }

  toState(): StateObject {
    return { ring: this.#ring.toState(), shift: this.#shift, s1: this.#s1, s2: this.#s2, sinceRebase: this.#sinceRebase, equalRun: this.#equalRun };
  }

  /** Adopts a `toState()` of a window of the same length. */
  load(x: unknown, what: string): void {
    const s = object(x, what);
    this.#ring.load(s.ring, `${what}.ring`);
    this.#shift = finite(s.shift, `${what}.shift`);
    this.#s1 = finite(s.s1, `${what}.s1`);
    this.#s2 = finite(s.s2, `${what}.s2`);
    this.#sinceRebase = integer(s.sinceRebase, `${what}.sinceRebase`, 0, this.n - 1);
    this.#equalRun = integer(s.equalRun, `${what}.equalRun`, 0);
  }
}
