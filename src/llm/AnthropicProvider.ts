import { HeliosError } from '../errors/HeliosError.ts';
import type { CallLimits, LlmProvider } from './LlmProvider.ts';
import { postJson } from './postJson.ts';

export interface AnthropicOptions {
  /** e.g. `https://api.anthropic.com`; the path `/v1/messages` is appended. */
  baseUrl: string;
  model: string;
  apiKey: string;
  /** A review answer is one short JSON object. */
  maxTokens?: number;
}

/** Anthropic's Messages API: POST /v1/messages with `x-api-key` and a pinned `anthropic-version`. */
export class AnthropicProvider implements LlmProvider {
  readonly name: string;
  readonly #o: AnthropicOptions;
  readonly #url: string;

  constructor(options: AnthropicOptions) {
    this.#o = options;
    this.name = `anthropic:${options.model}`;
    this.#url = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  }

  async complete(system: string, user: string, limits: CallLimits): Promise<string> {
    const json = await postJson({
      provider: this.name,
      url: this.#url,
      headers: { 'x-api-key': this.#o.apiKey, 'anthropic-version': '2023-06-01' },
      body: { model: this.#o.model, max_tokens: this.#o.maxTokens ?? 300, system, messages: [{ role: 'user', content: user }] },
      signal: limits.signal,
      timeoutMs: limits.timeoutMs,
    });
    // The answer is a list of content blocks; only text blocks carry the model's words.
    const content = (json as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) {
      throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.name}: response has no content array`, { provider: this.name });
    }
    let text = '';
    for (const block of content as { type?: unknown; text?: unknown }[]) {
      if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
    }
    return text;
  }
}
