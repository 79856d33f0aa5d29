import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import type { FeedEvent } from '../../src/feed/SyntheticFeed.ts';
import { WebSocketFeed, type WebSocketFeedOptions } from '../../src/feed/WebSocketFeed.ts';

/** A real local WebSocket server; `onConnection` scripts what the feed's peer does. */
async function startServer(onConnection: (ws: ServerSocket, n: number) => void, port = 0): Promise<{ wss: WebSocketServer; port: number; url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  let n = 0;
  wss.on('connection', (ws) => onConnection(ws, ++n));
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const actual = (wss.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  };
  servers.push(close);
  return { wss, port: actual, url: `ws://127.0.0.1:${actual}`, close };
}

async function waitFor(cond: () => boolean, ms = 3_000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const servers: (() => Promise<void>)[] = [];
const feeds: WebSocketFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.stop()));
  await Promise.all(servers.splice(0).map((c) => c().catch(() => {})));
});

function feed(url: string, opts: Partial<WebSocketFeedOptions> = {}): { feed: WebSocketFeed; got: FeedEvent[]; delays: number[] } {
  const got: FeedEvent[] = [];
  const delays: number[] = [];
  const f = new WebSocketFeed({ url, onEvents: (e) => got.push(...e), onReconnect: ({ delayMs }) => delays.push(delayMs), initialBackoffMs: 20, maxBackoffMs: 200, jitter: 0, ...opts });
  feeds.push(f);
  f.start();
  return { feed: f, got, delays };
}

const trade = (ts: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ symbol: 'AAA', ts, kind: 'trade', price: 100, size: 1, ...extra });

