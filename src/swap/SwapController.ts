import type { Tier } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { FlagStore } from '../flags/FlagStore.ts';
import type { AuditLog } from '../kernel/AuditLog.ts';
import type { Deployment } from '../kernel/Deployment.ts';
import type { Slot } from '../kernel/Slot.ts';
import type { ModuleRegistry } from '../registry/ModuleRegistry.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import { runHarness, type HarnessResult } from './Harness.ts';
import { DEFAULT_ANALYSIS, type Rollout, type RolloutPlan, type RolloutRequest, type StepResult } from './Rollout.ts';
import { routeFlag } from './routeFlag.ts';
import { ShadowReport, TIER_POLICY } from './ShadowComparator.ts';

export interface SwapDeps {
  registry: ModuleRegistry;
  flags: FlagStore;
  audit: AuditLog;
  slot(tier: Tier): Slot;
  deploy(version: ModuleVersion): Promise<Deployment>;
  requireTests: boolean;
  rollbackWindowMs: number;
}

/**
 * register -> test -> prepare -> [shadow] -> [canary steps] -> promote ->
 * (rollback window) -> retire, as in DESIGN.md. Every change of roles is a
 * synchronous assignment between batches; every transition is audited with the
 * sequence number at which it took effect.
 */
export class SwapController {
  #d: SwapDeps;
  #tests = new Map<string, HarnessResult>();
  #rollouts = new Map<string, Rollout>();
  #active = new Map<Tier, Rollout>();
  #retireTimers = new Map<Deployment, NodeJS.Timeout>();
  #nextId = 1;

  constructor(deps: SwapDeps) {
    this.#d = deps;
  }

  async test(key: string, actor: string): Promise<HarnessResult> {
    const v = this.#d.registry.get(key);
    const r = await runHarness(v);
    this.#tests.set(v.sha256, r);
    this.#d.audit.record({ action: 'test', tier: v.manifest.tier, key, actor, detail: { sha256: v.sha256, passed: r.passed } });
    return r;
  }

  testResult(sha256: string): HarnessResult | undefined {
    return this.#tests.get(sha256);
  }

  /** Records a result obtained elsewhere (a restart, the CLI harness). */
  adoptTestResult(r: HarnessResult): void {
    this.#tests.set(r.sha256, r);
  }

