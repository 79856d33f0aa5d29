import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/buildApp.ts';
import { KillSwitch } from '../../src/control/KillSwitch.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import type { Database } from '../../src/store/Database.ts';
import { TradingBook } from '../../src/trading/TradingBook.ts';
import { DATABASES } from '../helpers/databases.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { emptyBook, FRICTIONLESS } from '../trading/bookHarness.ts';
import { order, trade } from '../trading/marketEvents.ts';
import { TOKEN } from './apiHarness.ts';

/** The API over a kernel whose gateway and exposure are a trading book on `db` (or no book at all). */
async function startApi(db: Database, withBook: boolean) {
  const dataDir = await tempDir();
  const kernel: { k?: Kernel } = {};
  const book = withBook ? await TradingBook.open(await emptyBook(db), { initialCash: 50_000, broker: FRICTIONLESS, mode: () => kernel.k!.trading.mode, limits: { maxDrawdown: 0.1 } }) : undefined;
  kernel.k = new Kernel({ dataDir, ...(book ? { gateway: book, exposure: (s: string) => book.exposure(s) } : {}) });
  const records = new PlatformRecords(db);
  const killSwitch = new KillSwitch(kernel.k, records);
  const app = await buildApp({ kernel: kernel.k, killSwitch, db, records, modulesDir: dataDir, flagFiles: undefined, startedAt: Date.now(), version: '0.1.0', book }, { token: TOKEN });
  return {
    app,
    book,
    kernel: kernel.k,
    get: (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers }),
    async close() {
      await app.close();
      await kernel.k!.stop();
      await db.exec(`UPDATE trading_state SET mode = 'ACTIVE', reason = 'initial', actor = 'system', seq = 0 WHERE id = 1; DELETE FROM trading_mode_history`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let h: Awaited<ReturnType<typeof startApi>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

for (const database of DATABASES) {
  describe.skipIf(database.skip !== undefined)(`trading routes on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
    let opened: Awaited<ReturnType<typeof database.open>>;
    beforeAll(async () => {
      opened = await database.open();
    });
    afterAll(() => opened?.drop());

    it('shows positions with P&L, orders and fills from the book, filtered, to anyone, token or not', async () => {
      h = await startApi(opened.db, true);
      const book = h.book!;
      book.onMarket([trade('AAA', 1000, 100, 1000), trade('BBB', 1000, 20, 1000)]);
      await h.kernel.sendOrders([order('a1', 'AAA', 'buy', 10, 1000), order('b1', 'BBB', 'sell', 50, 1000), order('b2', 'BBB', 'buy', 5, 1000, 1)]);
      book.onMarket([trade('AAA', 1001, 100, 1000), trade('BBB', 1001, 20, 1000), trade('AAA', 1002, 104, 1)]);
      await book.flush();

      const pos = await h.get('/api/portfolio/positions');
      expect(pos.statusCode).toBe(200);
      expect(pos.json()).toEqual({
        positions: [
          { symbol: 'AAA', quantity: 10, avgPrice: 100, markPrice: 104, unrealizedPnl: 40, realizedPnl: 0 },
          { symbol: 'BBB', quantity: -50, avgPrice: 20, markPrice: 20, unrealizedPnl: 0, realizedPnl: 0 },
        ],
        account: { asOf: 1002, initialCash: 50_000, cash: 50_000, equity: 50_040, dayStartEquity: 50_000, dailyPnl: 40, peakEquity: 50_040, drawdown: 0, grossExposure: 2_040, fees: 0 },
      });
      expect((await h.get('/api/portfolio/positions', { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
      expect((await h.get('/api/portfolio/positions', { authorization: 'Bearer wrong' })).statusCode).toBe(200);

      const all = (await h.get('/api/orders')).json().orders;
      expect(all.map((o: { clientOrderId: string; status: string }) => [o.clientOrderId, o.status])).toEqual([
        ['b2', 'accepted'],
        ['b1', 'filled'],
        ['a1', 'filled'],
      ]);
      expect((await h.get('/api/orders?status=open')).json().orders.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(['b2']);
      const bbb = (await h.get('/api/orders?symbol=BBB&status=filled&limit=5')).json().orders;
      expect(bbb).toEqual([
        expect.objectContaining({ clientOrderId: 'b1', seq: 1001, symbol: 'BBB', side: 'sell', quantity: 50, type: 'market', limitPrice: null, status: 'filled', filledQuantity: 50, ts: 1000, reason: null }),
      ]);
      expect((await h.get('/api/orders?limit=1')).json().orders).toHaveLength(1);
      expect((await h.get('/api/fills?symbol=AAA')).json()).toEqual({
        fills: [{ fillId: 'a1-f1', clientOrderId: 'a1', symbol: 'AAA', side: 'buy', quantity: 10, price: 100, fee: 0, ts: 1001, at: expect.any(String) }],
      });
      expect((await h.get('/api/fills?limit=1')).json().fills).toHaveLength(1);
    });

    it('shows the trading state beside the account, and a halt through the kill switch cancels working orders in the book', async () => {
      h = await startApi(opened.db, true);
      const book = h.book!;
      book.onMarket([trade('AAA', 1000, 100, 1000)]);
      await h.kernel.sendOrders([order('rest', 'AAA', 'buy', 5, 1000, 1)]);
      const before = (await h.get('/api/trading/state')).json();
      expect(before).toMatchObject({ mode: 'ACTIVE', reason: null, actor: null, since: null, seq: null, limits: { maxDrawdown: 0.1 }, account: { equity: 50_000, dailyPnl: 0, drawdown: 0 } });
      const halt = await h.app.inject({ method: 'POST', url: '/api/kill-switch', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: { mode: 'halt', reason: 'test halt' } });
      expect(halt.statusCode).toBe(200);
      await book.flush();
      const after = (await h.get('/api/trading/state')).json();
      expect(after).toMatchObject({ mode: 'HALTED', reason: 'test halt', actor: expect.stringMatching(/^tok-/), since: expect.any(String), seq: expect.any(Number) });
      expect((await h.get('/api/orders?status=cancelled')).json().orders.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual(['rest']);
    });
  });
}

describe('trading routes', () => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await DATABASES[0]!.open());
  });
  afterAll(() => drop());

  it('answers bad query parameters with a coded 400', async () => {
    h = await startApi(db, true);
    for (const url of [
      '/api/orders?limit=0',
      '/api/orders?limit=abc',
      '/api/orders?limit=1001',
      '/api/orders?limit=1.5',
      '/api/orders?status=lost',
      '/api/orders?symbol=',
      '/api/orders?sort=asc',
      '/api/fills?status=filled',
      '/api/fills?limit=-1',
    ]) {
      const r = await h.get(url);
      expect({ url, status: r.statusCode, code: r.json().error?.code }).toEqual({ url, status: 400, code: 'HELIOS_E_INPUT_INVALID' });
    }
  });

  it('answers 503 with a code when the kernel runs without a book, and still shows the trading mode', async () => {
    h = await startApi(db, false);
    for (const url of ['/api/portfolio/positions', '/api/orders', '/api/fills']) {
      const r = await h.get(url);
      expect({ url, status: r.statusCode, code: r.json().error?.code }).toEqual({ url, status: 503, code: 'HELIOS_E_BOOK_UNAVAILABLE' });
    }
    expect((await h.get('/api/trading/state')).json()).toEqual({ mode: 'ACTIVE', reason: null, actor: null, since: null, seq: null, account: null, limits: null });
  });

  it('documents the routes and their query parameters in OpenAPI', async () => {
    h = await startApi(db, false);
    const spec = (await h.get('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/portfolio/positions', '/api/orders', '/api/fills', '/api/trading/state']));
    expect(spec.paths['/api/orders'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['query:limit', 'query:status', 'query:symbol']);
    expect(Object.keys(spec.paths['/api/orders'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '503']));
  });
});
