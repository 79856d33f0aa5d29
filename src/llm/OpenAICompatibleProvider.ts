import { HeliosError } from '../errors/HeliosError.ts';
import type { CallLimits, LlmProvider } from './LlmProvider.ts';
import { postJson } from './postJson.ts';

export interface OpenAICompatibleOptions {
  /**
   * Server root, e.g. `https://api.openai.com` or `http://127.0.0.1:8080`; `/v1/chat/completions`
   * is appended. A URL whose path already ends in `/chat/completions` is used as it is, for
   * servers that mount the API elsewhere.
   */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; local servers often need none. */
  apiKey?: string;
}

/** Any OpenAI-compatible chat-completions endpoint: OpenAI itself, vLLM, llama.cpp, Ollama and the like. */
export class OpenAICompatibleProvider implements LlmProvider {
  readonly name: string;
  readonly #o: OpenAICompatibleOptions;
  readonly #url: string;

  constructor(options: OpenAICompatibleOptions) {
    this.#o = options;
    this.name = `openai:${options.model}`;
    const base = options.baseUrl.replace(/\/+$/, '');
    this.#url = /\/chat\/completions$/.test(base) ? base : `${base}/v1/chat/completions`;
  }

  async complete(system: string, user: string, limits: CallLimits): Promise<string> {
    const json = await postJson({
      provider: this.name,
      url: this.#url,
      headers: this.#o.apiKey ? { authorization: `Bearer ${this.#o.apiKey}` } : {},
      body: {
        model: this.#o.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        // A review should not depend on the dice.
        temperature: 0,
      },
      signal: limits.signal,
      timeoutMs: limits.timeoutMs,
    });
    const content = (json as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') {
      throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.name}: response has no choices[0].message.content`, { provider: this.name });
    }
    return content;
  }
}
