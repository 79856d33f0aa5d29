import type { OrderIntent } from '../contracts/tiers.ts';
import type { Fill, OrderStatus } from '../paper/Venue.ts';
import type { Database, Statement } from '../store/Database.ts';
import type { Position } from './Position.ts';

export interface AccountDay {
  /** UTC day number of event time (floor(ts / 86400000)); -1 before the first event. */
  day: number;
  dayStartEquity: number;
  peakEquity: number;
  asOf: number;
}

export interface StoredPosition extends Position {
  symbol: string;
  markPrice: number | null;
}

export interface OrderRow {
  clientOrderId: string;
  seq: number;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  type: 'market' | 'limit';
  limitPrice: number | null;
  status: OrderStatus;
  filledQuantity: number;
  ts: number | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface FillRow extends Fill {
  at: string;
}

export interface OrderQuery {
  /** A status, or 'open' for accepted and partially filled. */
  status?: OrderStatus | 'open' | undefined;
  symbol?: string | undefined;
  limit?: number | undefined;
}

const WORKING = `('accepted', 'partially_filled')`;
const ORDER_COLUMNS = `client_order_id, seq::float8 AS seq, symbol, side, quantity::float8 AS quantity, type, limit_price::float8 AS limit_price,
  status, filled_quantity::float8 AS filled_quantity, ts, reason, created_at, updated_at`;

/**
 * The book's SQL, the same on PGlite and PostgreSQL. Numbers are read back as
 * float8 so both drivers hand JavaScript numbers, never numeric strings.
 */
export class BookStore {
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** The account row, created with `initialCash` on the very first open. */
  async account(initialCash: number): Promise<AccountDay & { initialCash: number }> {
    await this.db.query(
      `INSERT INTO account_state (id, initial_cash, day, day_start_equity, peak_equity, as_of) VALUES (1, $1, -1, $2, $3, 0) ON CONFLICT (id) DO NOTHING`,
      [initialCash, initialCash, initialCash],
    );
    // as_of is written with fills and mark checkpoints, not with orders: an order acknowledged after the last of those still moved event time on.
    const [r] = await this.db.query<{ initial_cash: number; day: number; day_start_equity: number; peak_equity: number; as_of: number }>(
      `SELECT initial_cash::float8 AS initial_cash, day::float8 AS day, day_start_equity, peak_equity,
         GREATEST(as_of, (SELECT max(ts) FROM orders), (SELECT max(ts) FROM fills)) AS as_of FROM account_state WHERE id = 1`,
    );
    return { initialCash: r!.initial_cash, day: r!.day, dayStartEquity: r!.day_start_equity, peakEquity: r!.peak_equity, asOf: r!.as_of };
  }

  /** Cash paid and received by every fill, and the fees among it. */
  async cashFlow(): Promise<{ flow: number; fees: number }> {
    const [r] = await this.db.query<{ flow: number | null; fees: number | null }>(
      `SELECT sum(CASE WHEN side = 'buy' THEN -quantity * price ELSE quantity * price END - fee)::float8 AS flow, sum(fee)::float8 AS fees FROM fills`,
    );
    return { flow: r?.flow ?? 0, fees: r?.fees ?? 0 };
  }

  async positions(): Promise<StoredPosition[]> {
    const rows = await this.db.query<{ symbol: string; quantity: number; avg_price: number; realized_pnl: number; mark_price: number | null }>(
      `SELECT symbol, quantity::float8 AS quantity, avg_price::float8 AS avg_price, realized_pnl::float8 AS realized_pnl, mark_price::float8 AS mark_price FROM positions ORDER BY symbol`,
    );
    return rows.map((r) => ({ symbol: r.symbol, quantity: r.quantity, avgPrice: r.avg_price, realizedPnl: r.realized_pnl, markPrice: r.mark_price }));
  }

  /** Working orders, oldest first, with how many fills each already has (fill ids continue from there). */
  async workingOrders(): Promise<{ order: OrderIntent; filled: number; fills: number }[]> {
    const rows = await this.db.query<Record<string, unknown> & { fills: number }>(
      `SELECT ${ORDER_COLUMNS}, (SELECT count(*)::int FROM fills f WHERE f.client_order_id = o.client_order_id) AS fills
       FROM orders o WHERE status IN ${WORKING} ORDER BY id`,
    );
    return rows.map((r) => {
      const o = orderRow(r);
      const order: OrderIntent = { seq: o.seq, symbol: o.symbol, ts: o.ts ?? 0, clientOrderId: o.clientOrderId, side: o.side, quantity: o.quantity, type: o.type };
      if (o.limitPrice !== null) order.limitPrice = o.limitPrice;
      return { order, filled: o.filledQuantity, fills: r.fills };
    });
  }

