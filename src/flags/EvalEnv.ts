import { hostname } from 'node:os';
import { BucketCache } from './BucketCache.ts';

/**
 * The side effects evaluation depends on, injected so that replays and shadow runs are
 * deterministic. Defaults reproduce unleash-client: `Math.random`, the wall clock, and the
 * host name its applicationHostname strategy reads once at start-up.
 */
export interface EvalEnv {
  /** Uniform in [0, 1); used where unleash-client calls `Math.random()`, in the same order. */
  readonly random: () => number;
  /** Epoch ms for DATE_* constraints when the context has no `currentTime`. */
  readonly now: () => number;
  /** Lower-cased host name for the applicationHostname strategy. */
  readonly hostname: string;
  /** Hash memo, shared across snapshots by the store. */
  readonly buckets: BucketCache;
}

/** What unleash-client's ApplicationHostnameStrategy computes in its constructor. */
export function defaultHostname(): string {
  return (process.env.HOSTNAME || hostname() || 'undefined').toLowerCase();
}

/** Fill in the defaults. `random` reads `Math.random` at call time so test stubs apply. */
export function makeEnv(partial: Partial<EvalEnv> = {}): EvalEnv {
  return Object.freeze({
    random: partial.random ?? (() => Math.random()),
    now: partial.now ?? Date.now,
    hostname: (partial.hostname ?? defaultHostname()).toLowerCase(),
    buckets: partial.buckets ?? new BucketCache(),
  });
}
