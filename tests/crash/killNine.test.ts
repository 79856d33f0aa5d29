import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/Database.ts';
import { PgliteDatabase } from '../../src/store/PgliteDatabase.ts';
import { PostgresDatabase } from '../../src/store/PostgresDatabase.ts';
import type { FillRow, OrderRow } from '../../src/trading/BookStore.ts';
import { applyFill, FLAT, type Position } from '../../src/trading/Position.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { API_LIMIT, eventsIn, fills, getJson, orders, postJson, readApiBook, until, type ApiBook } from './api.ts';
import { bookProblems, cashAfter } from './bookInvariants.ts';
import { HeliosProcess } from './heliosProcess.ts';
import { readStoredBook, type StoredBook } from './storedBook.ts';

/*
 * The issue's drill, with real processes: `kill -9` a trading `npm start`,
 * start it again on the same data, and check through the HTTP API and the
 * database that everything acknowledged before the kill is still there,
 * nothing was ordered twice, and trading carries on. Six instruments at
 * 6,000 events/s put the first fills a few seconds after the modules are up.
 */
const TOKEN = `crash-drill-${'k'.repeat(32)}`;
const CAPITAL = 1_000_000;
const IMMUTABLE = ['clientOrderId', 'seq', 'symbol', 'side', 'quantity', 'type', 'limitPrice', 'ts', 'createdAt'] as const;
const FILL_FIELDS = ['fillId', 'clientOrderId', 'symbol', 'side', 'quantity', 'price', 'fee', 'ts', 'at'] as const;
const RANK: Record<string, number> = { accepted: 0, partially_filled: 1, filled: 2, cancelled: 2, rejected: 2 };
const TERMINAL = new Set(['filled', 'cancelled', 'rejected']);

type OrderView = Pick<OrderRow, (typeof IMMUTABLE)[number] | 'filledQuantity'> & { status: string };
type FillView = Pick<FillRow, (typeof FILL_FIELDS)[number]>;

const targets = [
  { name: 'pglite (the embedded default)', url: undefined as string | undefined, skip: undefined as string | undefined },
  { name: 'postgres', url: process.env.DATABASE_URL || undefined, skip: process.env.DATABASE_URL ? undefined : 'DATABASE_URL is not set: no PostgreSQL server (CI sets it)' },
];

