import { CircuitBreaker } from '../breaker/CircuitBreaker.ts';
import type { BreakerSettings } from './BreakerSettings.ts';
import { checkFor, validateBatch } from '../contracts/BatchValidator.ts';
import type { Check } from '../contracts/compileValidator.ts';
import type { Cloneable } from '../contracts/module.ts';
import { TIER_CONTRACTS, type Envelope, type Tier } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { Sandbox } from '../isolation/Sandbox.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import { LatencyHistogram } from './LatencyHistogram.ts';
import { ownCopy } from './ownCopy.ts';

const SNAPSHOT_EVERY_MS = 1_000;

/** Counters over an analysis window (a canary step), reset by the rollout. */
export class WindowStats {
  calls = 0;
  failures = 0;
  items = 0;
  latency = new LatencyHistogram();

  get errorRate(): number {
    return this.calls === 0 ? 0 : this.failures / this.calls;
  }

  reset(): void {
    this.calls = 0;
    this.failures = 0;
    this.items = 0;
    this.latency.reset();
  }
}

/**
 * One module version running in a tier: its sandbox, its breaker, and the
 * checks the kernel makes on everything it returns. Created with the version's
 * entry into a slot and disposed with its retirement, breaker included, so a
 * retired version leaves no timer and no worker behind.
 */
export class Deployment {
  readonly version: ModuleVersion;
  readonly tier: Tier;
  readonly key: string;
  readonly sandbox: Sandbox;
  readonly breaker: CircuitBreaker;
  readonly latency = new LatencyHistogram();
  readonly window = new WindowStats();
  calls = 0;
  failures = 0;
  itemsIn = 0;
  itemsOut = 0;
  lastError: HeliosError | undefined;
  /** Calls started and not yet settled: a candidate is caught up when this is 0. */
  inFlight = 0;
  readonly startedAt: number;
  #hold: Promise<void> | undefined;
  #lastSnapshot = 0;
  #unsubscribeFault: () => void;
  /** Faults between calls (a crash while idle): counted here, since no call saw them. */
  faultsBetweenCalls = 0;
  #outputSchema;
  /** The compiled contract check of this tier's output, and this version's own copy of the loop that runs it (ownCopy.ts). */
  #outputCheck: Check;
  #outputsOk = ownCopy(outputsOk);

