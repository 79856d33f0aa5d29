import { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';
import type { BreakerSettings } from '../kernel/BreakerSettings.ts';

export type LlmProviderKind = 'rule-based' | 'anthropic' | 'openai';

/** How the kernel's `llm.review` effect reaches a model. */
export interface LlmConfig {
  /** 'rule-based': no model; the effect answers null and the module reviews by its rules. */
  provider: LlmProviderKind;
  /** Server root (Anthropic, OpenAI, a local server) or, for 'openai', a full `.../chat/completions` URL. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Ceiling of one provider call in ms; a request may ask for less, never more. */
  timeoutMs: number;
  /** Breaker thresholds around the provider; defaults in createLlmReviewEffect. */
  breaker?: BreakerSettings;
}

const DEFAULT_URL = { anthropic: 'https://api.anthropic.com', openai: 'https://api.openai.com' } as const;
const DEFAULT_MODEL = { anthropic: 'claude-haiku-4-5' } as const;

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);

/** The variables read by {@link llmConfigFromEnv}; an empty value counts as unset. */
const LlmEnvSchema = z.object({
  HELIOS_LLM_PROVIDER: z.preprocess(blankIsUnset, z.enum(['rule-based', 'anthropic', 'openai']).default('rule-based')),
  HELIOS_LLM_URL: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).optional()),
  HELIOS_LLM_MODEL: z.preprocess(blankIsUnset, z.string().min(1).max(200).optional()),
  HELIOS_LLM_API_KEY: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  ANTHROPIC_API_KEY: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  OPENAI_API_KEY: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  HELIOS_LLM_TIMEOUT_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(50).max(60_000).default(1_500)),
});

/**
 * The LLM provider from the environment:
 *
 * - `HELIOS_LLM_PROVIDER`: `rule-based` (default; no model is called), `anthropic` (Messages
 *   API) or `openai` (any OpenAI-compatible chat-completions server, local ones included).
 * - `HELIOS_LLM_URL`: server root; default `https://api.anthropic.com` or
 *   `https://api.openai.com`. For `openai` a full URL ending in `/chat/completions` is used as is.
 * - `HELIOS_LLM_MODEL`: model name; default `claude-haiku-4-5` for `anthropic`, required for `openai`.
 * - `HELIOS_LLM_API_KEY`: the key; falls back to `ANTHROPIC_API_KEY` or `OPENAI_API_KEY` by
 *   provider. Required for `anthropic`; optional for `openai` (local servers often need none).
 * - `HELIOS_LLM_TIMEOUT_MS`: ceiling of one provider call, 50..60000, default 1500.
 *
 * @throws HeliosError `HELIOS_E_INPUT_INVALID` naming the offending variable.
 */
export function llmConfigFromEnv(env: Record<string, string | undefined>): LlmConfig {
  const r = LlmEnvSchema.safeParse(env);
  if (!r.success) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', `LLM configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = r.data;
  const timeoutMs = e.HELIOS_LLM_TIMEOUT_MS;
  if (e.HELIOS_LLM_PROVIDER === 'rule-based') return { provider: 'rule-based', baseUrl: '', model: '', timeoutMs };
  const provider = e.HELIOS_LLM_PROVIDER;
  const apiKey = e.HELIOS_LLM_API_KEY ?? (provider === 'anthropic' ? e.ANTHROPIC_API_KEY : e.OPENAI_API_KEY);
  const model = e.HELIOS_LLM_MODEL ?? (provider === 'anthropic' ? DEFAULT_MODEL.anthropic : undefined);
  if (model === undefined) throw new HeliosError('HELIOS_E_INPUT_INVALID', 'LLM configuration: HELIOS_LLM_MODEL is required for HELIOS_LLM_PROVIDER=openai');
  if (provider === 'anthropic' && apiKey === undefined) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', 'LLM configuration: HELIOS_LLM_PROVIDER=anthropic needs HELIOS_LLM_API_KEY or ANTHROPIC_API_KEY');
  }
  const config: LlmConfig = { provider, baseUrl: e.HELIOS_LLM_URL ?? DEFAULT_URL[provider], model, timeoutMs };
  if (apiKey !== undefined) config.apiKey = apiKey;
  return config;
}
