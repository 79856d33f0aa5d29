import { HeliosError } from '../errors/HeliosError.ts';
import { BreakerCall } from './BreakerCall.ts';
import { Bulkhead, type CallOutcome } from './Bulkhead.ts';
import { compileBreakerOptions, optionsToJSON, type BreakerOptions, type CompiledBreakerOptions } from './BreakerOptions.ts';
import { isLegalTransition, type BreakerState, type StateChangeListener, type TransitionReason } from './BreakerState.ts';
import type { BreakerJSON, BreakerStats } from './BreakerStats.ts';
import { Counter, RollingWindow } from './RollingWindow.ts';

/**
 * Guards one (tier, module version) around each batch call. Unlike opossum it gives every
 * call its own AbortSignal and deadline, bounds how many calls run and wait, keeps O(1)
 * counters, starts each closed period with an empty window, and owns no timer except the
 * deadline of a running call: rotation and open -> half-open are worked out from the
 * clock whenever the breaker is used or read, so an idle breaker costs nothing.
 */
export class CircuitBreaker {
  readonly #o: CompiledBreakerOptions;
  readonly #clock: () => number;
  readonly #window: RollingWindow;
  readonly #slots: Bulkhead;
  readonly #listeners = new Set<StateChangeListener>();
  #state: BreakerState = 'closed';
  #forced: 'open' | 'closed' | null = null;
  #disposed = false;
  /** Bumped on every transition; outcomes of calls admitted under an older one are ignored. */
  #generation = 0;
  #openedAt: number | null = null;
  #consecutive = 0;
  #probesAdmitted = 0;
  #probesPassed = 0;

