import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECTS } from '../../src/contracts/effects.ts';
import { TIERS } from '../../src/contracts/tiers.ts';
import { SyntheticFeed } from '../../src/feed/SyntheticFeed.ts';
import { llmConfigFromEnv } from '../../src/llm/index.ts';
import { TradingSession } from '../../src/session/TradingSession.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

/**
 * The session as npm start wires it, through its public seams: the real
 * modules (modules/defaults.json) in their workers, PGlite, the book and
 * broker, the control plane's API via inject(), and the effects the modules
 * call. Bad market data is injected by the feed and must come out counted by
 * reason, exactly as injected.
 */
const modulesDir = new URL('../../modules/', import.meta.url).pathname;
const TOKEN = 't'.repeat(40);
let dataDir: string;
let session: TradingSession;
let injected: Record<string, number>;

beforeAll(async () => {
  dataDir = await tempDir('helios-session-');
  await mkdir(join(dataDir, 'flags'));
  session = await TradingSession.start({ dataDir, flagsDir: join(dataDir, 'flags'), modulesDir, apiToken: TOKEN, capital: 1_000_000, llm: llmConfigFromEnv({}) });
  // 8 instruments, one event a second each: a 1m candle every 60 events of an instrument.
  const feed = new SyntheticFeed({ symbols: 8, seed: 11, start: Date.UTC(2026, 0, 5, 14, 30), eventMs: 1_000, badRate: 0.002 });
  for (let i = 0; i < 60; i++) {
    await session.ingest(feed.next(1_000));
    await session.settle();
  }
  injected = Object.fromEntries(Object.entries(feed.stats().bad).filter(([, n]) => n > 0));
}, 120_000);

afterAll(async () => {
  await session.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const get = (url: string) => session.cp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });

describe('trading session', () => {
  it('runs the default version of every tier and trades', async () => {
    expect(session.deployed.tiers.map((t) => t.from)).toEqual(TIERS.map(() => 'loaded'));
    expect(session.deployed.failedTests).toEqual([]);
    expect(session.book.counters.sent).toBeGreaterThan(0);
    expect(session.book.counters.fills).toBeGreaterThan(0);
  });

  it('reports per tier events in and out, zero gaps and duplicates, the breaker and batch latency', async () => {
    const r = await get('/api/modularity/status');
    expect(r.statusCode).toBe(200);
    const tiers = r.json().tiers as Record<string, { eventsIn: number; eventsOut: number; sequenceGaps: number; sequenceDuplicates: number; breaker: string; batchLatencyMs: { p50: number; p99: number } }>;
    expect(tiers.ingestion!.eventsIn).toBe(60_000);
    for (let i = 0; i < TIERS.length; i++) {
      const t = tiers[TIERS[i]!]!;
      expect({ tier: TIERS[i], gaps: t.sequenceGaps, dups: t.sequenceDuplicates, breaker: t.breaker }).toEqual({ tier: TIERS[i], gaps: 0, dups: 0, breaker: 'closed' });
      expect(t.batchLatencyMs.p99).toBeGreaterThanOrEqual(t.batchLatencyMs.p50);
      // What a tier emitted is what the next one took in.
      if (i > 0) expect(t.eventsIn).toBe(tiers[TIERS[i - 1]!]!.eventsOut);
    }
    expect(tiers.execution!.eventsOut).toBeGreaterThan(0);
  });

  it('counts quarantined market data by reason, exactly as the feed injected it', async () => {
    expect(Object.keys(injected).length).toBeGreaterThan(3);
    const q = (await get('/api/modularity/status')).json().tiers.ingestion.quarantined;
    expect(q.byReason).toEqual(injected);
    expect(q.total).toBe(Object.values(injected).reduce((a, b) => a + b, 0));
    // Every event either passed or was quarantined.
    const st = (await get('/api/modularity/status')).json().tiers.ingestion;
    expect(st.eventsOut + q.total).toBe(60_000);
  });

  it('serves positions, orders, fills and the trading state from the book', async () => {
    const [positions, orders, fills, state] = await Promise.all(['/api/portfolio/positions', '/api/orders?limit=5', '/api/fills?limit=5', '/api/trading/state'].map(get));
    for (const r of [positions, orders, fills, state]) expect(r!.statusCode).toBe(200);
    expect(JSON.stringify(orders!.json())).toMatch(/clientOrderId/);
    expect(JSON.stringify(fills!.json())).toMatch(/fillId/);
    expect(state!.json()).toMatchObject({ mode: expect.stringMatching(/ACTIVE|REDUCING|HALTED/) });
  });
});

describe('session effects', () => {
  const call = (name: string, payload: unknown, live: boolean, caller: string) => session.effects[name]!(payload as never, live, caller);

  it('answer account.snapshot with the book, the same for a shadow copy', async () => {
    const [live, shadow] = await Promise.all([call(EFFECTS.accountSnapshot, null, true, 'sizer@1.0.0'), call(EFFECTS.accountSnapshot, null, false, 'sizer@1.1.0')]);
    expect(live).toEqual(session.book.snapshot());
    expect(shadow).toEqual(live);
  });

  it('refuse a malformed payload with a coded error and change nothing', async () => {
    const mode = session.kernel.trading.mode;
    await expect(call(EFFECTS.tradingTighten, { mode: 'ACTIVE', reason: 'loosen' }, true, 'sizer@1.0.0')).rejects.toMatchObject({ code: 'HELIOS_E_INPUT_INVALID' });
    await expect(call(EFFECTS.quarantine, { reasons: { x: -1 } }, true, 'market-data@1.0.0')).rejects.toMatchObject({ code: 'HELIOS_E_INPUT_INVALID' });
    expect(session.kernel.trading.mode).toBe(mode);
  });

  it('let a shadow copy never tighten trading; a live call tightens through the kill switch, persisted and audited as the module', async () => {
    const before = session.kernel.trading.mode;
    expect(await call(EFFECTS.tradingTighten, { mode: 'HALTED', reason: 'shadow says stop' }, false, 'sizer@1.1.0')).toEqual({ mode: before });
    expect(session.kernel.trading.mode).toBe(before);
    expect(await call(EFFECTS.tradingTighten, { mode: 'HALTED', reason: 'daily loss 2.10% >= 2.00% limit' }, true, 'sizer@1.0.0')).toEqual({ mode: 'HALTED' });
    const state = (await get('/api/kill-switch')).json();
    expect(state).toMatchObject({ mode: 'HALTED', actor: 'module:sizer@1.0.0', reason: 'daily loss 2.10% >= 2.00% limit' });
    const [row] = await session.cp.db.query<{ mode: string; actor: string }>(`SELECT mode, actor FROM trading_state WHERE id = 1`);
    expect(row).toEqual({ mode: 'HALTED', actor: 'module:sizer@1.0.0' });
    // Never loosens: asking for REDUCING while HALTED leaves it HALTED.
    expect(await call(EFFECTS.tradingTighten, { mode: 'REDUCING', reason: 'less' }, true, 'sizer@1.0.0')).toEqual({ mode: 'HALTED' });
  });
});
