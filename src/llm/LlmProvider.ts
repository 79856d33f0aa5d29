/** Limits of one provider call. */
export interface CallLimits {
  /** Aborts the call: its deadline, or the breaker's. */
  signal: AbortSignal;
  /** The deadline the signal enforces, for the error message. */
  timeoutMs: number;
}

/**
 * One chat-model API. `complete` returns the model's text or throws a
 * HeliosError; it must stop (and reject) as soon as the signal aborts.
 */
export interface LlmProvider {
  /** `<kind>:<model>`, e.g. `anthropic:claude-haiku-4-5`: names who decided in a Review. */
  readonly name: string;
  complete(system: string, user: string, limits: CallLimits): Promise<string>;
}
