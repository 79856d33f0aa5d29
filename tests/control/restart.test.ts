import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIERS } from '../../src/contracts/tiers.ts';
import { ControlPlane } from '../../src/control/ControlPlane.ts';
import { LEASE_BLOCK } from '../../src/control/SequenceLease.ts';
import { marketEvents, tempDir } from '../helpers/moduleFixtures.ts';

const modulesDir = new URL('../fixtures/starter-modules/', import.meta.url).pathname;
const shipped: Record<string, string> = { ingestion: 'validate', features: 'ema', ml: 'ema-cross', risk: 'limits', llm: 'rule-based', portfolio: 'follow', execution: 'market' };

const targets = [
  { name: 'pglite', url: undefined as string | undefined, skip: undefined as string | undefined },
  { name: 'postgres', url: process.env.DATABASE_URL, skip: process.env.DATABASE_URL ? undefined : 'DATABASE_URL is not set (CI sets it)' },
];

for (const t of targets) {
  describe.skipIf(t.skip !== undefined)(`restart on ${t.name}${t.skip ? ` (skipped: ${t.skip})` : ''}`, () => {
    it('brings back flags, registered modules, test results, deployments and the kill switch; sequence numbers never repeat', async () => {
      const dataDir = await tempDir();
      const flagsDir = join(dataDir, 'flags');
      let url = t.url;
      let dropDb = async (): Promise<void> => {};
      if (url !== undefined) {
        // A database of its own for this run, so runs never see each other's rows.
        const pg = (await import('pg')).default;
        const name = `helios_restart_${process.pid}_${Date.now()}`;
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`CREATE DATABASE ${name}`);
        await c.end();
        const admin = url;
        dropDb = async () => {
          const d = new pg.Client({ connectionString: admin });
          await d.connect();
          await d.query(`DROP DATABASE IF EXISTS ${name}`);
          await d.end();
        };
        url = url.replace(/\/[^/]*$/, `/${name}`);
      }
      const opts = { dataDir, databaseUrl: url, flagsDir, modulesDir, apiToken: 'x'.repeat(40) };
      let cp = await ControlPlane.start(opts);
      for (const tier of TIERS) {
        const v = await cp.register(join(modulesDir, tier, shipped[tier]!), 'ops');
        expect((await cp.test(v.key, 'ops')).passed).toBe(true);
        await cp.kernel.swaps.load(v.key, 'ops');
      }
      await cp.flagFiles.write({ name: 'new-ui', enabled: true, strategies: [{ name: 'default', parameters: {} }] });
      await cp.kernel.ingest(marketEvents(500, 5));
      await cp.kernel.drain();
      await cp.killSwitch.engage('halt', 'drill', 'ops');
      // An operator forces the ml breaker open; that must survive the restart too.
      const { Breakers } = await import('../../src/control/Breakers.ts');
      await new Breakers(cp.kernel, cp.records).open('ema-cross@1.0.0', 'model under review', 'ops');
      await new Breakers(cp.kernel, cp.records).settings('*', { resetTimeoutMs: 7000 }, 'ops');
      const lastSeq = cp.kernel.sequencer.next - 1;
      await cp.flush();
      await cp.stop();

      cp = await ControlPlane.start(opts);
      try {
        expect(cp.restoredReport.skipped).toEqual([]);
        expect(cp.kernel.registry.list().map((v) => v.key).sort()).toEqual(Object.values(shipped).map((n) => `${n}@1.0.0`).sort());
        for (const tier of TIERS) expect(cp.kernel.stage(tier).slot.incumbent?.key).toBe(`${shipped[tier]}@1.0.0`);
        expect(cp.kernel.flags.current().isEnabled('new-ui')).toBe(true);
        expect(cp.killSwitch.state()).toMatchObject({ mode: 'HALTED', reason: 'drill' });
        expect(cp.restoredReport.breakerOverrides).toEqual(['ema-cross@1.0.0']);
        // The operator's forced open was recorded once, with who and why.
        const events = await cp.db.query<{ to_state: string; reason: string }>(`SELECT to_state, reason FROM breaker_events WHERE breaker = 'ema-cross@1.0.0' ORDER BY id`);
        expect(events).toEqual([{ to_state: 'open', reason: 'forced by ops: model under review' }]);
        expect(cp.kernel.stage('ml').slot.incumbent!.breaker.state).toBe('open');
        expect(cp.kernel.stage('features').slot.incumbent!.breaker.state).toBe('closed');
        expect(cp.kernel.stage('ml').slot.incumbent!.breaker.toJSON()).toMatchObject({ options: expect.objectContaining({ resetTimeoutMs: 7000 }) });
        // Test results came back: a swap needing a passing run for the hash is allowed without re-testing.
        expect(cp.kernel.swaps.testResult(cp.kernel.registry.get('ema@1.0.0').sha256)?.passed).toBe(true);
        // It resumes at the lease taken before the first number was used: above every number ever handed out.
        expect(cp.kernel.sequencer.next).toBe(1 + LEASE_BLOCK);
        expect(cp.kernel.sequencer.next).toBeGreaterThan(lastSeq);
        const r = await cp.app.inject({ method: 'GET', url: '/api/kill-switch' });
        expect(r.json()).toMatchObject({ mode: 'HALTED' });
      } finally {
        await cp.stop();
        await rm(dataDir, { recursive: true, force: true });
        await dropDb();
      }
    }, 90_000);
  });
}
