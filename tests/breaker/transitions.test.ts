import { describe, expect, it, vi } from 'vitest';
import type { BreakerStateChange } from '../../src/breaker/BreakerState.ts';
import { boom, breakerOn, manualClock, never, ok, outcome, trip } from './helpers.ts';

describe('closed -> open', () => {
  it('trips on the error rate only once the window holds volumeThreshold calls', async () => {
    const b = breakerOn(manualClock(), { volumeThreshold: 10, consecutiveFailures: 0, errorThresholdPercentage: 50 });
    for (let i = 0; i < 4; i++) await b.execute(ok);
    await trip(b, 5); // 5 of 9: above 50 %, but below the volume
    expect(b.state).toBe('closed');
    await trip(b, 1); // 6 of 10
    expect(b.state).toBe('open');
  });

  it('does not trip below the error rate', async () => {
    const b = breakerOn(manualClock(), { volumeThreshold: 4, consecutiveFailures: 0, errorThresholdPercentage: 50 });
    for (let i = 0; i < 3; i++) {
      await b.execute(ok);
      await b.execute(ok);
      await trip(b, 1);
    }
    expect(b.state).toBe('closed');
    expect(b.stats().errorPercentage).toBeCloseTo(100 / 3);
  });

  it('trips after consecutiveFailures in a row whatever the volume; a success resets the streak', async () => {
    const b = breakerOn(manualClock(), { volumeThreshold: 1_000, consecutiveFailures: 3 });
    await trip(b, 2);
    await b.execute(ok);
    await trip(b, 2);
    expect(b.state).toBe('closed');
    expect(b.stats().consecutiveFailures).toBe(2);
    await trip(b, 1);
    expect(b.state).toBe('open');
  });

  it('counts timeouts as failures', async () => {
    vi.useFakeTimers();
    try {
      const b = breakerOn({ now: () => Date.now() }, { timeoutMs: 10, consecutiveFailures: 2 });
      const calls = [outcome(b.execute(never)), outcome(b.execute(never))];
      await vi.advanceTimersByTimeAsync(10);
      expect(await Promise.all(calls)).toEqual(['HELIOS_E_DEADLINE', 'HELIOS_E_DEADLINE']);
      expect(b.state).toBe('open');
      expect(b.stats()).toMatchObject({ timeouts: 2, failures: 0 });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('open -> half-open -> closed | open', () => {
  it('refuses calls without running them and says when to retry', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { resetTimeoutMs: 5_000 });
    await trip(b);
    clock.advance(1_000);
    const fn = vi.fn(ok);
    const refused = await b.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(refused).toMatchObject({ code: 'HELIOS_E_BREAKER_OPEN', status: 503, retryable: true, details: { retryAfterMs: 4_000 } });
    expect(b.stats().rejections).toBe(1);
  });

  it('turns half-open lazily when read after resetTimeoutMs, and tells its listeners', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { resetTimeoutMs: 5_000 });
    const changes: BreakerStateChange[] = [];
    b.onStateChange((c) => changes.push(c));
    await trip(b);
    clock.advance(4_999);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(changes).toHaveLength(1); // nothing happens until someone looks
    expect(b.state).toBe('half-open');
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual(['closed>open:consecutive-failures', 'open>half-open:reset-timeout']);
    expect(changes[1]).toMatchObject({ breaker: 'risk/limits@1.0.0', at: clock.now() });
  });

  it('admits exactly one probe by default; its success closes the breaker', async () => {
    const clock = manualClock();
    const b = breakerOn(clock);
    await trip(b);
    clock.advance(5_000);
    let release!: (v: string) => void;
    const probe = b.execute(() => new Promise<string>((r) => (release = r)));
    const fn = vi.fn(ok);
    expect(await outcome(b.execute(fn))).toBe('HELIOS_E_BREAKER_OPEN');
    expect(fn).not.toHaveBeenCalled();
    release('fine');
    expect(await probe).toBe('fine');
    expect(b.state).toBe('closed');
  });

  it('a failed probe reopens it for another resetTimeoutMs', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { resetTimeoutMs: 1_000 });
    await trip(b);
    clock.advance(1_000);
    expect(await outcome(b.execute(boom))).toBe('boom');
    expect(b.state).toBe('open');
    clock.advance(999);
    expect(b.state).toBe('open');
    clock.advance(1);
    expect(b.state).toBe('half-open');
  });

  it('with halfOpenProbes: 2, closes only when both probes pass', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { halfOpenProbes: 2 });
    await trip(b);
    clock.advance(5_000);
    await b.execute(ok);
    expect(b.state).toBe('half-open');
    expect(await outcome(b.execute(ok))).toBe('resolved');
    expect(b.state).toBe('closed');
  });

  it('ignores late outcomes of calls admitted before a transition', async () => {
    const clock = manualClock();
    const b = breakerOn(clock, { timeoutMs: 60_000 });
    let failLate!: (e: Error) => void;
    const late = b.execute(() => new Promise((_, reject) => (failLate = reject)));
    await trip(b);
    clock.advance(5_000);
    await b.execute(ok); // probe closes the breaker
    failLate(new Error('from before'));
    expect(await outcome(late)).toBe('from before');
    expect(b.state).toBe('closed');
    expect(b.stats()).toMatchObject({ failures: 0, consecutiveFailures: 0 });
  });
});

