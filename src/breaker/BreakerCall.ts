/**
 * One call through a breaker, from the queue to its settlement: one record of a stable
 * shape per call, which V8 keeps monomorphic. It is also a node of the in-flight list,
 * which lets `dispose()` cancel every running call and clear its deadline timer without
 * paying for a Set insert and delete on every call.
 */
export class BreakerCall {
  readonly fn: (signal: AbortSignal) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Created when the call starts, not when it is queued: a waiting call has nothing to abort. */
  controller: AbortController | undefined = undefined;
  /** This call's own deadline timer; cleared the moment the call settles. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Breaker clock at start, for the latency histogram. */
  startedAt = 0;
  /** The breaker's generation at admission; outcomes from an older generation are not counted. */
  readonly generation: number;
  /** Set by whichever comes first: the callee's answer, the deadline, or dispose(). */
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
