import type { Database } from '../../src/store/Database.ts';

export interface StoredOrder {
  clientOrderId: string;
  seq: number;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  type: 'market' | 'limit';
  limitPrice: number | null;
  status: string;
  filledQuantity: number;
  ts: number | null;
  createdAt: string;
}

export interface StoredFill {
  fillId: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: number;
  ts: number;
  at: string;
}

export interface StoredPosition {
  symbol: string;
  quantity: number;
  avgPrice: number;
  realizedPnl: number;
  markPrice: number | null;
}

/** Everything the trading book keeps in the database, read with SQL of the test's own, oldest first. */
export interface StoredBook {
  orders: StoredOrder[];
  fills: StoredFill[];
  positions: StoredPosition[];
  initialCash: number;
  asOf: number;
  /** The sequence lease's high-water mark: no restart hands out a number below it. */
  nextSeq: number;
}

export async function readStoredBook(db: Database): Promise<StoredBook> {
  const orders = await db.query<Record<string, unknown>>(
    `SELECT client_order_id, seq::float8 AS seq, symbol, side, quantity::float8 AS quantity, type, limit_price::float8 AS limit_price, status,
       filled_quantity::float8 AS filled_quantity, ts, created_at FROM orders ORDER BY id`,
  );
  const fills = await db.query<Record<string, unknown>>(
    `SELECT fill_id, client_order_id, symbol, side, quantity::float8 AS quantity, price::float8 AS price, fee::float8 AS fee, ts, at FROM fills ORDER BY id`,
  );
  const positions = await db.query<Record<string, unknown>>(
    `SELECT symbol, quantity::float8 AS quantity, avg_price::float8 AS avg_price, realized_pnl::float8 AS realized_pnl, mark_price::float8 AS mark_price FROM positions ORDER BY symbol`,
  );
  const [account] = await db.query<{ initial_cash: number; as_of: number }>(`SELECT initial_cash::float8 AS initial_cash, as_of FROM account_state`);
  const [seq] = await db.query<{ next_seq: number }>(`SELECT next_seq::float8 AS next_seq FROM sequence_state`);
  return {
    orders: orders.map((r) => ({
      clientOrderId: r.client_order_id as string,
      seq: r.seq as number,
      symbol: r.symbol as string,
      side: r.side as 'buy' | 'sell',
      quantity: r.quantity as number,
      type: r.type as 'market' | 'limit',
      limitPrice: (r.limit_price as number | null) ?? null,
      status: r.status as string,
      filledQuantity: r.filled_quantity as number,
      ts: (r.ts as number | null) ?? null,
      createdAt: iso(r.created_at),
    })),
    fills: fills.map((r) => ({
      fillId: r.fill_id as string,
      clientOrderId: r.client_order_id as string,
      symbol: r.symbol as string,
      side: r.side as 'buy' | 'sell',
      quantity: r.quantity as number,
      price: r.price as number,
      fee: r.fee as number,
      ts: (r.ts as number | null) ?? 0,
      at: iso(r.at),
    })),
    positions: positions.map((r) => ({
      symbol: r.symbol as string,
      quantity: r.quantity as number,
      avgPrice: r.avg_price as number,
      realizedPnl: r.realized_pnl as number,
      markPrice: (r.mark_price as number | null) ?? null,
    })),
    initialCash: account?.initial_cash ?? Number.NaN,
    asOf: account?.as_of ?? Number.NaN,
    nextSeq: seq?.next_seq ?? Number.NaN,
  };
}

function iso(v: unknown): string {
  return (v instanceof Date ? v : new Date(v as string)).toISOString();
}
