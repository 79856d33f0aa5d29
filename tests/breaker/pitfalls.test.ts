import Opossum from 'opossum';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.ts';
import { RollingWindow, Counter } from '../../src/breaker/RollingWindow.ts';
import { boom, breakerOn, manualClock, never, ok, outcome, trip } from './helpers.ts';

// Each of opossum's measured pitfalls (DESIGN.md, "Circuit breakers"): shown present in
// opossum where that is cheap, and shown absent in Helios with the same scenario.

describe('1. per-call cancellation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // A calls a callee that hangs; B starts 50 ms later and needs 70 ms, well within its own deadline.
  const slowThenFine = (signal: AbortSignal | undefined, ms: number) =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => resolve('B done'), ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(signal.reason);
      });
    });

  it('opossum: one call timing out aborts every call in flight', async () => {
    // opossum 10 has getSignal(); @types/opossum 8 does not know it yet.
    const signalOf = (b: object) => (b as { getSignal(): AbortSignal | undefined }).getSignal();
    const signals: Record<string, AbortSignal | undefined> = {};
    const breaker: Opossum<[string], string> = new Opossum(
      (id: string): Promise<string> => {
        signals[id] = signalOf(breaker);
        return id === 'A' ? never() : slowThenFine(signalOf(breaker), 70);
      },
      { timeout: 100, abortController: new AbortController() },
    );
    const a = outcome(breaker.fire('A'));
    await vi.advanceTimersByTimeAsync(50);
    const b = outcome(breaker.fire('B'));
    await vi.advanceTimersByTimeAsync(50); // A's deadline
    expect(signals.A).toBe(signals.B);
    expect(signals.B!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    expect(await a).toMatch(/Timed out/);
    expect(await b).not.toBe('resolved'); // B failed although it was on time
    breaker.shutdown();
  });

  it('Helios: a timeout aborts only its own call, with the deadline error as reason', async () => {
    const b = new CircuitBreaker({ name: 'ml/model@2.0.0', timeoutMs: 100, now: () => Date.now() });
    const signals: Record<string, AbortSignal> = {};
    const a = b.execute((s) => ((signals.A = s), never()));
    const aOutcome = outcome(a);
    await vi.advanceTimersByTimeAsync(50);
    const second = b.execute((s) => ((signals.B = s), slowThenFine(s, 70)));
    await vi.advanceTimersByTimeAsync(50); // A's deadline
    expect(signals.A).not.toBe(signals.B);
    expect(signals.A!.aborted).toBe(true);
    expect(signals.A!.reason).toMatchObject({ code: 'HELIOS_E_DEADLINE' });
    expect(signals.B!.aborted).toBe(false);
    expect(await aOutcome).toBe('HELIOS_E_DEADLINE');
    await vi.advanceTimersByTimeAsync(20);
    expect(await second).toBe('B done');
    expect(b.stats()).toMatchObject({ timeouts: 1, successes: 1, inFlight: 0 });
    b.dispose();
  });
});

describe('2. a burst cannot run past the breaker', () => {
  it('opossum: every call of a failing burst executes', async () => {
    let executed = 0;
    const breaker = new Opossum(async () => {
      executed++;
      throw new Error('boom');
    });
    // 2,000 rather than 10,000: opossum re-sorts its whole window on every failure (see 3),
    // so the full burst costs about a second of CPU; the bench runs the full size.
    await Promise.allSettled(Array.from({ length: 2_000 }, () => breaker.fire()));
    expect(executed).toBe(2_000);
    expect(breaker.opened).toBe(true);
    breaker.shutdown();
  });

  it('Helios (default options): at most ~100 of 10,000 failing calls execute, the rest are refused', async () => {
    const b = new CircuitBreaker({ name: 'features/v1@1.0.0', timeoutMs: 1_000, now: manualClock().now });
    let executed = 0;
    const results = await Promise.all(
      Array.from({ length: 10_000 }, () =>
        outcome(
          b.execute(async () => {
            executed++;
            throw new Error('boom');
          }),
        ),
      ),
    );
    expect(executed).toBeLessThanOrEqual(100);
    expect(b.state).toBe('open');
    const counts = Object.groupBy(results, (r) => r);
    expect(counts.boom?.length).toBe(executed);
    expect(counts.HELIOS_E_BREAKER_OPEN?.length).toBeGreaterThan(0); // the queue, refused at once on opening
    expect(counts.HELIOS_E_BREAKER_SATURATED?.length).toBe(10_000 - 16 - 64);
    b.dispose();
  });
});

describe('3. O(1) stats', () => {
  it('opossum: the window keeps one latency sample per call, all sorted on every stats read', async () => {
    const breaker = new Opossum(ok, { rollingCountTimeout: 60_000 });
    for (let i = 0; i < 5_000; i++) await breaker.fire();
    const samples = breaker.status.window.reduce((n, bucket) => n + (bucket as unknown as { latencyTimes: number[] }).latencyTimes.length, 0);
    expect(samples).toBe(5_000);
    breaker.shutdown();
  });

  it('Helios: 1e6 calls in the window leave its memory unchanged and totals exact', () => {
    const w = new RollingWindow(10_000, 10);
    w.add(Counter.success, 0);
    w.addLatency(1, 0);
    const bytes = w.byteLength;
    // Spread over 9 s so the samples sit in nine different buckets of one window.
    for (let i = 1; i < 1_000_000; i++) {
      const now = (i / 1_000_000) * 9_000;
      w.add(i % 4 === 0 ? Counter.failure : Counter.success, now);
      w.addLatency(i % 100 === 0 ? 50 : 1, now);
    }
    expect(w.byteLength).toBe(bytes);
    expect(w.totals(9_000)).toMatchObject({ successes: 750_001, failures: 249_999 });
    expect(w.latencyPercentile(0.5, 9_000)).toBeCloseTo(1, 0);
    expect(w.latencyPercentile(0.995, 9_000)).toBeGreaterThanOrEqual(50);
  });
});

