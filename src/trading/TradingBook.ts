import type { AccountSnapshot } from '../contracts/effects.ts';
import type { MarketEvent, OrderIntent } from '../contracts/tiers.ts';
import { WriteQueue } from '../control/WriteQueue.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { OrderGateway } from '../kernel/OrderGate.ts';
import type { TradingMode } from '../kernel/TradingState.ts';
import { PaperBroker } from '../paper/PaperBroker.ts';
import type { Fill, OrderStatus, Venue, VenueEvent } from '../paper/Venue.ts';
import type { Database } from '../store/Database.ts';
import { BookStore, type AccountDay, type FillRow, type OrderQuery, type OrderRow } from './BookStore.ts';
import type { BookOrder, PositionRecord, SymbolState, TradingBookOptions, WorkingOrderView } from './bookTypes.ts';
import type { Position } from './Position.ts';
import { accountSnapshot, positionRecords, remainingSigned, workingOrderViews } from './bookViews.ts';
import { planFills } from './planFills.ts';

export type { PositionRecord, TradingBookOptions, WorkingOrderView } from './bookTypes.ts';

const DAY_MS = 86_400_000;
/** PostgreSQL's SQLSTATE for a duplicate key (a fill id already stored). */
const UNIQUE_VIOLATION = '23505';
const EPS = 1e-9;
/**
 * Market events at least between two marks checkpoints: when event time runs
 * far ahead of the wall clock (a backtest, a fast replay) the event-time
 * interval alone would write on nearly every event.
 */
const MARKS_MIN_EVENTS = 1_000;

/**
 * The kernel's trading book: positions, cash, working orders and the
 * account's day, in front of a venue (the paper broker). It is the kernel's
 * order gateway, and it keeps one rule: nothing is acted on before it is
 * durable. An order row is committed before the venue sees the order; a
 * fill, the position it moves and the order's new status commit in one
 * transaction before memory, P&L or anyone else sees the fill. Writes run
 * one at a time in the order things happened, so a crash at any instant
 * leaves the database at a consistent earlier point, from which `open`
 * resumes.
 *
 * Memory only ever holds committed state, with one deliberate exception: an
 * order counts as working from the moment `submit` receives it, so no
 * decision taken while its row is being written can order the same thing twice.
 */
export class TradingBook implements OrderGateway {
  readonly limits: Record<string, number> | undefined;
  readonly initialCash: number;
  readonly counters = { sent: 0, duplicates: 0, fills: 0, rejected: 0, cancelled: 0 };
  readonly #store: BookStore;
  readonly #venue: Venue;
  readonly #mode: () => TradingMode;
  readonly #onFill: ((fill: Fill) => void) | undefined;
  readonly #writes: WriteQueue;
  /** Fills from the venue not yet committed: the next group commit takes them all. */
  #pendingFills: Fill[] = [];
  readonly #symbols = new Map<string, SymbolState>();
  /** Orders not yet terminal, in submission order. */
  readonly #orders = new Map<string, BookOrder>();
  /** Every client order id ever received, so none is sent twice, even across restarts. */
  readonly #seen: Set<string>;
  #cash: number;
  #fees: number;
  /** Sum of quantity * mark, kept incrementally so a market event costs O(1). */
  #markValue = 0;
  #peak: number;
  #day: number;
  #dayStart: number;
  #nextDay: number;
  #asOf: number;
  readonly #markEveryMs: number;
  #nextMarks: number;
  #marksQueued = false;
  #eventsSinceMarks = 0;

