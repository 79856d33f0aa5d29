import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIERS } from '../../src/contracts/tiers.ts';
import { ControlPlane } from '../../src/control/ControlPlane.ts';
import { PASS_THROUGH, tempDir, writeModule } from '../helpers/moduleFixtures.ts';

describe('breaker events', () => {
  it('records a breaker that opens on failures and closes on a probe, without anyone asking', async () => {
    const dataDir = await tempDir();
    const cp = await ControlPlane.start({
      dataDir,
      flagsDir: join(dataDir, 'flags'),
      modulesDir: join(dataDir, 'src'),
      kernel: { breaker: { volumeThreshold: 2, consecutiveFailures: 2, resetTimeoutMs: 100 } },
    });
    try {
      for (const tier of TIERS) {
        // features fails on symbols starting with X, and only on those.
        const code = tier === 'features' ? PASS_THROUGH.features.replace('handle(items) {', "handle(items) { if (items.some((e) => e.symbol.startsWith('X'))) throw new Error('bad tick');") : PASS_THROUGH[tier];
        const v = await cp.register(await writeModule(join(dataDir, 'src'), { name: `m-${tier}`, tier, version: '1.0.0', code }), 't');
        await cp.test(v.key, 't');
        await cp.kernel.swaps.load(v.key, 't');
      }
      for (let i = 0; i < 2; i++) {
        await cp.kernel.ingest([{ symbol: 'XBAD', ts: 1 + i, kind: 'trade', price: 1, size: 1 }]);
        await cp.kernel.drain();
      }
      expect(cp.kernel.stage('features').slot.incumbent!.breaker.state).toBe('open');
      await new Promise((r) => setTimeout(r, 150));
      await cp.kernel.ingest([{ symbol: 'GOOD', ts: 10, kind: 'trade', price: 1, size: 1 }]);
      await cp.kernel.drain();
      await cp.flush();
      const rows = await cp.db.query<{ from_state: string; to_state: string; reason: string }>(`SELECT from_state, to_state, reason FROM breaker_events WHERE breaker = 'm-features@1.0.0' ORDER BY id`);
      expect(rows.map((r) => `${r.from_state}->${r.to_state}`)).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    } finally {
      await cp.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
