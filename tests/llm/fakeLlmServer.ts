import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

/**
 * What the server answers. `text` is a model answer wrapped in the envelope of
 * the API that was called; `status` + `json` is an API error; `raw` is a body
 * sent as it is. `delayMs` holds the headers back; `stallBodyMs` sends the
 * headers at once and the body that much later.
 */
export type Reply =
  | { text: string; delayMs?: number; stallBodyMs?: number }
  | { status: number; json?: unknown; delayMs?: number }
  | { raw: string; status?: number; delayMs?: number };

export type Script = (req: SeenRequest) => Reply;

const ANTHROPIC = '/v1/messages';
const OPENAI = '/v1/chat/completions';

/**
 * A local server speaking both the Anthropic Messages API and the OpenAI
 * chat-completions API, scriptable per test, recording every request. With
 * `key` set it refuses other keys with 401 in each API's own error shape.
 */
export class FakeLlmServer {
  readonly requests: SeenRequest[] = [];
  script: Script = () => ({ text: '{"verdict":"APPROVE","rationale":"fine"}' });
  key: string | undefined;
  readonly #server: Server;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #url = '';

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // kept as text: the test asserts on it
        }
        const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        this.requests.push(seen);
        this.#answer(seen, res);
      });
    });
  }

  static async start(): Promise<FakeLlmServer> {
    const s = new FakeLlmServer();
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', resolve));
    s.#url = `http://127.0.0.1:${(s.#server.address() as AddressInfo).port}`;
    return s;
  }

  /** `http://127.0.0.1:<port>`: the base URL for either provider. */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #answer(req: SeenRequest, res: ServerResponse): void {
    if (req.method !== 'POST' || (req.path !== ANTHROPIC && req.path !== OPENAI)) return send(res, 404, { error: { message: 'not found' } });
    if (this.key !== undefined && !this.#authorised(req)) {
      return req.path === ANTHROPIC
        ? send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } })
        : send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const reply = this.script(req);
    this.#later(reply.delayMs ?? 0, () => {
      if (res.destroyed) return;
      if ('raw' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(reply.raw);
      } else if ('status' in reply) {
        send(res, reply.status, reply.json ?? { error: { message: `scripted ${reply.status}` } });
      } else {
        const body = JSON.stringify(req.path === ANTHROPIC ? anthropicMessage(reply.text) : openaiCompletion(reply.text));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        if (reply.stallBodyMs === undefined) res.end(body);
        else this.#later(reply.stallBodyMs, () => void (res.destroyed || res.end(body)));
      }
    });
  }

  #authorised(req: SeenRequest): boolean {
    return req.path === ANTHROPIC ? req.headers['x-api-key'] === this.key : req.headers.authorization === `Bearer ${this.key}`;
  }
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
}

/** A Messages API response; the text split over two blocks, with a non-text block between, as real answers can be. */
function anthropicMessage(text: string): unknown {
  const half = Math.floor(text.length / 2);
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [
      { type: 'text', text: text.slice(0, half) },
      { type: 'thinking', thinking: 'not part of the answer', signature: 'x' },
      { type: 'text', text: text.slice(half) },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
}

function openaiCompletion(text: string): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'local-model',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}
