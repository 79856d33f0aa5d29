/**
 * Helios main job on embedded defaults (PGlite, flag files, no external
 * server): registers and tests every module in modules/, loads each tier's
 * default version (or the versions the last run left deployed), and runs a
 * paper-trading session: a market feed through the seven tiers into the
 * paper broker, with the API and /docs listening. Prints a summary line every
 * few seconds; Ctrl-C stops the feed, drains in-flight batches, persists and
 * exits.
 */
import { resolve } from 'node:path';
import { TIERS } from './src/contracts/tiers.ts';
import { readConfig } from './src/config.ts';
import { CsvBarFeed } from './src/feed/CsvBarFeed.ts';
import { SyntheticFeed } from './src/feed/SyntheticFeed.ts';
import { WebSocketFeed } from './src/feed/WebSocketFeed.ts';
import { llmConfigFromEnv } from './src/llm/index.ts';
import { runPaced, type EventSource } from './src/session/pacedFeed.ts';
import { TradingSession } from './src/session/TradingSession.ts';

const cfg = readConfig(process.env);
const llm = llmConfigFromEnv(process.env);
const session = await TradingSession.start({
  dataDir: cfg.dataDir,
  databaseUrl: cfg.databaseUrl,
  flagsDir: cfg.flagsDir,
  modulesDir: resolve('modules'),
  apiToken: cfg.apiToken,
  listen: { host: cfg.host, port: cfg.port },
  capital: cfg.capital,
  llm,
  logger: { log: (level, msg, data) => level !== 'debug' && console.log(`[${level}] ${msg}`, data ?? '') },
});
const { cp, kernel, book } = session;
console.log(`API ${cp.address} | OpenAPI ${cp.address}/docs | token ${cp.token.path ?? 'from HELIOS_API_TOKEN'} | database ${cp.db.kind} | llm ${llm.provider}`);
for (const t of session.deployed.tiers) console.log(`${t.tier.padEnd(10)} ${t.key ?? '(no module: running on its fail-safe)'}${t.from === 'restored' ? ' (restored from the last run)' : ''}`);
for (const f of session.deployed.failedTests) console.error(`${f.key}: harness failed`, f.failures);
const open = book.openOrders().length;
if (book.positions().length > 0 || open > 0) console.log(`book restored: ${book.positions().length} positions, ${open} working orders; trading ${kernel.trading.mode}`);

let running = true;
let events = 0;
let feeding: Promise<unknown>;
let wsFeed: WebSocketFeed | undefined;
if (cfg.feed === 'ws') {
  wsFeed = new WebSocketFeed({ url: cfg.feedUrl!, onEvents: (evs) => void session.ingest(evs), log: (m) => console.log(`[feed] ${m}`) });
  wsFeed.start();
  feeding = Promise.resolve();
} else {
  // A restarted session's market carries on from where the book last saw it: event time after its last event, prices from its last marks.
  const start = Math.max(Date.UTC(2026, 0, 5, 14, 30), book.snapshot().asOf + cfg.eventMs);
  const source: EventSource =
    cfg.feed === 'csv'
      ? await CsvBarFeed.fromFile(cfg.csv, {})
      : new SyntheticFeed({ symbols: cfg.symbols, seed: cfg.seed + Math.floor(start / 1000), start, eventMs: cfg.eventMs, initialPrices: book.marks() });
  feeding = runPaced(source, (e) => session.ingest(e), cfg.rate, () => running, (n) => (events += n)).then((how) => {
    if (how === 'exhausted') console.log('feed exhausted; Ctrl-C to stop (the API stays up)');
  });
}

let lastEvents = 0;
let lastAt = performance.now();
function summary(): string {
  const now = performance.now();
  const eps = ((events - lastEvents) * 1000) / (now - lastAt);
  lastEvents = events;
  lastAt = now;
  const a = book.snapshot();
  const openPositions = Object.values(a.positions).filter((p) => p.quantity !== 0).length;
  return (
    `events/s ${Math.round(eps)} | events ${events} | open positions ${openPositions} | P&L ${(a.equity - cfg.capital).toFixed(2)} ` +
    `(day ${a.dailyPnl.toFixed(2)}, fees ${a.fees.toFixed(2)}) | orders ${kernel.orders.sent} sent, ${kernel.orders.denied} denied | ` +
    `quarantined ${session.quarantine.total} | trading ${kernel.trading.mode}`
  );
}
const ticker = setInterval(() => console.log(summary()), cfg.summaryMs);

async function shutdown(reason: string): Promise<void> {
  if (!running) return;
  running = false;
  clearInterval(ticker);
  console.log(`stopping (${reason}): feed stopped, draining in-flight batches...`);
  wsFeed?.stop();
  await feeding;
  await session.stop();
  console.log(summary());
  const status = kernel.status() as Record<string, { sequenceGaps: number; sequenceDuplicates: number; ledger: { inFlight: number } }>;
  const gaps = TIERS.reduce((n, t) => n + status[t]!.sequenceGaps, 0);
  const dups = TIERS.reduce((n, t) => n + status[t]!.sequenceDuplicates, 0);
  const stranded = TIERS.reduce((n, t) => n + status[t]!.ledger.inFlight, 0);
  console.log(`sequence check: ${gaps} gaps, ${dups} duplicates, ${stranded} stranded items across tiers`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
if (cfg.durationS > 0) setTimeout(() => void shutdown(`HELIOS_DURATION_S=${cfg.durationS}`), cfg.durationS * 1000);
console.log(`Helios running: ${cfg.feed} feed${cfg.feed === 'synthetic' ? `, ${cfg.symbols} instruments` : ''} at ${cfg.rate} events/s, data in ${cfg.dataDir}. Ctrl-C to stop.`);
