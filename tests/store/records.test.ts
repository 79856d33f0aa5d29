import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/contracts/manifest.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import type { ModuleVersion } from '../../src/registry/ModuleVersion.ts';
import { DATABASES } from '../helpers/databases.ts';

const manifest = parseManifest({ name: 'ema', tier: 'features', version: '1.2.3', stateVersion: 1, deadlineMs: 50 });
const version: ModuleVersion = {
  key: 'ema@1.2.3',
  manifest,
  sha256: 'a'.repeat(64),
  path: '/data/artifacts/' + 'a'.repeat(64),
  moduleUrl: `file:///data/artifacts/${'a'.repeat(64)}/index.ts`,
  source: '/src/modules/features/ema',
  registeredAt: Date.UTC(2026, 0, 2, 3, 4, 5),
};

for (const target of DATABASES) {
  describe.skipIf(target.skip !== undefined)(`platform records on ${target.name}`, () => {
    it('brings back what was recorded: versions, tests, deployments, trading state, sequence, breaker overrides', async () => {
      const { db, drop } = await target.open();
      try {
        const rec = new PlatformRecords(db);
        await rec.moduleRegistered(version, 'alice');
        await rec.moduleRegistered(version, 'alice'); // idempotent
        await rec.testRun({ key: version.key, sha256: version.sha256, passed: false, at: 1, cases: [] }, 'alice');
        await rec.testRun({ key: version.key, sha256: version.sha256, passed: true, at: 2, cases: [{ name: 'c', passed: true, ms: 1, failures: [] }] }, 'alice');
        await rec.deployments('features', [{ role: 'incumbent', key: version.key }]);
        await rec.trading({ from: 'ACTIVE', to: 'HALTED', reason: 'drill', actor: 'bob', at: Date.UTC(2026, 0, 2), seq: 41 });
        await rec.nextSeq(1000);
        await rec.nextSeq(900); // never goes back
        await rec.breakerOverride('features/ema@1.2.3', 'open', 'vendor outage', 'bob');
        const r = await rec.restore();
        expect(r.versions).toEqual([version]);
        expect(r.tests).toHaveLength(1);
        expect(r.tests[0]).toMatchObject({ passed: true, at: 2 });
        expect(r.deployments).toEqual([{ tier: 'features', role: 'incumbent', key: version.key }]);
        expect(r.trading).toMatchObject({ mode: 'HALTED', reason: 'drill', actor: 'bob', seq: 41 });
        expect(r.nextSeq).toBe(1000);
        expect(r.breakerOverrides).toEqual([{ breaker: 'features/ema@1.2.3', state: 'open', reason: 'vendor outage', actor: 'bob' }]);
        expect(await rec.testRuns(version.key)).toHaveLength(2);
        await rec.flagChange({ flag: 'f', action: 'create', actor: 'tok1', reason: 'launch', before: undefined, after: { name: 'f', enabled: true } });
        expect(await rec.flagHistory('f')).toEqual([expect.objectContaining({ action: 'create', actor: 'tok1', reason: 'launch', before: null, after: { name: 'f', enabled: true } })]);
      } finally {
        await drop();
      }
    });
  });
}
