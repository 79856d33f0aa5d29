import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.ts';
import type { BreakerOptions } from '../../src/breaker/BreakerOptions.ts';
import { isHeliosError } from '../../src/errors/HeliosError.ts';

/** A clock the test moves by hand; the breaker never reads wall time. */
export function manualClock(start = 1_000) {
  let t = start;
  return {
    now: (): number => t,
    advance(ms: number): void {
      t += ms;
    },
  };
}

/** A breaker on a manual clock, with small numbers so scenarios stay short. */
export function breakerOn(clock: { now: () => number }, overrides: Partial<BreakerOptions> = {}): CircuitBreaker {
  return new CircuitBreaker({ name: 'risk/limits@1.0.0', timeoutMs: 1_000, now: clock.now, ...overrides });
}

export const ok = async (): Promise<string> => 'ok';
export const boom = async (): Promise<never> => {
  throw new Error('boom');
};
/** A callee that never answers and ignores its signal: the worst case a deadline must handle. */
export const never = (): Promise<never> => new Promise<never>(() => {});

/** The HeliosError code a promise rejects with, 'resolved' if it resolves, or the message of a foreign error. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isHeliosError(e) ? e.code : e instanceof Error ? e.message : String(e);
  }
}

/** Lets queued promise reactions run (no timers involved). */
export async function drainMicrotasks(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Trips a closed breaker with `n` failing calls and waits for them to settle. */
export async function trip(b: CircuitBreaker, n = 5): Promise<void> {
  await Promise.allSettled(Array.from({ length: n }, () => b.execute(boom)));
}
