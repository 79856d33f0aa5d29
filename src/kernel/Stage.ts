import type { Envelope } from '../contracts/tiers.ts';
import { SequenceLedger } from './SequenceLedger.ts';
import type { Slot } from './Slot.ts';

export type Downstream = (items: Envelope[]) => Promise<void> | void;

/** A batch bound when neither the kernel nor any module sets one: the manifest default. */
const DEFAULT_MAX_BATCH = 1024;

export interface StageOptions {
  /**
   * 1: one lane, batches across all symbols (the fast path for per-event
   * tiers). Above 1: a lane per symbol, at most this many running at once, so
   * one slow instrument (an LLM review) holds one permit and never the others.
   */
  lanes: number;
  /**
   * A ceiling on every batch, whatever the modules allow. Below it each
   * deployed version's own manifest `maxBatch` applies (the smallest of them,
   * since every version sees every item).
   */
  maxBatch: number;
  /**
   * Queued items per lane above which `offer` makes the producer wait;
   * undefined means two of the stage's current batches. Two are enough to keep
   * the tier busy; more only age market data in the queue and keep it alive
   * through garbage collections (with 50,000 a scavenge copied megabytes).
   */
  capacity: number | undefined;
}

/**
 * Moves items through one tier. Items queue per lane; each lane runs one batch
 * at a time (so order within a symbol is kept) and coalesces whatever queued
 * meanwhile into its next batch, which is how a busy pipeline gets larger,
 * cheaper batches without a timer. Lanes run concurrently with each other (up
 * to the permit count) and with every other tier: that is the pipelining.
 */
export class Stage {
  readonly slot: Slot;
  readonly ledger = new SequenceLedger();
  #single: Lane | undefined;
  #laneOf = new Map<string, Lane>();
  #permits: number;
  #permitWaiters: (() => void)[] = [];
  #opts: StageOptions;
  #downstream: Downstream;

  constructor(slot: Slot, downstream: Downstream, opts: StageOptions) {
    this.slot = slot;
    this.#downstream = downstream;
    this.#opts = opts;
    this.#permits = opts.lanes;
    if (opts.lanes === 1) this.#single = new Lane(this);
  }

  /** Accepts items; returns a promise only when a lane is over capacity (backpressure). */
  offer(items: Envelope[]): Promise<void> | undefined {
    if (items.length === 0) return undefined;
    this.ledger.enter(items);
    if (this.#single !== undefined) return this.#single.push(items);
    // Each lane collects its part of the batch in `incoming`: one lookup per item.
    const touched: Lane[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const lane = this.#lane(it.symbol);
      if (lane.incoming === undefined) {
        lane.incoming = [it];
        touched.push(lane);
      } else lane.incoming.push(it);
    }
    let wait: Promise<void>[] | undefined;
    for (const lane of touched) {
      const part = lane.incoming!;
      lane.incoming = undefined;
      const w = lane.push(part);
      if (w !== undefined) (wait ??= []).push(w);
    }
    return wait === undefined ? undefined : Promise.all(wait).then(() => undefined);
  }

  /** Resolves when nothing is queued or running in this tier. */
  async idle(): Promise<void> {
    await Promise.all(this.#allLanes().map((l) => l.idle()));
  }

  get queued(): number {
    let n = 0;
    for (const l of this.#allLanes()) n += l.size;
    return n;
  }

  #allLanes(): Lane[] {
    return this.#single !== undefined ? [this.#single] : [...this.#laneOf.values()];
  }

  /** @internal a permit to run one batch; always granted at once with a single lane. */
  acquire(): Promise<void> | undefined {
    if (this.#single !== undefined) return undefined;
    if (this.#permits > 0) {
      this.#permits--;
      return undefined;
    }
    return new Promise<void>((r) => this.#permitWaiters.push(r));
  }

  /** @internal hands the permit straight to the next waiting lane, if any. */
  release(): void {
    if (this.#single !== undefined) return;
    const next = this.#permitWaiters.shift();
    if (next !== undefined) next();
    else this.#permits++;
  }

  /** @internal one batch through the slot, accounted, then handed on. */
  async run(batch: Envelope[]): Promise<void> {
    const now = batch[batch.length - 1]!.ts;
    const gated = this.slot.gate.enter();
    if (gated !== undefined) await gated;
    let r;
    try {
      r = await this.slot.process(batch, now);
    } finally {
      this.slot.gate.leave();
    }
    this.ledger.handled += r.handled;
    this.ledger.failsafe += r.failsafe;
    this.ledger.emitted += r.outputs.length;
    if (r.outputs.length > 0) await this.#downstream(r.outputs);
  }

  /** Largest batch the next call may take: see StageOptions.maxBatch. */
  get maxBatch(): number {
    let max = this.#opts.maxBatch;
    for (const d of this.slot.deployed) max = Math.min(max, d.version.manifest.maxBatch);
    return max === Number.POSITIVE_INFINITY ? DEFAULT_MAX_BATCH : max;
  }

  /** Queued items per lane before `offer` pushes back: see StageOptions.capacity. */
  get capacity(): number {
    return this.#opts.capacity ?? 2 * this.maxBatch;
  }

  get options(): StageOptions {
    return this.#opts;
  }

  #lane(symbol: string): Lane {
    let l = this.#laneOf.get(symbol);
    if (l === undefined) {
      l = new Lane(this);
      this.#laneOf.set(symbol, l);
    }
    return l;
  }
}

class Lane {
  #stage: Stage;
  #chunks: Envelope[][] = [];
  size = 0;
  /** Items of the batch being split in `Stage.offer`; only set during that call. */
  incoming: Envelope[] | undefined = undefined;
  #running: Promise<void> | undefined;
  #waiters: (() => void)[] = [];

  constructor(stage: Stage) {
    this.#stage = stage;
  }

  push(items: Envelope[]): Promise<void> | undefined {
    this.#chunks.push(items);
    this.size += items.length;
    this.#running ??= this.#loop();
    if (this.size <= this.#stage.capacity) return undefined;
    return new Promise<void>((r) => this.#waiters.push(r));
  }

  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #loop(): Promise<void> {
    try {
      while (this.#chunks.length > 0) {
        const permit = this.#stage.acquire();
        if (permit !== undefined) await permit;
        try {
          await this.#stage.run(this.#take());
        } finally {
          this.#stage.release();
        }
        this.#release();
      }
    } finally {
      this.#running = undefined;
      this.#release();
    }
  }

  #take(): Envelope[] {
    const max = this.#stage.maxBatch;
    const chunks = this.#chunks;
    const first = chunks[0]!;
    let batch: Envelope[];
    if (first.length > max) batch = first.splice(0, max);
    else if (chunks.length === 1 || first.length + chunks[1]!.length > max) {
      // Nothing to coalesce it with: hand the chunk on as it is, no copy.
      batch = chunks.shift()!;
    } else {
      batch = [];
      while (chunks.length > 0 && batch.length + chunks[0]!.length <= max) {
        const c = chunks.shift()!;
        for (let i = 0; i < c.length; i++) batch.push(c[i]!);
      }
    }
    this.size -= batch.length;
    return batch;
  }

  #release(): void {
    if (this.#waiters.length === 0 || this.size > this.#stage.capacity / 2) return;
    const w = this.#waiters;
    this.#waiters = [];
    for (const r of w) r();
  }
}