  async seenIds(): Promise<string[]> {
    return (await this.db.query<{ client_order_id: string }>(`SELECT client_order_id FROM orders`)).map((r) => r.client_order_id);
  }

  /**
   * Writes new orders in one transaction; answers the ids actually inserted
   * (an id already present is a resend, and is not sent again).
   */
  async insertOrders(orders: readonly { order: OrderIntent; status: OrderStatus; reason?: string | undefined }[]): Promise<Set<string>> {
    return this.db.transaction(async (tx) => {
      const inserted = new Set<string>();
      for (const { order: o, status, reason } of orders) {
        const r = await tx.query<{ client_order_id: string }>(
          `INSERT INTO orders (client_order_id, seq, symbol, side, quantity, type, limit_price, status, ts, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (client_order_id) DO NOTHING RETURNING client_order_id`,
          [o.clientOrderId, o.seq, o.symbol, o.side, o.quantity, o.type, o.limitPrice ?? null, status, o.ts, reason ?? null],
        );
        if (r.length > 0) inserted.add(o.clientOrderId);
      }
      return inserted;
    });
  }

  /**
   * Fills known to be new, with the positions, order states and account they
   * produce, in one batch: one message to an embedded database on its own
   * thread, and a fixed number of statements however many fills there are.
   * A fill id that is already stored makes the whole batch fail with a
   * unique violation and change nothing; `recordFills` then sorts it out.
   */
  async recordNewFills(fills: readonly Fill[], plan: FillRows): Promise<void> {
    await this.db.batch([insertFills(fills, false), ...rowStatements(plan)]);
  }

  /**
   * The general case (group commit): the fills in one multi-row insert that
   * skips ids already stored, then, from the fills that were new, the
   * resulting positions, order states and account computed by `after`. Returns
   * the ids of the fills that were new; a replayed fill id changes nothing.
   */
  async recordFills(fills: readonly Fill[], after: (inserted: ReadonlySet<string>) => FillRows): Promise<Set<string>> {
    return this.db.transaction(async (tx) => {
      const ins = insertFills(fills, true);
      const rows = await tx.query<{ fill_id: string }>(`${ins.sql} RETURNING fill_id`, ins.params);
      const inserted = new Set(rows.map((r) => r.fill_id));
      if (inserted.size === 0) return inserted;
      for (const st of rowStatements(after(inserted))) await tx.query(st.sql, st.params);
      return inserted;
    });
  }


  /** A terminal status other than filled (cancelled, rejected), for an order still working. */
  async closeOrder(clientOrderId: string, status: 'cancelled' | 'rejected', reason: string): Promise<void> {
    await this.db.query(`UPDATE orders SET status = $2, reason = $3, updated_at = now() WHERE client_order_id = $1 AND status IN ${WORKING}`, [clientOrderId, status, reason]);
  }

  async saveAccount(a: AccountDay): Promise<void> {
    await saveAccount(this.db, a);
  }

  /** The last price of each position, and the account's day, in one transaction: where a restart resumes the market from. */
  async saveMarks(marks: readonly { symbol: string; price: number }[], a: AccountDay): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (marks.length > 0) {
        await tx.query(`UPDATE positions AS p SET mark_price = m.price FROM unnest($1::text[], $2::float8[]) AS m(symbol, price) WHERE p.symbol = m.symbol`, [
          marks.map((m) => m.symbol),
          marks.map((m) => m.price),
        ]);
      }
      await saveAccount(tx, a);
    });
  }

  async orders(q: OrderQuery = {}): Promise<OrderRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status === 'open') where.push(`status IN ${WORKING}`);
    else if (q.status !== undefined) where.push(`status = $${params.push(q.status)}`);
    if (q.symbol !== undefined) where.push(`symbol = $${params.push(q.symbol)}`);
    const sql = `SELECT ${ORDER_COLUMNS} FROM orders ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.push(q.limit ?? 100)}`;
    return (await this.db.query(sql, params)).map(orderRow);
  }

  async fills(q: { symbol?: string | undefined; limit?: number | undefined } = {}): Promise<FillRow[]> {
    const params: unknown[] = [];
    const where = q.symbol === undefined ? '' : `WHERE symbol = $${params.push(q.symbol)}`;
    const rows = await this.db.query<{ fill_id: string; client_order_id: string; symbol: string; side: 'buy' | 'sell'; quantity: number; price: number; fee: number; ts: number | null; at: Date | string }>(
      `SELECT fill_id, client_order_id, symbol, side, quantity::float8 AS quantity, price::float8 AS price, fee::float8 AS fee, ts, at
       FROM fills ${where} ORDER BY id DESC LIMIT $${params.push(q.limit ?? 100)}`,
      params,
    );
    return rows.map((r) => ({ fillId: r.fill_id, clientOrderId: r.client_order_id, symbol: r.symbol, side: r.side, quantity: r.quantity, price: r.price, fee: r.fee, ts: r.ts ?? 0, at: iso(r.at) }));
  }
}

