/**
 * Swaps under load. A stateful worker module in the features tier is replaced
 * 200 times (immediate strategy: state handed over at a batch boundary, then
 * a synchronous flip) while events arrive at >= 20,000/s; every fourth swap is
 * followed by a rollback to the warm previous version. Loss and duplication
 * are checked by sequence number over every event; latency is end to end,
 * from ingest to the features tier's output.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Envelope } from '../../src/contracts/tiers.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { forceGc, memMb } from '../lib/mem.ts';
import { emit, log, quick } from '../lib/suite.ts';
import { percentile, median } from '../lib/time.ts';

const SWAPS = 200;
/** Swaps before the RSS baseline: the first worker starts grow glibc's per-thread arenas once (~20-40 MB), then RSS is flat. */
const WARMUP_SWAPS = 20;
/** Quiet time after each flip, so the next swap's worker start is not counted as cut-over latency. */
const AFTER_FLIP_MS = 25;
const RATE = 25_000; // events/s offered
const TICK_MS = 5;
const SYMBOLS = 50;
const here = new URL('../modules/swap/', import.meta.url).pathname;

const dataDir = await mkdtemp(join(tmpdir(), 'helios-bench-swap-'));
const kernel = new Kernel({ dataDir, rollbackWindowMs: 30, requireTests: false });

