/**
 * The kill switch under load: the API on a loopback socket, all seven tiers
 * busy with pass-through modules and continuous ingest, keep-alive clients
 * sending status / health / kill-switch reads; meanwhile POST /api/kill-switch
 * halt, then reset, repeated. Bounded in count and time, loopback only.
 * Usage: node bench/suites/api-kill.ts [--quick] [--isolation inline|worker]
 * Last stdout line: { "api.kill_switch_p99_ms", "api.background_rps", "api.kill_effect_ms", ... }.
 */
import { backgroundReads, httpClient, startLoadedApi } from '../lib/apiLoad.ts';
import { arg, emit, log, quick } from '../lib/suite.ts';
import { median, percentile, round } from '../lib/time.ts';

const CYCLES = quick ? 60 : 1_000;
const WARMUP = quick ? 10 : 50;
const CLIENTS = 32;
const MAX_MS = quick ? 40_000 : 180_000;
const isolation = arg('isolation') === 'inline' ? 'inline' : 'worker';

const h = await startLoadedApi({ isolation });
const deadline = performance.now() + MAX_MS;
let haltedAt = 0;
h.kernel.trading.onChange((t) => {
  if (t.to === 'HALTED') haltedAt = performance.now();
});
let lateOrders = 0;
let halted = false;
h.onSubmit.push((o) => {
  if (halted) lateOrders += o.length;
});

// Let the pipeline and the background clients reach a steady state.
const reads = backgroundReads(h.port, { clients: CLIENTS, total: Number.MAX_SAFE_INTEGER });
const ops = httpClient(h.port, 1);
await new Promise((r) => setTimeout(r, 500));
const readsAtStart = reads.done;
const t0 = performance.now();

const haltMs: number[] = [];
const resetMs: number[] = [];
const effectMs: number[] = [];
let failures = 0;
let cycles = 0;
for (let c = 0; c < CYCLES + WARMUP && performance.now() < deadline; c++) {
  const s0 = performance.now();
  const r = await ops.send('POST', '/api/kill-switch', { mode: 'halt', reason: `bench ${c}` }, h.auth);
  const s1 = performance.now();
  halted = true;
  if (r.status !== 200 || h.kernel.trading.mode !== 'HALTED') failures++;
  halted = false;
  const q = await ops.send('POST', '/api/kill-switch/reset', { reason: `bench ${c}` }, h.auth);
  const s2 = performance.now();
  if (q.status !== 200) failures++;
  if (c >= WARMUP) {
    haltMs.push(s1 - s0);
    resetMs.push(s2 - s1);
    effectMs.push(haltedAt - s0);
    cycles++;
  }
}
const seconds = (performance.now() - t0) / 1000;
const readsDone = reads.done - readsAtStart;
await reads.stop();
ops.close();
const non200 = [...reads.byStatus.entries()].filter(([s]) => s !== 200).reduce((n, [, k]) => n + k, 0);
const persisted = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trading_mode_history');
const ingested = h.ingested;
const orders = h.orders.submitted;
await h.close();

log(`isolation ${isolation}; ${cycles} halt/reset cycles in ${round(seconds, 1)} s (${failures} failures), ${persisted[0]!.n} transitions persisted`);
log(`background: ${readsDone} reads in that time (${round(readsDone / seconds, 0)} req/s, ${non200} non-200, ${reads.errors.length} errors); ${ingested} events ingested, ${orders} orders sent, ${lateOrders} after a halt answer`);
log(`halt   p50 ${round(median(haltMs), 2)} ms  p99 ${round(percentile(haltMs, 99), 2)} ms  max ${round(Math.max(...haltMs), 2)} ms`);
log(`reset  p50 ${round(median(resetMs), 2)} ms  p99 ${round(percentile(resetMs, 99), 2)} ms`);
log(`halt in force (send -> HALTED) p50 ${round(median(effectMs), 3)} ms  p99 ${round(percentile(effectMs, 99), 3)} ms`);
if (failures > 0 || lateOrders > 0) {
  console.error(`kill switch misbehaved: ${failures} failed calls, ${lateOrders} orders after a halt answer`);
  process.exitCode = 1;
}
emit({
  'api.kill_switch_p99_ms': round(percentile(haltMs, 99), 3),
  'api.kill_switch_p50_ms': round(median(haltMs), 3),
  'api.kill_reset_p99_ms': round(percentile(resetMs, 99), 3),
  'api.background_rps': round(readsDone / seconds, 0),
  'api.kill_effect_ms': round(median(effectMs), 3),
  'kill.cycles': cycles,
  'api.orders_after_halt': lateOrders,
});
