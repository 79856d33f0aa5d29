import { z } from 'zod';
import type { BreakerJSON } from '../breaker/BreakerStats.ts';
import { compileBreakerOptions } from '../breaker/BreakerOptions.ts';
import { TIERS, type Tier } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { BreakerSettings } from '../kernel/BreakerSettings.ts';
import type { Deployment } from '../kernel/Deployment.ts';
import type { Kernel } from '../kernel/Kernel.ts';
import type { PlatformRecords } from './PlatformRecords.ts';

/**
 * The thresholds an operator may set. Strict, so a typo is an error rather
 * than a setting that silently does nothing; the per-call timeout is the
 * module's own deadline and is not settable here.
 */
export const BreakerSettingsSchema = z
  .object({
    errorThresholdPercentage: z.number().gt(0).max(100),
    volumeThreshold: z.number().int().min(1).max(1_000_000),
    consecutiveFailures: z.number().int().min(0).max(1_000_000),
    rollingWindowMs: z.number().int().min(10).max(3_600_000),
    resetTimeoutMs: z.number().int().min(1).max(3_600_000),
    maxInFlight: z.number().int().min(1).max(10_000),
    maxQueue: z.number().int().min(0).max(1_000_000),
  })
  .partial()
  .strict()
  .refine((s) => Object.keys(s).length > 0, { message: 'give at least one setting' });

/** `'*'` (every module) or one module's name. */
export const BreakerScope = z.union([z.literal('*'), z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "'*' or a module name")]);

export interface BreakerOverride {
  state: 'open' | 'closed';
  reason: string;
  actor: string;
  at: string;
}

export interface BreakerView extends BreakerJSON {
  key: string;
  tier: Tier;
  role: string | null;
  override: BreakerOverride | null;
}

/**
 * Operator control of the per-version circuit breakers. Every change acts on
 * the live breaker first (the next batch already sees it), is then made
 * durable, and only then answered; `apply()` puts persisted overrides back on
 * after a restart. Overrides are read back from the database, so any number of
 * instances of this class agree.
 */
export class Breakers {
  readonly #kernel: Kernel;
  readonly #records: PlatformRecords;

  constructor(kernel: Kernel, records: PlatformRecords) {
    this.#kernel = kernel;
    this.#records = records;
  }

  /** The deployment behind `name@version`, in whichever tier runs it. */
  find(key: string): { tier: Tier; role: string | null; deployment: Deployment } {
    for (const tier of TIERS) {
      const slot = this.#kernel.stage(tier).slot;
      const deployment = slot.deployed.find((d) => d.key === key);
      if (deployment !== undefined) return { tier, role: slot.roleOf(key) ?? null, deployment };
    }
    throw new HeliosError('HELIOS_E_VERSION_UNKNOWN', `no deployed module version ${key}; breakers exist for deployed versions only`, { key });
  }

  async list(): Promise<BreakerView[]> {
    const overrides = await this.#overrides();
    const out: BreakerView[] = [];
    for (const tier of TIERS) {
      const slot = this.#kernel.stage(tier).slot;
      for (const d of slot.deployed) out.push({ key: d.key, tier, role: slot.roleOf(d.key) ?? null, ...d.breaker.toJSON(), override: overrides.get(d.key) ?? null });
    }
    return out;
  }

  async get(key: string): Promise<BreakerView> {
    const { tier, role, deployment } = this.find(key);
    const overrides = await this.#overrides(key);
    return { key, tier, role, ...deployment.breaker.toJSON(), override: overrides.get(key) ?? null };
  }

  /** Forces the breaker open (the tier runs on its fail-safe for this version) until close or reset. */
  async open(key: string, reason: string, actor: string): Promise<BreakerView> {
    const { deployment } = this.find(key);
    const from = deployment.breaker.state;
    deployment.breaker.forceOpen(reason);
    await this.#records.breakerOverride(key, 'open', reason, actor);
    await this.#records.breakerEvent(key, from, 'open', `forced by ${actor}: ${reason}`);
    return this.get(key);
  }

