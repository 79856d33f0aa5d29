import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { validateBatch } from '../contracts/BatchValidator.ts';
import { TIER_CONTRACTS } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { WorkerSandbox } from '../isolation/WorkerSandbox.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import type { Cloneable } from '../contracts/module.ts';

/** A golden case, `harness/*.json` beside the module code. */
const CaseSchema = z
  .object({
    name: z.string().min(1),
    /** Batches fed in order to one fresh instance (state carries between them). */
    batches: z.array(z.array(z.unknown())).min(1),
    /** Expected output per batch; omitted means only the contract is checked. */
    expected: z.array(z.array(z.unknown())).optional(),
    /**
     * Canned answers to side effects by name (e.g. an `account.snapshot`), so
     * a case can put a module in a known world; unnamed effects answer null.
     */
    effects: z.record(z.string(), z.unknown()).optional(),
    /**
     * Config keys laid over the manifest's for this case alone, so one module
     * can be tested in each of its modes (an optimiser method, a provider) and
     * not only in the one it ships with.
     */
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export interface CaseResult {
  name: string;
  passed: boolean;
  ms: number;
  failures: string[];
}

export interface HarnessResult {
  key: string;
  sha256: string;
  passed: boolean;
  at: number;
  cases: CaseResult[];
}

/**
 * Runs a version's own cases in a fresh worker (whatever the manifest's
 * isolation: a harness run must not share the kernel's heap), with effects
 * stubbed, every output checked against the tier contract, the golden outputs
 * and the module's deadline as its latency budget.
 */
export async function runHarness(version: ModuleVersion, now: () => number = Date.now): Promise<HarnessResult> {
  const cases = await loadCases(version);
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(version, c));
  return { key: version.key, sha256: version.sha256, passed: results.length > 0 && results.every((r) => r.passed), at: now(), cases: results };
}

async function loadCases(version: ModuleVersion): Promise<z.infer<typeof CaseSchema>[]> {
  const dir = join(version.path, 'harness');
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    throw new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `${version.key} ships no harness/ folder; every module needs its own cases`);
  }
  if (files.length === 0) throw new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `${version.key} harness/ has no *.json cases`);
  const out = [];
  for (const f of files) {
    const r = CaseSchema.safeParse(JSON.parse(await readFile(join(dir, f), 'utf8')));
    if (!r.success) throw new HeliosError('HELIOS_E_MANIFEST_INVALID', `harness case ${f}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    out.push(r.data);
  }
  return out;
}

async function runCase(version: ModuleVersion, c: z.infer<typeof CaseSchema>): Promise<CaseResult> {
  const { input, output } = TIER_CONTRACTS[version.manifest.tier];
  const failures: string[] = [];
  const sandbox = new WorkerSandbox({
    manifest: c.config === undefined ? version.manifest : { ...version.manifest, config: { ...version.manifest.config, ...c.config } },
    moduleUrl: version.moduleUrl,
    effects: async (name) => structuredClone((c.effects?.[name] ?? null) as Cloneable),
    logger: { log: () => {} },
  });
  const t0 = performance.now();
  try {
    await sandbox.start();
    for (let b = 0; b < c.batches.length; b++) {
      const batch = c.batches[b]!;
      const badIn = validateBatch(input, batch);
      if (badIn !== null) {
        failures.push(`batch ${b}: input item ${badIn.index} violates the ${version.manifest.tier} input contract`);
        break;
      }
      const started = performance.now();
      const out = await sandbox.handle(batch, lastTs(batch), false);
      const ms = performance.now() - started;
      if (ms > version.manifest.deadlineMs) failures.push(`batch ${b}: ${ms.toFixed(1)} ms over the ${version.manifest.deadlineMs} ms budget`);
      const badOut = Array.isArray(out) ? validateBatch(output, out) : { index: -1, issues: [{ path: '', message: 'not an array' }] };
      if (badOut !== null) failures.push(`batch ${b}: output item ${badOut.index} violates the contract: ${badOut.issues.map((i) => i.message).join('; ')}`);
      const want = c.expected?.[b];
      if (want !== undefined && !isDeepStrictEqual(out, want)) failures.push(`batch ${b}: output differs from the golden output`);
    }
    // The state must survive the trip a swap will make.
    const state = await sandbox.snapshot();
    await sandbox.restore(state, version.manifest.stateVersion);
  } catch (e) {
    failures.push(e instanceof HeliosError ? `${e.code}: ${e.message}` : String(e));
  } finally {
    await sandbox.dispose();
  }
  return { name: c.name, passed: failures.length === 0, ms: performance.now() - t0, failures };
}

function lastTs(batch: unknown[]): number {
  const ts = (batch[batch.length - 1] as { ts?: unknown } | undefined)?.ts;
  return typeof ts === 'number' ? ts : 0;
}
