import { HeliosError } from '../errors/HeliosError.ts';
import type { FeedEvent } from './SyntheticFeed.ts';
import { toFeedEvent } from './toFeedEvent.ts';

export interface WebSocketFeedOptions {
  /** ws:// or wss:// address of the feed. */
  url: string;
  /** Receives each message's valid events (the caller hands them to kernel.ingest). */
  onEvents(events: FeedEvent[]): void;
  /** No message for this long on an open connection means it is dead: close and reconnect (default 10 s). */
  silenceMs?: number;
  /** First reconnect delay (default 250 ms); doubles per failed attempt... */
  initialBackoffMs?: number;
  /** ...up to this (default 30 s). */
  maxBackoffMs?: number;
  /** Up to this share of a delay is taken off at random (default 0.5), so many clients do not reconnect in step. */
  jitter?: number;
  /** A connection that delivered messages and lasted this long resets the backoff (default 5 s). */
  healthyMs?: number;
  /** Source of jitter (default Math.random). */
  random?: () => number;
  /** Told of each scheduled reconnect. */
  onReconnect?(info: { attempt: number; delayMs: number; reason: 'closed' | 'silent' }): void;
  /** Told when onEvents throws; the feed carries on. */
  onError?(error: unknown): void;
  /** One line per connection change (connected, lost, silent, retrying), for an operator's log. */
  log?(message: string): void;
}

export type WebSocketFeedState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

export interface WebSocketFeedStats {
  /** Connections that opened. */
  connects: number;
  /** Reconnects scheduled after a connection closed, failed or went silent. */
  reconnects: number;
  messages: number;
  /** Events delivered to onEvents. */
  events: number;
  /** Messages that were not JSON text, plus event objects that were not events. */
  malformed: number;
  /** Connections closed for going silent. */
  silences: number;
  state: WebSocketFeedState;
}

/**
 * A market feed over WebSocket (Node's global client), JSON text messages of
 * one event object or an array of them. It keeps itself connected: a closed
 * or failed connection is retried with capped, jittered exponential backoff,
 * and a connection that stays open but stops talking (a half-dead proxy, a
 * stuck publisher) is noticed after `silenceMs`, closed and replaced, since
 * such a feed never errors on its own. Bad messages are counted and dropped;
 * nothing a peer sends can throw out of here.
 */
export class WebSocketFeed {
  readonly #o: Required<Omit<WebSocketFeedOptions, 'onReconnect' | 'onError' | 'log'>> & Pick<WebSocketFeedOptions, 'onReconnect' | 'onError' | 'log'>;
  #ws: WebSocket | undefined;
  #state: WebSocketFeedState = 'idle';
  #attempt = 0;
  #openedAt = 0;
  #lastMessageAt = 0;
  #heard = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #silence: ReturnType<typeof setTimeout> | undefined;
  readonly #stats = { connects: 0, reconnects: 0, messages: 0, events: 0, malformed: 0, silences: 0 };

  constructor(opts: WebSocketFeedOptions) {
    let url: URL | undefined;
    try {
      url = new URL(opts.url);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `WebSocketFeed: ${JSON.stringify(opts.url)} is not a ws:// or wss:// URL`, { url: opts.url });
    }
    this.#o = {
      ...opts,
      silenceMs: opts.silenceMs ?? 10_000,
      initialBackoffMs: opts.initialBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      jitter: opts.jitter ?? 0.5,
      healthyMs: opts.healthyMs ?? 5_000,
      random: opts.random ?? Math.random,
    };
    const { silenceMs, initialBackoffMs, maxBackoffMs, jitter, healthyMs } = this.#o;
    for (const [name, v] of Object.entries({ silenceMs, initialBackoffMs, maxBackoffMs, healthyMs })) {
      if (!(v > 0) || !Number.isFinite(v)) throw new HeliosError('HELIOS_E_INPUT_INVALID', `WebSocketFeed: ${name} must be a positive number of ms`, { option: name });
    }
    if (!(jitter >= 0 && jitter <= 1)) throw new HeliosError('HELIOS_E_INPUT_INVALID', 'WebSocketFeed: jitter must be in [0, 1]', { option: 'jitter' });
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#connect();
  }

  /** Closes the connection for good; resolves once it is closed (or after a second if the peer does not answer). */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearTimeout(this.#retry);
    clearTimeout(this.#silence);
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws === undefined || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 1_000);
      ws.addEventListener('close', () => {
        clearTimeout(done);
        resolve();
      });
      ws.close(1000, 'stopped');
    });
  }

  stats(): WebSocketFeedStats {
    return { ...this.#stats, state: this.#state };
  }

  #connect(): void {
    this.#state = 'connecting';
    this.#heard = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#o.url);
    } catch {
      // The URL was checked up front, so this is the runtime refusing for now: treat it as a failed attempt.
      this.#lost('closed');
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    // Events from a socket this feed has already given up on (closed for silence, or stopped) are ignored.
    ws.addEventListener('open', () => {
      if (this.#ws !== ws) return;
      this.#stats.connects++;
      this.#state = 'open';
      this.#openedAt = this.#lastMessageAt = performance.now();
      this.#armSilence(this.#o.silenceMs);
      this.#o.log?.(`connected to ${this.#o.url}`);
    });
    ws.addEventListener('message', (ev) => {
      if (this.#ws !== ws) return;
      this.#lastMessageAt = performance.now();
      this.#heard = true;
      this.#stats.messages++;
      this.#receive(ev.data);
    });
    ws.addEventListener('close', () => {
      if (this.#ws === ws) this.#lost('closed');
    });
    // An 'error' is always followed by 'close', where the reconnect is scheduled.
    ws.addEventListener('error', () => {});
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.#stats.malformed++;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.#stats.malformed++;
      return;
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const events: FeedEvent[] = [];
    for (const x of list) {
      const e = toFeedEvent(x);
      if (e === undefined) this.#stats.malformed++;
      else events.push(e);
    }
    if (events.length === 0) return;
    this.#stats.events += events.length;
    try {
      this.#o.onEvents(events);
    } catch (e) {
      this.#o.onError?.(e);
    }
  }

  /** One timer per connection, re-armed for the remainder when it fires, rather than reset on every message. */
  #armSilence(ms: number): void {
    this.#silence = setTimeout(() => {
      const quiet = performance.now() - this.#lastMessageAt;
      if (quiet < this.#o.silenceMs) return this.#armSilence(this.#o.silenceMs - quiet);
      this.#stats.silences++;
      this.#o.log?.(`no message for ${Math.round(quiet)} ms: closing the silent connection`);
      const ws = this.#ws;
      this.#lost('silent');
      ws?.close(4000, 'silent');
    }, ms);
  }

  #lost(reason: 'closed' | 'silent'): void {
    clearTimeout(this.#silence);
    const wasOpen = this.#state === 'open';
    this.#ws = undefined;
    if (this.#state === 'stopped') return;
    if (wasOpen && this.#heard && performance.now() - this.#openedAt >= this.#o.healthyMs) this.#attempt = 0;
    const { initialBackoffMs, maxBackoffMs, jitter, random } = this.#o;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(this.#attempt, 52));
    const delayMs = base * (1 - jitter * random());
    this.#attempt++;
    this.#stats.reconnects++;
    this.#state = 'waiting';
    this.#o.onReconnect?.({ attempt: this.#attempt, delayMs, reason });
    this.#o.log?.(`${wasOpen ? 'connection lost' : 'could not connect'}; retry ${this.#attempt} in ${Math.round(delayMs)} ms`);
    this.#retry = setTimeout(() => this.#connect(), delayMs);
  }
}
