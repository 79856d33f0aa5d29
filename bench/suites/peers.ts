/**
 * Peer baselines, measured in the same run as the Helios figures they are compared with.
 *
 * pipeline7.*_eps: events/s through 7 trivial stages (bench/lib/pipeline.ts), one event at a
 * time: each event awaits stage 1..7 in turn and the next event starts when it has left stage 7
 * (sequential awaits, one event in flight). That is the plain reading of DESIGN.md's
 * "plain `await fn()` chain, ~1.1 M/s", it gives every runtime the same shape of work, and it
 * keeps Moleculer's bulkhead (concurrency 10) and opossum's per-call timer out of any queueing
 * effects. Each figure is the median of 5 timed rounds after a warm-up pass.
 *   - raw:       `await stage(e)`, no guards.
 *   - opossum:   `await breaker.fire(e)`, one opossum 10 breaker per stage, timeout 1000 ms,
 *                other options at their defaults (errorThresholdPercentage 50, resetTimeout 30 s).
 *   - moleculer: `await broker.call('sN.run', e)`, 7 local services on one ServiceBroker (no
 *                transporter, logger off) with circuitBreaker, bulkhead and requestTimeout on.
 *
 * swap.cachebust_*: the naive hot-swap, measured in a child process started with --expose-gc
 * (a clean heap, nothing else loaded): a generated ~195 KB ES module imported 200 times as
 * `import(url + '?v=' + i)`, calling its `run()` each time so all of its code is compiled and
 * run. Growth is from just before the first counted import (after one warm-up import, v=0,
 * which pays the loader's one-off cost) to after the last, both after forced GC.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import CircuitBreaker from 'opossum';
import { arg, emit, log, quick, type Figures } from '../lib/suite.ts';
import { forceGc, memMb } from '../lib/mem.ts';
import { median, round } from '../lib/time.ts';
import {
  expectedChecksum,
  measureEps,
  STAGE_COUNT,
  trivialStage,
  type BenchEvent,
  type EpsResult,
} from '../lib/pipeline.ts';

/** Timed events per peer (full: 1e6 each; quick: 2e5 raw, 1e5 for the ~10-40x slower peers). */
const N = quick ? 200_000 : 1_000_000;
const N_GUARDED = quick ? 100_000 : 1_000_000;
/** Warm-up events before timing: 10 % of the timed count. */
const warmupFor = (n: number): number => n / 10;
const ROUNDS = 5;
const SWAPS = 200;
const MODULE_BYTES = 195 * 1024;

type Stage = (e: BenchEvent) => Promise<BenchEvent>;

function report(name: string, r: EpsResult, raw?: EpsResult): void {
  const vsRaw = raw ? `  (${(r.eps / raw.eps).toFixed(3)} x raw)` : '';
  log(
    `${name.padEnd(10)} ${Math.round(r.eps).toLocaleString('en-US').padStart(10)} events/s` +
      `  [rounds ${Math.round(r.minEps).toLocaleString('en-US')} .. ${Math.round(r.maxEps).toLocaleString('en-US')}]${vsRaw}`,
  );
}

async function measureRaw(): Promise<EpsResult> {
  const stages: Stage[] = Array.from({ length: STAGE_COUNT }, () => (e: BenchEvent) => trivialStage(e));
  return measureEps(stages, N, warmupFor(N), ROUNDS);
}

async function measureOpossum(): Promise<EpsResult> {
  const breakers = Array.from(
    { length: STAGE_COUNT },
    () => new CircuitBreaker(trivialStage, { timeout: 1000 }),
  );
  try {
    const stages: Stage[] = breakers.map((b) => (e: BenchEvent) => b.fire(e));
    return await measureEps(stages, N_GUARDED, warmupFor(N_GUARDED), ROUNDS);
  } finally {
    for (const b of breakers) b.shutdown();
  }
}

async function measureMoleculer(): Promise<EpsResult> {
  // Imported here, not at the top: Moleculer patches Promise.prototype (adds `timeout`), which
  // must not be in place while the raw and opossum peers are measured.
  const { ServiceBroker } = await import('moleculer');
  const broker = new ServiceBroker({
    nodeID: 'bench-peers',
    transporter: null,
    logger: false,
    skipProcessEventRegistration: true,
    requestTimeout: 1000,
    circuitBreaker: {
      enabled: true,
      threshold: 0.5,
      windowTime: 60,
      minRequestCount: 20,
      halfOpenTime: 10_000,
    },
    bulkhead: { enabled: true, concurrency: 10, maxQueueSize: 100 },
  });
  for (let i = 1; i <= STAGE_COUNT; i++) {
    broker.createService({
      name: `s${i}`,
      actions: {
        run(ctx: { params: BenchEvent }) {
          return trivialStage(ctx.params);
        },
      },
    });
  }
  await broker.start();
  try {
    const stages: Stage[] = Array.from(
      { length: STAGE_COUNT },
      (_, i) => {
        const action = `s${i + 1}.run`;
        return (e: BenchEvent) => broker.call(action, e) as Promise<BenchEvent>;
      },
    );
    return await measureEps(stages, N_GUARDED, warmupFor(N_GUARDED), ROUNDS);
  } finally {
    await broker.stop();
  }
}

