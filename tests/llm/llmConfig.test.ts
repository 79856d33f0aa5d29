import { describe, expect, it } from 'vitest';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { llmConfigFromEnv } from '../../src/llm/index.ts';

function refusal(env: Record<string, string>): string {
  try {
    llmConfigFromEnv(env);
  } catch (e) {
    expect(isHeliosError(e, 'HELIOS_E_INPUT_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('accepted');
}

describe('llmConfigFromEnv', () => {
  it('defaults to the rule-based reviewer with a 1500 ms timeout', () => {
    expect(llmConfigFromEnv({})).toEqual({ provider: 'rule-based', baseUrl: '', model: '', timeoutMs: 1_500 });
    expect(llmConfigFromEnv({ HELIOS_LLM_PROVIDER: '', HELIOS_LLM_TIMEOUT_MS: '' }).provider).toBe('rule-based');
  });

  it('reads anthropic with its defaults and falls back to ANTHROPIC_API_KEY', () => {
    expect(llmConfigFromEnv({ HELIOS_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'sk-a', OPENAI_API_KEY: 'sk-o' })).toEqual({
      provider: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      model: 'claude-haiku-4-5',
      apiKey: 'sk-a',
      timeoutMs: 1_500,
    });
    expect(llmConfigFromEnv({ HELIOS_LLM_PROVIDER: 'anthropic', HELIOS_LLM_API_KEY: 'sk-h', ANTHROPIC_API_KEY: 'sk-a' }).apiKey).toBe('sk-h');
  });

  it('reads an OpenAI-compatible local server, with or without a key', () => {
    const env = { HELIOS_LLM_PROVIDER: 'openai', HELIOS_LLM_URL: 'http://127.0.0.1:8080', HELIOS_LLM_MODEL: 'qwen2.5-7b', HELIOS_LLM_TIMEOUT_MS: '800' };
    expect(llmConfigFromEnv(env)).toEqual({ provider: 'openai', baseUrl: 'http://127.0.0.1:8080', model: 'qwen2.5-7b', timeoutMs: 800 });
    expect(llmConfigFromEnv({ ...env, OPENAI_API_KEY: 'sk-o' }).apiKey).toBe('sk-o');
  });

  it('refuses what cannot work, naming the variable', () => {
    expect(refusal({ HELIOS_LLM_PROVIDER: 'gpt' })).toMatch(/HELIOS_LLM_PROVIDER/);
    expect(refusal({ HELIOS_LLM_PROVIDER: 'anthropic' })).toMatch(/ANTHROPIC_API_KEY/);
    expect(refusal({ HELIOS_LLM_PROVIDER: 'openai' })).toMatch(/HELIOS_LLM_MODEL/);
    expect(refusal({ HELIOS_LLM_URL: 'ftp://x' })).toMatch(/HELIOS_LLM_URL/);
    expect(refusal({ HELIOS_LLM_TIMEOUT_MS: '10' })).toMatch(/HELIOS_LLM_TIMEOUT_MS/);
    expect(refusal({ HELIOS_LLM_TIMEOUT_MS: 'soon' })).toMatch(/HELIOS_LLM_TIMEOUT_MS/);
  });
});
