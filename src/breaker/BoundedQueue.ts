/**
 * A FIFO of fixed capacity on a ring buffer: push and shift are O(1), where `Array#shift`
 * is O(n) once V8 gives up on its fast path. The buffer is allocated on first use, so a
 * breaker that never queues never pays for it.
 */
export class BoundedQueue<T> {
  /** Most items held at once. */
  readonly capacity: number;
  #items: (T | undefined)[] | undefined;
  #head = 0;
  #length = 0;

  /** @param capacity most items held at once; 0 makes every push fail */
  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Items waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends an item; returns false, leaving the queue unchanged, when it is full. */
  push(item: T): boolean {
    if (this.#length >= this.capacity) return false;
    this.#items ??= new Array<T | undefined>(this.capacity);
    this.#items[(this.#head + this.#length) % this.capacity] = item;
    this.#length += 1;
    return true;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const items = this.#items!;
    const item = items[this.#head];
    items[this.#head] = undefined; // let the settled call be collected
    this.#head = (this.#head + 1) % this.capacity;
    this.#length -= 1;
    return item;
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#length > 0) out.push(this.shift() as T);
    return out;
  }
}
