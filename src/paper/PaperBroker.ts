import type { MarketEvent, OrderIntent } from '../contracts/tiers.ts';
import { eventLiquidity, fillFee, limitFillPrice, marketFillPrice, type CostModel } from './fillPricing.ts';
import type { Venue, VenueEvent } from './Venue.ts';

export interface PaperBrokerOptions {
  /** An order may first fill on an event with ts >= order.ts + latencyMs (event time). Default 50. */
  latencyMs?: number;
  /** Share of one event's size (trade size, quote size, bar volume) our orders may take, in (0, 1]. Default 0.1. */
  participation?: number;
  /** Fee per fill, bps of notional. Default 1. */
  feeBps?: number;
  /** Minimum fee per fill, account currency. Default 1. */
  minFee?: number;
  /** See CostModel. Defaults 1 and 10. */
  halfSpreadBps?: number;
  impactBps?: number;
  /** Fills are whole multiples of this (the last may be the order's odd remainder); 0: any size. Default 1. */
  lotSize?: number;
}

interface Working {
  order: OrderIntent;
  eligibleAt: number;
  filled: number;
  fills: number;
}

interface SymbolBook {
  orders: Working[];
  /** A market event for the symbol has been seen (accept() requires one). */
  priced: boolean;
}

const EPS = 1e-9;

/**
 * A simulated venue, driven by market events in event time, the same in a
 * live paper session and in a backtest. Orders rest until their latency has
 * passed, then take at most `participation` of each event's size (the rest
 * keeps working), paying the touch or the print plus spread, impact and fees.
 * Everything follows from the events and the options, so a replay fills the
 * same quantities at the same prices under the same fill ids.
 */
export class PaperBroker implements Venue {
  readonly options: Required<PaperBrokerOptions>;
  readonly #cost: CostModel;
  readonly #symbols = new Map<string, SymbolBook>();
  readonly #working = new Map<string, Working>();
  /** Every id ever accepted, so a resend is ignored rather than filled twice. */
  readonly #known = new Set<string>();
  #listener: (e: VenueEvent) => void = () => {};
  #now = 0;
  duplicates = 0;

  constructor(opts: PaperBrokerOptions = {}) {
    this.options = {
      latencyMs: opts.latencyMs ?? 50,
      participation: opts.participation ?? 0.1,
      feeBps: opts.feeBps ?? 1,
      minFee: opts.minFee ?? 1,
      halfSpreadBps: opts.halfSpreadBps ?? 1,
      impactBps: opts.impactBps ?? 10,
      lotSize: opts.lotSize ?? 1,
    };
    const o = this.options;
    if (!(o.participation > 0 && o.participation <= 1)) throw new RangeError(`participation must be in (0, 1], got ${o.participation}`);
    for (const k of ['latencyMs', 'feeBps', 'minFee', 'halfSpreadBps', 'impactBps', 'lotSize'] as const) {
      if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw new RangeError(`${k} must be a finite number >= 0, got ${o[k]}`);
    }
    this.#cost = { halfSpreadBps: o.halfSpreadBps, impactBps: o.impactBps };
  }

  listen(fn: (e: VenueEvent) => void): void {
    this.#listener = fn;
  }

  accept(order: OrderIntent): void {
    const id = order.clientOrderId;
    if (this.#known.has(id)) {
      this.duplicates++;
      return;
    }
    this.#known.add(id);
    const reason = this.#refusal(order);
    if (reason !== undefined) {
      this.#emit({ type: 'status', clientOrderId: id, status: 'rejected', filled: 0, ts: Math.max(order.ts, this.#now), reason });
      return;
    }
    this.#rest(order, 0, 0);
    this.#emit({ type: 'status', clientOrderId: id, status: 'accepted', filled: 0, ts: order.ts });
  }

