import { afterEach, describe, expect, it, vi } from 'vitest';
import { boom, breakerOn, drainMicrotasks, manualClock, never, ok, outcome } from './helpers.ts';

/** A callee the test finishes by hand. */
function gate() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void; signal: AbortSignal }[] = [];
  const fn = (signal: AbortSignal) => new Promise<string>((resolve, reject) => pending.push({ resolve, reject, signal }));
  return { fn, pending };
}

describe('admission control', () => {
  it('runs at most maxInFlight calls and queues the rest in order', async () => {
    const b = breakerOn(manualClock(), { maxInFlight: 2, maxQueue: 3 });
    const g = gate();
    const order: number[] = [];
    const calls = [0, 1, 2, 3, 4].map((i) => b.execute((s) => (order.push(i), g.fn(s))));
    expect(order).toEqual([0, 1]);
    expect(b.stats()).toMatchObject({ inFlight: 2, queued: 3 });
    g.pending[0]!.resolve('a');
    await drainMicrotasks();
    expect(order).toEqual([0, 1, 2]);
    for (let i = 1; i < 5; i++) {
      g.pending[i]!.resolve(String(i));
      await drainMicrotasks();
    }
    expect(await Promise.all(calls)).toEqual(['a', '1', '2', '3', '4']);
    expect(b.stats()).toMatchObject({ inFlight: 0, queued: 0, successes: 5 });
  });

  it('refuses calls beyond the queue with HELIOS_E_BREAKER_SATURATED, without running them', async () => {
    const b = breakerOn(manualClock(), { maxInFlight: 1, maxQueue: 1 });
    void outcome(b.execute(never));
    void outcome(b.execute(never));
    const fn = vi.fn(ok);
    const refused = await b.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(refused).toMatchObject({ code: 'HELIOS_E_BREAKER_SATURATED', retryable: true, details: { maxInFlight: 1, maxQueue: 1 } });
    expect(b.stats()).toMatchObject({ saturated: 1, inFlight: 1, queued: 1 });
    b.dispose();
  });

  it('maxQueue: 0 refuses as soon as every slot is taken', async () => {
    const b = breakerOn(manualClock(), { maxInFlight: 1, maxQueue: 0 });
    void outcome(b.execute(never));
    expect(await outcome(b.execute(ok))).toBe('HELIOS_E_BREAKER_SATURATED');
    b.dispose();
  });

  it('refuses every queued call at once with HELIOS_E_BREAKER_OPEN when the breaker opens', async () => {
    const b = breakerOn(manualClock(), { maxInFlight: 1, maxQueue: 10, consecutiveFailures: 1 });
    const g = gate();
    const first = outcome(b.execute(g.fn));
    const ran = vi.fn(ok);
    const queued = Array.from({ length: 10 }, () => outcome(b.execute(ran)));
    g.pending[0]!.reject(new Error('boom'));
    expect(await first).toBe('boom');
    expect(await Promise.all(queued)).toEqual(Array(10).fill('HELIOS_E_BREAKER_OPEN'));
    expect(ran).not.toHaveBeenCalled();
    expect(b.stats()).toMatchObject({ rejections: 10, queued: 0 });
  });

  it('frees a slot at the deadline even if the callee ignores its signal', async () => {
    vi.useFakeTimers();
    const b = breakerOn({ now: () => Date.now() }, { maxInFlight: 1, timeoutMs: 100, consecutiveFailures: 0 });
    const stuck = outcome(b.execute(never));
    const next = b.execute(ok);
    expect(b.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(await stuck).toBe('HELIOS_E_DEADLINE');
    expect(await next).toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('survives a long queue of callees that throw synchronously (no recursion per call)', async () => {
    const b = breakerOn(manualClock(), { maxInFlight: 1, maxQueue: 20_000 });
    b.forceClose('keep running');
    let release!: () => void;
    void outcome(b.execute(() => new Promise<void>((r) => (release = r))));
    const calls = Array.from({ length: 20_000 }, () =>
      b.execute(() => {
        throw new Error('sync');
      }),
    );
    release();
    const results = await Promise.allSettled(calls);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(b.stats()).toMatchObject({ failures: 20_000, inFlight: 0, queued: 0 });
  });

  afterEach(() => vi.useRealTimers());
});

describe('outcomes', () => {
  it('re-throws the callee error unchanged and resolves plain values', async () => {
    const b = breakerOn(manualClock());
    const error = new TypeError('bad');
    expect(await b.execute(() => Promise.reject(error)).catch((e: unknown) => e)).toBe(error);
    expect(await b.execute(() => 42)).toBe(42);
    expect(
      await b
        .execute(() => {
          throw error;
        })
        .catch((e: unknown) => e),
    ).toBe(error);
    expect(b.stats()).toMatchObject({ successes: 1, failures: 2 });
  });

  it('isFailure excludes errors from failure counting, yet re-throws them', async () => {
    class ValidationError extends Error {}
    const b = breakerOn(manualClock(), { consecutiveFailures: 2, isFailure: (e) => !(e instanceof ValidationError) });
    for (let i = 0; i < 10; i++) {
      expect(await outcome(b.execute(() => Promise.reject(new ValidationError('bad batch'))))).toBe('bad batch');
    }
    expect(b.state).toBe('closed');
    expect(b.stats()).toMatchObject({ excluded: 10, failures: 0, errorPercentage: 0 });
    await outcome(b.execute(boom));
    await outcome(b.execute(boom));
    expect(b.state).toBe('open');
  });

  it('a throwing isFailure counts the error as a failure', async () => {
    const b = breakerOn(manualClock(), {
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    expect(await outcome(b.execute(boom))).toBe('boom');
    expect(b.stats().failures).toBe(1);
  });

  it('reports latency percentiles from the window', async () => {
    const clock = manualClock();
    const b = breakerOn(clock);
    for (const ms of [1, 2, 2, 3, 40]) {
      await b.execute(async () => clock.advance(ms));
    }
    const { latencyP50Ms, latencyP99Ms } = b.stats();
    expect(latencyP50Ms).toBeGreaterThanOrEqual(2);
    expect(latencyP50Ms).toBeLessThan(2 * 1.2);
    expect(latencyP99Ms).toBeGreaterThanOrEqual(40);
    expect(latencyP99Ms).toBeLessThan(40 * 1.2);
  });
});

describe('dispose', () => {
  it('rejects queued and running calls, aborts running ones, clears every timer, refuses later calls', async () => {
    vi.useFakeTimers();
    const b = breakerOn({ now: () => Date.now() }, { maxInFlight: 1 });
    const g = gate();
    const running = outcome(b.execute(g.fn));
    const queued = outcome(b.execute(ok));
    expect(vi.getTimerCount()).toBe(1);
    b.dispose();
    b.dispose(); // idempotent
    expect(g.pending[0]!.signal.aborted).toBe(true);
    expect(await running).toBe('HELIOS_E_SANDBOX_CLOSED');
    expect(await queued).toBe('HELIOS_E_SANDBOX_CLOSED');
    expect(vi.getTimerCount()).toBe(0);
    expect(await b.execute(ok).catch((e: unknown) => e)).toMatchObject({ code: 'HELIOS_E_SANDBOX_CLOSED', retryable: false });
    expect(b.disposed).toBe(true);
    g.pending[0]!.resolve('too late'); // a late answer changes nothing
    await drainMicrotasks();
    expect(b.stats()).toMatchObject({ inFlight: 0, successes: 0 });
  });
});
