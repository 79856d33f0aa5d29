/**
 * Circuit breaker benchmark: Helios against opossum 10, same process, same run.
 * Usage: node bench/suites/breaker.ts [--quick]
 * The last stdout line is one JSON object of `breaker.*` figures; lines before it are for people.
 */
import Opossum from 'opossum';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.ts';

const quick = process.argv.includes('--quick');
const BURST = 10_000;
const CHUNK = 100_000;
// 1e6 calls per contender in quick mode; three times that otherwise, for a steadier median.
const CHUNKS = quick ? 5 : 30;

const results: Record<string, number> = {};
const report = (key: string, value: number, unit: string, note = ''): void => {
  results[key] = value;
  console.log(`${key.padEnd(36)} ${String(value).padStart(10)} ${unit}${note ? `  (${note})` : ''}`);
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 0): number => Number(x.toFixed(digits));

/** Starts `BURST` failing calls in one tick through `guard` and counts how many actually ran. */
async function burst(guard: (failing: () => Promise<never>) => { fire: () => Promise<unknown>; close: () => void }) {
  let executed = 0;
  const g = guard(async () => {
    executed++;
    throw new Error('boom');
  });
  const t0 = performance.now();
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < BURST; i++) calls.push(g.fire());
  await Promise.allSettled(calls);
  const ms = performance.now() - t0;
  g.close();
  return { executed, ms };
}

async function burstFigures(): Promise<void> {
  const h = await burst((failing) => {
    const b = new CircuitBreaker({ name: 'bench/burst', timeoutMs: 10_000 }); // defaults otherwise
    return { fire: () => b.execute(failing), close: () => b.dispose() };
  });
  const o = await burst((failing) => {
    const b = new Opossum(failing); // all defaults
    return { fire: () => b.fire(), close: () => b.shutdown() };
  });
  report('breaker.burst_executed', h.executed, `of ${BURST} calls ran`, `${round(h.ms, 1)} ms to settle all`);
  report('breaker.burst_executed_opossum', o.executed, `of ${BURST} calls ran`, `${round(o.ms, 1)} ms to settle all`);
  results['breaker.burst_ms'] = round(h.ms, 1);
  results['breaker.burst_ms_opossum'] = round(o.ms, 1);
}

/** Per-call cost of plain await, Helios and opossum, interleaved chunk by chunk so drift hits all three alike. */
async function overheadFigures(): Promise<void> {
  const trivial = async (): Promise<number> => 1;
  const helios = new CircuitBreaker({ name: 'bench/overhead', timeoutMs: 10_000 }); // opossum's default deadline
  const opossum = new Opossum(trivial); // defaults: 10 s timeout, 10 s window, snapshots on
  const contenders: Record<'plain' | 'helios' | 'opossum', () => Promise<unknown>> = {
    plain: () => trivial(),
    helios: () => helios.execute(trivial),
    opossum: () => opossum.fire(),
  };
  const perCall: Record<string, number[]> = { plain: [], helios: [], opossum: [] };
  for (const run of Object.values(contenders)) for (let i = 0; i < 20_000; i++) await run(); // warm-up
  for (let c = 0; c < CHUNKS; c++) {
    for (const [name, run] of Object.entries(contenders)) {
      const t0 = performance.now();
      for (let i = 0; i < CHUNK; i++) await run();
      perCall[name]!.push(((performance.now() - t0) * 1e6) / CHUNK);
    }
  }
  const plain = median(perCall.plain!);
  report('breaker.plain_await_ns', round(plain), 'ns per call', `median of ${CHUNKS} chunks of ${CHUNK}`);
  report('breaker.helios_execute_ns', round(median(perCall.helios!) - plain), 'ns added per call', `min chunk ${round(Math.min(...perCall.helios!) - plain)}`);
  report('breaker.opossum_fire_ns', round(median(perCall.opossum!) - plain), 'ns added per call', `min chunk ${round(Math.min(...perCall.opossum!) - plain)}`);

  // Both windows now hold every call just made (10 s windows): what does one stats read cost?
  const fastestRead = (read: () => unknown): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      read();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const inWindow = { helios: helios.stats().successes, opossum: opossum.stats.successes };
  report('breaker.stats_read_ms', round(fastestRead(() => helios.stats()), 4), 'ms', `${inWindow.helios} calls in window, best of 3`);
  report('breaker.stats_read_ms_opossum', round(fastestRead(() => opossum.stats), 3), 'ms', `${inWindow.opossum} calls in window, best of 3`);
  helios.dispose();
  opossum.shutdown();
}

/** Timers a breaker schedules just by existing (opossum unrefs them, so they are counted at creation). */
function idleTimerFigures(): void {
  const n = 1_000;
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval };
  let scheduled = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => (scheduled++, real.setTimeout(...args))) as typeof setTimeout;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => (scheduled++, real.setInterval(...args))) as typeof setInterval;
  try {
    const helios = Array.from({ length: n }, (_, i) => new CircuitBreaker({ name: `idle/${i}`, timeoutMs: 1_000 }));
    const heliosTimers = scheduled;
    const opossum = Array.from({ length: n }, () => new Opossum(async () => 1));
    const opossumTimers = scheduled - heliosTimers;
    for (const b of helios) b.dispose();
    for (const b of opossum) b.shutdown();
    report('breaker.idle_timers_per_breaker', heliosTimers / n, 'timers');
    report('breaker.idle_timers_per_breaker_opossum', opossumTimers / n, 'timers');
  } finally {
    Object.assign(globalThis, real);
  }
}

console.log(`circuit breaker bench (${quick ? 'quick' : 'full'}), node ${process.version}`);
idleTimerFigures();
await burstFigures();
await overheadFigures();
console.log(JSON.stringify(results));
