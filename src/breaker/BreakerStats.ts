import type { BreakerOptionsJSON } from './BreakerOptions.ts';
import type { BreakerState } from './BreakerState.ts';
import type { WindowTotals } from './RollingWindow.ts';

/** A breaker's numbers: window totals (successes ... saturated) plus what is happening now. */
export interface BreakerStats extends WindowTotals {
  /** Failures + timeouts as a share of completed calls in the window, 0-100. */
  errorPercentage: number;
  /** Failures (and timeouts) in a row since the last healthy outcome. */
  consecutiveFailures: number;
  /** Calls running now (at most `maxInFlight`). */
  inFlight: number;
  /** Calls waiting for a slot (at most `maxQueue`). */
  queued: number;
  /** Median latency of completed calls in the window, ms (bin upper edge), or null. */
  latencyP50Ms: number | null;
  /** 99th-percentile latency of completed calls in the window, ms (bin upper edge), or null. */
  latencyP99Ms: number | null;
}

/** The REST API's view of a breaker. */
export interface BreakerJSON {
  name: string;
  state: BreakerState;
  /** Set by forceOpen/forceClose; automatic transitions are off until `reset()`. */
  forced: 'open' | 'closed' | null;
  disposed: boolean;
  /** Breaker clock time the breaker last opened, or null if it never did. */
  openedAt: number | null;
  stats: BreakerStats;
  options: BreakerOptionsJSON;
}