describe('4. no wedged half-open', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opossum: with timeout false a probe that never settles wedges half-open for ever', async () => {
    let runs = 0;
    const breaker = new Opossum(() => (runs++, never()), { timeout: false, resetTimeout: 1_000 });
    breaker.open();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(breaker.halfOpen).toBe(true);
    void breaker.fire(); // the probe
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(breaker.halfOpen).toBe(true);
    expect(await outcome(breaker.fire())).toBe('Breaker is open');
    expect(runs).toBe(1);
    breaker.shutdown();
  });

  it('Helios: a call without a finite deadline is not allowed', () => {
    expect(() => new CircuitBreaker({ name: 'x', timeoutMs: false as unknown as number })).toThrow(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID' }));
    expect(() => new CircuitBreaker({ name: 'x' } as never)).toThrow(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID' }));
  });

  it('Helios: a hanging probe hits its deadline, reopens, and a later probe closes the breaker', async () => {
    const b = new CircuitBreaker({ name: 'llm/reviewer@1.0.0', timeoutMs: 200, resetTimeoutMs: 1_000, now: () => Date.now() });
    await trip(b);
    vi.advanceTimersByTime(1_000);
    expect(b.state).toBe('half-open');
    let probeSignal: AbortSignal | undefined;
    const probe = outcome(b.execute((s) => ((probeSignal = s), never())));
    let extraRuns = 0;
    expect(await outcome(b.execute(() => (extraRuns++, ok())))).toBe('HELIOS_E_BREAKER_OPEN'); // one probe only
    expect(extraRuns).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(await probe).toBe('HELIOS_E_DEADLINE');
    expect(probeSignal!.aborted).toBe(true);
    expect(b.state).toBe('open');
    vi.advanceTimersByTime(1_000);
    expect(await outcome(b.execute(ok))).toBe('resolved');
    expect(b.state).toBe('closed');
    b.dispose();
  });
});

describe('5. a fresh window on close', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opossum: after a probe closes the breaker, one failure reopens it', async () => {
    const breaker = new Opossum((fail: boolean) => (fail ? boom() : ok()), { volumeThreshold: 10, resetTimeout: 1_000 });
    await Promise.allSettled(Array.from({ length: 10 }, () => breaker.fire(true)));
    expect(breaker.opened).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    await breaker.fire(false);
    expect(breaker.closed).toBe(true);
    await outcome(breaker.fire(true));
    expect(breaker.opened).toBe(true);
    breaker.shutdown();
  });

  it('Helios: after a probe closes the breaker, the old failures are gone', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { volumeThreshold: 10, consecutiveFailures: 0, resetTimeoutMs: 1_000 });
    await trip(b, 10);
    expect(b.state).toBe('open');
    clock.advance(1_000);
    await b.execute(ok);
    expect(b.state).toBe('closed');
    expect(await outcome(b.execute(boom))).toBe('boom');
    expect(b.state).toBe('closed');
    expect(b.stats()).toMatchObject({ failures: 1, successes: 0, errorPercentage: 100 });
  });
});

describe('6. no timers left behind', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opossum: every idle breaker holds two intervals until shutdown()', () => {
    const breakers = Array.from({ length: 100 }, () => new Opossum(ok));
    expect(vi.getTimerCount()).toBe(200);
    for (const b of breakers) b.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('Helios: 10,000 idle breakers schedule nothing; rotation and half-open need no timer', async () => {
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const clock = manualClock();
    const idle = Array.from({ length: 10_000 }, (_, i) => breakerOn(clock, { name: `b${i}` }));
    expect(vi.getTimerCount()).toBe(0);

    const b = idle[0]!;
    const running = b.execute(never);
    expect(vi.getTimerCount()).toBe(1); // the running call's own deadline
    await b.execute(ok);
    expect(vi.getTimerCount()).toBe(1);
    await trip(b);
    expect(b.state).toBe('open');
    expect(vi.getTimerCount()).toBe(1); // still only the hanging call's deadline
    clock.advance(5_000);
    expect(b.state).toBe('half-open'); // worked out on read
    clock.advance(60_000);
    expect(b.stats()).toMatchObject({ successes: 0, failures: 0 }); // window slid on read

    b.dispose();
    expect(await outcome(running)).toBe('HELIOS_E_SANDBOX_CLOSED');
    expect(vi.getTimerCount()).toBe(0);
    expect(await outcome(b.execute(ok))).toBe('HELIOS_E_SANDBOX_CLOSED');
    expect(setInterval).not.toHaveBeenCalled();
    setInterval.mockRestore();
  });
});
