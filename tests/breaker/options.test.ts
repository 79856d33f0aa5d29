import { describe, expect, it } from 'vitest';
import { compileBreakerOptions } from '../../src/breaker/BreakerOptions.ts';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.ts';

describe('breaker options', () => {
  it('applies the documented defaults and freezes the result', () => {
    const o = compileBreakerOptions({ name: 'risk/limits@1.0.0', timeoutMs: 250 });
    expect(o).toMatchObject({
      errorThresholdPercentage: 50,
      volumeThreshold: 10,
      consecutiveFailures: 5,
      rollingWindowMs: 10_000,
      buckets: 10,
      resetTimeoutMs: 5_000,
      halfOpenProbes: 1,
      maxInFlight: 16,
      maxQueue: 64,
    });
    expect(typeof o.now()).toBe('number');
    expect(o.isFailure(new Error('x'))).toBe(true);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it.each([
    ['no deadline', { timeoutMs: false }],
    ['an infinite deadline', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['a deadline setTimeout would clamp to 1 ms', { timeoutMs: 2 ** 31 }],
    ['an empty name', { name: '' }],
    ['a window not divisible into buckets', { rollingWindowMs: 10_000, buckets: 3 }],
    ['more probes than slots', { halfOpenProbes: 4, maxInFlight: 2 }],
    ['a threshold above 100 %', { errorThresholdPercentage: 150 }],
    ['a fractional volume', { volumeThreshold: 2.5 }],
    ['a negative queue', { maxQueue: -1 }],
    ["opossum's option names", { timeout: 100 }],
    ['a clock that is not a function', { now: 42 }],
  ])('rejects %s with HELIOS_E_INPUT_INVALID', (_, bad) => {
    const attempt = () => new CircuitBreaker({ name: 'x', timeoutMs: 100, ...(bad as object) });
    expect(attempt).toThrow(expect.objectContaining({ code: 'HELIOS_E_INPUT_INVALID', status: 400 }));
  });

  it('lists every offending field in the error details', () => {
    try {
      compileBreakerOptions({ name: 'ml/m@1.0.0', timeoutMs: -1, maxInFlight: 0 });
      expect.unreachable();
    } catch (e) {
      expect((e as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['maxInFlight', 'timeoutMs']));
      expect((e as Error).message).toContain('ml/m@1.0.0');
    }
  });
});