  /** Forces the breaker closed, whatever the traffic, until open or reset. */
  async close(key: string, reason: string, actor: string): Promise<BreakerView> {
    const { deployment } = this.find(key);
    const from = deployment.breaker.state;
    deployment.breaker.forceClose(reason);
    await this.#records.breakerOverride(key, 'closed', reason, actor);
    await this.#records.breakerEvent(key, from, 'closed', `forced by ${actor}: ${reason}`);
    return this.get(key);
  }

  /** Ends any override: closed, with an empty window, governed by its thresholds again. */
  async reset(key: string, actor: string, reason?: string): Promise<BreakerView> {
    const { deployment } = this.find(key);
    const from = deployment.breaker.state;
    deployment.breaker.reset();
    await this.#records.breakerOverride(key, null, '', actor);
    await this.#records.breakerEvent(key, from, 'closed', `reset by ${actor}${reason === undefined ? '' : `: ${reason}`}`);
    return this.get(key);
  }

  /**
   * Validates and persists thresholds for `scope` ('*' or a module name).
   * Running breakers keep the policy they were created with (a breaker's
   * options are frozen); the settings apply to breakers created from now on.
   */
  async settings(scope: string, settings: BreakerSettings, actor: string): Promise<{ scope: string; settings: BreakerSettings; appliesTo: 'future-deployments'; note: string }> {
    const s = parseSettings(settings);
    if (scope !== '*' && this.#kernel.registry.list({ name: scope }).length === 0) {
      throw new HeliosError('HELIOS_E_VERSION_UNKNOWN', `no module named ${scope} is registered`, { scope });
    }
    await this.#records.breakerSettings(scope, s as Record<string, unknown>, actor);
    this.#kernel.setBreakerSettings(s, scope);
    return {
      scope,
      settings: s,
      appliesTo: 'future-deployments',
      note: 'running breakers keep their settings; these apply to breakers created from now on (the next load, candidate or restart)',
    };
  }

  /** Re-applies persisted overrides after a restart; returns which were applied and which name no deployed version. */
  apply(overrides: readonly { breaker: string; state: 'open' | 'closed'; reason: string }[]): { applied: string[]; skipped: string[] } {
    const applied: string[] = [];
    const skipped: string[] = [];
    for (const o of overrides) {
      let d: Deployment;
      try {
        d = this.find(o.breaker).deployment;
      } catch {
        skipped.push(o.breaker);
        continue;
      }
      if (o.state === 'open') d.breaker.forceOpen(o.reason);
      else d.breaker.forceClose(o.reason);
      applied.push(o.breaker);
    }
    return { applied, skipped };
  }

  /** Re-applies persisted settings after a restart (before versions are deployed). */
  applySettings(settings: readonly { scope: string; settings: Record<string, unknown> }[]): void {
    for (const s of settings) this.#kernel.setBreakerSettings(parseSettings(s.settings), s.scope);
  }

  async #overrides(key?: string): Promise<Map<string, BreakerOverride>> {
    const rows = await this.#records.db.query<{ breaker: string; state: 'open' | 'closed'; reason: string; actor: string; at: Date | string }>(
      key === undefined ? `SELECT breaker, state, reason, actor, at FROM breaker_overrides` : `SELECT breaker, state, reason, actor, at FROM breaker_overrides WHERE breaker = $1`,
      key === undefined ? [] : [key],
    );
    return new Map(rows.map((r) => [r.breaker, { state: r.state, reason: r.reason, actor: r.actor, at: new Date(r.at).toISOString() }]));
  }
}

/** Strict schema, then the breaker's own validation (cross-field rules such as window / buckets), so a setting that would fail a later deployment is refused now. */
function parseSettings(input: unknown): BreakerSettings {
  const r = BreakerSettingsSchema.safeParse(input);
  if (!r.success) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', r.error.issues.map((i) => `settings.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  compileBreakerOptions({ name: 'settings-check', timeoutMs: 1_000, ...r.data });
  return r.data;
}
