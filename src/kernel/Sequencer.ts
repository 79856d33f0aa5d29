/**
 * Hands out sequence numbers at entry. Numbers never repeat for the life of a
 * sequencer, and a restarted kernel resumes above its persisted high-water mark
 * (`start`), so a number seen once is never seen again for another event.
 */
export class Sequencer {
  #next: number;

  constructor(start = 1) {
    if (!Number.isSafeInteger(start) || start < 1) throw new RangeError(`sequence start must be a positive safe integer, got ${start}`);
    this.#next = start;
  }

  /** The number the next event will get. */
  get next(): number {
    return this.#next;
  }

  /** Stamps `seq` onto each item in place, in order. */
  stamp<T extends { seq?: number }>(items: T[]): (T & { seq: number })[] {
    for (const it of items) it.seq = this.#next++;
    return items as (T & { seq: number })[];
  }
}
