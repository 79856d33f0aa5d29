/**
 * `npm run harness -- modules/<tier>/<name> [more folders]`: registers each
 * folder into a throwaway artifact store and runs its harness exactly as the
 * API does (fresh worker, contract and golden checks, deadline as latency
 * budget, snapshot/restore round trip). Exit code 0 only if every case passed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isHeliosError } from '../errors/HeliosError.ts';
import { ArtifactStore } from '../registry/ArtifactStore.ts';
import { ModuleRegistry } from '../registry/ModuleRegistry.ts';
import { runHarness } from '../swap/Harness.ts';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (dirs.length === 0) {
  console.error('usage: npm run harness -- modules/<tier>/<name> [...]');
  process.exit(2);
}
const store = await mkdtemp(join(tmpdir(), 'helios-harness-'));
const registry = new ModuleRegistry(new ArtifactStore(join(store, 'artifacts')));
let failed = 0;
try {
  for (const dir of dirs) {
    try {
      const v = await registry.register(resolve(dir));
      const r = await runHarness(v);
      console.log(`${r.passed ? 'PASS' : 'FAIL'} ${v.key} (${v.manifest.tier}, sha256 ${v.sha256.slice(0, 12)})`);
      for (const c of r.cases) {
        console.log(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name} (${c.ms.toFixed(1)} ms)`);
        for (const f of c.failures) console.log(`       ${f}`);
      }
      if (!r.passed) failed++;
    } catch (e) {
      failed++;
      console.log(`FAIL ${dir}: ${isHeliosError(e) ? `${e.code}: ${e.message}` : String(e)}`);
    }
  }
} finally {
  await rm(store, { recursive: true, force: true });
}
console.log(`${dirs.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