async function versionDir(i: number): Promise<string> {
  const dir = join(dataDir, 'src', `counter-${i}`);
  await cp(join(here, 'counter'), dir, { recursive: true });
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { version: string };
  m.version = `1.0.${i}`;
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

// Register every version up front: registration cost is not swap cost.
const keys: string[] = [];
for (let i = 0; i <= SWAPS + WARMUP_SWAPS; i++) keys.push((await kernel.registry.register(await versionDir(i))).key);
const ingest = await kernel.registry.register(join(here, 'ingest'));
await kernel.swaps.load(ingest.key, 'bench');
await kernel.swaps.load(keys[0]!, 'bench');

// End-to-end latency by seq: ingest time in, features output out.
const sentAt = new Float64Array(8_000_000);
const seen = new Uint8Array(8_000_000);
let outputs = 0;
let maxSeq = 0;
// Preallocated and touched before the RSS baseline, so the bench's own bookkeeping is not counted as growth.
const MAX_SAMPLES = 4_000_000;
const latAt = new Float64Array(MAX_SAMPLES).fill(0);
const latMs = new Float64Array(MAX_SAMPLES).fill(0);
sentAt.fill(0);
seen.fill(0);
let samples = 0;
kernel.tap('features', (items: readonly Envelope[]) => {
  const now = performance.now();
  for (const it of items) {
    seen[it.seq]!++;
    outputs++;
    if (samples < MAX_SAMPLES) {
      latAt[samples] = now;
      latMs[samples++] = now - sentAt[it.seq]!;
    }
  }
});

let running = true;
let offered = 0;
const feedStart = performance.now();
const feeder = (async () => {
  let t = 1_700_000_000_000;
  while (running) {
    const due = Math.floor(((performance.now() - feedStart) / 1000) * RATE) - offered;
    if (due > 0) {
      const batch = [];
      const now = performance.now();
      for (let i = 0; i < due; i++) batch.push({ symbol: `S${(offered + i) % SYMBOLS}`, ts: t++, kind: 'trade' as const, price: 100 + ((offered + i) % 17), size: 1 });
      const first = kernel.sequencer.next;
      for (let s = first; s < first + due; s++) sentAt[s] = now;
      const w = kernel.ingest(batch);
      offered += due;
      maxSeq = first + due - 1;
      if (w !== undefined) await w;
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
})();

await new Promise((r) => setTimeout(r, 500));
const rssStart = memMb().rss;
for (let i = 1; i <= WARMUP_SWAPS; i++) await kernel.swaps.swap(keys[SWAPS + i]!, { strategy: 'immediate' }, 'bench');
await new Promise((r) => setTimeout(r, 100));
await forceGc();
const rssBefore = memMb().rss;
const measureFrom = performance.now();
const flips: number[] = [];
const rollbacks: number[] = [];
let promoted = 0;
const t0 = performance.now();
for (let i = 1; i <= SWAPS; i++) {
  const r = await kernel.swaps.swap(keys[i]!, { strategy: 'immediate' }, 'bench');
  if (r.state !== 'promoted') throw new Error(`swap ${i} ended ${r.state}: ${r.reason}`);
  promoted++;
  flips.push(performance.now());
  await new Promise((r) => setTimeout(r, AFTER_FLIP_MS));
  if (i % 4 === 0) {
    const s = performance.now();
    kernel.swaps.rollback('features', 'bench');
    rollbacks.push(performance.now() - s);
    flips.push(performance.now());
    await new Promise((r) => setTimeout(r, AFTER_FLIP_MS));
  }
  // Let the rollback window lapse on some swaps, so retirement runs under load too.
  if (i % 10 === 0) await new Promise((r) => setTimeout(r, 40));
  if (i % 50 === 0) log(`after ${i} swaps: rss ${memMb().rss.toFixed(1)} MB, heap ${memMb().heap.toFixed(1)} MB (no forced GC)`);
}
const swapSeconds = (performance.now() - t0) / 1000;
await new Promise((r) => setTimeout(r, 200));
running = false;
await feeder;
await kernel.drain();
await kernel.swaps.retirePrevious('features', 'bench');
await forceGc();
const rssAfter = memMb().rss;

let lost = 0;
let duplicated = 0;
for (let s = 1; s <= maxSeq; s++) {
  if (seen[s] === 0) lost++;
  else if (seen[s]! > 1) duplicated += seen[s]! - 1;
}

// Added latency at cut-over: the worst event latency within 20 ms after each flip, over the steady median.
// Steady state and overall tail over the measured phase (after warm-up), every event included.
let firstMeasured = 0;
while (firstMeasured < samples && latAt[firstMeasured]! < measureFrom) firstMeasured++;
const measured = Array.from(latMs.subarray(firstMeasured, samples));
const steady = median(measured);
const tailP99 = percentile(measured, 99);
const added: number[] = [];
let j = 0;
for (const f of flips) {
  while (j < samples && latAt[j]! < f) j++;
  let worst = 0;
  for (let k = j; k < samples && latAt[k]! < f + 20; k++) worst = Math.max(worst, latMs[k]!);
  added.push(Math.max(0, worst - steady));
  if (process.env.SWAP_TRACE && worst - steady > 1.5) {
    let at = 0;
    for (let k = j; k < samples && latAt[k]! < f + 20; k++) if (latMs[k] === worst) at = latAt[k]! - f;
    log(`flip ${added.length}: +${(worst - steady).toFixed(2)} ms, worst event ${at.toFixed(2)} ms after the flip`);
  }
}
// Control, same run: the same statistic over the 20 ms just before each flip (candidate already
// shadowing, no flip), so the cut-over figure can be read against the pipeline's own jitter.
const control: number[] = [];
let c = 0;
for (const f of flips) {
  while (c < samples && latAt[c]! < f - 21) c++;
  let worst = 0;
  for (let k = c; k < samples && latAt[k]! < f - 1; k++) worst = Math.max(worst, latMs[k]!);
  control.push(Math.max(0, worst - steady));
}
const loadEps = offered / ((performance.now() - feedStart) / 1000);

log(`swaps ${promoted} in ${swapSeconds.toFixed(1)} s under ${Math.round(loadEps)} events/s offered; ${maxSeq} events, ${outputs} outputs`);
log(`lost ${lost}, duplicated ${duplicated}; steady latency median ${steady.toFixed(2)} ms; cut-over added p50 ${percentile(added, 50).toFixed(2)} / p99 ${percentile(added, 99).toFixed(2)} ms (same statistic with no flip: p99 ${percentile(control, 99).toFixed(2)} ms)`);
log(`rollbacks ${rollbacks.length}: p99 ${percentile(rollbacks, 99).toFixed(3)} ms; RSS ${rssStart.toFixed(1)} -> (${WARMUP_SWAPS} warm-up swaps) ${rssBefore.toFixed(1)} -> ${rssAfter.toFixed(1)} MB; event latency p99 over the whole swap phase ${tailP99.toFixed(2)} ms`);
await kernel.stop();
await rm(dataDir, { recursive: true, force: true });
emit({
  'swap.count': promoted,
  'swap.events': maxSeq,
  'swap.load_eps': Math.round(loadEps),
  'swap.events_lost': lost,
  'swap.events_duplicated': duplicated,
  'swap.cutover_p50_ms': percentile(added, 50),
  'swap.cutover_p99_ms': percentile(added, 99),
  'swap.no_flip_window_p99_ms': percentile(control, 99),
  'swap.rollback_p99_ms': percentile(rollbacks, 99),
  'swap.rss_growth_mb': rssAfter - rssBefore,
  'swap.rss_warmup_mb': rssBefore - rssStart,
  'swap.latency_p99_ms': tailP99,
});
