import { afterEach, describe, expect, it } from 'vitest';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { marketEvents } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, startKernel } from './kernelHarness.ts';

let h: Awaited<ReturnType<typeof startKernel>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('pipeline', () => {
  it('carries every event through seven worker-isolated tiers, each output keeping its input seq', async () => {
    h = await startKernel();
    await h.loadAll();
    const events = marketEvents(2000, 5);
    for (let i = 0; i < events.length; i += 100) await h.kernel.ingest(events.slice(i, i + 100));
    await h.kernel.drain();
    for (const tier of ['ingestion', 'features', 'ml', 'risk', 'llm', 'portfolio', 'execution'] as const) {
      const { missing, duplicated } = exactlyOnce(h.outputs.get(tier)!, 1, 2000);
      expect({ tier, missing: missing.length, duplicated: duplicated.length }).toEqual({ tier, missing: 0, duplicated: 0 });
    }
    expect(h.sent).toHaveLength(2000);
    expect(h.sent[0]).toMatchObject({ seq: 1, clientOrderId: 'o-1' });
    expect(h.kernel.entry.duplicates).toBe(0);
    expect(h.kernel.entry.missing).toBe(0);
    const status = h.kernel.status();
    expect(status.features).toMatchObject({ ledger: { entered: 2000, handled: 2000, failsafe: 0, regressions: 0, inFlight: 0 } });
  });

  it('keeps order within each symbol at every tier', async () => {
    h = await startKernel();
    await h.loadAll([], 'inline');
    const events = marketEvents(1000, 7);
    await h.kernel.ingest(events);
    await h.kernel.drain();
    const last = new Map<string, number>();
    for (const o of h.outputs.get('execution')!) {
      expect(o.seq).toBeGreaterThan(last.get(o.symbol) ?? 0);
      last.set(o.symbol, o.seq);
    }
    expect(h.kernel.stage('ml').ledger.regressions).toBe(0);
  });

  it('refuses a malformed batch with a coded error and spends no sequence number on it', async () => {
    h = await startKernel();
    await h.loadAll();
    const before = h.kernel.sequencer.next;
    const bad = [{ symbol: 'A', ts: 1, kind: 'trade', price: 1, size: 1 }, { symbol: '', ts: 'x', kind: 'nope' }] as never[];
    let err: unknown;
    try {
      h.kernel.ingest(bad);
    } catch (e) {
      err = e;
    }
    expect(isHeliosError(err, 'HELIOS_E_INPUT_INVALID')).toBe(true);
    expect(h.kernel.sequencer.next).toBe(before);
    await h.kernel.drain();
    expect(h.outputs.get('ingestion')).toHaveLength(0);
  });

  it('gives an unknown tier a coded error', async () => {
    h = await startKernel();
    expect(() => h!.kernel.stage('nope')).toThrowError(expect.objectContaining({ code: 'HELIOS_E_TIER_UNKNOWN' }));
  });
});