/** What a group of fills leaves behind, row by row. */
export interface FillRows {
  positions: StoredPosition[];
  orders: { clientOrderId: string; status: OrderStatus; filled: number }[];
  account: AccountDay;
}

function insertFills(fills: readonly Fill[], skipStored: boolean): Statement {
  const params: unknown[] = [];
  const values = fills.map((f) => `($${params.push(f.fillId)}, $${params.push(f.clientOrderId)}, $${params.push(f.symbol)}, $${params.push(f.side)}, $${params.push(f.quantity)}, $${params.push(f.price)}, $${params.push(f.fee)}, $${params.push(f.ts)})`);
  return { sql: `INSERT INTO fills (fill_id, client_order_id, symbol, side, quantity, price, fee, ts) VALUES ${values.join(', ')}${skipStored ? ' ON CONFLICT (fill_id) DO NOTHING' : ''}`, params };
}

function rowStatements(r: FillRows): Statement[] {
  const out: Statement[] = [];
  if (r.positions.length > 0) {
    const pp: unknown[] = [];
    const pv = r.positions.map((p) => `($${pp.push(p.symbol)}, $${pp.push(p.quantity)}::numeric, $${pp.push(p.avgPrice)}::numeric, $${pp.push(p.realizedPnl)}::numeric, $${pp.push(p.markPrice)}::numeric, now())`);
    out.push({
      sql: `INSERT INTO positions (symbol, quantity, avg_price, realized_pnl, mark_price, updated_at) VALUES ${pv.join(', ')}
           ON CONFLICT (symbol) DO UPDATE SET quantity = EXCLUDED.quantity, avg_price = EXCLUDED.avg_price, realized_pnl = EXCLUDED.realized_pnl,
             mark_price = EXCLUDED.mark_price, updated_at = now()`,
      params: pp,
    });
  }
  if (r.orders.length > 0) {
    const op: unknown[] = [];
    const ov = r.orders.map((o) => `($${op.push(o.clientOrderId)}, $${op.push(o.status)}, $${op.push(o.filled)}::numeric)`);
    out.push({ sql: `UPDATE orders SET status = v.status, filled_quantity = v.filled, updated_at = now() FROM (VALUES ${ov.join(', ')}) AS v (id, status, filled) WHERE orders.client_order_id = v.id`, params: op });
  }
  const a = r.account;
  out.push({ sql: ACCOUNT_UPDATE, params: [a.day, a.dayStartEquity, a.peakEquity, a.asOf] });
  return out;
}

const ACCOUNT_UPDATE = `UPDATE account_state SET day = $1, day_start_equity = $2, peak_equity = $3, as_of = $4, updated_at = now() WHERE id = 1`;

async function saveAccount(q: { query: Database['query'] }, a: AccountDay): Promise<void> {
  await q.query(ACCOUNT_UPDATE, [a.day, a.dayStartEquity, a.peakEquity, a.asOf]);
}

function orderRow(r: Record<string, unknown>): OrderRow {
  return {
    clientOrderId: r.client_order_id as string,
    seq: r.seq as number,
    symbol: r.symbol as string,
    side: r.side as 'buy' | 'sell',
    quantity: r.quantity as number,
    type: r.type as 'market' | 'limit',
    limitPrice: (r.limit_price as number | null) ?? null,
    status: r.status as OrderStatus,
    filledQuantity: r.filled_quantity as number,
    ts: (r.ts as number | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    createdAt: iso(r.created_at as Date | string),
    updatedAt: iso(r.updated_at as Date | string),
  };
}

function iso(v: Date | string): string {
  return (v instanceof Date ? v : new Date(v)).toISOString();
}
