import type { Envelope } from '../contracts/tiers.ts';
import { ownCopy } from './ownCopy.ts';

/**
 * Per-tier accounting that makes loss, duplication and reordering visible.
 * Every item that enters a tier ends in exactly one outcome (handled by a
 * version, or given the tier's fail-safe), so at quiescence
 * `entered = handled + failsafe`; and within one symbol `seq` never goes
 * backwards (a module may emit several outputs for one input, so equal is fine).
 */
export class SequenceLedger {
  entered = 0;
  handled = 0;
  failsafe = 0;
  emitted = 0;
  /** Items whose seq went backwards within their symbol: a duplicate or a reorder. */
  regressions = 0;
  #lastBySymbol = new Map<string, { seq: number }>();
  /** This tier's own copy of the loop: see ownCopy.ts. */
  #check = ownCopy(checkOrder);

  /** Checks order and counts; cheap enough for every item (one Map lookup). */
  enter(items: readonly Envelope[]): void {
    this.regressions += this.#check(items, this.#lastBySymbol);
    this.entered += items.length;
  }

  get inFlight(): number {
    return this.entered - this.handled - this.failsafe;
  }

  toJSON(): { entered: number; handled: number; failsafe: number; emitted: number; inFlight: number; regressions: number } {
    return { entered: this.entered, handled: this.handled, failsafe: this.failsafe, emitted: this.emitted, inFlight: this.inFlight, regressions: this.regressions };
  }
}

/** Records each symbol's last seq; returns how many items went backwards. */
function checkOrder(items: readonly Envelope[], last: Map<string, { seq: number }>): number {
  let regressions = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const prev = last.get(it.symbol);
    if (prev === undefined) last.set(it.symbol, { seq: it.seq });
    else if (it.seq < prev.seq) regressions++;
    else prev.seq = it.seq;
  }
  return regressions;
}

/**
 * At entry the sequence must be contiguous: every number handed out reaches
 * ingestion exactly once. Tracks a low-water mark plus the few numbers that
 * arrived ahead of it, so memory stays bounded by the reordering window.
 */
export class EntryLedger {
  #expected: number;
  #ahead = new Set<number>();
  gaps = 0;
  duplicates = 0;

  constructor(first = 1) {
    this.#expected = first;
  }

  see(seq: number): void {
    if (seq === this.#expected) {
      this.#expected++;
      // In order (the normal case) nothing is ahead: no Set to touch.
      if (this.#ahead.size > 0) while (this.#ahead.delete(this.#expected)) this.#expected++;
    } else if (seq < this.#expected || this.#ahead.has(seq)) {
      this.duplicates++;
    } else {
      this.#ahead.add(seq);
    }
  }

  /** Numbers skipped so far: everything below the highest seen that never arrived. */
  get missing(): number {
    return this.#ahead.size === 0 ? 0 : Math.max(...this.#ahead) - this.#expected + 1 - this.#ahead.size;
  }
}
