import { z } from 'zod';
import { CircuitBreaker } from '../breaker/CircuitBreaker.ts';
import type { LlmReviewAnswer, LlmReviewRequest } from '../contracts/effects.ts';
import type { Cloneable } from '../contracts/module.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { BreakerSettings } from '../kernel/BreakerSettings.ts';
import type { EffectFn } from '../kernel/Kernel.ts';
import { AnthropicProvider } from './AnthropicProvider.ts';
import type { LlmConfig } from './llmConfig.ts';
import type { LlmProvider } from './LlmProvider.ts';
import { OpenAICompatibleProvider } from './OpenAICompatibleProvider.ts';
import { parseReviewText } from './ReviewAnswer.ts';
import { REVIEW_SYSTEM_PROMPT, reviewUserMessage } from './reviewPrompt.ts';

/**
 * A provider that fails three times in a row is skipped for 30 s: reviews then
 * fall back to rules at once instead of each waiting out its timeout.
 */
const DEFAULT_BREAKER: BreakerSettings = { consecutiveFailures: 3, resetTimeoutMs: 30_000, maxInFlight: 8, maxQueue: 32 };

/** Below this much time left (or a quarter of the timeout) a queued call is not sent. */
const MIN_USEFUL_MS = 50;

const RequestSchema = z.object({
  symbol: z.string().min(1).max(64),
  side: z.enum(['buy', 'sell']),
  quantity: z.number().finite().positive(),
  price: z.number().finite().positive(),
  source: z.string().min(1).max(200),
  confidence: z.number().min(0).max(1),
  context: z.string().max(4_000),
  timeoutMs: z.number().finite().positive(),
});

/** The `llm.review` effect, with its breaker exposed for status and tests. */
export type LlmReviewEffect = EffectFn & {
  /** `<kind>:<model>`, or 'rule-based'. */
  readonly provider: string;
  /** Null for 'rule-based', which never calls anything. */
  readonly breaker: CircuitBreaker | null;
  /** Retires the breaker: later calls are refused, running ones aborted. */
  dispose(): void;
};

export interface LlmEffectOptions {
  /** Breaker clock (ms); injected by tests. */
  now?: () => number;
}

/**
 * Builds the kernel's `llm.review` effect: `(LlmReviewRequest, live) => LlmReviewAnswer | null`.
 *
 * Null (never a provider call) for provider 'rule-based' and for every shadow
 * call (`live` false), so a shadow copy cannot spend tokens. Live calls run
 * under a circuit breaker and time out at the request's `timeoutMs` (capped by
 * `config.timeoutMs`). Rejects with: `HELIOS_E_INPUT_INVALID` (bad payload),
 * `HELIOS_E_BREAKER_OPEN` / `HELIOS_E_BREAKER_SATURATED` (fails fast, nothing
 * sent), `HELIOS_E_DEADLINE` (timed out), `HELIOS_E_UNAUTHORIZED` (key refused),
 * `HELIOS_E_OUTPUT_INVALID` (an answer that is not the required JSON or breaks
 * its schema), `HELIOS_E_LLM_PROVIDER` (unreachable, 429, 5xx).
 */
export function createLlmReviewEffect(config: LlmConfig, options: LlmEffectOptions = {}): LlmReviewEffect {
  if (config.provider === 'rule-based') {
    return Object.assign(async (): Promise<Cloneable> => null, { provider: 'rule-based', breaker: null, dispose() {} });
  }
  const provider = makeProvider(config);
  const breaker = new CircuitBreaker({
    ...DEFAULT_BREAKER,
    ...config.breaker,
    name: `llm.review/${provider.name}`,
    timeoutMs: config.timeoutMs,
    ...(options.now ? { now: options.now } : {}),
  });
  const effect = async (payload: Cloneable, live: boolean): Promise<Cloneable> => {
    if (!live) return null;
    const req = parseRequest(payload);
    const timeoutMs = Math.min(req.timeoutMs, config.timeoutMs);
    const user = reviewUserMessage(req);
    // The clock starts now, not when the breaker admits the call: time spent
    // queued behind other reviews counts, because the module stops waiting then.
    const startedAt = performance.now();
    const deadline = AbortSignal.timeout(timeoutMs);
    let started = false;
    const call = breaker.execute(async (breakerSignal): Promise<Cloneable> => {
      started = true;
      const left = timeoutMs - (performance.now() - startedAt);
      // Sending with almost no time left would only spend tokens on an answer nobody waits for.
      if (deadline.aborted || left < Math.min(MIN_USEFUL_MS, timeoutMs / 4)) throw deadlineError(provider.name, timeoutMs);
      const signal = AbortSignal.any([breakerSignal, deadline]);
      const text = await provider.complete(REVIEW_SYSTEM_PROMPT, user, { signal, timeoutMs });
      const review = parseReviewText(text, req.quantity, provider.name);
      const answer: LlmReviewAnswer = { ...review, provider: provider.name };
      return answer as Cloneable;
    });
    return settleByDeadline(call, () => started, deadline, () => deadlineError(provider.name, timeoutMs));
  };
  return Object.assign(effect, { provider: provider.name, breaker, dispose: () => breaker.dispose() });
}

/**
 * The call's own outcome, except that a call still waiting in the breaker's
 * queue when its deadline passes is answered with the deadline error at once.
 * A running call is left to settle by itself (its fetch is aborted by the same
 * deadline), so the breaker has counted the timeout before the caller hears of it.
 */
function settleByDeadline<T>(call: Promise<T>, started: () => boolean, deadline: AbortSignal, error: () => HeliosError): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onDeadline = () => {
      if (!started()) reject(error());
    };
    deadline.addEventListener('abort', onDeadline, { once: true });
    call.then(
      (v) => {
        deadline.removeEventListener('abort', onDeadline);
        resolve(v);
      },
      (e: unknown) => {
        deadline.removeEventListener('abort', onDeadline);
        reject(e);
      },
    );
  });
}

function deadlineError(provider: string, timeoutMs: number): HeliosError {
  return new HeliosError('HELIOS_E_DEADLINE', `${provider}: no answer within ${timeoutMs} ms`, { provider, timeoutMs });
}

function makeProvider(config: LlmConfig): LlmProvider {
  if (config.provider === 'anthropic') {
    if (!config.apiKey) throw new HeliosError('HELIOS_E_INPUT_INVALID', 'LLM configuration: the anthropic provider needs an API key');
    return new AnthropicProvider({ baseUrl: config.baseUrl, model: config.model, apiKey: config.apiKey });
  }
  return new OpenAICompatibleProvider({ baseUrl: config.baseUrl, model: config.model, ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
}

function parseRequest(payload: Cloneable): LlmReviewRequest {
  const r = RequestSchema.safeParse(payload);
  if (!r.success) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', `llm.review: bad request: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
