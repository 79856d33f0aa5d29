/**
 * One call through a breaker, from the queue to its settlement. A class rather than a
 * closure soup so the hot path allocates one small object of a stable shape; it is also
 * a node of the breaker's in-flight list, which is what lets `dispose()` cancel every
 * running call and clear its deadline timer without a Set on the hot path.
 */
export class BreakerCall {
  readonly fn: (signal: AbortSignal) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Created when the call starts, not when it is queued: a waiting call has nothing to abort. */
  controller: AbortController | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  startedAt = 0;
  /** The breaker's generation at admission; outcomes from an older generation are not counted. */
  readonly generation: number;
  settled = false;
  prev: BreakerCall | undefined = undefined;
  next: BreakerCall | undefined = undefined;

  constructor(fn: (signal: AbortSignal) => unknown, resolve: (value: unknown) => void, reject: (error: unknown) => void, generation: number) {
    this.fn = fn;
    this.generation = generation;
    this.resolve = resolve;
    this.reject = reject;
  }
}

/** The calls running now, oldest first; O(1) insert and remove, no allocation. */
export class CallList {
  #head: BreakerCall | undefined = undefined;
  #tail: BreakerCall | undefined = undefined;

  /** Appends a call that just started. */
  add(call: BreakerCall): void {
    call.prev = this.#tail;
    call.next = undefined;
    if (this.#tail === undefined) this.#head = call;
    else this.#tail.next = call;
    this.#tail = call;
  }

  /** Unlinks a settled call. */
  remove(call: BreakerCall): void {
    if (call.prev === undefined) this.#head = call.next;
    else call.prev.next = call.next;
    if (call.next === undefined) this.#tail = call.prev;
    else call.next.prev = call.prev;
    call.prev = call.next = undefined;
  }

  /** Empties the list and returns its calls, oldest first. */
  drain(): BreakerCall[] {
    const out: BreakerCall[] = [];
    for (let c = this.#head; c !== undefined; c = c.next) out.push(c);
    for (const c of out) c.prev = c.next = undefined;
    this.#head = this.#tail = undefined;
    return out;
  }
}
