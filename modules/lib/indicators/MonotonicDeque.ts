import { finiteArray, integer, object, type StateObject } from './state.ts';

/**
 * Rolling maximum (or minimum) of the last `n` values in O(1) amortised per
 * push: a deque of the values that can still become the extreme, in push
 * order with strictly decreasing (increasing) values; the front is the
 * answer. Exact, since it only compares and copies.
 */
export class MonotonicDeque {
  readonly n: number;
  readonly max: boolean;
  readonly #vals: Float64Array;
  /** Push number of each kept value, to expire it once it leaves the window. */
  readonly #idx: Float64Array;
  #front = 0;
  #size = 0;
  #pushed = 0;

  constructor(n: number, max: boolean) {
    this.n = n;
    this.max = max;
    this.#vals = new Float64Array(n);
    this.#idx = new Float64Array(n);
  }

  get full(): boolean {
    return this.#pushed >= this.n;
  }

  /** The extreme of the last min(n, pushed) values. */
  value(): number {
    return this.#vals[this.#front]!;
  }

  push(x: number): void {
    const n = this.n;
    const t = this.#pushed;
    if (this.#size > 0 && this.#idx[this.#front]! <= t - n) {
      this.#front = this.#front + 1 === n ? 0 : this.#front + 1;
      this.#size--;
    }
    while (this.#size > 0) {
      let back = this.#front + this.#size - 1;
      if (back >= n) back -= n;
      const b = this.#vals[back]!;
      if (this.max ? b <= x : b >= x) this.#size--;
      else break;
    }
    let slot = this.#front + this.#size;
    if (slot >= n) slot -= n;
    this.#vals[slot] = x;
    this.#idx[slot] = t;
    this.#size++;
    this.#pushed = t + 1;
  }

  toState(): StateObject {
    const vals: number[] = [];
    const idx: number[] = [];
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#front + k) % this.n;
      vals.push(this.#vals[i]!);
      idx.push(this.#idx[i]!);
    }
    return { pushed: this.#pushed, vals, idx };
  }

  /** Adopts a `toState()` of a deque of the same window and kind. */
  load(x: unknown, what: string): void {
    const s = object(x, what);
    const size = Array.isArray(s.vals) ? s.vals.length : -1;
    if (size < 0 || size > this.n) throw new Error(`indicators state: ${what}.vals is not an array of at most ${this.n}`);
    this.#vals.set(finiteArray(s.vals, `${what}.vals`, size));
    this.#idx.set(finiteArray(s.idx, `${what}.idx`, size));
    this.#front = 0;
    this.#size = size;
    this.#pushed = integer(s.pushed, `${what}.pushed`, 0);
  }
}
