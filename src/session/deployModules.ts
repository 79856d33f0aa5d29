import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TIERS, type Tier } from '../contracts/tiers.ts';
import type { ControlPlane } from '../control/ControlPlane.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { discoverModules } from '../registry/discoverModules.ts';

export interface DeployReport {
  /** What each tier runs now, and whether it came back from the last run or was loaded now. */
  tiers: { tier: Tier; key: string | null; from: 'restored' | 'loaded' | 'none' }[];
  registered: string[];
  failedTests: { key: string; failures: string[] }[];
}

/**
 * Registers and tests every module under `modules/` (a version whose exact
 * artifact already passed, by a stored result, is not run again), then loads
 * each tier's default (`modules/defaults.json`) unless the tier already has an incumbent
 * restored from the last run: after a restart an operator's swaps stand.
 * Every registered version is tested, so any of them can be swapped in
 * through the API without a further step.
 */
export async function deployModules(cp: ControlPlane, modulesDir: string, actor = 'main'): Promise<DeployReport> {
  const defaults = await readDefaults(modulesDir);
  const report: DeployReport = { tiers: [], registered: [], failedTests: [] };
  const passed = new Set<string>();
  for (const m of await discoverModules(modulesDir)) {
    const v = await cp.register(m.dir, actor);
    report.registered.push(v.key);
    // A passing run for these exact bytes came back with the restart (results are stored by
    // sha256): running the harness again would only repeat it.
    const known = cp.kernel.swaps.testResult(v.sha256);
    const r = known?.passed === true ? known : await cp.test(v.key, actor);
    if (r.passed) passed.add(v.key);
    else report.failedTests.push({ key: v.key, failures: r.cases.flatMap((c) => c.failures) });
  }
  for (const tier of TIERS) {
    const current = cp.kernel.stage(tier).slot.incumbent;
    if (current !== undefined) {
      report.tiers.push({ tier, key: current.key, from: 'restored' });
      continue;
    }
    const key = defaults[tier];
    if (key === undefined || !passed.has(key)) {
      report.tiers.push({ tier, key: null, from: 'none' });
      continue;
    }
    await cp.kernel.swaps.load(key, actor);
    report.tiers.push({ tier, key, from: 'loaded' });
  }
  return report;
}

async function readDefaults(modulesDir: string): Promise<Partial<Record<Tier, string>>> {
  const path = join(modulesDir, 'defaults.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', `${path}: ${String(e)}`);
  }
  const out: Partial<Record<Tier, string>> = {};
  for (const [tier, key] of Object.entries(raw as Record<string, unknown>)) {
    if (!(TIERS as readonly string[]).includes(tier) || typeof key !== 'string') {
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `${path}: "${tier}" must be a tier naming a name@version`);
    }
    out[tier as Tier] = key;
  }
  return out;
}
