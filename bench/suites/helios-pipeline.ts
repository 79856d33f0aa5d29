/**
 * Helios on the pipeline7 job: events/s through the seven tiers with every guard the kernel
 * has on: input validation at ingest, output validation and seq provenance at every tier
 * boundary, a circuit breaker per version (deadline = the manifest's), the routing flag of
 * each tier in the flag store, the per-tier ledgers and the order gate. Each tier runs its
 * trivial 1:1 module from bench/modules/<tier>/trivial/: one new object per item in the
 * tier's output schema (price x 1.0001 where it carries one), the tier-shaped counterpart of
 * bench/lib/pipeline.ts's trivialStage.
 *
 *   - pipeline7.helios_inline_eps: every module `isolation: "inline"` (the kernel's thread).
 *   - pipeline7.helios_worker_eps: every module in its own worker thread.
 *   - pipeline7.helios_{inline,worker}_batch: mean items per module call over the timed
 *     rounds (context: batches coalesce while a tier is busy, up to the manifest's maxBatch;
 *     the llm tier splits each batch into per-symbol lanes).
 *
 * Each mode gets a fresh Kernel on a temp data dir. The module folders are copied there with
 * the manifest's `isolation` set for the mode (the only difference), then registered, tested
 * by their own harness and loaded (which writes the helios.route.<tier> flags; the suite
 * checks each exists and routes to the loaded version). Events enter through
 * `kernel.ingest()` in batches of INGEST_BATCH, awaiting the backpressure promise when there
 * is one; a round is timed from its first ingest until all of its orders have reached the
 * gateway. The suite fails unless every seq of every round (warm-up included) reached the
 * gateway exactly once, with no fail-safe output, no failed call, no seq regression and every
 * breaker still closed. The figure is the median of ROUNDS timed rounds after WARMUP rounds
 * (the first rounds run while V8 is still optimising per-tier code). Each round's line also
 * gives CPU time per event, all threads and the kernel's own: on a shared machine a slow
 * round with normal CPU per event was waiting for a core, not working.
 *
 * `--mode inline|worker` measures one mode only (for profiling); the runner measures both.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TIERS, type OrderIntent, type RawMarketEvent } from '../../src/contracts/tiers.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { routeFlagName } from '../../src/swap/routeFlag.ts';
import { arg, emit, log, quick, type Figures } from '../lib/suite.ts';
import { forceGc } from '../lib/mem.ts';
import { median, round } from '../lib/time.ts';
import { makeEvent } from '../lib/pipeline.ts';

type Isolation = 'inline' | 'worker';

const N_PER_ROUND = quick ? 200_000 : 400_000;
const ROUNDS = quick ? 5 : 7;
const WARMUP = quick ? 3 : 3;
const INGEST_BATCH = 512;
const MODULES = fileURLToPath(new URL('../modules/', import.meta.url));
const T0 = 1_700_000_000_000;
const STALL_MS = 20_000;

interface ModeResult {
  eps: number;
  rates: number[];
  batch: number;
}

/** Copies bench/modules/<tier>/trivial to `root`, with the manifest's isolation set to `isolation`. */
async function stageModules(root: string, isolation: Isolation): Promise<string[]> {
  const dirs: string[] = [];
  for (const tier of TIERS) {
    const names = await readdir(join(MODULES, tier));
    if (!names.includes('trivial')) throw new Error(`bench/modules/${tier}/trivial is missing`);
    const dir = join(root, tier, 'trivial');
    await cp(join(MODULES, tier, 'trivial'), dir, { recursive: true });
    const file = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...manifest, isolation }, null, 2));
    dirs.push(dir);
  }
  return dirs;
}

