import type { Tier } from '../contracts/tiers.ts';
import type { ShadowReport } from './ShadowComparator.ts';

export type Strategy = 'immediate' | 'shadow' | 'canary';
export type RolloutState = 'shadow' | 'canary' | 'promoted' | 'aborted' | 'rolled-back';

/** Thresholds a canary step must meet against the incumbent to go on. */
export interface Analysis {
  /** Highest candidate error rate (failed calls / calls) in a step. */
  maxErrorRate: number;
  /** Candidate p99 batch latency may be at most this multiple of the incumbent's (plus `latencySlackMs`). */
  maxLatencyRatio: number;
  latencySlackMs: number;
  /** Lowest agreement with the incumbent (compared seqs that matched). */
  minAgreement: number;
}

export interface RolloutPlan {
  strategy: Strategy;
  /** Candidate traffic per canary step, in percent. */
  steps: number[];
  /** Items the candidate must have seen in a step (live or shadow) before it is judged. */
  stepItems: number;
  /** Shadow: items compared before the rollout promotes on its own (0: wait for the operator). */
  shadowItems: number;
  /** Promote on its own after the last step passes; otherwise wait for the operator. */
  autoPromote: boolean;
  /**
   * Immediate: items the candidate handles as a shadow before the flip, so its
   * code is compiled and its state current when it goes live; `warmupMs` caps
   * the wait when traffic is thin.
   */
  warmupItems: number;
  warmupMs: number;
  analysis: Analysis;
}

/** What a caller may ask for: any part of the plan, analysis thresholds included. */
export type RolloutRequest = Partial<Omit<RolloutPlan, 'analysis'>> & { analysis?: Partial<Analysis> };

export const DEFAULT_ANALYSIS: Analysis = { maxErrorRate: 0.01, maxLatencyRatio: 3, latencySlackMs: 2, minAgreement: 0.95 };

export interface StepResult {
  step: number;
  percent: number;
  passed: boolean;
  errorRate: number;
  p99Ms: number;
  incumbentP99Ms: number;
  agreement: number;
  hardFails: number;
  reasons: string[];
}

/** One attempt to replace a tier's incumbent; immutable id, mutable progress. */
export interface Rollout {
  readonly id: string;
  readonly tier: Tier;
  readonly from: string;
  readonly to: string;
  readonly plan: RolloutPlan;
  state: RolloutState;
  step: number;
  percent: number;
  readonly startedAt: number;
  endedAt?: number;
  reason?: string;
  readonly steps: StepResult[];
  report?: ShadowReport;
  /** @internal the immediate strategy's flip, tried after each batch of the tier. */
  pendingFlip?: (() => void) | undefined;
}