describe('forced states', () => {
  it('forceOpen holds past resetTimeoutMs until reset()', async () => {
    const clock = manualClock();
    const b = breakerOn(clock);
    const changes: BreakerStateChange[] = [];
    b.onStateChange((c) => changes.push(c));
    b.forceOpen('exchange maintenance');
    clock.advance(3_600_000);
    expect(b.state).toBe('open');
    expect(await b.execute(ok).catch((e: unknown) => e)).toMatchObject({ details: { forced: true, retryAfterMs: null } });
    expect(b.toJSON()).toMatchObject({ state: 'open', forced: 'open' });
    b.reset();
    expect(b.state).toBe('closed');
    expect(await b.execute(ok)).toBe('ok');
    expect(changes.map((c) => [c.to, c.reason, c.detail])).toEqual([
      ['open', 'forced', 'exchange maintenance'],
      ['closed', 'reset', undefined],
    ]);
  });

  it('forceClose ignores failures until reset(), and starts from an empty window', async () => {
    const b = breakerOn(manualClock(), { volumeThreshold: 1 });
    await trip(b, 3);
    b.forceClose('operator override');
    expect(b.stats().failures).toBe(0);
    await trip(b, 20);
    expect(b.state).toBe('closed');
    b.reset();
    expect(b.stats().failures).toBe(0);
    await trip(b, 5);
    expect(b.state).toBe('open');
  });
});

describe('listeners', () => {
  it('unsubscribe stops notifications', async () => {
    const b = breakerOn(manualClock());
    const seen: string[] = [];
    const off = b.onStateChange((c) => seen.push(c.to));
    b.forceOpen('x');
    off();
    b.reset();
    expect(seen).toEqual(['open']);
  });

  it('a throwing listener neither blocks the transition nor other listeners', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const b = breakerOn(manualClock());
    const seen: string[] = [];
    b.onStateChange(() => {
      throw new Error('listener bug');
    });
    b.onStateChange((c) => seen.push(c.to));
    await trip(b);
    expect(b.state).toBe('open');
    expect(seen).toEqual(['open']);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});

describe('toJSON', () => {
  it('gives state, stats and the serialisable options', async () => {
    const b = breakerOn(manualClock(), { isFailure: () => true });
    await b.execute(ok);
    const json = JSON.parse(JSON.stringify(b));
    expect(json).toMatchObject({ name: 'risk/limits@1.0.0', state: 'closed', forced: null, disposed: false, stats: { successes: 1, inFlight: 0 } });
    expect(json.options).toMatchObject({ timeoutMs: 1_000, maxInFlight: 16, maxQueue: 64 });
    expect(json.options).not.toHaveProperty('now');
    expect(json.options).not.toHaveProperty('isFailure');
  });
});