async function measure(isolation: Isolation): Promise<ModeResult> {
  const dataDir = await mkdtemp(join(tmpdir(), `helios-bench-${isolation}-`));
  const total = (WARMUP + ROUNDS) * N_PER_ROUND;
  /** Times each seq reached the gateway; seq s is at index s - 1. */
  const arrived = new Uint8Array(total);
  let orders = 0;
  let waitFor = 0;
  let reached: (() => void) | undefined;
  const kernel = new Kernel({
    dataDir,
    gateway: {
      submit(batch: OrderIntent[]) {
        for (let i = 0; i < batch.length; i++) {
          const s = batch[i]!.seq - 1;
          if (s >= 0 && s < total) arrived[s]!++;
        }
        orders += batch.length;
        if (reached !== undefined && orders >= waitFor) {
          const r = reached;
          reached = undefined;
          r();
        }
      },
    },
  });
  try {
    const keys: string[] = [];
    for (const dir of await stageModules(join(dataDir, 'src'), isolation)) {
      const v = await kernel.registry.register(dir);
      const t = await kernel.swaps.test(v.key, 'bench');
      if (!t.passed) throw new Error(`harness failed for ${v.key}: ${JSON.stringify(t.cases)}`);
      keys.push(v.key);
    }
    await Promise.all(keys.map((k) => kernel.swaps.load(k, 'bench')));
    checkGuards(kernel, keys, isolation);
    // Collected before the warm-up, as peers.ts does: a full GC between warm-up and timing
    // would make the first timed round pay for re-warming what it moved.
    await forceGc();

    const rates: number[] = [];
    let calls0 = 0;
    let items0 = 0;
    let seq = 1;
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      if (r === WARMUP) ({ calls: calls0, items: items0 } = callTotals(kernel));
      const done = new Promise<void>((res) => {
        waitFor = orders + N_PER_ROUND;
        reached = res;
      });
      const cpu0 = process.cpuUsage();
      const main0 = process.threadCpuUsage();
      const t0 = process.hrtime.bigint();
      await drive(kernel, seq, N_PER_ROUND);
      // If the kernel goes idle short of the round's orders, some were lost: fail now, not at the stall timeout.
      const target = waitFor;
      const idleShort = kernel.drain().then(() => {
        if (orders < target) throw new Error(`round ${r + 1}: the kernel is idle with ${target - orders} of its orders missing at the gateway`);
      });
      await stallGuard(Promise.race([done, idleShort]), kernel, r + 1);
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      const main = process.threadCpuUsage(main0);
      seq += N_PER_ROUND;
      if (r >= WARMUP) rates.push(N_PER_ROUND / s);
      // CPU per event tells a slow round on a busy machine from a slow kernel.
      log(
        `${isolation.padEnd(6)} ${r < WARMUP ? 'warm-up' : 'round  '} ${r + 1}: ${fmt(N_PER_ROUND / s).padStart(9)} events/s` +
          `  cpu ${((cpu.user + cpu.system) / N_PER_ROUND).toFixed(2)} us/event (kernel thread ${((main.user + main.system) / N_PER_ROUND).toFixed(2)})`,
      );
    }
    await kernel.drain();
    const { calls, items } = callTotals(kernel);
    checkDelivery(kernel, arrived, total);
    checkGuards(kernel, keys, isolation);
    return { eps: median(rates), rates, batch: (items - items0) / (calls - calls0) };
  } finally {
    await kernel.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Fails the suite with the kernel's state, rather than hang, if a round's orders stop arriving. */
async function stallGuard(done: Promise<void>, kernel: Kernel, round: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`round ${round} stalled for ${STALL_MS} ms; kernel status: ${JSON.stringify(kernel.status())}`)), STALL_MS);
  });
  try {
    await Promise.race([done, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ingests events `first .. first+n-1` (their seqs, as the kernel numbers from 1) in batches. */
async function drive(kernel: Kernel, first: number, n: number): Promise<void> {
  const end = first + n;
  for (let s = first; s < end; s += INGEST_BATCH) {
    const stop = Math.min(end, s + INGEST_BATCH);
    const batch: Omit<RawMarketEvent, 'seq'>[] = [];
    for (let i = s; i < stop; i++) {
      const e = makeEvent(i);
      batch.push({ symbol: e.symbol, ts: T0 + i, kind: 'trade', price: e.price, size: 1 });
    }
    const wait = kernel.ingest(batch);
    if (wait !== undefined) await wait;
  }
}

function callTotals(kernel: Kernel): { calls: number; items: number } {
  let calls = 0;
  let items = 0;
  for (const t of TIERS) {
    for (const d of kernel.stage(t).slot.deployed) {
      calls += d.calls;
      items += d.itemsIn;
    }
  }
  return { calls, items };
}

/** Each tier runs the loaded version, in the right isolation, behind a closed breaker and its routing flag. */
function checkGuards(kernel: Kernel, keys: string[], isolation: Isolation): void {
  const snap = kernel.flags.current();
  TIERS.forEach((t, i) => {
    const slot = kernel.stage(t).slot;
    const d = slot.incumbent;
    if (d === undefined || d.key !== keys[i]) throw new Error(`${t}: expected ${keys[i]} as incumbent, got ${d?.key}`);
    if (d.sandbox.isolation !== isolation) throw new Error(`${t}: ${d.key} runs ${d.sandbox.isolation}, not ${isolation}`);
    if (d.breaker.disposed || d.breaker.state !== 'closed') throw new Error(`${t}: breaker of ${d.key} is ${d.breaker.state}`);
    const flag = routeFlagName(t);
    if (!snap.has(flag)) throw new Error(`routing flag ${flag} is not in the flag store`);
    const v = snap.getVariant(flag, { properties: { symbol: 'AAPL' } });
    if (!v.enabled || v.name !== d.key) throw new Error(`routing flag ${flag} sends AAPL to ${v.name}, not ${d.key}`);
  });
}

/** Every seq exactly once at the gateway; nothing on any fail-safe path; no reordering, no failure. */
function checkDelivery(kernel: Kernel, arrived: Uint8Array, total: number): void {
  let missing = 0;
  let duplicated = 0;
  for (let i = 0; i < total; i++) {
    if (arrived[i] === 0) missing++;
    else if (arrived[i]! > 1) duplicated++;
  }
  const problems: string[] = [];
  if (missing > 0 || duplicated > 0) problems.push(`gateway: ${missing} seqs missing, ${duplicated} duplicated of ${total}`);
  if (kernel.entry.duplicates > 0 || kernel.entry.missing > 0) problems.push(`entry ledger: ${kernel.entry.duplicates} duplicates, ${kernel.entry.missing} missing`);
  if (kernel.orders.sent !== total || kernel.orders.denied !== 0) problems.push(`orders: ${kernel.orders.sent} sent, ${kernel.orders.denied} denied, expected ${total} sent`);
  for (const t of TIERS) {
    const st = kernel.stage(t);
    const l = st.ledger;
    if (l.entered !== total || l.handled !== total || l.failsafe !== 0 || l.regressions !== 0 || l.emitted !== total) {
      problems.push(`${t}: ledger ${JSON.stringify(l.toJSON())}, expected ${total} entered, handled and emitted`);
    }
    for (const d of st.slot.deployed) if (d.failures > 0) problems.push(`${t}: ${d.key} failed ${d.failures} calls (${d.lastError?.message})`);
  }
  if (problems.length > 0) throw new Error(`delivery check failed:\n  ${problems.join('\n  ')}`);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

log(
  `helios-pipeline: 7 tiers, ${fmt(N_PER_ROUND)} events per round, ${WARMUP} warm-up + ${ROUNDS} timed rounds, ingest batches of ${INGEST_BATCH}`,
);
const only = arg('mode');
if (only !== undefined && only !== 'inline' && only !== 'worker') throw new Error(`--mode must be inline or worker, not ${only}`);
const modes: Isolation[] = only === undefined ? ['inline', 'worker'] : [only];
const figures: Figures = {};
for (const mode of modes) {
  const r = await measure(mode);
  log(`${mode} ${fmt(r.eps)} events/s (median; rounds ${r.rates.map(fmt).join(', ')}), mean batch ${r.batch.toFixed(1)}`);
  figures[`pipeline7.helios_${mode}_eps`] = Math.round(r.eps);
  figures[`pipeline7.helios_${mode}_batch`] = round(r.batch, 1);
}
emit(figures);
