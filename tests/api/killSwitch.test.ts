import { afterEach, describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.ts';
import { startApi } from './apiHarness.ts';

let h: Awaited<ReturnType<typeof startApi>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  h!.app.inject({ method: 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

// The persistence-bearing routes run on both databases: PGlite always, the PostgreSQL server when DATABASE_URL is set.
for (const database of DATABASES) {
  describe.skipIf(database.skip !== undefined)(`kill switch persistence on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
    it('halts, persists before answering, and only an explicit reset with a reason resumes', async () => {
      h = await startApi({ database });
    const r = await post('/api/kill-switch', { mode: 'halt', reason: 'exchange outage' }, h.auth);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ mode: 'HALTED', reason: 'exchange outage', actor: expect.stringMatching(/^tok-/) });
    expect(h.kernel.trading.mode).toBe('HALTED');
    expect(await h.db.query('SELECT mode, reason FROM trading_state')).toEqual([{ mode: 'HALTED', reason: 'exchange outage' }]);
    expect((await h.app.inject({ method: 'GET', url: '/api/kill-switch' })).json()).toMatchObject({ mode: 'HALTED' });
    // Loosening without a reset is refused.
    const reduce = await post('/api/kill-switch', { mode: 'reduce', reason: 'try' }, h.auth);
    expect(reduce.statusCode).toBe(409);
    expect(reduce.json().error.code).toBe('HELIOS_E_TRADING_HALTED');
    const bad = await post('/api/kill-switch/reset', { reason: '   ' }, h.auth);
    expect(bad.statusCode).toBe(400);
    expect(h.kernel.trading.mode).toBe('HALTED');
    const reset = await post('/api/kill-switch/reset', { reason: 'outage over' }, h.auth);
    expect(reset.json()).toMatchObject({ mode: 'ACTIVE', reason: 'outage over' });
    expect(await h.db.query('SELECT from_mode, to_mode FROM trading_mode_history ORDER BY id')).toEqual([
      { from_mode: 'ACTIVE', to_mode: 'HALTED' },
      { from_mode: 'HALTED', to_mode: 'ACTIVE' },
    ]);
  });
  });
}

describe('kill switch API', () => {

  it('flatten sends a closing market order per open position, then halts', async () => {
    h = await startApi({ positions: { AAA: 10, BBB: -4 } });
    // The kernel flattens what it has traded; record two sends so it knows the symbols.
    await h.kernel.sendOrders([
      { seq: 1, symbol: 'AAA', ts: 1, clientOrderId: 'a', side: 'buy', quantity: 10, type: 'market' },
      { seq: 2, symbol: 'BBB', ts: 1, clientOrderId: 'b', side: 'sell', quantity: 4, type: 'market' },
    ]);
    h.sent.length = 0;
    const r = await post('/api/kill-switch', { mode: 'flatten', reason: 'end of day' }, h.auth);
    expect(r.statusCode).toBe(200);
    expect(r.json().mode).toBe('HALTED');
    expect(h.sent.map((o) => [o.symbol, o.side, o.quantity, o.type])).toEqual([
      ['AAA', 'sell', 10, 'market'],
      ['BBB', 'buy', 4, 'market'],
    ]);
  });

  it('refuses missing and wrong tokens with 401 and changes nothing', async () => {
    h = await startApi();
    const none = await post('/api/kill-switch', { mode: 'halt', reason: 'x' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('HELIOS_E_UNAUTHORIZED');
    const wrong = await post('/api/kill-switch', { mode: 'halt', reason: 'x' }, { authorization: 'Bearer nope' });
    expect(wrong.statusCode).toBe(401);
    expect(h.kernel.trading.mode).toBe('ACTIVE');
    expect(await h.db.query('SELECT count(*)::int AS n FROM trading_mode_history')).toEqual([{ n: 0 }]);
  });

  it('answers bad input with a coded 4xx, never a 5xx, and changes nothing', async () => {
    h = await startApi();
    const cases: [string, string | object, Record<string, string>, number, string][] = [
      ['malformed JSON', '{"mode": "halt",', {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['wrong type', { mode: 7, reason: 'x' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown mode', { mode: 'panic', reason: 'x' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['missing reason', { mode: 'halt' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown key', { mode: 'halt', reason: 'x', force: true }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['oversized', { mode: 'halt', reason: 'x'.repeat(100_000) }, {}, 413, 'HELIOS_E_PAYLOAD_TOO_LARGE'],
      ['not JSON', 'mode=halt', { 'content-type': 'text/plain' }, 415, 'HELIOS_E_UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [what, body, headers, status, code] of cases) {
      const r = await post('/api/kill-switch', body, { ...h.auth, ...headers });
      expect({ what, status: r.statusCode, code: r.json().error?.code }).toEqual({ what, status, code });
    }
    expect(h.kernel.trading.mode).toBe('ACTIVE');
    const nf = await h.app.inject({ method: 'GET', url: '/api/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json().error.code).toBe('HELIOS_E_ROUTE_NOT_FOUND');
  });

  it('documents its routes in OpenAPI at /docs/json and serves the interactive page at /docs', async () => {
    h = await startApi();
    const spec = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/kill-switch', '/api/kill-switch/reset', '/health', '/api/system/info', '/api/modularity/status']));
    expect(spec.paths['/api/kill-switch'].post.requestBody.content['application/json'].schema.required).toEqual(['mode', 'reason']);
    const page = await h.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('reports health with the reason when not ready', async () => {
    h = await startApi();
    const r = await h.app.inject({ method: 'GET', url: '/health' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ live: true, ready: false, reason: expect.stringContaining('no module loaded in ingestion') });
    expect((await h.app.inject({ method: 'GET', url: '/api/system/info' })).json()).toMatchObject({ name: 'helios', database: 'pglite', trading: 'ACTIVE' });
  });
});
