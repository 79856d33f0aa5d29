import type { Envelope, Tier } from '../contracts/tiers.ts';
import type { HeliosError } from '../errors/HeliosError.ts';
import { compareOutputs, ShadowReport, TIER_POLICY } from '../swap/ShadowComparator.ts';
import { BatchGate } from './BatchGate.ts';
import type { Deployment } from './Deployment.ts';
import { FAILSAFES, type FailSafe } from './failsafe.ts';

export type Role = 'incumbent' | 'candidate' | 'previous';

/** Which version a symbol's items go to, as the routing flag says; undefined means the incumbent. */
export type RouteFn = (symbol: string) => string | undefined;

export interface ProcessResult {
  outputs: Envelope[];
  handled: number;
  failsafe: number;
}

/** Shadow calls a version may have outstanding before the live path waits for it. */
const MAX_SHADOW_IN_FLIGHT = 32;

/**
 * A tier's place in the pipeline: one incumbent, at most one candidate, and
 * the previous incumbent kept warm for rollback. Every deployed version sees
 * every item exactly once: live when the routing flag sends the item's symbol
 * to it, as a shadow copy otherwise. That keeps candidate and previous state
 * current, which is what makes promotion and rollback a pointer flip.
 */
export class Slot {
  readonly tier: Tier;
  readonly gate = new BatchGate();
  #incumbent: Deployment | undefined;
  #candidate: Deployment | undefined;
  #previous: Deployment | undefined;
  /** Immutable array replaced on every change, so a batch reads one consistent set. */
  #deployed: readonly Deployment[] = [];
  #routeFn: RouteFn | undefined;
  #routeCache = new Map<string, Deployment>();
  #shadowPending = new Set<Promise<unknown>>();
  #failsafe: FailSafe;
  #disabled: string | undefined;
  /** Set while a candidate is compared; replaced per rollout (and per canary step). */
  report: ShadowReport | undefined;
  readonly failures: { at: number; key: string; error: HeliosError }[] = [];

  constructor(tier: Tier, failsafe: FailSafe = FAILSAFES[tier]) {
    this.tier = tier;
    this.#failsafe = failsafe;
  }

  get incumbent(): Deployment | undefined {
    return this.#incumbent;
  }
  get candidate(): Deployment | undefined {
    return this.#candidate;
  }
  get previous(): Deployment | undefined {
    return this.#previous;
  }
  get deployed(): readonly Deployment[] {
    return this.#deployed;
  }
  get disabled(): string | undefined {
    return this.#disabled;
  }

  /** Takes the tier out of service (kill): every item gets the fail-safe until enabled again. */
  disable(reason: string): void {
    this.#disabled = reason;
  }
  enable(): void {
    this.#disabled = undefined;
  }

  /** New routing from the flag store; the cache is per routing snapshot. */
  setRouting(fn: RouteFn | undefined): void {
    this.#routeFn = fn;
    this.#routeCache = new Map();
  }

  /**
   * Sets the roles in one synchronous step. Only ever called between batches
   * (inside the gate, or from a synchronous flip), never with an await between
   * deciding and assigning.
   */
  assign(roles: { incumbent: Deployment | undefined; candidate?: Deployment | undefined; previous?: Deployment | undefined }): void {
    this.#incumbent = roles.incumbent;
    this.#candidate = roles.candidate;
    this.#previous = roles.previous;
    this.#deployed = [roles.incumbent, roles.candidate, roles.previous].filter((d): d is Deployment => d !== undefined);
    this.#routeCache = new Map();
  }

