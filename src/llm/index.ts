/** The kernel side of the LLM tier: the `llm.review` effect and its configuration. */
export { createLlmReviewEffect, type LlmEffectOptions, type LlmReviewEffect } from './createLlmReviewEffect.ts';
export { llmConfigFromEnv, type LlmConfig, type LlmProviderKind } from './llmConfig.ts';
export { parseReviewText, reviewAnswerSchema, type ParsedReview } from './ReviewAnswer.ts';
export { AnthropicProvider } from './AnthropicProvider.ts';
export { OpenAICompatibleProvider } from './OpenAICompatibleProvider.ts';
export type { LlmProvider } from './LlmProvider.ts';