  /** Puts a version into an empty tier. */
  async load(key: string, actor: string): Promise<Deployment> {
    const v = this.#tested(key);
    const slot = this.#d.slot(v.manifest.tier);
    if (slot.incumbent !== undefined) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `${v.manifest.tier} already runs ${slot.incumbent.key}; swap instead`);
    const dep = await this.#d.deploy(v);
    await slot.gate.quiesce(() => {
      slot.assign({ incumbent: dep });
      this.#route(slot, [{ key: dep.key, weight: 1000 }]);
    });
    this.#d.audit.record({ action: 'load', tier: slot.tier, key, actor });
    return dep;
  }

  /** Takes every version out of a tier; it then runs on its fail-safe. */
  async unload(tier: Tier, actor: string): Promise<void> {
    const slot = this.#d.slot(tier);
    if (this.#active.has(tier)) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `a rollout is in progress on ${tier}`);
    const gone = [...slot.deployed];
    await slot.gate.quiesce(() => slot.assign({ incumbent: undefined }));
    await Promise.all(gone.map((d) => this.#dispose(d)));
    this.#d.audit.record({ action: 'unload', tier, actor, detail: { versions: gone.map((d) => d.key) } });
  }

  /** Starts replacing a tier's incumbent with `key`. Resolves once the candidate is running. */
  async swap(key: string, plan: RolloutRequest, actor: string): Promise<Rollout> {
    const v = this.#tested(key);
    const tier = v.manifest.tier;
    const slot = this.#d.slot(tier);
    const inc = slot.incumbent;
    if (inc === undefined) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `${tier} has no incumbent; load a version first`);
    if (inc.key === key) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `${key} is already the incumbent of ${tier}`);
    if (this.#active.has(tier)) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `rollout ${this.#active.get(tier)!.id} is in progress on ${tier}`);
    const full = completePlan(plan);
    const r: Rollout = { id: `r${this.#nextId++}`, tier, from: inc.key, to: key, plan: full, state: 'shadow', step: -1, percent: 0, startedAt: Date.now(), steps: [] };
    this.#active.set(tier, r);
    this.#rollouts.set(r.id, r);
    try {
      await this.#prepare(slot, r, v);
    } catch (e) {
      this.#active.delete(tier);
      r.state = 'aborted';
      r.reason = e instanceof Error ? e.message : String(e);
      r.endedAt = Date.now();
      this.#d.audit.record({ action: 'abort', tier, key, actor, detail: { rollout: r.id, reason: r.reason } });
      throw e;
    }
    this.#d.audit.record({ action: `swap.${full.strategy}`, tier, key, actor, detail: { rollout: r.id, from: inc.key } });
    if (full.strategy === 'immediate') await this.#cutOver(slot, r, actor);
    else if (full.strategy === 'canary') this.#enterStep(slot, r, 0, actor);
    return r;
  }

  /**
   * prepare: start the candidate, then, at a batch boundary and without any
   * await, ask the incumbent for its state and wire the candidate in as a
   * shadow. Worker messages are ordered, so the snapshot reflects exactly the
   * batches before the boundary, and the candidate's calls wait behind its
   * restore: the live path never waits for the state's round trip.
   */
  async #prepare(slot: Slot, r: Rollout, v: ModuleVersion): Promise<void> {
    const cand = await this.#d.deploy(v);
    let restored!: Promise<void>;
    await slot.gate.quiesce(() => {
      const inc = slot.incumbent!;
      restored = inc.snapshot().then((state) => cand.restore(state, inc.version.manifest.stateVersion));
      cand.holdUntil(restored);
      const report = new ShadowReport(TIER_POLICY[slot.tier]);
      r.report = report;
      slot.report = report;
      // A previous version still warm from an earlier swap is retired now: one rollback target at a time.
      const stale = slot.previous;
      slot.assign({ incumbent: inc, candidate: cand });
      if (stale !== undefined) this.#disposeLater(stale);
      this.#route(slot, [{ key: inc.key, weight: 1000 }]);
    });
    try {
      await restored;
    } catch (e) {
      const inc = slot.incumbent!;
      slot.assign({ incumbent: inc });
      slot.report = undefined;
      await cand.dispose();
      throw e;
    }
  }

  /**
   * The immediate strategy's cut-over: let the candidate warm up as a shadow,
   * then flip at the first batch boundary where it has nothing outstanding, so
   * the first live batch it gets neither queues behind shadow work nor runs cold.
   */
  async #cutOver(slot: Slot, r: Rollout, actor: string): Promise<void> {
    const cand = slot.candidate!;
    const deadline = performance.now() + r.plan.warmupMs;
    const warmAt = cand.itemsIn + r.plan.warmupItems;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (r.state !== 'shadow') return resolve();
        const warm = cand.itemsIn >= warmAt || performance.now() >= deadline;
        if (warm && cand.inFlight === 0) {
          this.#flipNow(slot, r, actor);
          return resolve();
        }
        setTimeout(check, 1);
      };
      r.pendingFlip = () => {
        if (cand.itemsIn >= warmAt && cand.inFlight === 0) this.#flipNow(slot, r, actor);
      };
      check();
    });
    r.pendingFlip = undefined;
  }

  #flipNow(slot: Slot, r: Rollout, actor: string): void {
    if (r.state === 'shadow' && this.#active.get(slot.tier) === r) this.promote(slot.tier, actor, true);
  }

  /** Called after each batch of a tier in rollout: judges shadow and canary progress. */
  tick(tier: Tier): void {
    const r = this.#active.get(tier);
    if (r === undefined) return;
    const slot = this.#d.slot(tier);
    const cand = slot.candidate;
    if (cand === undefined) return;
    r.pendingFlip?.();
    if (r.plan.strategy === 'immediate') return;
    const report = r.report!;
    if (report.hardFails > 0) return void this.#fail(slot, r, `shadow hard fail: candidate approved what the incumbent rejected`);
    if (r.state === 'shadow') {
      if (report.policy === 'exact' || report.policy === 'orders') {
        if (report.mismatches > 0) return void this.#fail(slot, r, `shadow diff: ${report.mismatches} of ${report.compared} outputs differ`);
      }
      if (r.plan.shadowItems > 0 && report.compared >= r.plan.shadowItems) {
        if (report.agreement < r.plan.analysis.minAgreement) return void this.#fail(slot, r, `shadow agreement ${report.agreement.toFixed(3)} below ${r.plan.analysis.minAgreement}`);
        this.promote(tier, 'rollout');
      }
      return;
    }
    if (r.state === 'canary' && cand.window.items >= r.plan.stepItems) this.#judgeStep(slot, r);
  }

  #judgeStep(slot: Slot, r: Rollout): void {
    const cand = slot.candidate!;
    const inc = slot.incumbent!;
    const a = r.plan.analysis;
    const report = r.report!;
    const p99 = cand.window.latency.percentile(99);
    const incP99 = inc.window.latency.percentile(99);
    const reasons: string[] = [];
    if (cand.window.errorRate > a.maxErrorRate) reasons.push(`error rate ${(cand.window.errorRate * 100).toFixed(2)} % above ${(a.maxErrorRate * 100).toFixed(2)} %`);
    if (p99 > incP99 * a.maxLatencyRatio + a.latencySlackMs) reasons.push(`p99 ${p99.toFixed(2)} ms vs incumbent ${incP99.toFixed(2)} ms`);
    if (report.agreement < a.minAgreement) reasons.push(`agreement ${report.agreement.toFixed(3)} below ${a.minAgreement}`);
    if (report.hardFails > 0) reasons.push(`${report.hardFails} hard fails`);
    const result: StepResult = { step: r.step, percent: r.percent, passed: reasons.length === 0, errorRate: cand.window.errorRate, p99Ms: p99, incumbentP99Ms: incP99, agreement: report.agreement, hardFails: report.hardFails, reasons };
    r.steps.push(result);
    this.#d.audit.record({ action: result.passed ? 'canary.step.pass' : 'canary.step.fail', tier: slot.tier, key: cand.key, actor: 'rollout', detail: { rollout: r.id, ...result } });
    if (!result.passed) return void this.#fail(slot, r, `canary step ${r.step} (${r.percent} %) failed: ${reasons.join('; ')}`);
    if (r.step + 1 < r.plan.steps.length) this.#enterStep(slot, r, r.step + 1, 'rollout');
    else if (r.plan.autoPromote) this.promote(slot.tier, 'rollout');
  }

  #enterStep(slot: Slot, r: Rollout, step: number, actor: string): void {
    const percent = r.plan.steps[step]!;
    r.state = 'canary';
    r.step = step;
    r.percent = percent;
    slot.candidate!.window.reset();
    slot.incumbent!.window.reset();
    const w = Math.round(percent * 10);
    this.#route(slot, [
      { key: slot.incumbent!.key, weight: 1000 - w },
      { key: slot.candidate!.key, weight: w },
    ]);
    this.#d.audit.record({ action: 'canary.step', tier: slot.tier, key: r.to, actor, detail: { rollout: r.id, step, percent } });
  }

  /** The cut-over: synchronous, at a batch boundary by construction (no await inside). */
  promote(tier: Tier, actor: string, force = false): Rollout {
    const r = this.#active.get(tier);
    if (r === undefined) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `no rollout in progress on ${tier}`);
    const slot = this.#d.slot(tier);
    const cand = slot.candidate!;
    const inc = slot.incumbent!;
    const report = r.report!;
    if (!force && (report.hardFails > 0 || ((report.policy === 'exact' || report.policy === 'orders') && report.mismatches > 0))) {
      throw new HeliosError('HELIOS_E_SHADOW_DIVERGED', `${cand.key} diverged from ${inc.key} (${report.mismatches} mismatches, ${report.hardFails} hard fails)`, report.toJSON() as Record<string, unknown>);
    }
    slot.assign({ incumbent: cand, previous: inc });
    slot.report = undefined;
    this.#route(slot, [{ key: cand.key, weight: 1000 }]);
    r.state = 'promoted';
    r.endedAt = Date.now();
    this.#active.delete(tier);
    this.#d.audit.record({ action: 'promote', tier, key: cand.key, actor, detail: { rollout: r.id, from: inc.key } });
    this.#scheduleRetire(slot, inc);
    return r;
  }

  /** Stops a rollout; the incumbent keeps everything. */
  abort(tier: Tier, actor: string, reason = 'aborted by operator'): Rollout {
    const r = this.#active.get(tier);
    if (r === undefined) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `no rollout in progress on ${tier}`);
    this.#end(this.#d.slot(tier), r, 'aborted', reason, actor);
    return r;
  }

  /**
   * Back to the warm previous version in one synchronous flip; during a
   * rollout, the same as abort.
   */
  rollback(tier: Tier, actor: string, reason = 'rollback by operator'): { to: string; from: string } {
    const slot = this.#d.slot(tier);
    const r = this.#active.get(tier);
    if (r !== undefined) {
      this.#end(slot, r, 'rolled-back', reason, actor);
      return { to: slot.incumbent!.key, from: r.to };
    }
    const prev = slot.previous;
    const inc = slot.incumbent;
    if (prev === undefined || inc === undefined) throw new HeliosError('HELIOS_E_NO_PREVIOUS', `${tier} has no warm previous version to roll back to`);
    this.#cancelRetire(prev);
    slot.assign({ incumbent: prev });
    this.#route(slot, [{ key: prev.key, weight: 1000 }]);
    this.#d.audit.record({ action: 'rollback', tier, key: prev.key, actor, detail: { from: inc.key, reason } });
    this.#disposeLater(inc);
    return { to: prev.key, from: inc.key };
  }

  /** Ends the rollback window now. */
  async retirePrevious(tier: Tier, actor: string): Promise<void> {
    const slot = this.#d.slot(tier);
    const prev = slot.previous;
    if (prev === undefined) return;
    this.#cancelRetire(prev);
    slot.assign({ incumbent: slot.incumbent, candidate: slot.candidate });
    this.#d.audit.record({ action: 'retire', tier, key: prev.key, actor });
    await this.#dispose(prev);
  }

  rollouts(): Rollout[] {
    return [...this.#rollouts.values()];
  }

  rollout(id: string): Rollout {
    const r = this.#rollouts.get(id);
    if (r === undefined) throw new HeliosError('HELIOS_E_ROLLOUT_NOT_FOUND', `no rollout ${id}`);
    return r;
  }

  active(tier: Tier): Rollout | undefined {
    return this.#active.get(tier);
  }

  async close(): Promise<void> {
    for (const t of this.#retireTimers.values()) clearTimeout(t);
    this.#retireTimers.clear();
  }

  #fail(slot: Slot, r: Rollout, reason: string): void {
    this.#end(slot, r, 'rolled-back', reason, 'rollout');
  }

  #end(slot: Slot, r: Rollout, state: 'aborted' | 'rolled-back', reason: string, actor: string): void {
    const cand = slot.candidate;
    const inc = slot.incumbent!;
    slot.assign({ incumbent: inc, previous: slot.previous });
    slot.report = undefined;
    this.#route(slot, [{ key: inc.key, weight: 1000 }]);
    r.state = state;
    r.reason = reason;
    r.endedAt = Date.now();
    this.#active.delete(slot.tier);
    this.#d.audit.record({ action: state === 'aborted' ? 'abort' : 'rollback', tier: slot.tier, key: r.to, actor, detail: { rollout: r.id, reason } });
    if (cand !== undefined) this.#disposeLater(cand);
  }

  #tested(key: string): ModuleVersion {
    const v = this.#d.registry.get(key);
    if (this.#d.requireTests && this.#tests.get(v.sha256)?.passed !== true) {
      throw new HeliosError('HELIOS_E_TEST_REQUIRED', `${key} (${v.sha256.slice(0, 12)}) has no passing harness run`, { key, sha256: v.sha256 });
    }
    return v;
  }

  #route(slot: Slot, weights: { key: string; weight: number }[]): void {
    this.#d.flags.upsert(routeFlag(slot.tier, weights));
  }

  #scheduleRetire(slot: Slot, d: Deployment): void {
    const t = setTimeout(() => {
      this.#retireTimers.delete(d);
      if (slot.previous === d) void this.retirePrevious(slot.tier, 'rollback-window');
    }, this.#d.rollbackWindowMs);
    t.unref();
    this.#retireTimers.set(d, t);
  }

  #cancelRetire(d: Deployment): void {
    const t = this.#retireTimers.get(d);
    if (t !== undefined) clearTimeout(t);
    this.#retireTimers.delete(d);
  }

  /**
   * Retirement is cleanup after a flip, not part of it: terminating a worker
   * costs the main thread up to ~1 ms, which must not sit inside the
   * synchronous cut-over.
   */
  #disposeLater(d: Deployment): void {
    setImmediate(() => void this.#dispose(d));
  }

  async #dispose(d: Deployment): Promise<void> {
    this.#cancelRetire(d);
    await d.dispose();
  }
}

function completePlan(p: RolloutRequest): RolloutPlan {
  return {
    strategy: p.strategy ?? 'immediate',
    steps: p.steps ?? [5, 25, 50, 100],
    stepItems: p.stepItems ?? 1000,
    shadowItems: p.shadowItems ?? 0,
    autoPromote: p.autoPromote ?? true,
    warmupItems: p.warmupItems ?? 500,
    warmupMs: p.warmupMs ?? 250,
    analysis: { ...DEFAULT_ANALYSIS, ...p.analysis },
  };
}