describe('WebSocketFeed', () => {
  it('delivers events from single-object and array messages, keeping only event fields', async () => {
    const s = await startServer((ws) => {
      ws.send(JSON.stringify(trade(1, { seq: 99, venue: 'X' })));
      ws.send(JSON.stringify([{ symbol: 'BBB', ts: 2, kind: 'quote', bid: 9.9, ask: 10.1, bidSize: 5, askSize: 7 }, trade(3)]));
    });
    const { feed: f, got } = feed(s.url);
    await waitFor(() => got.length === 3);
    expect(got).toEqual([
      { symbol: 'AAA', ts: 1, kind: 'trade', price: 100, size: 1 },
      { symbol: 'BBB', ts: 2, kind: 'quote', bid: 9.9, ask: 10.1, bidSize: 5, askSize: 7 },
      { symbol: 'AAA', ts: 3, kind: 'trade', price: 100, size: 1 },
    ]);
    expect(f.stats()).toEqual({ connects: 1, reconnects: 0, messages: 2, events: 3, malformed: 0, silences: 0, state: 'open' });
  });

  it('counts unparseable and wrongly typed messages and items, delivers the good ones, and stays connected', async () => {
    const s = await startServer((ws) => {
      ws.send('not json');
      ws.send('42');
      ws.send('null');
      ws.send(JSON.stringify({ symbol: 'AAA', ts: 1 })); // no kind
      ws.send(JSON.stringify(trade(2, { price: '100' }))); // a string for a number
      ws.send('{"symbol":"AAA","ts":3,"kind":"trade","price":1e999}'); // Infinity after JSON.parse
      ws.send(JSON.stringify(trade(4, { kind: 'auction' })));
      ws.send(JSON.stringify(trade(5, { symbol: '' })));
      ws.send(Buffer.from(JSON.stringify(trade(6)))); // binary frame
      ws.send(JSON.stringify([trade(7), { nonsense: true }, trade(8, { size: null })]));
      ws.send(JSON.stringify(trade(9)));
    });
    const { feed: f, got } = feed(s.url);
    await waitFor(() => f.stats().messages === 11);
    expect(got.map((e) => e.ts)).toEqual([7, 9]);
    expect(f.stats()).toMatchObject({ connects: 1, reconnects: 0, messages: 11, events: 2, malformed: 11, state: 'open' });
  });

  it('reconnects after the server closes the socket, and receives again', async () => {
    const s = await startServer((ws, n) => {
      ws.send(JSON.stringify(trade(n)));
      if (n === 1) setTimeout(() => ws.close(1001, 'going away'), 10);
    });
    const lines: string[] = [];
    const { feed: f, got, delays } = feed(s.url, { log: (m) => lines.push(m) });
    await waitFor(() => got.length === 2);
    expect(got.map((e) => e.ts)).toEqual([1, 2]);
    expect(delays).toEqual([20]);
    expect(lines).toEqual([`connected to ${s.url}`, 'connection lost; retry 1 in 20 ms', `connected to ${s.url}`]);
    expect(f.stats()).toMatchObject({ connects: 2, reconnects: 1, state: 'open' });
  });

  it('rides out a server restart: retries with growing delays while it is down, then connects to the new one', async () => {
    const first = await startServer((ws) => ws.send(JSON.stringify(trade(1))));
    const { feed: f, got, delays } = feed(first.url, { maxBackoffMs: 1_000 });
    await waitFor(() => got.length === 1);
    await first.close();
    await waitFor(() => f.stats().reconnects >= 4);
    const downDelays = delays.slice(0, 4);
    await startServer((ws) => ws.send(JSON.stringify(trade(2))), first.port);
    await waitFor(() => got.length === 2);
    expect(downDelays).toEqual([20, 40, 80, 160]);
    expect(f.stats()).toMatchObject({ connects: 2, state: 'open' });
  });

  it('notices a connection that goes silent without closing, closes it and reconnects', async () => {
    const closedBy: number[] = [];
    const s = await startServer((ws, n) => {
      ws.send(JSON.stringify(trade(n)));
      ws.on('close', (code) => closedBy.push(code));
      // Then nothing: no data, no close, no error.
    });
    const { feed: f, got } = feed(s.url, { silenceMs: 150 });
    await waitFor(() => got.length === 2);
    const st = f.stats();
    expect(st.silences).toBeGreaterThanOrEqual(1);
    expect(st.connects).toBeGreaterThanOrEqual(2);
    await waitFor(() => closedBy.length >= 1);
    expect(closedBy[0]).toBe(4000);
  });

  it('keeps a talking connection: messages more often than silenceMs never trip it', async () => {
    const s = await startServer((ws) => {
      let ts = 0;
      const t = setInterval(() => ws.send(JSON.stringify(trade(++ts))), 40);
      ws.on('close', () => clearInterval(t));
    });
    const { feed: f, got } = feed(s.url, { silenceMs: 150 });
    await waitFor(() => got.length >= 12);
    expect(f.stats()).toMatchObject({ connects: 1, silences: 0, reconnects: 0 });
  });

  it('backs off exponentially up to the cap, with jitter only ever shortening a delay, and starts over after a healthy connection', async () => {
    const probe = await startServer(() => {});
    const port = probe.port;
    await probe.close();
    let r = 0;
    const randoms = [0, 0.999, 0.5, 0, 0.999, 0.5, 0, 0];
    const { feed: f, delays } = feed(`ws://127.0.0.1:${port}`, { initialBackoffMs: 10, maxBackoffMs: 80, jitter: 0.5, healthyMs: 60, random: () => randoms[r++ % randoms.length]! });
    await waitFor(() => delays.length >= 6);
    const bases = [10, 20, 40, 80, 80, 80];
    delays.slice(0, 6).forEach((d, i) => {
      expect(d).toBeLessThanOrEqual(bases[i]!);
      expect(d).toBeGreaterThanOrEqual(bases[i]! / 2);
    });
    expect(delays.slice(0, 6)).toEqual(bases.map((b, i) => b * (1 - 0.5 * randoms[i]!)));

    // The server comes back, talks for longer than healthyMs, then drops the client: the next delay is the first again.
    const before = delays.length;
    await startServer((ws) => {
      const t = setInterval(() => ws.send(JSON.stringify(trade(1))), 10);
      setTimeout(() => {
        clearInterval(t);
        ws.close();
      }, 120);
    }, port);
    await waitFor(() => f.stats().connects === 1 && delays.length > before && f.stats().state !== 'open');
    const afterHealthy = delays[delays.length - 1]!;
    expect(afterHealthy).toBeLessThanOrEqual(10);
  });

  it('does not start over for a server that accepts and drops at once: a flapping peer still gets growing delays', async () => {
    const s = await startServer((ws) => {
      ws.send(JSON.stringify(trade(1)));
      ws.close();
    });
    const { feed: f, delays } = feed(s.url, { healthyMs: 1_000 });
    await waitFor(() => delays.length >= 4);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 160]);
    expect(f.stats().connects).toBeGreaterThanOrEqual(4);
  });

  it('refuses a URL that is not ws:// or wss://', () => {
    for (const url of ['http://127.0.0.1:1', 'not a url']) {
      let e: unknown;
      try {
        new WebSocketFeed({ url, onEvents: () => {} });
      } catch (err) {
        e = err;
      }
      expect(isHeliosError(e, 'HELIOS_E_INPUT_INVALID')).toBe(true);
    }
  });
});