  constructor(version: ModuleVersion, sandbox: Sandbox, breaker: BreakerSettings) {
    this.version = version;
    this.tier = version.manifest.tier;
    this.key = version.key;
    this.sandbox = sandbox;
    this.#outputSchema = TIER_CONTRACTS[this.tier].output;
    this.#outputCheck = checkFor(this.#outputSchema);
    this.breaker = new CircuitBreaker({ ...breaker, name: `${this.tier}/${this.key}`, timeoutMs: version.manifest.deadlineMs });
    this.startedAt = Date.now();
    this.#lastSnapshot = performance.now();
    this.#unsubscribeFault = sandbox.onFault((error, callsFailed) => {
      if (callsFailed > 0) return;
      this.faultsBetweenCalls++;
      this.failures++;
      this.lastError = error;
    });
  }

  /**
   * Runs a batch through the breaker and checks the answer. Throws a
   * HeliosError for every failure (refused, deadline, crash, invalid output);
   * the caller applies the tier's fail-safe.
   */
  async call(items: readonly Envelope[], now: number, live: boolean): Promise<Envelope[]> {
    this.inFlight++;
    try {
      if (this.#hold !== undefined) await this.#hold;
      // A replacement worker's boot is not the batch's fault: wait for it
      // outside the deadline (boot itself is bounded by the sandbox).
      const booting = this.sandbox.whenReady();
      if (booting !== undefined) await booting.catch(() => {});
      return await this.#call(items, now, live);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * Makes every later call wait for `p` (the restore of handed-over state), so
   * a candidate can be wired in at a batch boundary without the live path
   * waiting for the state's round trip: its calls queue behind the restore.
   */
  holdUntil(p: Promise<void>): void {
    const hold: Promise<void> = p.finally(() => {
      if (this.#hold === hold) this.#hold = undefined;
    });
    this.#hold = hold;
    hold.catch(() => {});
  }

  async #call(items: readonly Envelope[], now: number, live: boolean): Promise<Envelope[]> {
    const t0 = performance.now();
    this.calls++;
    this.window.calls++;
    this.itemsIn += items.length;
    this.window.items += items.length;
    try {
      const out = await this.breaker.execute((signal) => this.sandbox.handle(items, now, live, signal).then((o) => this.#check(items, o)));
      const ms = performance.now() - t0;
      this.latency.record(ms);
      this.window.latency.record(ms);
      this.itemsOut += out.length;
      this.#checkpoint();
      return out;
    } catch (e) {
      this.failures++;
      this.window.failures++;
      this.lastError = e instanceof HeliosError ? e : new HeliosError('HELIOS_E_MODULE_THREW', String(e));
      throw this.lastError;
    }
  }

  snapshot(): Promise<Cloneable> {
    return this.sandbox.snapshot();
  }

  restore(state: Cloneable, fromStateVersion: number): Promise<void> {
    return this.sandbox.restore(state, fromStateVersion);
  }

  /**
   * A worker replaced after a crash restarts from the last snapshot it was
   * known to have; taking one about once a second bounds what a crash can
   * cost the module's state. Worker messages are ordered, so the snapshot is
   * consistent with the batches before it.
   */
  #checkpoint(): void {
    if (this.sandbox.isolation !== 'worker') return;
    const now = performance.now();
    if (now - this.#lastSnapshot < SNAPSHOT_EVERY_MS) return;
    this.#lastSnapshot = now;
    this.sandbox.snapshot().catch(() => {});
  }

  async dispose(): Promise<void> {
    // After a flip another lane may still be mid-batch on this version: let it
    // finish (bounded by the deadline) rather than fail it into the fail-safe.
    const until = performance.now() + this.version.manifest.deadlineMs * 2;
    while (this.inFlight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 1));
    this.#unsubscribeFault();
    this.breaker.dispose();
    await this.sandbox.dispose();
  }

  /** Contract and provenance: valid items, each carrying the seq of an input it came from. */
  #check(inputs: readonly Envelope[], out: unknown): Envelope[] {
    if (!Array.isArray(out)) {
      throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.key} returned ${typeof out}, not an array of items`);
    }
    // One pass for the common case; anything it doubts is judged again below, in full.
    if (this.#outputsOk(this.#outputCheck, inputs, out as Envelope[])) return out as Envelope[];
    const bad = validateBatch(this.#outputSchema, out);
    if (bad !== null) {
      throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.key} output item ${bad.index} violates the ${this.tier} contract: ${bad.issues.map((i) => `${i.path || '(item)'}: ${i.message}`).join('; ')}`, {
        index: bad.index,
        issues: bad.issues,
      });
    }
    // Valid items that failed the one-pass check: out of input order (allowed) or carrying a stranger's seq (not).
    const items = out as Envelope[];
    const known = new Set(inputs.map((i) => i.seq));
    const stray = items.find((o) => !known.has(o.seq));
    if (stray !== undefined) {
      throw new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.key} emitted seq ${stray.seq}, which was not in its input batch`, { seq: stray.seq });
    }
    return items;
  }
}

/**
 * Every output passes the compiled contract check (true means zod accepts it)
 * and carries the seq of an input, in input order: the common map-like module,
 * decided in one pass with no Set. False means "look closer", not "invalid".
 */
function outputsOk(check: Check, inputs: readonly Envelope[], outputs: readonly Envelope[]): boolean {
  let j = 0;
  for (let i = 0; i < outputs.length; i++) {
    const o = outputs[i]!;
    if (!check(o)) return false;
    const s = o.seq;
    while (j < inputs.length && inputs[j]!.seq !== s) j++;
    if (j === inputs.length) return false;
  }
  return true;
}
