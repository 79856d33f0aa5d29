/**
 * The thresholds a tier's breakers use; the per-call timeout always comes from
 * the module's own deadline, so it is not settable here.
 */
export interface BreakerSettings {
  errorThresholdPercentage?: number;
  volumeThreshold?: number;
  consecutiveFailures?: number;
  rollingWindowMs?: number;
  resetTimeoutMs?: number;
  maxInFlight?: number;
  maxQueue?: number;
}
