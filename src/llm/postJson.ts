import { HeliosError, isHeliosError } from '../errors/HeliosError.ts';

/** Where a provider call goes and how long it may take. */
export interface PostRequest {
  /** `<kind>:<model>`, for error messages. */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  /** Only for the message of a timeout; the signal enforces it. */
  timeoutMs: number;
}

/**
 * POSTs JSON and returns the parsed JSON answer of a 2xx response. The signal
 * covers the body too, so a server that sends headers and then stalls is cut
 * off at the same deadline as one that never answers.
 *
 * Codes: `HELIOS_E_DEADLINE` (timed out), `HELIOS_E_UNAUTHORIZED` (401/403: the
 * key), `HELIOS_E_OUTPUT_INVALID` (a 2xx body that is not JSON),
 * `HELIOS_E_LLM_PROVIDER` (unreachable, 429, 5xx or any other status; `status` in
 * the details). An abort reason that is already a HeliosError (the breaker's
 * deadline, its disposal) is thrown unchanged.
 */
export async function postJson(r: PostRequest): Promise<unknown> {
  let status: number;
  let text: string;
  try {
    const res = await fetch(r.url, {
      method: 'POST',
      headers: { ...r.headers, 'content-type': 'application/json' },
      body: JSON.stringify(r.body),
      signal: r.signal,
    });
    status = res.status;
    text = await res.text();
  } catch (e) {
    throw transportError(r, e);
  }
  if (status === 401 || status === 403) {
    throw new HeliosError('HELIOS_E_UNAUTHORIZED', `${r.provider}: the provider refused the API key (HTTP ${status}): ${providerMessage(text)}`, { provider: r.provider, status });
  }
  if (status < 200 || status > 299) {
    throw new HeliosError('HELIOS_E_LLM_PROVIDER', `${r.provider}: HTTP ${status}: ${providerMessage(text)}`, { provider: r.provider, status });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${r.provider}: the response body is not JSON`, { provider: r.provider, body: text.slice(0, 200) });
  }
}

function transportError(r: PostRequest, e: unknown): HeliosError {
  if (r.signal.aborted) {
    const reason: unknown = r.signal.reason;
    if (isHeliosError(reason)) return reason;
    return new HeliosError('HELIOS_E_DEADLINE', `${r.provider}: no answer within ${r.timeoutMs} ms`, { provider: r.provider, timeoutMs: r.timeoutMs });
  }
  const cause = e instanceof Error && e.cause instanceof Error ? `${e.message} (${e.cause.message})` : String(e);
  return new HeliosError('HELIOS_E_LLM_PROVIDER', `${r.provider}: provider unreachable: ${cause}`, { provider: r.provider }, { cause: e });
}

/** The provider's own error message when its body has the usual `{error: {message}}` shape. */
function providerMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof m === 'string') return m.slice(0, 200);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || '(empty body)';
}