  private constructor(store: BookStore, opts: TradingBookOptions, loaded: { initialCash: number; cash: number; fees: number; account: AccountDay; seen: string[] }) {
    this.#store = store;
    this.#venue = opts.venue ?? new PaperBroker(opts.broker);
    this.#mode = opts.mode ?? (() => 'ACTIVE');
    this.#onFill = opts.onFill;
    const onError = opts.onError ?? ((e: unknown) => console.error('[trading book] write failed', e));
    this.#writes = new WriteQueue(onError);
    this.limits = opts.limits;
    this.initialCash = loaded.initialCash;
    this.#cash = loaded.cash;
    this.#fees = loaded.fees;
    this.#seen = new Set(loaded.seen);
    const a = loaded.account;
    this.#day = a.day;
    this.#dayStart = a.dayStartEquity;
    this.#nextDay = a.day < 0 ? Number.NEGATIVE_INFINITY : (a.day + 1) * DAY_MS;
    this.#peak = a.peakEquity;
    this.#asOf = a.asOf;
    this.#markEveryMs = opts.markEveryMs ?? 60_000;
    if (!(this.#markEveryMs >= 0)) throw new RangeError(`markEveryMs must be >= 0, got ${this.#markEveryMs}`);
    this.#nextMarks = this.#markEveryMs > 0 ? a.asOf + this.#markEveryMs : Number.POSITIVE_INFINITY;
    this.#venue.listen((e) => this.#onVenue(e));
  }

  /**
   * Opens the book over a migrated database: positions, cash (initial cash
   * plus every fill), the account's day, the ids ever sent, and the working
   * orders, which are handed back to the venue as still resting.
   */
  static async open(db: Database, opts: TradingBookOptions = {}): Promise<TradingBook> {
    const store = new BookStore(db);
    const account = await store.account(opts.initialCash ?? 1_000_000);
    const { flow, fees } = await store.cashFlow();
    const positions = await store.positions();
    const working = await store.workingOrders();
    const seen = await store.seenIds();
    const book = new TradingBook(store, opts, { initialCash: account.initialCash, cash: account.initialCash + flow, fees, account, seen });
    for (const p of positions) {
      const mark = p.markPrice ?? (p.avgPrice > 0 ? p.avgPrice : Number.NaN);
      book.#symbols.set(p.symbol, { quantity: p.quantity, avgPrice: p.avgPrice, realizedPnl: p.realizedPnl, mark, traded: true });
      if (p.quantity !== 0) book.#markValue += p.quantity * mark;
    }
    book.#peak = Math.max(book.#peak, book.#cash + book.#markValue);
    for (const w of working) {
      book.#orders.set(w.order.clientOrderId, { order: w.order, filled: w.filled, atVenue: true, cancelRequested: false });
      book.#venue.adopt(w.order, { filled: w.filled, fills: w.fills });
    }
    return book;
  }

  /**
   * Orders the kernel let through. An id seen before is dropped (counted in
   * `duplicates`); the book re-checks the trading mode, so an order that
   * raced a halt is recorded as rejected and never sent. Resolves once every
   * order is durable and handed to the venue.
   */
  submit(orders: OrderIntent[]): Promise<void> | void {
    const rows: { order: OrderIntent; status: OrderStatus; reason?: string }[] = [];
    const mode = this.#mode();
    for (const o of orders) {
      if (this.#seen.has(o.clientOrderId)) {
        this.counters.duplicates++;
        continue;
      }
      this.#seen.add(o.clientOrderId);
      const refusal = this.#refusal(o, mode);
      if (refusal !== undefined) {
        rows.push({ order: o, status: 'rejected', reason: refusal });
        continue;
      }
      // Working from now on (exposure and pending see it), though not at the venue until its row commits.
      this.#orders.set(o.clientOrderId, { order: o, filled: 0, atVenue: false, cancelRequested: false });
      rows.push({ order: o, status: 'accepted' });
    }
    if (rows.length === 0) return;
    return this.#writes.push(() => this.#send(rows));
  }

  /**
   * Market events, in event time, straight from the kernel's tap on
   * ingestion's outputs: marks positions, rolls the day at UTC midnight,
   * tracks the equity peak and drives the venue. O(1) per event.
   */
  onMarket(events: readonly MarketEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.#eventsSinceMarks++;
      if (e.ts > this.#asOf) {
        this.#asOf = e.ts;
        if (e.ts >= this.#nextDay) this.#rollDay(e.ts);
        if (e.ts >= this.#nextMarks && this.#eventsSinceMarks >= MARKS_MIN_EVENTS) this.#saveMarks(e.ts);
      }
      let s = this.#symbols.get(e.symbol);
      if (s === undefined) {
        s = { quantity: 0, avgPrice: 0, realizedPnl: 0, mark: Number.NaN, traded: false };
        this.#symbols.set(e.symbol, s);
      }
      const px = e.kind === 'bar' ? (e.close ?? e.price) : e.price;
      if (s.quantity !== 0) {
        this.#markValue += s.quantity * (px - s.mark);
        const equity = this.#cash + this.#markValue;
        if (equity > this.#peak) this.#peak = equity;
      }
      s.mark = px;
      this.#venue.onMarket(e);
    }
  }

  /** Cancels every working order (the kernel calls this the moment trading is HALTED); resolves once that is durable. */
  cancelAll(): Promise<void> {
    for (const o of this.#orders.values()) if (!o.atVenue) o.cancelRequested = true;
    this.#venue.cancelAll();
    return this.flush();
  }

  /** Cancels one working order; false if it is not working. */
  async cancel(clientOrderId: string): Promise<boolean> {
    const o = this.#orders.get(clientOrderId);
    if (o === undefined) return false;
    if (!o.atVenue) o.cancelRequested = true;
    else if (!this.#venue.cancel(clientOrderId)) return false;
    await this.flush();
    return true;
  }

  /** Writes queued or in progress (the kernel's backpressure signal). */
  backlog(): number {
    return this.#writes.depth;
  }

  /** Resolves when every write queued so far, and every write those caused, is durable. */
  async flush(): Promise<void> {
    for (;;) {
      const tail = this.#writes.flush();
      await tail;
      if (tail === this.#writes.flush()) return;
    }
  }

  /**
   * Signed position the kernel's REDUCING gate may shrink towards zero: the
   * committed position less what working orders in the reducing direction
   * would already take off it. Working orders that add to the position are
   * not counted, because they may never fill: were they counted, a
   * reduction sized against them would flip the position if they did not.
   * Zero when the working reductions already reach or cross zero, since then
   * no further order can be known to shrink the position.
   */
  exposure(symbol: string): number {
    const q = this.#symbols.get(symbol)?.quantity ?? 0;
    if (q === 0) return 0;
    let reducing = 0;
    for (const o of this.#orders.values()) {
      if (o.order.symbol !== symbol) continue;
      const w = remainingSigned(o);
      if (Math.sign(w) === -Math.sign(q)) reducing += w;
    }
    const e = round(q + reducing);
    return Math.sign(e) === Math.sign(q) ? e : 0;
  }

  /** Symbols holding a position or a working order: what a flatten must look at. */
  symbols(): string[] {
    const out = new Set<string>();
    for (const [symbol, s] of this.#symbols) if (s.quantity !== 0) out.add(symbol);
    for (const o of this.#orders.values()) out.add(o.order.symbol);
    return [...out];
  }

  /** The account as the `account.snapshot` effect answers it (structured-clone safe). */
  snapshot(): AccountSnapshot {
    const snap = accountSnapshot({ symbols: this.#symbols, orders: this.#orders, cash: this.#cash, fees: this.#fees, peak: this.#peak, day: this.#day, dayStart: this.#dayStart, asOf: this.#asOf, mode: this.#mode() });
    // Resynchronise the running sum, so rounding drift never accumulates.
    this.#markValue = snap.equity - snap.cash;
    return snap;
  }

  /** Last price of every symbol the book has a price for: seen since open, or persisted with a position. */
  marks(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [symbol, s] of this.#symbols) if (!Number.isNaN(s.mark)) out[symbol] = s.mark;
    return out;
  }

  /** Every symbol ever traded, flat ones included (they carry realised P&L). */
  positions(): PositionRecord[] {
    return positionRecords(this.#symbols);
  }

  /** Orders that may still fill, oldest first. */
  openOrders(): WorkingOrderView[] {
    return workingOrderViews(this.#orders);
  }

  /** Order history from the database, newest first. */
  orders(q: OrderQuery = {}): Promise<OrderRow[]> {
    return this.#store.orders(q);
  }

  /** Fills from the database, newest first. */
  fills(q: { symbol?: string | undefined; limit?: number | undefined } = {}): Promise<FillRow[]> {
    return this.#store.fills(q);
  }

  /** Writes that failed since open. */
  get writeFailures(): number {
    return this.#writes.failures;
  }

  #refusal(o: OrderIntent, mode: TradingMode): string | undefined {
    if (mode === 'HALTED') return 'trading is HALTED';
    if (mode === 'REDUCING') {
      // Orders already taken in this batch are in #orders, so exposure() has counted them.
      const pos = this.exposure(o.symbol);
      const signed = o.side === 'buy' ? o.quantity : -o.quantity;
      if (pos === 0 || Math.sign(signed) !== -Math.sign(pos) || Math.abs(signed) > Math.abs(pos) + EPS) return 'trading is REDUCING and the order would not shrink the position';
    }
    return undefined;
  }

  async #send(rows: { order: OrderIntent; status: OrderStatus; reason?: string }[]): Promise<void> {
    let inserted: Set<string>;
    try {
      inserted = await this.#store.insertOrders(rows);
    } catch (e) {
      // Never sent; the ids stay seen, because a row that did commit before the error must never be sent twice.
      for (const r of rows) this.#orders.delete(r.order.clientOrderId);
      throw e;
    }
    for (const r of rows) {
      const id = r.order.clientOrderId;
      if (!inserted.has(id)) {
        this.#orders.delete(id);
        this.counters.duplicates++;
        continue;
      }
      if (r.status === 'rejected') {
        this.counters.rejected++;
        continue;
      }
      const o = this.#orders.get(id)!;
      if (o.cancelRequested || this.#mode() === 'HALTED') {
        await this.#store.closeOrder(id, 'cancelled', o.cancelRequested ? 'cancelled before it reached the venue' : 'trading HALTED before it reached the venue');
        this.#orders.delete(id);
        this.counters.cancelled++;
        continue;
      }
      o.atVenue = true;
      this.counters.sent++;
      this.#venue.accept(r.order);
    }
  }

  #onVenue(e: VenueEvent): void {
    if (e.type === 'fill') {
      // Group commit: fills arriving while a write is in progress wait and go together in the next transaction.
      this.#pendingFills.push(e.fill);
      if (this.#pendingFills.length === 1) void this.#writes.push(() => this.#commitFills());
    } else if (e.status === 'cancelled' || e.status === 'rejected') {
      const { clientOrderId, status } = e;
      const reason = e.reason ?? status;
      void this.#writes.push(() => this.#close(clientOrderId, status, reason));
    }
    // accepted, partially_filled, filled: the order row and the fill transaction already say so.
  }

  /**
   * Every fill waiting, in one transaction. Positions, order states and the
   * account are computed from the fills the database took as new, on copies,
   * and the book's own state moves only after the commit: nothing is acted on
   * before it is durable.
   */
  async #commitFills(): Promise<void> {
    const fills = this.#pendingFills;
    this.#pendingFills = [];
    for (const f of fills) {
      if (!this.#orders.has(f.clientOrderId)) throw new HeliosError('HELIOS_E_INTERNAL', `fill ${f.fillId} for ${f.clientOrderId}, which is not a working order of this book`);
    }
    // Fill ids are made once by the venue, so the fast path assumes every fill is new: one message,
    // a fixed number of statements. A replayed id fails that batch whole, and the general path
    // (which skips stored ids and plans from what was really new) takes over.
    const all = planFills(fills, new Set(fills.map((f) => f.fillId)), this.#symbols, this.#orders);
    let steps = all.steps;
    try {
      await this.#store.recordNewFills(fills, { positions: all.positions, orders: all.orders, account: this.#accountDay() });
    } catch (e) {
      if ((e as { code?: unknown }).code !== UNIQUE_VIOLATION) throw e;
      let plan: ReturnType<typeof planFills> | undefined;
      const inserted = await this.#store.recordFills(fills, (ids) => {
        plan = planFills(fills, ids, this.#symbols, this.#orders);
        return { positions: plan.positions, orders: plan.orders, account: this.#accountDay() };
      });
      steps = (plan?.steps ?? []).filter((p) => inserted.has(p.fill.fillId));
    }
    // Durable: only now do positions, cash and P&L move.
    for (const p of steps) this.#apply(p.fill, p.next, p.filled, p.status);
  }

  #apply(f: Fill, next: Position, filled: number, status: OrderStatus): void {
    const o = this.#orders.get(f.clientOrderId)!;
    const s = this.#symbols.get(f.symbol)!;
    if (Number.isNaN(s.mark)) s.mark = f.price;
    this.#markValue += (next.quantity - s.quantity) * s.mark;
    s.quantity = next.quantity;
    s.avgPrice = next.avgPrice;
    s.realizedPnl = next.realizedPnl;
    s.traded = true;
    this.#cash += (f.side === 'buy' ? -1 : 1) * f.quantity * f.price - f.fee;
    this.#fees += f.fee;
    o.filled = filled;
    if (status === 'filled') this.#orders.delete(f.clientOrderId);
    this.counters.fills++;
    const equity = this.#cash + this.#markValue;
    if (equity > this.#peak) this.#peak = equity;
    this.#onFill?.(f);
  }

  async #close(clientOrderId: string, status: 'cancelled' | 'rejected', reason: string): Promise<void> {
    await this.#store.closeOrder(clientOrderId, status, reason);
    if (this.#orders.delete(clientOrderId)) this.counters[status]++;
  }

  /** First event of a new UTC day (event time): the day starts from the equity the previous day ended with. */
  #rollDay(ts: number): void {
    this.#day = Math.floor(ts / DAY_MS);
    this.#nextDay = (this.#day + 1) * DAY_MS;
    this.#dayStart = this.#cash + this.#markValue;
    const a = this.#accountDay();
    void this.#writes.push(() => this.#store.saveAccount(a));
  }

  /** Queues one marks checkpoint at a time; it reads memory when it runs, so it writes the latest marks, not those of when it was queued. */
  #saveMarks(ts: number): void {
    this.#nextMarks = ts + this.#markEveryMs;
    this.#eventsSinceMarks = 0;
    if (this.#marksQueued) return;
    this.#marksQueued = true;
    void this.#writes.push(() => {
      this.#marksQueued = false;
      const marks: { symbol: string; price: number }[] = [];
      for (const [symbol, s] of this.#symbols) if (s.traded && !Number.isNaN(s.mark)) marks.push({ symbol, price: s.mark });
      return this.#store.saveMarks(marks, this.#accountDay());
    });
  }

  #accountDay(): AccountDay {
    return { day: this.#day, dayStartEquity: this.#dayStart, peakEquity: this.#peak, asOf: this.#asOf };
  }
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
