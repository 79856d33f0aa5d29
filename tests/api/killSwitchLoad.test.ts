import { afterEach, describe, expect, it } from 'vitest';
import { backgroundReads, httpClient, startLoadedApi } from '../../bench/lib/apiLoad.ts';

let h: Awaited<ReturnType<typeof startLoadedApi>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Waits (bounded) until `cond` holds; returns whether it did. Not a timing assertion: only a guard against hanging. */
async function until(cond: () => boolean, maxMs = 20_000): Promise<boolean> {
  const end = Date.now() + maxMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

describe('kill switch under load', () => {
  it('answers, takes effect at once and is persisted while the pipeline is busy and thousands of API requests are in flight', { timeout: 120_000 }, async () => {
    h = await startLoadedApi({ isolation: 'inline' });
    const CYCLES = 4;
    const AT_LEAST = 3_000;
    // Orders submitted while the halt is in force (after its answer, before the reset is sent): must stay empty.
    let halted = false;
    const late: number[] = [];
    h.onSubmit.push((o) => {
      if (halted) late.push(...o.map((x) => x.seq));
    });

    // Reads run until the kill cycles are over and at least AT_LEAST have been answered, so every halt lands amid them.
    const reads = backgroundReads(h.port, { clients: 32, total: 100_000 });
    const ops = httpClient(h.port, 2);
    const cycles: { before: number; during: number; mode: string; persisted: unknown }[] = [];
    for (let c = 0; c < CYCLES; c++) {
      // The pipeline is trading before each halt.
      const before = h.orders.submitted;
      expect(await until(() => h!.orders.submitted > before)).toBe(true);

      const r = await ops.send('POST', '/api/kill-switch', { mode: 'halt', reason: `load halt ${c}` }, h.auth);
      halted = true;
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ mode: 'HALTED', reason: `load halt ${c}` });
      // In force on answer, and durable on answer.
      const mode = h.kernel.trading.mode;
      const persisted = await h.db.query('SELECT mode, reason FROM trading_state');
      // Events keep flowing through all seven tiers while halted; none may leave as an order.
      const ingestedAtHalt = h.ingested;
      const submittedAtHalt = h.orders.submitted;
      expect(await until(() => h!.ingested > ingestedAtHalt + 500)).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      cycles.push({ before, during: h.orders.submitted - submittedAtHalt, mode, persisted });

      halted = false;
      const reset = await ops.send('POST', '/api/kill-switch/reset', { reason: `load reset ${c}` }, h.auth);
      expect(reset.status).toBe(200);
      expect(JSON.parse(reset.body)).toMatchObject({ mode: 'ACTIVE' });
    }
    expect(reads.done).toBeLessThan(100_000);
    expect(await until(() => reads.done >= AT_LEAST, 60_000)).toBe(true);
    await reads.stop();
    ops.close();

    for (const [c, cy] of cycles.entries()) {
      expect(cy).toEqual({ before: expect.any(Number), during: 0, mode: 'HALTED', persisted: [{ mode: 'HALTED', reason: `load halt ${c}` }] });
    }
    expect(late).toEqual([]);
    // Orders flowed again after the last reset.
    const afterReset = h.orders.submitted;
    expect(await until(() => h!.orders.submitted > afterReset)).toBe(true);
    // Every background request was answered, successfully.
    expect(reads.errors).toEqual([]);
    expect(reads.done).toBeGreaterThanOrEqual(AT_LEAST);
    expect([...reads.byStatus.entries()]).toEqual([[200, reads.done]]);
    // The whole history is durable, in order.
    const history = await h.db.query<{ to_mode: string; reason: string }>('SELECT to_mode, reason FROM trading_mode_history ORDER BY id');
    expect(history).toEqual(Array.from({ length: CYCLES }, (_, c) => [{ to_mode: 'HALTED', reason: `load halt ${c}` }, { to_mode: 'ACTIVE', reason: `load reset ${c}` }]).flat());
    expect(await h.db.query('SELECT mode FROM trading_state')).toEqual([{ mode: 'ACTIVE' }]);
  });
});
