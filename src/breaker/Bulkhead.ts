import { HeliosError } from '../errors/HeliosError.ts';
import { BoundedQueue } from './BoundedQueue.ts';
import { BreakerCall, CallList } from './BreakerCall.ts';

/** How a running call ended, as far as its breaker is concerned. */
export type CallOutcome = 'ok' | 'error' | 'timeout';

/** What a bulkhead needs from the breaker that owns it. */
export interface BulkheadHost {
  /** Sees every outcome once, before the caller does, so state changes precede continuations. */
  onOutcome(call: BreakerCall, outcome: CallOutcome, value: unknown, now: number): void;
  /** Whether queued calls may start now (false once the breaker is open). */
  mayStartQueued(): boolean;
}

/** Limits of a {@link Bulkhead}. */
export interface BulkheadLimits {
  readonly name: string;
  readonly maxInFlight: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly now: () => number;
}

/**
 * Admission control under a breaker: at most `maxInFlight` calls run, at most `maxQueue`
 * wait, and each running call has its own AbortController and deadline timer. That is the
 * difference with opossum, which runs every call it is given (a burst of 10,000 failing
 * calls all execute before it opens) and aborts one controller shared by all of them.
 */
export class Bulkhead {
  readonly #limits: BulkheadLimits;
  readonly #host: BulkheadHost;
  readonly #queue: BoundedQueue<BreakerCall>;
  readonly #running = new CallList();
  #inFlight = 0;
  #pumping = false;

  /** @param host the breaker; told of every outcome and asked before queued calls start */
  constructor(limits: BulkheadLimits, host: BulkheadHost) {
    this.#limits = limits;
    this.#host = host;
    this.#queue = new BoundedQueue(limits.maxQueue);
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** True when a new call may start at once without overtaking a waiting one. */
  get hasFreeSlot(): boolean {
    return this.#inFlight < this.#limits.maxInFlight && this.#queue.length === 0;
  }

  /** Queues a call; false when the queue is full. */
  enqueue(call: BreakerCall): boolean {
    return this.#queue.push(call);
  }

  /** Removes every waiting call, oldest first, for the caller to refuse. */
  takeQueued(): BreakerCall[] {
    return this.#queue.drain();
  }

  /** Runs a call now; the caller has checked there is a slot. */
  start(call: BreakerCall, now: number): void {
    this.#inFlight += 1;
    call.startedAt = now;
    const controller = (call.controller = new AbortController());
    this.#running.add(call);
    call.timer = setTimeout(() => this.#expire(call), this.#limits.timeoutMs);
    let result: unknown;
    try {
      result = call.fn(controller.signal);
    } catch (error) {
      this.#settle(call, 'error', error);
      return;
    }
    if (result instanceof Promise) result.then((v) => this.#settle(call, 'ok', v), (e) => this.#settle(call, 'error', e));
    else if (typeof (result as PromiseLike<unknown> | null)?.then === 'function')
      Promise.resolve(result).then((v) => this.#settle(call, 'ok', v), (e) => this.#settle(call, 'error', e));
    else this.#settle(call, 'ok', result);
  }

  /** Starts waiting calls while slots are free and the host allows it. */
  pump(): void {
    // Not re-entrant: callees that throw synchronously would otherwise recurse once per queued call.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && this.#inFlight < this.#limits.maxInFlight && this.#host.mayStartQueued()) {
        this.start(this.#queue.shift()!, this.#limits.now());
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Rejects waiting calls and aborts running ones with `error()`; clears every deadline timer. */
  dispose(error: () => HeliosError): void {
    for (const call of this.#queue.drain()) call.reject(error());
    for (const call of this.#running.drain()) {
      call.settled = true;
      clearTimeout(call.timer);
      const e = error();
      call.controller!.abort(e);
      call.reject(e);
    }
    this.#inFlight = 0;
  }

  #settle(call: BreakerCall, outcome: CallOutcome, value: unknown): void {
    if (call.settled) return; // its deadline won the race, or the bulkhead was disposed
    this.#release(call);
    this.#host.onOutcome(call, outcome, value, this.#limits.now());
    if (outcome === 'ok') call.resolve(value);
    else call.reject(value);
    this.pump();
  }

  #expire(call: BreakerCall): void {
    if (call.settled) return;
    this.#release(call);
    const { name, timeoutMs } = this.#limits;
    const error = new HeliosError('HELIOS_E_DEADLINE', `circuit breaker ${name}: call missed its ${timeoutMs} ms deadline`, { breaker: name, timeoutMs });
    // Abort first, so by the time the caller hears of it the callee has been told.
    call.controller!.abort(error);
    this.#host.onOutcome(call, 'timeout', error, this.#limits.now());
    call.reject(error);
    this.pump();
  }

  /** Frees the slot. The deadline frees it too: a callee that ignores its signal cannot hold a slot for ever. */
  #release(call: BreakerCall): void {
    call.settled = true;
    clearTimeout(call.timer);
    this.#running.remove(call);
    this.#inFlight -= 1;
  }
}
