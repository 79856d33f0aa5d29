import type { Signal } from '../../../src/contracts/tiers.ts';
import { hasFeatures, type Direction, type Strategy } from './Strategy.ts';

/** Per strategy, per symbol: the direction held after the last bar. Plain objects, so it survives structuredClone. */
export type StrategyPositions = Record<string, Record<string, Direction>>;

/** What a signal copies from the feature vector that caused it. */
export interface SignalOrigin {
  seq: number;
  symbol: string;
  ts: number;
  price: number;
}

/**
 * Runs a set of strategies over feature records and remembers each one's
 * direction per symbol, which is all the state the rules need. Every
 * strategy with its features present emits its current view on every bar:
 * downstream, a signal is a target for its source, so repeating it is
 * harmless and a late joiner (a restarted risk tier) catches up at once.
 */
export class StrategyBook {
  readonly strategies: readonly Strategy[];
  #positions: StrategyPositions = {};

  constructor(strategies: readonly Strategy[]) {
    this.strategies = strategies;
    for (const s of strategies) this.#positions[s.name] = {};
  }

  /** Appends one signal per strategy that has its features; `f` holds plain feature names. */
  emit(origin: SignalOrigin, f: Readonly<Record<string, number>>, out: Signal[]): void {
    for (const s of this.strategies) {
      if (!hasFeatures(s, f)) continue;
      const held = this.#positions[s.name]!;
      const view = s.decide(f, held[origin.symbol] ?? 0);
      held[origin.symbol] = view.direction;
      out.push({ seq: origin.seq, symbol: origin.symbol, ts: origin.ts, price: origin.price, source: s.name, direction: view.direction, confidence: view.confidence });
    }
  }

  snapshot(): StrategyPositions {
    return structuredClone(this.#positions);
  }

  /**
   * Adopts the positions of the strategies this book runs and ignores the
   * rest; anything malformed is dropped, so a swap from a module with other
   * state starts those strategies flat instead of failing. Returns how many
   * symbol positions were adopted.
   */
  restore(state: unknown): number {
    let adopted = 0;
    const src = isRecord(state) ? state : {};
    for (const s of this.strategies) {
      const fresh: Record<string, Direction> = {};
      const held = src[s.name];
      if (isRecord(held)) {
        for (const [symbol, d] of Object.entries(held)) {
          if (d === -1 || d === 0 || d === 1) {
            fresh[symbol] = d;
            adopted++;
          }
        }
      }
      this.#positions[s.name] = fresh;
    }
    return adopted;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
