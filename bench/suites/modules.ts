/**
 * What the real modules' own computations cost, each against a baseline in
 * the same run:
 *
 * - modules.features_update_ns: FeatureEngine.update + values() per candle
 *   (31 features), against modules.features_reference_ns, the independent
 *   full-window recomputation the tests check it against, per candle over
 *   the same S&P 500 bars.
 * - modules.garch_fit_ms: GARCH(1,1) maximum likelihood on the 1,974
 *   dem2gbp returns (median of repeated fits), with the fitted parameters'
 *   largest relative distance from the published benchmark.
 * - modules.allocator_mv_ms / modules.allocator_bl_ms: one allocator batch of
 *   320 reviews over 64 symbols (5 sources) with 120 returns of history,
 *   median of the last 10 of 130 batches, against modules.allocator_merge_ms.
 *
 * Usage: node bench/suites/modules.ts [--quick]
 */
import { fitGarch11 } from '../../modules/lib/risk/garch.ts';
import { FeatureEngine } from '../../modules/lib/indicators/FeatureEngine.ts';
import type { Review } from '../../src/contracts/tiers.ts';
import { allocator, review } from '../../tests/portfolio/allocatorFixtures.ts';
import { sp500Bars } from '../../tests/reference/featureSeries.ts';
import { referenceFeatures } from '../../tests/reference/indicatorsReference.ts';
import { DEM2GBP_REFERENCE, loadDem2gbp } from '../../tests/risk/dem2gbp.ts';
import { emit, log, quick } from '../lib/suite.ts';
import { median, round } from '../lib/time.ts';

// Features: incremental against full recomputation, same bars.
const bars = sp500Bars(quick ? 1_000 : 5_000);
const rounds = quick ? 3 : 10;
let sink = 0;
const incremental: number[] = [];
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const e = new FeatureEngine();
  const out: Record<string, number> = {};
  for (const b of bars) {
    e.update(b);
    sink += e.values(out).rsi14 ?? 0;
  }
  incremental.push(((performance.now() - t0) * 1e6) / bars.length);
}
const refBars = bars.slice(0, quick ? 300 : 1_000);
const t0 = performance.now();
sink += referenceFeatures(refBars).length;
const referenceNs = ((performance.now() - t0) * 1e6) / refBars.length;
log(`features: incremental ${median(incremental).toFixed(0)} ns/candle, reference ${referenceNs.toFixed(0)} ns/candle`);

// GARCH on the benchmark series.
const returns = loadDem2gbp();
const fits: number[] = [];
let worst = 0;
for (let i = 0; i < (quick ? 3 : 10); i++) {
  const t = performance.now();
  const f = fitGarch11(returns);
  fits.push(performance.now() - t);
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  worst = Math.max(rel(f.mu, DEM2GBP_REFERENCE.mu), rel(f.omega, DEM2GBP_REFERENCE.omega), rel(f.alpha, DEM2GBP_REFERENCE.alpha), rel(f.beta, DEM2GBP_REFERENCE.beta));
}
log(`garch: median fit ${median(fits).toFixed(1)} ms, largest relative distance from the benchmark ${worst.toExponential(2)}`);

// Allocator at its largest size.
async function allocatorBatchMs(method: 'merge' | 'mean-variance' | 'black-litterman'): Promise<number> {
  const a = allocator({ method, minHistory: 20 });
  const symbols = Array.from({ length: 64 }, (_, i) => `S${String(i).padStart(2, '0')}`);
  const sources = ['ml:logistic', 'ml:mlp', 'sma-cross', 'bollinger-reversion', 'momentum-breakout'];
  let seq = 0;
  const times: number[] = [];
  for (let t = 1; t <= 130; t++) {
    const batch: Review[] = [];
    for (const [k, s] of symbols.entries()) {
      seq++;
      const price = 100 * Math.exp(0.01 * Math.sin(t * (k + 1) * 0.37) + 0.003 * Math.cos(t * 0.11));
      for (const [j, source] of sources.entries()) {
        const up = Math.sin(t * 0.05 + k + j) > 0;
        batch.push(review({ seq, symbol: s, ts: t * 60_000, price, source, side: up ? 'buy' : 'sell', quantity: 50, verdict: (seq + j) % 9 === 0 ? 'REJECT' : 'APPROVE', confidence: 0.55 + 0.4 * Math.abs(Math.sin(k + j + t)) }));
      }
    }
    const s0 = performance.now();
    await a.feed(batch);
    if (t > 120) times.push(performance.now() - s0);
  }
  return median(times);
}
const mergeMs = await allocatorBatchMs('merge');
const mvMs = await allocatorBatchMs('mean-variance');
const blMs = await allocatorBatchMs('black-litterman');
log(`allocator, 320 reviews x 64 symbols: merge ${mergeMs.toFixed(2)} ms, mean-variance ${mvMs.toFixed(2)} ms, Black-Litterman ${blMs.toFixed(2)} ms`);
if (sink === 42) log('');

emit({
  'modules.features_update_ns': round(median(incremental), 1),
  'modules.features_reference_ns': round(referenceNs, 1),
  'modules.garch_fit_ms': round(median(fits), 2),
  'modules.garch_benchmark_rel_err': worst,
  'modules.allocator_merge_ms': round(mergeMs, 3),
  'modules.allocator_mv_ms': round(mvMs, 3),
  'modules.allocator_bl_ms': round(blMs, 3),
});
