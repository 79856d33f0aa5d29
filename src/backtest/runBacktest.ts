import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawMarketEvent } from '../contracts/tiers.ts';
import type { LlmConfig } from '../llm/index.ts';
import { TradingSession } from '../session/TradingSession.ts';
import { equityMetrics, type BacktestMetrics } from './metrics.ts';

export interface BacktestOptions {
  bars: Omit<RawMarketEvent, 'seq'>[];
  modulesDir: string;
  capital: number;
  llm: LlmConfig;
  /** Where the session's database and artifacts go; default a fresh temporary folder, removed afterwards. */
  dataDir?: string;
  periodsPerYear?: number;
}

export interface BacktestResult extends BacktestMetrics {
  trades: number;
  orders: number;
  fees: number;
  seconds: number;
  /** What each tier ran. */
  modules: Record<string, string | null>;
  sequence: { gaps: number; duplicates: number };
}

/**
 * Replays bars through a full trading session: the same modules in the same
 * workers, the same kernel, book and paper broker as live trading. Bars go in
 * one at a time and each is settled (every tier drained, every fill
 * persisted) before the next, so each decision sees the account as it was
 * after the previous bar, exactly as it would live. Orders fill on the next
 * bar at its open, through the broker's latency, slippage and fee model.
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const own = o.dataDir === undefined;
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'helios-backtest-')));
  const flagsDir = join(dataDir, 'flags');
  await mkdir(flagsDir, { recursive: true });
  const t0 = performance.now();
  // A backtest never restarts, so the book need not save marks between fills.
  const session = await TradingSession.start({ dataDir, flagsDir, modulesDir: o.modulesDir, capital: o.capital, llm: o.llm, databaseUrl: undefined, broker: { markEveryMs: 0 } });
  try {
    const equity: number[] = [];
    for (const bar of o.bars) {
      await session.ingest([{ ...bar }]);
      await session.settle();
      equity.push(session.book.snapshot().equity);
    }
    const a = session.book.snapshot();
    const status = session.kernel.status() as Record<string, { sequenceGaps: number; sequenceDuplicates: number }>;
    const modules: Record<string, string | null> = {};
    for (const t of session.deployed.tiers) modules[t.tier] = t.key;
    return {
      ...equityMetrics(equity, o.periodsPerYear ?? 252),
      trades: (await session.book.fills({ limit: 1_000_000 })).length,
      orders: session.kernel.orders.sent,
      fees: a.fees,
      seconds: (performance.now() - t0) / 1000,
      modules,
      sequence: {
        gaps: Object.values(status).reduce((n, s) => n + s.sequenceGaps, 0),
        duplicates: Object.values(status).reduce((n, s) => n + s.sequenceDuplicates, 0),
      },
    };
  } finally {
    await session.stop();
    if (own) await rm(dataDir, { recursive: true, force: true });
  }
}
