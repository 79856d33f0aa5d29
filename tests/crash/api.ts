import type { FillRow, OrderRow } from '../../src/trading/BookStore.ts';
import type { PositionRecord } from '../../src/trading/TradingBook.ts';

export interface Account {
  asOf: number;
  initialCash: number;
  cash: number;
  equity: number;
  fees: number;
}

/** The book as the HTTP API acknowledges it; fills oldest first. */
export interface ApiBook {
  orders: OrderRow[];
  fills: FillRow[];
  positions: PositionRecord[];
  account: Account;
}

/** Rows the list endpoints answer at most: a test whose history outgrows this would compare a truncated list. */
export const API_LIMIT = 1000;

export async function getJson<T>(api: string, path: string): Promise<T> {
  const r = await fetch(api + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

export async function postJson<T>(api: string, path: string, token: string, body: unknown): Promise<T> {
  const r = await fetch(api + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

export async function fills(api: string): Promise<FillRow[]> {
  return (await getJson<{ fills: FillRow[] }>(api, `/api/fills?limit=${API_LIMIT}`)).fills.reverse();
}

export async function orders(api: string, status?: string): Promise<OrderRow[]> {
  return (await getJson<{ orders: OrderRow[] }>(api, `/api/orders?limit=${API_LIMIT}${status === undefined ? '' : `&status=${status}`}`)).orders;
}

/**
 * Positions first, then fills, then orders: memory (positions) only ever
 * holds committed fills, so every fill the positions include is in the fill
 * list read after them.
 */
export async function readApiBook(api: string): Promise<ApiBook> {
  const p = await getJson<{ positions: PositionRecord[]; account: Account }>(api, '/api/portfolio/positions');
  const f = await fills(api);
  const o = await orders(api);
  return { orders: o, fills: f, positions: p.positions, account: p.account };
}

/** Events that entered ingestion so far, from the kernel's status. */
export async function eventsIn(api: string): Promise<number> {
  const s = await getJson<{ tiers: { ingestion: { eventsIn: number } } }>(api, '/api/modularity/status');
  return s.tiers.ingestion.eventsIn;
}

/** Polls `probe` until it answers something other than undefined. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
