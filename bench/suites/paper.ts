/**
 * The real pipeline: the seven shipped modules (modules/defaults.json), each
 * in its worker, a TradingSession with the PGlite book and paper broker,
 * every guard on (contracts, breakers, order gate, persistence before
 * acting). Phases, one session:
 *
 * 1. pipeline.paper_eps: the synthetic feed (50 instruments, trades and
 *    quotes, generated on the kernel's thread) ingested as fast as
 *    backpressure allows; events entered over the time from the first ingest
 *    until every tier has drained and every fill is persisted.
 * 2. pipeline.tick_to_order_p99_ms: paced at 10,000 events/s; for every order
 *    leaving execution, now minus the time its causing event was ingested.
 * 3. kill.halt_ms: at 10,000 events/s, killSwitch.engage('halt') until it
 *    resolves (HALTED in memory and persisted); kill.orders_after_halt counts
 *    orders that reached the book while trading was HALTED (must be 0).
 * 4. swap.live_events_lost: 50 immediate swaps of real tiers (features
 *    1.0.0->1.1.0, ml 1.0.0->2.0.0, risk 1.0.0->1.1.0, in turn), each followed
 *    by a rollback to the warm previous version, while the feed runs at
 *    10,000 events/s; afterwards every tier's ledger must balance and no
 *    sequence gap or duplicate exist.
 * 5. backtest.sp500_s: the 5,105 daily S&P 500 bars (the issue says 5,104;
 *    data/README.md) through a fresh session
 *    (same modules), one bar at a time.
 *
 * Usage: node bench/suites/paper.ts [--quick]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../../src/backtest/runBacktest.ts';
import { TIERS, type Envelope } from '../../src/contracts/tiers.ts';
import { CsvBarFeed } from '../../src/feed/CsvBarFeed.ts';
import { SyntheticFeed } from '../../src/feed/SyntheticFeed.ts';
import { llmConfigFromEnv } from '../../src/llm/index.ts';
import { runPaced } from '../../src/session/pacedFeed.ts';
import { TradingSession } from '../../src/session/TradingSession.ts';
import { emit, log, quick } from '../lib/suite.ts';
import { median, percentile, round } from '../lib/time.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const modulesDir = join(repo, 'modules');
const SYMBOLS = 50;
const EPS_SECONDS = quick ? 3 : 15;
const LATENCY_SECONDS = quick ? 6 : 30;
const HALTS = quick ? 10 : 50;
const SWAPS = 50;
// The rule-based reviewer: a benchmark never calls a paid provider.
const llm = llmConfigFromEnv({});

const dataDir = await mkdtemp(join(tmpdir(), 'helios-bench-paper-'));
await mkdir(join(dataDir, 'flags'));
const session = await TradingSession.start({ dataDir, flagsDir: join(dataDir, 'flags'), modulesDir, capital: 1_000_000, llm });
const { kernel } = session;
log(`paper: ${session.deployed.tiers.map((t) => t.key).join(', ')}`);
const feed = new SyntheticFeed({ symbols: SYMBOLS, seed: 7, start: Date.UTC(2026, 0, 5, 14, 30), eventMs: 200 });

// Entry time per seq (a ring: an order's causing event is never this far behind).
const RING = 1 << 22;
const enteredAt = new Float64Array(RING);
let recordEntry = false;
function ingest(events: ReturnType<SyntheticFeed['next']>): Promise<void> | undefined {
  const t = performance.now();
  const w = session.ingest(events);
  if (recordEntry) for (const e of events as unknown as Envelope[]) enteredAt[e.seq % RING] = t;
  return w;
}
const tickToOrder: number[] = [];
kernel.tap('execution', (items) => {
  if (!recordEntry) return;
  const now = performance.now();
  for (const o of items) tickToOrder.push(now - enteredAt[o.seq % RING]!);
});
// Orders reaching the book while HALTED: the gate must have stopped every one.
let lateOrders = 0;
const submit = session.book.submit.bind(session.book);
session.book.submit = (orders) => {
  if (kernel.trading.mode === 'HALTED') lateOrders += orders.length;
  return submit(orders);
};

// Warm up: indicators need 30 primary candles before anything trades.
await runPaced(feed, ingest, 20_000, deadlineIn(quick ? 4_000 : 8_000), () => {});
await session.settle();

// 1. Throughput: as fast as backpressure allows.
const in0 = kernel.stage('ingestion').ledger.entered;
const t0 = performance.now();
const stopAt = t0 + EPS_SECONDS * 1000;
while (performance.now() < stopAt) {
  const w = ingest(feed.next(2_000));
  if (w !== undefined) await w;
}
await session.settle();
const paperEps = (kernel.stage('ingestion').ledger.entered - in0) / ((performance.now() - t0) / 1000);
log(`paper_eps ${Math.round(paperEps)}`);

// The sizer may have tightened trading by itself (a daily-loss or drawdown limit over the weeks
// of event time the throughput phase covers); each phase starts ACTIVE, as an operator would reset it.
let autoTightenings = 0;
async function activate(phase: string): Promise<void> {
  if (kernel.trading.mode === 'ACTIVE') return;
  autoTightenings++;
  log(`trading was ${kernel.trading.mode} (${kernel.trading.last?.reason}, by ${kernel.trading.last?.actor}); reset for ${phase}`);
  await session.cp.killSwitch.reset(`bench: ${phase}`, 'bench');
}

// 2. Tick to order at 10,000 events/s.
await activate('tick-to-order');
recordEntry = true;
await runPaced(feed, ingest, 10_000, deadlineIn(LATENCY_SECONDS * 1000), () => {});
await session.settle();
recordEntry = false;
log(`tick_to_order: ${tickToOrder.length} orders, p50 ${median(tickToOrder).toFixed(2)} ms, p99 ${percentile(tickToOrder, 99).toFixed(2)} ms`);

// 3. Kill switch under the same load.
await activate('kill switch');
const haltMs: number[] = [];
let pacing = true;
const paced = runPaced(feed, ingest, 10_000, () => pacing, () => {});
for (let i = 0; i < HALTS; i++) {
  await new Promise((r) => setTimeout(r, 100));
  const t = performance.now();
  await session.cp.killSwitch.engage('halt', `bench ${i}`, 'bench');
  haltMs.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 50));
  await session.cp.killSwitch.reset(`bench ${i}`, 'bench');
}
pacing = false;
await paced;
await session.settle();
log(`kill: p50 ${median(haltMs).toFixed(2)} ms, p99 ${percentile(haltMs, 99).toFixed(2)} ms, late orders ${lateOrders}`);

// 4. Swaps of real tiers under load.
const pairs: [string, string][] = [
  ['indicators@1.0.0', 'indicators@1.1.0'],
  ['direction@1.0.0', 'direction@2.0.0'],
  ['sizer@1.0.0', 'sizer@1.1.0'],
];
pacing = true;
const swapFeed = runPaced(feed, ingest, 10_000, () => pacing, () => {});
let swaps = 0;
const swapMs: number[] = [];
const rollbackMs: number[] = [];
// Each round: an immediate swap to the second version (state handed over by
// restore), some live traffic, then a rollback to the warm first version and
// the second retired, so the next round starts from the same incumbents.
while (swaps < SWAPS) {
  const [a, b] = pairs[swaps % pairs.length]!;
  const tier = kernel.registry.get(a).manifest.tier;
  let t = performance.now();
  await kernel.swaps.swap(b, { strategy: 'immediate' }, 'bench');
  swapMs.push(performance.now() - t);
  swaps++;
  await new Promise((r) => setTimeout(r, 30));
  t = performance.now();
  kernel.swaps.rollback(tier, 'bench');
  rollbackMs.push(performance.now() - t);
  await kernel.swaps.retirePrevious(tier, 'bench');
  await new Promise((r) => setTimeout(r, 10));
}
pacing = false;
await swapFeed;
await session.settle();
const status = kernel.status() as Record<string, { sequenceGaps: number; sequenceDuplicates: number; ledger: { inFlight: number; entered: number; handled: number; failsafe: number } }>;
let lost = 0;
let duplicated = 0;
for (const t of TIERS) {
  const s = status[t]!;
  lost += s.sequenceGaps + s.ledger.inFlight + Math.max(0, s.ledger.entered - s.ledger.handled - s.ledger.failsafe);
  duplicated += s.sequenceDuplicates;
}
log(`swaps ${swaps} (+${rollbackMs.length} rollbacks): swap median ${median(swapMs).toFixed(1)} ms, rollback p99 ${percentile(rollbackMs, 99).toFixed(3)} ms; lost ${lost}, duplicated ${duplicated}`);
await session.stop();
await rm(dataDir, { recursive: true, force: true });

// 5. The backtest, in a fresh session.
const bars = (await CsvBarFeed.fromFile(join(repo, 'data', 'sp500-2000.csv'), { symbol: 'SPX' })).next(Number.MAX_SAFE_INTEGER);
const bt = await runBacktest({ bars, modulesDir, capital: 1_000_000, llm });
log(`backtest: ${bt.bars} bars in ${bt.seconds.toFixed(1)} s; return ${(bt.totalReturn * 100).toFixed(2)} %, Sharpe ${bt.sharpe.toFixed(2)}, max DD ${(bt.maxDrawdown * 100).toFixed(2)} %, ${bt.trades} fills`);

emit({
  'pipeline.paper_eps': Math.round(paperEps),
  'pipeline.tick_to_order_p99_ms': round(percentile(tickToOrder, 99), 3),
  'pipeline.tick_to_order_p50_ms': round(median(tickToOrder), 3),
  'pipeline.tick_to_order_orders': tickToOrder.length,
  'kill.halt_ms': round(percentile(haltMs, 99), 3),
  'kill.halt_p50_ms': round(median(haltMs), 3),
  'kill.orders_after_halt': lateOrders,
  'swap.live_swaps': swaps,
  'swap.live_events_lost': lost,
  'swap.live_events_duplicated': duplicated,
  'pipeline.auto_tightenings': autoTightenings,
  'backtest.sp500_s': round(bt.seconds, 2),
  'backtest.sp500_bars': bt.bars,
  'backtest.sp500_total_return': round(bt.totalReturn, 4),
  'backtest.sp500_sharpe': round(bt.sharpe, 3),
});
process.exit(0);

function deadlineIn(ms: number): () => boolean {
  const end = performance.now() + ms;
  return () => performance.now() < end;
}
