import type { Cloneable } from '../../../src/contracts/module.ts';
import type { Review } from '../../../src/contracts/tiers.ts';

/** One source's standing view on one symbol. */
export interface View {
  /** Signed target quantity the source wants on its own (0: flat). */
  q: number;
  confidence: number | null;
  volatility: number | null;
  ts: number;
}

/** symbol -> source -> view. Maps, not objects: a symbol named `__proto__` must be just a symbol. */
export type Views = Map<string, Map<string, View>>;

export interface History {
  price: number;
  ts: number;
  /** Latest volatility forecast the reviews carried for this symbol, if any. */
  volatility: number | null;
  /** Log returns, one per new event time, oldest first, at most `window`. */
  returns: number[];
}

/** Where a source's name is missing (an older reviewer), all such views share one slot. */
export const UNATTRIBUTED = '(unattributed)';

/**
 * The allocator's whole state: the standing views, each symbol's price
 * history, the targets last emitted (what the bands compare against) and the
 * REJECT caps (see emit.ts).
 */
export class Book {
  views: Views = new Map();
  readonly history = new Map<string, History>();
  readonly emitted = new Map<string, number>();
  /** symbol -> the signed target a rejection held it to; it may only shrink until an approved review for the symbol. */
  readonly caps = new Map<string, number>();
  /**
   * symbol -> seq of the last target emitted for it. Reviews of different
   * symbols may arrive out of seq order (the llm tier reviews instruments in
   * parallel lanes), and an output must never carry an older seq than the
   * symbol's last one, or the kernel would count a reordering.
   */
  readonly emittedSeq = new Map<string, number>();
  readonly #window: number;

  constructor(window: number) {
    this.#window = window;
  }

  /** An independent copy, to compute what the targets would be had some items not arrived. */
  copy(): Book {
    const b = new Book(this.#window);
    b.views = cloneViews(this.views);
    for (const [s, h] of this.history) b.history.set(s, { ...h, returns: h.returns.slice() });
    for (const [s, q] of this.emitted) b.emitted.set(s, q);
    for (const [s, q] of this.caps) b.caps.set(s, q);
    for (const [s, q] of this.emittedSeq) b.emittedSeq.set(s, q);
    return b;
  }

  /** Records the item's price: a new event time adds one return, a repeated or older one changes nothing. */
  observe(r: Review): void {
    const h = this.history.get(r.symbol);
    if (h === undefined) {
      this.history.set(r.symbol, { price: r.price, ts: r.ts, volatility: r.volatility ?? null, returns: [] });
      return;
    }
    if (r.ts < h.ts) return;
    if (r.volatility !== undefined) h.volatility = r.volatility;
    if (r.ts === h.ts) return;
    h.returns.push(Math.log(r.price / h.price));
    if (h.returns.length > this.#window) h.returns.splice(0, h.returns.length - this.#window);
    h.price = r.price;
    h.ts = r.ts;
  }

  price(symbol: string): number {
    return this.history.get(symbol)!.price;
  }

  snapshot(): Cloneable {
    return {
      views: [...this.views].map(([symbol, m]) => [symbol, [...m].map(([source, v]) => [source, v.q, v.confidence, v.volatility, v.ts])]),
      history: [...this.history].map(([symbol, h]) => [symbol, h.price, h.ts, h.volatility, h.returns.slice()]),
      emitted: [...this.emitted].map(([symbol, q]) => [symbol, q]),
      caps: [...this.caps].map(([symbol, q]) => [symbol, q]),
      seqs: [...this.emittedSeq].map(([symbol, q]) => [symbol, q]),
    };
  }

  static restore(state: unknown, window: number): Book {
    const s = state as { views?: unknown; history?: unknown; emitted?: unknown; caps?: unknown; seqs?: unknown } | null;
    if (s === null || typeof s !== 'object' || !Array.isArray(s.views) || !Array.isArray(s.history) || !Array.isArray(s.emitted) || !Array.isArray(s.caps)) {
      throw new Error('allocator: snapshot is not {views, history, emitted, caps}');
    }
    const book = new Book(window);
    for (const [symbol, entries] of s.views as [string, [string, number, number | null, number | null, number][]][]) {
      book.views.set(symbol, new Map(entries.map(([source, q, confidence, volatility, ts]) => [source, { q, confidence, volatility, ts }])));
    }
    for (const [symbol, price, ts, volatility, returns] of s.history as [string, number, number, number | null, number[]][]) {
      book.history.set(symbol, { price, ts, volatility, returns: returns.slice(-window) });
    }
    for (const [symbol, q] of s.emitted as [string, number][]) book.emitted.set(symbol, q);
    for (const [symbol, q] of s.caps as [string, number][]) book.caps.set(symbol, q);
    // Absent from snapshots written before it existed: nothing emitted is then known, which only loosens the check.
    if (Array.isArray(s.seqs)) for (const [symbol, q] of s.seqs as [string, number][]) book.emittedSeq.set(symbol, q);
    return book;
  }
}

/**
 * A review replaces its source's view on the symbol unless that view is newer.
 * APPROVE and MODIFY set the signed (possibly shrunk) quantity. REJECT sets
 * the view to flat rather than dropping it or keeping the old one: dropping
 * would let the remaining sources' views carry the average further (a
 * rejected trade would raise the target), and keeping the old view would hold
 * a position the source has moved away from. A flat view still counts in the
 * average, so the rejection pulls the target towards zero; emit.ts then
 * clamps what is left, since flattening a view that opposed the others could
 * still raise the target.
 */
export function applyReview(views: Views, r: Review): void {
  const source = r.source ?? UNATTRIBUTED;
  let m = views.get(r.symbol);
  if (m === undefined) {
    m = new Map();
    views.set(r.symbol, m);
  }
  const old = m.get(source);
  if (old !== undefined && old.ts > r.ts) return;
  const q = r.verdict === 'REJECT' || r.quantity === 0 ? 0 : r.side === 'buy' ? r.quantity : -r.quantity;
  m.set(source, { q, confidence: r.confidence ?? null, volatility: r.volatility ?? null, ts: r.ts });
}

/** Drops views older than `maxAgeMs` at event time `now`, and symbols left with none. */
export function expire(views: Views, now: number, maxAgeMs: number): void {
  for (const [symbol, m] of views) {
    for (const [source, v] of m) if (now - v.ts > maxAgeMs) m.delete(source);
    if (m.size === 0) views.delete(symbol);
  }
}

export function cloneViews(views: Views): Views {
  return new Map([...views].map(([s, m]) => [s, new Map(m)]));
}

/** `candidate` held to the segment between 0 and `bound`: same sign as `bound` (or 0), never larger. */
export function towardZero(candidate: number, bound: number): number {
  if (candidate * bound <= 0) return 0;
  return Math.abs(candidate) <= Math.abs(bound) ? candidate : bound;
}
