import { finiteArray, integer, object } from './state.ts';

/** The last `capacity` values of a series, newest first by `at(k)`; a fixed typed array, so a push allocates nothing. */
export class RingBuffer {
  readonly capacity: number;
  readonly #buf: Float64Array;
  /** Slot of the next write, which is the oldest value once full. */
  #head = 0;
  #pushed = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#buf = new Float64Array(capacity);
  }

  /** Values pushed so far (not capped at the capacity). */
  get pushed(): number {
    return this.#pushed;
  }

  get size(): number {
    return this.#pushed < this.capacity ? this.#pushed : this.capacity;
  }

  push(x: number): void {
    this.#buf[this.#head] = x;
    this.#head = this.#head + 1 === this.capacity ? 0 : this.#head + 1;
    this.#pushed++;
  }

  /** The value `k` pushes ago (0 = newest); `k` must be below `size`. */
  at(k: number): number {
    let i = this.#head - 1 - k;
    if (i < 0) i += this.capacity;
    return this.#buf[i]!;
  }

  toState(): { capacity: number; pushed: number; buf: number[] } {
    return { capacity: this.capacity, pushed: this.#pushed, buf: Array.from(this.#buf) };
  }

  /** Adopts a `toState()` of a buffer of the same capacity. */
  load(x: unknown, what: string): void {
    const s = object(x, what);
    if (s.capacity !== this.capacity) throw new Error(`indicators state: ${what}.capacity is ${String(s.capacity)}, expected ${this.capacity}`);
    this.#buf.set(finiteArray(s.buf, `${what}.buf`, this.capacity));
    this.#pushed = integer(s.pushed, `${what}.pushed`, 0);
    // The head only ever advances with a push, so it follows from the count.
    this.#head = this.#pushed % this.capacity;
  }
}