  adopt(order: OrderIntent, resume: { filled: number; fills: number }): void {
    if (this.#known.has(order.clientOrderId)) return;
    this.#known.add(order.clientOrderId);
    this.#rest(order, resume.filled, resume.fills);
  }

  onMarket(e: MarketEvent): void {
    if (e.ts > this.#now) this.#now = e.ts;
    const book = this.#symbols.get(e.symbol);
    if (book === undefined) {
      this.#symbols.set(e.symbol, { orders: [], priced: true });
      return;
    }
    book.priced = true;
    if (book.orders.length > 0) this.#match(book, e);
  }

  cancel(clientOrderId: string): boolean {
    const w = this.#working.get(clientOrderId);
    if (w === undefined) return false;
    this.#remove(w);
    this.#emit({ type: 'status', clientOrderId, status: 'cancelled', filled: w.filled, ts: this.#now, reason: 'cancelled' });
    return true;
  }

  cancelAll(): string[] {
    const ids = [...this.#working.keys()];
    for (const id of ids) this.cancel(id);
    return ids;
  }

  /** Orders still working, oldest first. */
  working(): { order: OrderIntent; filled: number }[] {
    return [...this.#working.values()].map((w) => ({ order: w.order, filled: w.filled }));
  }

  #refusal(o: OrderIntent): string | undefined {
    if (!(o.quantity > 0) || !Number.isFinite(o.quantity)) return `quantity ${o.quantity} is not a positive number`;
    if (o.type === 'limit' && !(o.limitPrice !== undefined && o.limitPrice > 0)) return 'a limit order needs a positive limitPrice';
    if (this.#symbols.get(o.symbol)?.priced !== true) return `no market price seen for ${o.symbol}`;
    return undefined;
  }

  #rest(order: OrderIntent, filled: number, fills: number): void {
    const w: Working = { order, eligibleAt: order.ts + this.options.latencyMs, filled, fills };
    this.#working.set(order.clientOrderId, w);
    let book = this.#symbols.get(order.symbol);
    if (book === undefined) {
      // Only adopt() gets here: a restarted broker has seen no prices yet, and the order waits for them.
      book = { orders: [], priced: false };
      this.#symbols.set(order.symbol, book);
    }
    book.orders.push(w);
  }

  #remove(w: Working): void {
    this.#working.delete(w.order.clientOrderId);
    const book = this.#symbols.get(w.order.symbol)!;
    book.orders = book.orders.filter((x) => x !== w);
  }

  /** Oldest order first takes from the event's size, until the participation cap is used up. */
  #match(book: SymbolBook, e: MarketEvent): void {
    const liquidity = eventLiquidity(e);
    let available = this.options.participation * liquidity;
    let done = false;
    for (const w of book.orders) {
      if (available <= EPS) break;
      if (w.eligibleAt > e.ts) continue;
      const o = w.order;
      const qty = this.#lots(o.quantity - w.filled, available);
      if (qty <= 0) continue;
      const price = o.type === 'limit' ? limitFillPrice(e, o.side, o.limitPrice!, qty, liquidity, this.#cost) : marketFillPrice(e, o.side, qty, liquidity, this.#cost);
      if (price === undefined) continue;
      available -= qty;
      w.filled = round(w.filled + qty);
      w.fills++;
      const fee = fillFee(qty, price, this.options.feeBps, this.options.minFee, w.fills === 1);
      this.#emit({ type: 'fill', fill: { fillId: `${o.clientOrderId}-f${w.fills}`, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, quantity: qty, price, fee, ts: e.ts } });
      const complete = w.filled >= o.quantity - EPS;
      if (complete) {
        this.#working.delete(o.clientOrderId);
        done = true;
      }
      this.#emit({ type: 'status', clientOrderId: o.clientOrderId, status: complete ? 'filled' : 'partially_filled', filled: w.filled, ts: e.ts });
    }
    if (done) book.orders = book.orders.filter((w) => this.#working.has(w.order.clientOrderId));
  }

  /** What of `remaining` may fill from `available`: whole lots, or the whole odd remainder if it fits. */
  #lots(remaining: number, available: number): number {
    const lot = this.options.lotSize;
    if (remaining <= available + EPS) return round(remaining);
    if (lot === 0) return round(available);
    return round(Math.floor(available / lot + EPS) * lot);
  }

  #emit(e: VenueEvent): void {
    this.#listener(e);
  }
}

/** Quantities to 1e-9, so repeated partial fills add up to the order exactly. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