for (const t of targets) {
  describe.skipIf(t.skip !== undefined)(`kill -9, then npm start again, on ${t.name}${t.skip ? ` (skipped: ${t.skip})` : ''}`, () => {
    const procs: HeliosProcess[] = [];
    let dir = '';
    let url: string | undefined;
    let dropDb = async (): Promise<void> => {};
    let env: Record<string, string> = {};
    // Carried from one kill to the next: what was acknowledged, what the database held when the process died.
    let acked1: ApiBook;
    let killed1: StoredBook;
    let killed2: StoredBook;
    let api2 = '';
    let api3 = '';
    /** The order whose arrival at the venue triggered the second kill. */
    let caught: OrderRow;

    beforeAll(async () => {
      dir = await tempDir('helios-crash-');
      url = t.url;
      if (url !== undefined) {
        // A database of its own, so the drill starts from nothing and leaves nothing behind.
        const pg = (await import('pg')).default;
        const name = `helios_crash_${process.pid}_${Date.now()}`;
        const admin = url;
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`CREATE DATABASE ${name}`);
        await c.end();
        dropDb = async () => {
          const d = new pg.Client({ connectionString: admin });
          await d.connect();
          await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await d.end();
        };
        url = url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
      }
      env = {
        HELIOS_DATA_DIR: dir,
        HELIOS_FLAGS_DIR: join(dir, 'flags'),
        PORT: '0',
        HELIOS_API_TOKEN: TOKEN,
        DATABASE_URL: url ?? '',
        HELIOS_RATE: '6000',
        HELIOS_SYMBOLS: '6',
        HELIOS_SUMMARY_MS: '1000',
        HELIOS_DURATION_S: '0',
        HELIOS_CAPITAL: String(CAPITAL),
      };
    });

    afterAll(async () => {
      for (const p of procs) await p.dispose();
      await dropDb();
      await rm(dir, { recursive: true, force: true });
    });

    async function start(): Promise<{ proc: HeliosProcess; api: string }> {
      const s = await HeliosProcess.start(env);
      procs.push(s.proc);
      return s;
    }

    /**
     * Freezes the database as the kill left it, before the restart can touch
     * it, and answers a reader of that state. PGlite: a copy of its directory,
     * on which opening runs PostgreSQL's crash recovery, as the restart runs
     * it on the original. PostgreSQL: read at once.
     */
    async function freeze(label: string): Promise<() => Promise<StoredBook>> {
      if (url !== undefined) {
        const now = await withDb(await PostgresDatabase.open(url), readStoredBook);
        return async () => now;
      }
      const copy = join(dir, label);
      await cp(join(dir, 'pglite'), copy, { recursive: true });
      return async () => withDb(await PgliteDatabase.open(copy), readStoredBook);
    }

    async function kill(proc: HeliosProcess): Promise<void> {
      const e = await proc.stop('SIGKILL');
      expect(e.signal).toBe('SIGKILL');
    }

    it('a kill during a busy session loses nothing acknowledged, and the restart brings all of it back', async () => {
      const t0 = Date.now();
      const { proc, api } = await start();
      await until('several fills', async () => ((await fills(api)).length >= 8 ? true : undefined), 40_000, 50);
      acked1 = await readApiBook(api);
      await kill(proc);
      const tKill = Date.now();

      const frozen = await freeze('killed-1');
      const second = start();
      killed1 = await frozen();
      expect(bookProblems(killed1.orders, killed1.fills, killed1.positions)).toEqual([]);
      expect(acked1.fills.length).toBeGreaterThanOrEqual(8);
      expectContains(killed1, acked1, 'acknowledged before the kill -> database after it');
      // Every position the API showed is one the persisted fills pass through: nothing it counted was lost.
      for (const p of acked1.positions) positionOnPath(p, killed1.fills, 0);

      const p2 = await second;
      api2 = p2.api;
      const restored = await readApiBook(api2);
      expect(restored.orders.length).toBeLessThan(API_LIMIT);
      expect(restored.fills.length).toBeLessThan(API_LIMIT);
      expectContains(restored, killed1, 'database at the kill -> restarted book');
      for (const p of restored.positions) positionOnPath(p, restored.fills, killed1.fills.filter((f) => f.symbol === p.symbol).length);
      for (const p of killed1.positions) expect(restored.positions.some((r) => r.symbol === p.symbol), p.symbol).toBe(true);
      const working = killed1.orders.filter((o) => !TERMINAL.has(o.status)).length;
      if (killed1.positions.length > 0 || working > 0) expect(p2.proc.output).toContain(`book restored: ${killed1.positions.length} positions, ${working} working orders;`);
      expect(restored.account.initialCash).toBe(CAPITAL);

      // The market carries on where it was: once the restarted feed has moved every instrument on, held positions are marked near their last price, not at a fresh random one.
      await until('the restarted feed to move every instrument', async () => ((await eventsIn(api2)) >= 1200 ? true : undefined), 20_000, 50);
      const moved = await getJson<{ positions: ApiBook['positions'] }>(api2, '/api/portfolio/positions');
      const held = acked1.positions.filter((p) => p.quantity !== 0);
      expect(held.length).toBeGreaterThan(0);
      for (const before of held) {
        const after = moved.positions.find((p) => p.symbol === before.symbol)!;
        expect(Math.abs(Math.log(after.markPrice / before.markPrice)), `${before.symbol} mark ${before.markPrice} -> ${after.markPrice}`).toBeLessThan(0.03);
      }
      console.log(`[crash drill ${t.name}] first kill after ${tKill - t0} ms with ${acked1.orders.length} orders, ${acked1.fills.length} fills acknowledged; restart took ${Date.now() - tKill} ms`);
    }, 120_000);

    it('a kill right after an order reaches the venue: that order survives, keeps filling, and nothing is ordered twice', async () => {
      expect(api2, 'the first restart came up').not.toBe('');
      const proc2 = procs.at(-1)!;
      // The session carries on after the first restart: events flow, new decisions become orders and fills.
      const seen = await eventsIn(api2);
      await until('events flowing after the restart', async () => ((await eventsIn(api2)) > seen ? true : undefined), 20_000);
      await until('an order decided after the restart to fill', async () => {
        const [o, f] = [await orders(api2), await fills(api2)];
        const fresh = new Set(o.filter((x) => x.seq >= killed1.nextSeq).map((x) => x.clientOrderId));
        return f.some((x) => fresh.has(x.clientOrderId)) ? true : undefined;
      }, 40_000);

      const before = await readApiBook(api2);
      // Polled as fast as the API answers: the kill lands while the order rests at the venue and its first fills are being written.
      caught = await until('a new order accepted at the venue', async () => (await orders(api2, 'open')).find((o) => o.seq >= killed1.nextSeq && o.status === 'accepted' && !before.orders.some((b) => b.clientOrderId === o.clientOrderId)), 30_000, 5);
      await kill(proc2);
      const tKill = Date.now();

      const frozen = await freeze('killed-2');
      const third = start();
      killed2 = await frozen();
      expect(bookProblems(killed2.orders, killed2.fills, killed2.positions)).toEqual([]);
      expectContains(killed2, before, 'acknowledged before the second kill -> database after it');
      expectContains(killed2, killed1, 'database at the first kill -> database at the second');
      expectOrderKept(caught, killed2.orders.find((o) => o.clientOrderId === caught.clientOrderId), 'the order the kill caught');
      expectNoReplay(killed2, killed1);

      const p3 = await third;
      api3 = p3.api;
      const restored = await readApiBook(api3);
      expectContains(restored, killed2, 'database at the second kill -> restarted book');
      // The caught order keeps trading after the restart: a market order that was resting gets its remaining fills, numbered on from its last.
      const held = killed2.orders.find((o) => o.clientOrderId === caught.clientOrderId)!;
      if (!TERMINAL.has(held.status)) {
        const later = await until('the caught order to fill after the restart', async () => {
          const o = (await orders(api3)).find((x) => x.clientOrderId === caught.clientOrderId);
          return o !== undefined && o.filledQuantity > held.filledQuantity ? o : undefined;
        }, 30_000);
        expect(later.filledQuantity).toBeLessThanOrEqual(later.quantity);
        const own = (await fills(api3)).filter((f) => f.clientOrderId === caught.clientOrderId).map((f) => f.fillId);
        expect(own).toEqual(own.map((_, i) => `${caught.clientOrderId}-f${i + 1}`));
      }
      console.log(`[crash drill ${t.name}] second kill caught ${caught.clientOrderId} (${held.status}, ${held.filledQuantity}/${held.quantity} at the kill); restart took ${Date.now() - tKill} ms`);
    }, 120_000);

    it('after both kills the session carries on, adds up exactly, and shuts down cleanly', async () => {
      expect(api3, 'the second restart came up').not.toBe('');
      const proc3 = procs.at(-1)!;
      await until('a new order and fill after the second restart', async () => {
        const [o, f] = [await orders(api3), await fills(api3)];
        const fresh = new Set(o.filter((x) => x.seq >= killed2.nextSeq).map((x) => x.clientOrderId));
        return f.some((x) => fresh.has(x.clientOrderId)) ? true : undefined;
      }, 40_000);

      // Halting stops new orders and cancels the working ones, so the book holds still long enough to be added up.
      await postJson(api3, '/api/kill-switch', TOKEN, { mode: 'halt', reason: 'crash drill: add up the book' });
      const still = await until('the book to hold still', async () => {
        if ((await orders(api3, 'open')).length > 0) return undefined;
        const a = await readApiBook(api3);
        const b = await readApiBook(api3);
        return a.fills.length === b.fills.length && a.orders.every((o, i) => o.status === b.orders[i]?.status) ? b : undefined;
      }, 20_000);
      expect(bookProblems(still.orders, still.fills, still.positions)).toEqual([]);
      expect(still.fills.length).toBeLessThan(API_LIMIT);
      expect(still.account.cash).toBeCloseTo(cashAfter(CAPITAL, still.fills), 4);
      expect(still.account.fees).toBeCloseTo(still.fills.reduce((a, f) => a + f.fee, 0), 6);
      const positions = await getJson<{ positions: ApiBook['positions']; account: ApiBook['account'] }>(api3, '/api/portfolio/positions');
      expect(positions.account.equity).toBeCloseTo(positions.account.cash + positions.positions.reduce((a, p) => a + p.quantity * p.markPrice, 0), 4);
      expectContains(still, killed2, 'database at the second kill -> book at the end');
      expectNoReplay(still, killed2);

      const e = await proc3.stop('SIGINT');
      expect(e.code, proc3.output.slice(-3000)).toBe(0);
      expect(proc3.output).toMatch(/sequence check: 0 gaps, 0 duplicates, 0 stranded items/);

      const end = url !== undefined ? await withDb(await PostgresDatabase.open(url), readStoredBook) : await withDb(await PgliteDatabase.open(join(dir, 'pglite')), readStoredBook);
      expect(bookProblems(end.orders, end.fills, end.positions)).toEqual([]);
      expectContains(end, still, 'book at the end -> database after the clean stop');
      expect(end.orders.length).toBe(still.orders.length);
      expect(end.fills.length).toBe(still.fills.length);
    }, 120_000);
  });
}