/** A ~195 KB ES module: many small functions and a `run()` that calls all of them. */
function generateModule(targetBytes: number): string {
  const fns: string[] = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    const src =
      `function f${i}(x) { const a = [${i}, ${i * 3 + 1}, ${i * 7 + 2}]; let s = x | 0;` +
      ` for (let j = 0; j < a.length; j++) s = (s * 31 + a[j]) | 0;` +
      ` return s ^ ${(i * 7919) % 65536}; }\n`;
    const call = `  s = (s + f${i}(x)) | 0;\n`;
    fns.push(src);
    size += src.length + call.length;
    i++;
  }
  const calls = fns.map((_, k) => `  s = (s + f${k}(x)) | 0;\n`).join('');
  return `${fns.join('')}export const size = ${i};\nexport function run(x) {\n  let s = 0;\n${calls}  return s;\n}\n`;
}

/** Child mode (`--part cachebust`, under --expose-gc): measure the cache-busting swap. */
async function cachebustChild(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'helios-cachebust-'));
  try {
    const file = join(dir, 'module.mjs');
    const src = generateModule(MODULE_BYTES);
    await writeFile(file, src);
    const url = pathToFileURL(file).href;
    log(`cachebust: module ${(src.length / 1024).toFixed(1)} KB, ${SWAPS} versions`);

    // Warm-up: the first dynamic import pays the ESM loader's one-off setup.
    const warm = (await import(`${url}?v=0`)) as { run: (x: number) => number };
    let sink = warm.run(0);
    await forceGc(4);
    const before = memMb();

    const loadMs: number[] = [];
    for (let v = 1; v <= SWAPS; v++) {
      const t0 = process.hrtime.bigint();
      const mod = (await import(`${url}?v=${v}`)) as { run: (x: number) => number };
      sink ^= mod.run(v);
      loadMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await forceGc(6);
    const after = memMb();
    const rssGrowth = after.rss - before.rss;
    const heapGrowth = after.heap - before.heap;
    log(
      `cachebust: load+run median ${median(loadMs).toFixed(2)} ms; after GC RSS ` +
        `${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MB (+${rssGrowth.toFixed(1)}), heap ` +
        `${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)} MB (+${heapGrowth.toFixed(1)}, ` +
        `${((heapGrowth * 1024) / SWAPS).toFixed(0)} KB per version) [sink ${sink & 1}]`,
    );
    emit({
      'swap.cachebust_rss_growth_mb': round(rssGrowth, 1),
      'swap.cachebust_heap_growth_mb': round(heapGrowth, 1),
      'swap.cachebust_load_ms': round(median(loadMs), 2),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Run the cache-busting measurement in a fresh `--expose-gc` child and return its figures. */
async function measureCachebust(): Promise<Figures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', import.meta.filename, '--part', 'cachebust'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const lines = stdout.trimEnd().split('\n');
  for (const line of lines.slice(0, -1)) log(line);
  return JSON.parse(lines[lines.length - 1]!) as Figures;
}

async function main(): Promise<void> {
  const fmtN = (n: number) => n.toLocaleString('en-US');
  log(`peers: ${STAGE_COUNT} stages, sequential (one event in flight); raw ${fmtN(N)} events,` +
    ` opossum and moleculer ${fmtN(N_GUARDED)} each; ${ROUNDS} timed rounds after a 10 % warm-up`);

  await forceGc();
  const raw = await measureRaw();
  report('raw', raw);

  await forceGc();
  const opossum = await measureOpossum();
  report('opossum', opossum, raw);

  await forceGc();
  const moleculer = await measureMoleculer();
  report('moleculer', moleculer, raw);

  const expected = {
    raw: expectedChecksum(N, warmupFor(N), ROUNDS),
    guarded: expectedChecksum(N_GUARDED, warmupFor(N_GUARDED), ROUNDS),
  };
  for (const [name, r, want] of [
    ['raw', raw, expected.raw],
    ['opossum', opossum, expected.guarded],
    ['moleculer', moleculer, expected.guarded],
  ] as const) {
    if (r.checksum !== want) {
      throw new Error(`${name} checksum ${r.checksum} != expected ${want}: not the same work`);
    }
  }

  const cachebust = await measureCachebust();

  emit({
    'pipeline7.raw_eps': Math.round(raw.eps),
    'pipeline7.opossum_eps': Math.round(opossum.eps),
    'pipeline7.moleculer_eps': Math.round(moleculer.eps),
    ...cachebust,
  });
}

if (arg('part') === 'cachebust') await cachebustChild();
else await main();
