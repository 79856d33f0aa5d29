/**
 * The shared 7-stage workload for pipeline7.* figures, so every runtime (raw, opossum,
 * Moleculer, Helios) does exactly the same work per event and the same checksum comes out.
 */

/** One market event as it flows through the trivial stages. */
export interface BenchEvent {
  seq: number;
  symbol: string;
  price: number;
}

export const STAGE_COUNT = 7;

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOG', 'META', 'TSLA', 'JPM'] as const;

/** Event number `seq` (deterministic: same seq, same event). */
export function makeEvent(seq: number): BenchEvent {
  return { seq, symbol: SYMBOLS[seq & 7]!, price: 100 + (seq % 1000) * 0.01 };
}

/** The trivial stage: returns a new, same-shaped object; the same work in every peer. */
export async function trivialStage(e: BenchEvent): Promise<BenchEvent> {
  return { seq: e.seq, symbol: e.symbol, price: e.price * 1.0001 };
}

/** The synchronous body of `trivialStage`, for runtimes that wrap a plain function. */
export function trivialStageSync(e: BenchEvent): BenchEvent {
  return { seq: e.seq, symbol: e.symbol, price: e.price * 1.0001 };
}

/**
 * Push events `firstSeq .. firstSeq+n-1` one at a time through `stages` (sequential awaits:
 * event i+1 enters stage 1 after event i has left stage 7; one event in flight). Returns the
 * sum of the final prices (a checksum that also keeps the work observable).
 */
export async function driveSequential(
  stages: ReadonlyArray<(e: BenchEvent) => Promise<BenchEvent>>,
  firstSeq: number,
  n: number,
): Promise<number> {
  let sum = 0;
  const end = firstSeq + n;
  const k = stages.length;
  for (let seq = firstSeq; seq < end; seq++) {
    let x = makeEvent(seq);
    for (let s = 0; s < k; s++) x = await stages[s]!(x);
    if (x.seq !== seq) throw new Error(`seq mismatch: ${x.seq} != ${seq}`);
    sum += x.price;
  }
  return sum;
}

/** Result of `measureEps`: median events/s over rounds, plus spread and checksum. */
export interface EpsResult {
  eps: number;
  minEps: number;
  maxEps: number;
  checksum: number;
}

/**
 * Warm `stages` up with `warmup` events, then time `rounds` rounds of `n / rounds` events each
 * with `driveSequential`, and return the median round rate (robust to a burst of contention
 * from other processes on the machine). Sequence numbers never repeat within a call: warm-up uses
 * 0.., timed rounds continue from `warmup`, so every peer sees the same events and the same
 * checksum (sum over the timed events).
 */
export async function measureEps(
  stages: ReadonlyArray<(e: BenchEvent) => Promise<BenchEvent>>,
  n: number,
  warmup: number,
  rounds = 5,
): Promise<EpsResult> {
  await driveSequential(stages, 0, warmup);
  const per = Math.floor(n / rounds);
  const rates: number[] = [];
  let checksum = 0;
  let seq = warmup;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    checksum += await driveSequential(stages, seq, per);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(per / s);
    seq += per;
  }
  rates.sort((a, b) => a - b);
  return {
    eps: rates[Math.floor(rates.length / 2)]!,
    minEps: rates[0]!,
    maxEps: rates[rates.length - 1]!,
    checksum,
  };
}

/**
 * The checksum `measureEps(stages, n, warmup, rounds)` must return when each stage does
 * `trivialStage`'s work, computed synchronously: proof that a runtime did the same work.
 */
export function expectedChecksum(n: number, warmup: number, rounds = 5): number {
  const per = Math.floor(n / rounds);
  let checksum = 0;
  let seq = warmup;
  for (let r = 0; r < rounds; r++) {
    let sum = 0;
    for (let i = 0; i < per; i++, seq++) {
      let x = makeEvent(seq);
      for (let s = 0; s < STAGE_COUNT; s++) x = trivialStageSync(x);
      sum += x.price;
    }
    checksum += sum;
  }
  return checksum;
}
