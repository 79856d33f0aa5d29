/**
 * Bench targets, as data. The runner (bench/run.ts) checks each figure named here:
 *
 * - `min` / `max`: bounds on the figure itself, or, with `ratioOf`, on figure / figures[ratioOf].
 * - `ratioOf` without `min`/`max`: the ratio is only printed (e.g. "0.08 x raw"), never checked.
 * - `label`: how the ratio's denominator is printed ("x raw"); defaults to the ratioOf name
 *   without its group and unit suffix.
 *
 * A target whose figure (or ratioOf figure) is missing from the run prints as "missing" and
 * neither passes nor fails. Figures with no entry here print as "baseline" (another target's
 * ratioOf), "peer" (from bench/suites/peers.ts) or "reported".
 */
export interface Target {
  ratioOf?: string;
  min?: number;
  max?: number;
  label?: string;
  note?: string;
}

export const targets: Readonly<Record<string, Target>> = {
  // The 7-tier pipeline, events/s (bench/suites/helios-pipeline.ts vs bench/suites/peers.ts).
  'pipeline7.helios_inline_eps': { ratioOf: 'pipeline7.raw_eps', min: 0.7, label: 'raw' },
  'pipeline7.helios_worker_eps': { ratioOf: 'pipeline7.moleculer_eps', min: 5, label: 'moleculer' },
  'pipeline7.opossum_eps': { ratioOf: 'pipeline7.raw_eps', label: 'raw' },
  'pipeline7.moleculer_eps': { ratioOf: 'pipeline7.raw_eps', label: 'raw' },

  // Flag evaluation (bench/suites/flags.ts).
  'flags.helios_rollout_ns': { ratioOf: 'flags.unleash_client_rollout_ns', max: 0.1, label: 'unleash-client' },
  'flags.agreement': { min: 1, note: 'bucket-for-bucket agreement with unleash-client' },

  // Hot swap (bench/suites/swap.ts), against the cache-busting peer for context.
  'swap.count': { min: 200 },
  'swap.events_lost': { max: 0 },
  'swap.events_duplicated': { max: 0 },
  'swap.cutover_p99_ms': { max: 2, note: 'worst event latency within 20 ms after a flip, over the steady median; compare swap.no_flip_window_p99_ms' },
  'swap.rollback_p99_ms': { max: 1 },
  'swap.rss_growth_mb': { max: 20 },

  // Breakers (bench/suites/breaker.ts).
  'breaker.burst_executed': { max: 100 },

  // The real seven tiers in a paper session (bench/suites/paper.ts).
  'pipeline.paper_eps': { min: 100_000, note: '50 instruments, seven real tiers in workers, every guard on' },
  'pipeline.tick_to_order_p99_ms': { max: 5, note: 'market event in to its order leaving execution, at 10,000 events/s' },
  'kill.halt_ms': { max: 5, note: 'p99, kill-switch call to HALTED and persisted, under 10,000 events/s' },
  'kill.orders_after_halt': { max: 0 },
  'swap.live_events_lost': { max: 0, note: '50 swaps of real tiers during a running session' },
  'swap.live_events_duplicated': { max: 0 },

  // The modules' own computations (bench/suites/modules.ts).
  'modules.features_update_ns': { ratioOf: 'modules.features_reference_ns', label: 'full recomputation' },
  'modules.garch_benchmark_rel_err': { max: 5e-4, note: 'dem2gbp GARCH(1,1) against the published values: four significant digits' },
  'modules.allocator_mv_ms': { ratioOf: 'modules.allocator_merge_ms', label: 'merge' },
  'modules.allocator_bl_ms': { ratioOf: 'modules.allocator_merge_ms', label: 'merge' },

  // Kill switch under API and pipeline load (bench/suites/api-kill.ts).
  'api.kill_switch_p99_ms': { max: 50 },
};
