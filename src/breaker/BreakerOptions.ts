import { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';

/** setTimeout clamps longer delays to 1 ms, which would turn a long deadline into an instant one. */
const MAX_TIMER_MS = 2_147_483_647;

const fn = <F>(what: string) => z.custom<F>((v) => typeof v === 'function', { message: `${what} must be a function` });

/**
 * Options of a {@link CircuitBreaker}. Strict: an unknown key (say opossum's `timeout`) is an
 * error rather than silently ignored, because a typo here means a breaker that never trips.
 */
export const BreakerOptionsSchema = z
  .strictObject({
    /** Shown in errors, events and the REST API; by convention `<tier>/<module>@<version>`. */
    name: z.string().min(1),
    /**
     * Deadline of every call, in ms. Required and finite: a call without a deadline is how a
     * half-open probe wedges a breaker forever.
     */
    timeoutMs: z.number().positive().max(MAX_TIMER_MS),
    /** Trip when failures + timeouts reach this share of the calls in the window. */
    errorThresholdPercentage: z.number().gt(0).max(100).default(50),
    /** Calls the window must hold before the error rate may trip the breaker. */
    volumeThreshold: z.number().int().min(1).default(10),
    /** Trip after this many failures in a row whatever the volume; 0 turns the rule off. */
    consecutiveFailures: z.number().int().min(0).default(5),
    /** Length of the rolling statistics window, in ms. */
    rollingWindowMs: z.number().int().positive().default(10_000),
    /** Number of time buckets the window is cut into; it slides one bucket at a time. */
    buckets: z.number().int().min(1).max(1_000).default(10),
    /** How long the breaker stays open before it admits a probe, in ms. */
    resetTimeoutMs: z.number().positive().finite().default(5_000),
    /** Probes admitted per half-open episode; all must succeed to close. */
    halfOpenProbes: z.number().int().min(1).default(1),
    /** Calls allowed to run at once; more wait in the queue. */
    maxInFlight: z.number().int().min(1).default(16),
    /** Calls allowed to wait for a slot; more are refused with HELIOS_E_BREAKER_SATURATED. */
    maxQueue: z.number().int().min(0).default(64),
    /** Monotonic clock in ms. Injected so tests and replays never depend on wall time. */
    now: fn<() => number>('now').optional(),
    /**
     * Returns false for errors that say nothing about the callee's health (bad input, say).
     * Such errors are still re-thrown, but count as healthy answers: they end a failure
     * streak and a half-open probe that gets one closes the breaker. Timeouts always count.
     */
    isFailure: fn<(error: unknown) => boolean>('isFailure').optional(),
  })
  .refine((o) => o.rollingWindowMs % o.buckets === 0, {
    message: 'rollingWindowMs must be a multiple of buckets',
    path: ['rollingWindowMs'],
  })
  .refine((o) => o.halfOpenProbes <= o.maxInFlight, {
    message: 'halfOpenProbes cannot exceed maxInFlight',
    path: ['halfOpenProbes'],
  });

/** What callers pass: `name` and `timeoutMs` are required, the rest has defaults. */
export type BreakerOptions = z.input<typeof BreakerOptionsSchema>;

/** Options after defaults and validation; frozen, so a running breaker's policy cannot drift. */
export type CompiledBreakerOptions = Readonly<
  Omit<z.output<typeof BreakerOptionsSchema>, 'now' | 'isFailure'> & {
    now: () => number;
    isFailure: (error: unknown) => boolean;
  }
>;

/** The serialisable part of the options, as the REST API shows it. */
export type BreakerOptionsJSON = Omit<CompiledBreakerOptions, 'now' | 'isFailure'>;

const defaultNow = (): number => performance.now();
const everyErrorIsAFailure = (): boolean => true;

/**
 * Applies defaults, validates and freezes. Done once per breaker, never on the hot path.
 * @throws HeliosError `HELIOS_E_INPUT_INVALID` listing every offending field.
 */
export function compileBreakerOptions(input: BreakerOptions): CompiledBreakerOptions {
  const parsed = BreakerOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const name = typeof input?.name === 'string' ? input.name : '?';
    throw new HeliosError(
      'HELIOS_E_INPUT_INVALID',
      `circuit breaker ${name}: invalid options: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const { now, isFailure, ...rest } = parsed.data;
  return Object.freeze({ ...rest, now: now ?? defaultNow, isFailure: isFailure ?? everyErrorIsAFailure });
}

/** Drops the functions, which neither JSON nor an operator can use. */
export function optionsToJSON(o: CompiledBreakerOptions): BreakerOptionsJSON {
  const { now: _now, isFailure: _isFailure, ...rest } = o;
  return rest;
}