async function withDb<T>(db: Database, fn: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Every order and fill of `earlier` is in `later`: fills identical, orders identical but for progress, which only moves forward. */
function expectContains(later: { orders: readonly OrderView[]; fills: readonly FillView[] }, earlier: { orders: readonly OrderView[]; fills: readonly FillView[] }, where: string): void {
  const orders = new Map(later.orders.map((o) => [o.clientOrderId, o]));
  for (const o of earlier.orders) expectOrderKept(o, orders.get(o.clientOrderId), where);
  const fills = new Map(later.fills.map((f) => [f.fillId, f]));
  for (const f of earlier.fills) expect(pick(fills.get(f.fillId), FILL_FIELDS), `${where}: fill ${f.fillId}`).toEqual(pick(f, FILL_FIELDS));
}

function expectOrderKept(before: OrderView, after: OrderView | undefined, where: string): void {
  expect(after, `${where}: order ${before.clientOrderId}`).toBeDefined();
  expect(pick(after!, IMMUTABLE), `${where}: order ${before.clientOrderId}`).toEqual(pick(before, IMMUTABLE));
  const moved = `${where}: order ${before.clientOrderId} ${before.status} ${before.filledQuantity} -> ${after!.status} ${after!.filledQuantity}`;
  expect(RANK[after!.status]!, moved).toBeGreaterThanOrEqual(RANK[before.status]!);
  if (TERMINAL.has(before.status)) expect(after!.status, moved).toBe(before.status);
  expect(after!.filledQuantity, moved).toBeGreaterThanOrEqual(before.filledQuantity - 1e-9);
}

/**
 * Nothing decided before the kill is decided again after it: every order
 * the database did not hold at the kill was created by the restarted
 * process, from a sequence number above the lease the dead one held (so
 * above every seq it used), on market events after every one it had seen.
 */
function expectNoReplay(after: { orders: readonly OrderView[]; fills: readonly FillView[] }, killed: StoredBook): void {
  const had = new Set(killed.orders.map((o) => o.clientOrderId));
  const hadFills = new Set(killed.fills.map((f) => f.fillId));
  const lastSeq = Math.max(0, ...killed.orders.map((o) => o.seq));
  const lastTs = Math.max(0, ...killed.orders.map((o) => o.ts ?? 0), ...killed.fills.map((f) => f.ts));
  expect(lastSeq).toBeLessThan(killed.nextSeq);
  const fresh = after.orders.filter((o) => !had.has(o.clientOrderId));
  for (const o of fresh) {
    expect(o.seq, `${o.clientOrderId}: seq`).toBeGreaterThanOrEqual(killed.nextSeq);
    expect(o.ts, `${o.clientOrderId}: event time after the last one before the kill (${lastTs})`).toBeGreaterThan(lastTs);
  }
  for (const f of after.fills.filter((x) => !hadFills.has(x.fillId))) expect(f.ts, `${f.fillId}: event time`).toBeGreaterThan(lastTs);
}

/** Some prefix (at least `atLeast` long) of the symbol's fills, replayed, gives exactly this position. */
function positionOnPath(p: { symbol: string; quantity: number; avgPrice: number; realizedPnl: number }, all: readonly FillView[], atLeast: number): void {
  const own = all.filter((f) => f.symbol === p.symbol);
  let pos: Position = FLAT;
  const path: Position[] = [FLAT];
  for (const f of own) path.push((pos = applyFill(pos, f.side, f.quantity, f.price)));
  const hit = path.findIndex((q, j) => j >= atLeast && Math.abs(q.quantity - p.quantity) < 1e-6 && Math.abs(q.avgPrice - p.avgPrice) < 1e-6 * Math.max(1, p.avgPrice) && Math.abs(q.realizedPnl - p.realizedPnl) < 1e-4);
  expect(hit, `${p.symbol} ${p.quantity} @ ${p.avgPrice} (realised ${p.realizedPnl}) is not its fills replayed (${own.length} fills, at least ${atLeast})`).toBeGreaterThanOrEqual(0);
}

function pick<T extends object, K extends keyof T>(o: T | undefined, keys: readonly K[]): Partial<Pick<T, K>> | undefined {
  if (o === undefined) return undefined;
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Partial<Pick<T, K>>;
}
