import { readRules, type ReviewRules } from '../../lib/review/ruleBased.ts';

/** The reviewer's manifest config, checked once in create(). */
export interface ReviewerConfig {
  /** False: never ask `llm.review`; every approved trade is reviewed by the rules. */
  useProvider: boolean;
  /** How long one review waits for the provider before the rules answer; below the manifest's deadlineMs. */
  timeoutMs: number;
  /** Closes kept per symbol for the market-context summary. */
  contextWindow: number;
  rules: ReviewRules;
}

/** @throws Error naming the bad field, so a misconfigured version fails to load instead of misreviewing. */
export function readConfig(c: Readonly<Record<string, unknown>>): ReviewerConfig {
  const useProvider = c.useProvider ?? true;
  if (typeof useProvider !== 'boolean') throw new Error('config.useProvider must be a boolean');
  const timeoutMs = c.timeoutMs ?? 1_500;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0 && timeoutMs <= 60_000)) throw new Error('config.timeoutMs must be in (0, 60000]');
  const contextWindow = c.contextWindow ?? 20;
  if (typeof contextWindow !== 'number' || !Number.isInteger(contextWindow) || contextWindow < 3 || contextWindow > 1_000) {
    throw new Error('config.contextWindow must be a whole number in [3, 1000]');
  }
  return { useProvider, timeoutMs, contextWindow, rules: readRules(c.rules) };
}