  roleOf(key: string): Role | undefined {
    if (this.#incumbent?.key === key) return 'incumbent';
    if (this.#candidate?.key === key) return 'candidate';
    if (this.#previous?.key === key) return 'previous';
    return undefined;
  }

  /** Runs one batch; never throws: failures become the tier's fail-safe output. */
  async process(items: Envelope[], now: number): Promise<ProcessResult> {
    const deployed = this.#deployed;
    if (this.#disabled !== undefined || deployed.length === 0) return this.#failed(items);
    if (deployed.length === 1) {
      try {
        const outputs = await deployed[0]!.call(items, now, true);
        return { outputs, handled: items.length, failsafe: 0 };
      } catch (e) {
        this.#recordFailure(deployed[0]!, e as HeliosError);
        return this.#failed(items);
      }
    }
    return this.#processSplit(deployed, items, now);
  }

  async #processSplit(deployed: readonly Deployment[], items: Envelope[], now: number): Promise<ProcessResult> {
    // One pass: each item goes live to its route and as a shadow copy to every other version.
    const live = new Map<Deployment, Envelope[]>();
    const shadow = new Map<Deployment, Envelope[]>();
    for (const d of deployed) {
      live.set(d, []);
      shadow.set(d, []);
    }
    for (const it of items) {
      const to = this.#route(it.symbol);
      for (const d of deployed) (d === to ? live : shadow).get(d)!.push(it);
    }

    const results = new Map<Deployment, Promise<Envelope[] | undefined>>();
    const liveCalls: Promise<ProcessResult>[] = [];
    for (const d of deployed) {
      const mine = live.get(d)!;
      const liveP = mine.length === 0 ? Promise.resolve<Envelope[]>([]) : d.call(mine, now, true);
      const others = shadow.get(d)!;
      const shadowP = others.length === 0 ? Promise.resolve<Envelope[]>([]) : d.call(others, now, false);
      liveCalls.push(
        liveP.then(
          (outputs) => ({ outputs, handled: mine.length, failsafe: 0 }),
          (e: unknown) => {
            this.#recordFailure(d, e as HeliosError);
            return this.#failed(mine);
          },
        ),
      );
      // Everything this version said about the whole batch, or undefined if any part failed.
      results.set(d, Promise.all([liveP, shadowP]).then(([a, b]) => [...a, ...b], () => undefined));
      if (others.length > 0) this.#trackShadow(shadowP);
    }
    this.#compare(results);
    const parts = await Promise.all(liveCalls);
    await this.#shadowBackpressure();
    const outputs: Envelope[] = [];
    let handled = 0;
    let failsafe = 0;
    for (const p of parts) {
      for (const o of p.outputs) outputs.push(o);
      handled += p.handled;
      failsafe += p.failsafe;
    }
    return { outputs, handled, failsafe };
  }

  #route(symbol: string): Deployment {
    let d = this.#routeCache.get(symbol);
    if (d !== undefined) return d;
    const key = this.#routeFn?.(symbol);
    d = this.#deployed.find((x) => x.key === key && x !== this.#previous) ?? this.#incumbent!;
    this.#routeCache.set(symbol, d);
    return d;
  }

  /** Candidate versus incumbent on the same items, off the live path. */
  #compare(results: Map<Deployment, Promise<Envelope[] | undefined>>): void {
    const report = this.report;
    const inc = this.#incumbent;
    const cand = this.#candidate;
    if (report === undefined || inc === undefined || cand === undefined) return;
    const a = results.get(inc);
    const b = results.get(cand);
    if (a === undefined || b === undefined) return;
    void Promise.all([a, b]).then(([x, y]) => {
      if (x !== undefined && y !== undefined) compareOutputs(report, x, y);
    });
  }

  #trackShadow(p: Promise<unknown>): void {
    const tracked: Promise<unknown> = p.then(
      () => this.#shadowPending.delete(tracked),
      () => this.#shadowPending.delete(tracked),
    );
    this.#shadowPending.add(tracked);
  }

  async #shadowBackpressure(): Promise<void> {
    while (this.#shadowPending.size > MAX_SHADOW_IN_FLIGHT) await Promise.race(this.#shadowPending);
  }

  /** Waits for outstanding shadow calls, e.g. before reading a final shadow report. */
  async settleShadows(): Promise<void> {
    while (this.#shadowPending.size > 0) await Promise.race(this.#shadowPending);
  }

  #failed(items: Envelope[]): ProcessResult {
    return { outputs: this.#failsafe(items) as Envelope[], handled: 0, failsafe: items.length };
  }

  #recordFailure(d: Deployment, error: HeliosError): void {
    this.failures.push({ at: Date.now(), key: d.key, error });
    if (this.failures.length > 100) this.failures.splice(0, this.failures.length - 100);
  }
}
