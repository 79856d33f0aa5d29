/**
 * Helios main job on embedded defaults: registers and tests every module in
 * modules/, loads one version per tier, and runs a seeded synthetic market
 * feed through the seven tiers into a paper gateway, printing a summary line
 * every few seconds. Ctrl-C stops the feed, drains, and exits.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TIERS, type Envelope } from './src/contracts/tiers.ts';
import { ControlPlane } from './src/control/ControlPlane.ts';
import { SyntheticFeed } from './src/feed/SyntheticFeed.ts';
import { InstantFillGateway } from './src/paper/InstantFillGateway.ts';
import { readConfig } from './src/config.ts';

const cfg = readConfig(process.env);
const gateway = new InstantFillGateway();
const cp = await ControlPlane.start({
  dataDir: cfg.dataDir,
  databaseUrl: cfg.databaseUrl,
  flagsDir: cfg.flagsDir,
  modulesDir: resolve('modules'),
  apiToken: cfg.apiToken,
  listen: { host: cfg.host, port: cfg.port },
  kernel: { gateway, exposure: (s) => gateway.exposure(s) },
  logger: { log: (level, msg, data) => level !== 'debug' && console.log(`[${level}] ${msg}`, data ?? '') },
});
const kernel = cp.kernel;
console.log(`API ${cp.address} | OpenAPI ${cp.address}/docs | token ${cp.token.path ?? 'from HELIOS_API_TOKEN'} | database ${cp.db.kind}`);
if (cp.restoredReport.deployed.length > 0) console.log(`restored ${cp.restoredReport.deployed.length} deployed versions; trading ${cp.restoredReport.trading}`);

const modulesDir = resolve('modules');
for (const tier of TIERS) {
  const names = (await readdir(join(modulesDir, tier)).catch(() => [])).sort();
  let loaded = false;
  for (const name of names) {
    const v = await cp.register(join(modulesDir, tier, name), 'main');
    if (kernel.stage(tier).slot.incumbent !== undefined) {
      loaded = true; // restored from the last run
      continue;
    }
    const r = await cp.test(v.key, 'main');
    if (!r.passed) {
      console.error(`${v.key}: harness failed`, r.cases.flatMap((c) => c.failures));
      continue;
    }
    if (!loaded) {
      await kernel.swaps.load(v.key, 'main');
      loaded = true;
      console.log(`${tier.padEnd(10)} ${v.key} (${v.manifest.isolation}, sha256 ${v.sha256.slice(0, 12)})`);
    }
  }
  if (!loaded) console.log(`${tier.padEnd(10)} (no module: running on its fail-safe)`);
}

const feed = new SyntheticFeed({ symbols: cfg.symbols, seed: cfg.seed, start: Date.UTC(2026, 0, 5, 14, 30) });
kernel.tap('ingestion', (items: readonly Envelope[]) => {
  for (const e of items as unknown as { symbol: string; price: number }[]) gateway.mark(e.symbol, e.price);
});

let running = true;
let events = 0;
const started = performance.now();
const feeding = (async () => {
  const tickMs = 10;
  while (running) {
    const due = Math.floor(((performance.now() - started) / 1000) * cfg.rate) - events;
    if (due > 0) {
      const w = kernel.ingest(feed.next(due));
      events += due;
      if (w !== undefined) await w;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
})();

let lastEvents = 0;
let lastAt = performance.now();
function summary(): string {
  const now = performance.now();
  const eps = ((events - lastEvents) * 1000) / (now - lastAt);
  lastEvents = events;
  lastAt = now;
  return `events/s ${Math.round(eps)} | events ${events} | orders ${kernel.orders.sent} (denied ${kernel.orders.denied}) | open positions ${gateway.openPositions()} | P&L ${gateway.pnl().toFixed(2)} | trading ${kernel.trading.mode}`;
}
const ticker = setInterval(() => console.log(summary()), cfg.summaryMs);

async function shutdown(reason: string): Promise<void> {
  if (!running) return;
  running = false;
  clearInterval(ticker);
  console.log(`stopping (${reason}): feed stopped, draining in-flight batches...`);
  await feeding;
  await cp.stop();
  console.log(summary());
  const bad = TIERS.map((t) => kernel.stage(t).ledger).reduce((n, l) => n + l.regressions + l.inFlight, 0);
  console.log(`sequence check: ${kernel.entry.missing} gaps, ${kernel.entry.duplicates} duplicates at entry, ${bad} regressions or stranded items across tiers`);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
if (cfg.durationS > 0) setTimeout(() => void shutdown(`HELIOS_DURATION_S=${cfg.durationS}`), cfg.durationS * 1000);
console.log(`Helios running: ${cfg.symbols} instruments at ${cfg.rate} events/s, data in ${cfg.dataDir}. Ctrl-C to stop.`);