  /** @throws HeliosError `HELIOS_E_INPUT_INVALID` when the options do not validate. */
  constructor(options: BreakerOptions) {
    this.#o = compileBreakerOptions(options);
    this.#clock = this.#o.now;
    this.#window = new RollingWindow(this.#o.rollingWindowMs, this.#o.buckets);
    this.#slots = new Bulkhead(this.#o, {
      onOutcome: (call, outcome, value, now) => this.#onOutcome(call, outcome, value, now),
      mayStartQueued: () => this.#state === 'closed' && !this.#disposed,
    });
  }

  /** The breaker's name, as given in its options. */
  get name(): string {
    return this.#o.name;
  }

  /** Current state; an open breaker whose reset timeout has passed reads (and becomes) half-open. */
  get state(): BreakerState {
    return this.#refresh(this.#clock());
  }

  /** True once `dispose()` has run. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Runs `fn` under the breaker. `fn` gets a signal of its own, aborted (with the deadline
   * error as reason) if this call, and only this call, misses `timeoutMs`.
   * Rejects without running `fn` with `HELIOS_E_BREAKER_OPEN` (open, or half-open with its
   * probes taken), `HELIOS_E_BREAKER_SATURATED` (queue full) or `HELIOS_E_SANDBOX_CLOSED`
   * (disposed); with `HELIOS_E_DEADLINE` on timeout; otherwise with what `fn` threw, unchanged.
   */
  execute<T>(fn: (signal: AbortSignal) => Promise<T> | T): Promise<T> {
    const now = this.#clock();
    if (this.#state === 'closed' && this.#slots.hasFreeSlot && !this.#disposed) {
      return new Promise<T>((resolve, reject) => this.#slots.start(new BreakerCall(fn, resolve as (value: unknown) => void, reject, this.#generation), now));
    }
    return this.#admitSlowly(fn, now);
  }

  /** Window totals and what is running or waiting now; O(1) whatever the traffic. */
  stats(): BreakerStats {
    const now = this.#clock();
    const t = this.#window.totals(now);
    const bad = t.failures + t.timeouts;
    const completed = bad + t.successes + t.excluded;
    return {
      ...t,
      errorPercentage: completed === 0 ? 0 : (bad * 100) / completed,
      consecutiveFailures: this.#consecutive,
      inFlight: this.#slots.inFlight,
      queued: this.#slots.queued,
      latencyP50Ms: this.#window.latencyPercentile(0.5, now),
      latencyP99Ms: this.#window.latencyPercentile(0.99, now),
    };
  }

  /** Opens the breaker and keeps it open, whatever the traffic, until `reset()`. */
  forceOpen(reason: string): void {
    const now = this.#clock();
    this.#forced = 'open';
    if (this.#state !== 'open') this.#transition('open', 'forced', now, reason);
  }

  /** Closes the breaker with a fresh window and keeps it closed, whatever the traffic, until `reset()`. */
  forceClose(reason = 'forced closed'): void {
    this.#forced = 'closed';
    this.#closeFresh('forced', this.#clock(), reason);
  }

  /** Ends any forced state and starts over: closed, with an empty window. */
  reset(): void {
    this.#forced = null;
    this.#closeFresh('reset', this.#clock());
  }

  /** Calls `listener` on every state change; returns the function that unsubscribes it. */
  onStateChange(listener: StateChangeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** State, stats and options, for the REST API. */
  toJSON(): BreakerJSON {
    return {
      name: this.#o.name,
      state: this.state,
      forced: this.#forced,
      disposed: this.#disposed,
      openedAt: this.#openedAt,
      stats: this.stats(),
      options: optionsToJSON(this.#o),
    };
  }

  /**
   * Retires the breaker with its module version: refuses every later call, rejects queued
   * calls, aborts running ones and clears their deadline timers, so nothing stays scheduled.
   * Idempotent.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#listeners.clear();
    this.#slots.dispose(() => this.#disposedError());
  }

  #admitSlowly<T>(fn: (signal: AbortSignal) => Promise<T> | T, now: number): Promise<T> {
    if (this.#disposed) return Promise.reject(this.#disposedError());
    const state = this.#refresh(now);
    const probeAvailable = this.#probesAdmitted < this.#o.halfOpenProbes && this.#slots.inFlight < this.#o.maxInFlight;
    if (state === 'open' || (state === 'half-open' && !probeAvailable)) {
      this.#window.add(Counter.rejected, now);
      return Promise.reject(this.#openError(now));
    }
    if (state === 'half-open') this.#probesAdmitted += 1;
    return new Promise<T>((resolve, reject) => {
      const call = new BreakerCall(fn, resolve as (value: unknown) => void, reject, this.#generation);
      if (state === 'half-open' || this.#slots.hasFreeSlot) this.#slots.start(call, now);
      else if (!this.#slots.enqueue(call)) {
        this.#window.add(Counter.saturated, now);
        const { name, maxInFlight, maxQueue } = this.#o;
        const message = `circuit breaker ${name}: ${maxInFlight} calls running and ${maxQueue} waiting; call refused`;
        reject(new HeliosError('HELIOS_E_BREAKER_SATURATED', message, { breaker: name, maxInFlight, maxQueue }));
      }
    });
  }

  /** Counts an outcome and moves the state machine; outcomes of calls admitted before the last transition describe a callee that no longer matters. */
  #onOutcome(call: BreakerCall, outcome: CallOutcome, value: unknown, now: number): void {
    if (call.generation !== this.#generation) return;
    if (outcome === 'ok') this.#recordHealthy(call, Counter.success, now);
    else if (outcome === 'timeout') this.#recordFailure(call, Counter.timeout, now);
    else if (this.#countsAsFailure(value)) this.#recordFailure(call, Counter.failure, now);
    else this.#recordHealthy(call, Counter.excluded, now);
  }

  #countsAsFailure(error: unknown): boolean {
    try {
      return this.#o.isFailure(error) !== false;
    } catch {
      return true; // a broken predicate must not hide failures
    }
  }

  #recordHealthy(call: BreakerCall, counter: Counter, now: number): void {
    this.#window.add(counter, now);
    this.#window.addLatency(now - call.startedAt, now);
    this.#consecutive = 0;
    if (this.#state === 'half-open' && ++this.#probesPassed >= this.#o.halfOpenProbes) this.#transition('closed', 'probe-succeeded', now);
  }

  #recordFailure(call: BreakerCall, counter: Counter, now: number): void {
    this.#window.add(counter, now);
    this.#window.addLatency(now - call.startedAt, now);
    this.#consecutive += 1;
    if (this.#forced !== null) return;
    if (this.#state === 'half-open') this.#transition('open', 'probe-failed', now);
    else if (this.#state === 'closed') {
      const limit = this.#o.consecutiveFailures;
      if (limit > 0 && this.#consecutive >= limit) this.#transition('open', 'consecutive-failures', now);
      else if (this.#errorRateTrips(now)) this.#transition('open', 'error-rate', now);
    }
  }

  #errorRateTrips(now: number): boolean {
    const w = this.#window;
    const bad = w.count(Counter.failure, now) + w.count(Counter.timeout, now);
    const volume = bad + w.count(Counter.success, now) + w.count(Counter.excluded, now);
    return volume >= this.#o.volumeThreshold && bad * 100 >= this.#o.errorThresholdPercentage * volume;
  }

  /** Applies the one time-driven transition, open -> half-open, when someone looks. */
  #refresh(now: number): BreakerState {
    if (this.#state === 'open' && this.#forced === null && !this.#disposed && now - this.#openedAt! >= this.#o.resetTimeoutMs) {
      this.#transition('half-open', 'reset-timeout', now);
    }
    return this.#state;
  }

  #closeFresh(reason: TransitionReason, now: number, detail?: string): void {
    if (this.#state !== 'closed') this.#transition('closed', reason, now, detail);
    else {
      this.#window.clear();
      this.#consecutive = 0;
    }
  }

  #transition(to: BreakerState, reason: TransitionReason, now: number, detail?: string): void {
    const from = this.#state;
    if (!isLegalTransition(from, to, reason)) throw new Error(`circuit breaker ${this.#o.name}: illegal transition ${from} -> ${to} (${reason})`);
    this.#state = to;
    this.#generation += 1;
    if (to === 'open') {
      this.#openedAt = now;
      // Waiting calls would only run into an open breaker: refuse them now, not one by one later.
      for (const call of this.#slots.takeQueued()) {
        this.#window.add(Counter.rejected, now);
        call.reject(this.#openError(now));
      }
    } else if (to === 'half-open') {
      this.#probesAdmitted = this.#probesPassed = 0;
    } else {
      // A fresh window: failures from before the breaker opened must not reopen it.
      this.#window.clear();
      this.#consecutive = 0;
    }
    const change = detail === undefined ? { breaker: this.#o.name, from, to, reason, at: now } : { breaker: this.#o.name, from, to, reason, detail, at: now };
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        // A listener bug must not leave the breaker half-transitioned or crash the kernel.
        process.emitWarning(`circuit breaker ${this.#o.name}: state-change listener threw: ${String(error)}`, 'HeliosBreakerWarning');
      }
    }
  }

  #openError(now: number): HeliosError {
    const retryAfterMs = this.#state !== 'open' || this.#forced === 'open' || this.#openedAt === null ? null : Math.max(0, this.#openedAt + this.#o.resetTimeoutMs - now);
    return new HeliosError('HELIOS_E_BREAKER_OPEN', `circuit breaker ${this.#o.name} is ${this.#state}; call refused`, {
      breaker: this.#o.name,
      state: this.#state,
      forced: this.#forced === 'open',
      retryAfterMs,
    });
  }

  #disposedError(): HeliosError {
    return new HeliosError('HELIOS_E_SANDBOX_CLOSED', `circuit breaker ${this.#o.name} was disposed`, { breaker: this.#o.name });
  }
}
