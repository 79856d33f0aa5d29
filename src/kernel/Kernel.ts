import { join } from 'node:path';
import { validateBatch } from '../contracts/BatchValidator.ts';
import type { Cloneable } from '../contracts/module.ts';
import { RawMarketEvent, TIERS, isTier, type Envelope, type OrderIntent, type Tier } from '../contracts/tiers.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { FlagStore } from '../flags/FlagStore.ts';
import { createSandbox } from '../isolation/createSandbox.ts';
import type { SandboxLogger } from '../isolation/Sandbox.ts';
import { ArtifactStore } from '../registry/ArtifactStore.ts';
import { ModuleRegistry } from '../registry/ModuleRegistry.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import { routeFlagName } from '../swap/routeFlag.ts';
import { SwapController } from '../swap/SwapController.ts';
import { AuditLog } from './AuditLog.ts';
import type { BreakerSettings } from './BreakerSettings.ts';
import { Deployment } from './Deployment.ts';
import { OrderGate, type GateDecision, type OrderGateway } from './OrderGate.ts';
import { EntryLedger } from './SequenceLedger.ts';
import { Sequencer } from './Sequencer.ts';
import { Slot } from './Slot.ts';
import { Stage, type StageOptions } from './Stage.ts';
import { TradingState } from './TradingState.ts';

/** A side effect; `caller` is the `name@version` that asked, for audit (e.g. who tightened trading). */
export type EffectFn = (payload: Cloneable, live: boolean, caller: string) => Promise<Cloneable>;
export type TapFn = (items: readonly Envelope[]) => void;

/** Gateway writes in progress below which the execution tier does not wait for one. */
const EGRESS_BACKLOG = 16;

export interface KernelOptions {
  /** Where artifacts (and, with the control plane, everything else) live. */
  dataDir: string;
  flags?: FlagStore;
  logger?: SandboxLogger;
  breaker?: BreakerSettings;
  /** Real side effects by name; shadow calls get `live: false` and must not act. */
  effects?: Record<string, EffectFn>;
  gateway?: OrderGateway;
  /** Signed position per symbol, for REDUCING. Defaults to what this kernel has sent. */
  exposure?: (symbol: string) => number;
  /** Symbols that may hold a position, for flatten. Defaults to those this kernel has sent orders for. */
  symbols?: () => Iterable<string>;
  rollbackWindowMs?: number;
  sequenceStart?: number;
  stage?: Partial<StageOptions>;
  lanes?: Partial<Record<Tier, number>>;
  /** Every breaker state change (opened by failures, half-open, closed by a probe, forced): for the record. */
  onBreakerChange?: (key: string, from: string, to: string, reason: string) => void;
  /** Promotion and loading need a passing harness run for the exact hash (default true). */
  requireTests?: boolean;
}

/**
 * The Helios kernel: seven slots wired into a pipeline, a sequencer at entry,
 * the order gate at exit, and the swap controller between operators and slots.
 * Trading state, orders and positions live here, never in a module.
 */
export class Kernel {
  readonly registry: ModuleRegistry;
  readonly flags: FlagStore;
  readonly audit: AuditLog;
  readonly trading: TradingState;
  readonly swaps: SwapController;
  readonly sequencer: Sequencer;
  readonly entry: EntryLedger;
  readonly #stages = new Map<Tier, Stage>();
  readonly #taps = new Map<Tier, TapFn[]>();
  readonly #opts: KernelOptions;
  readonly #gate: OrderGate;
  /** Signed position per symbol: the caller's book, or what this kernel has sent. */
  readonly #exposure: (symbol: string) => number;
  /** Signed quantity sent per symbol; a holder per symbol, so an order costs one lookup. */
  readonly #sent = new Map<string, { qty: number }>();
  readonly orders = { sent: 0, denied: 0 };
  #stopped = false;
  #unsubscribe: () => void;
  /** Operator breaker settings by scope ('*' or a module name), for versions deployed from now on. */
  readonly #breakerSettings = new Map<string, BreakerSettings>();

  constructor(opts: KernelOptions) {
    this.#opts = opts;
    this.sequencer = new Sequencer(opts.sequenceStart ?? 1);
    this.entry = new EntryLedger(this.sequencer.next);
    const seq = () => this.sequencer.next;
    this.registry = new ModuleRegistry(new ArtifactStore(join(opts.dataDir, 'artifacts')));
    this.flags = opts.flags ?? new FlagStore();
    this.audit = new AuditLog(seq);
    this.trading = new TradingState({ seq });
    this.#exposure = opts.exposure ?? ((s) => this.#sent.get(s)?.qty ?? 0);
    this.#gate = new OrderGate(this.trading, this.#exposure);
    this.trading.onChange((t) => {
      this.audit.record({ action: 'trading', actor: t.actor, detail: { from: t.from, to: t.to, reason: t.reason } });
      if (t.to === 'HALTED') void opts.gateway?.cancelAll?.();
    });
    this.swaps = new SwapController({
      registry: this.registry,
      flags: this.flags,
      audit: this.audit,
      slot: (t) => this.stage(t).slot,
      deploy: (v) => this.#deploy(v),
      requireTests: opts.requireTests ?? true,
      rollbackWindowMs: opts.rollbackWindowMs ?? 60_000,
    });
    // Build from the last tier backwards so each stage knows its downstream.
    let downstream = (items: Envelope[]): Promise<void> | void => {
      const sent = this.#egress(items as OrderIntent[]);
      const backlog = opts.gateway?.backlog?.();
      if (sent === undefined || backlog === undefined || backlog > EGRESS_BACKLOG) return sent;
      // The gateway orders and persists what it was given; it reports its own failures.
      sent.catch(() => {});
      return undefined;
    };
    for (let i = TIERS.length - 1; i >= 0; i--) {
      const tier = TIERS[i]!;
      const next = downstream;
      const stage = new Stage(new Slot(tier), (items) => this.#forward(tier, items, next), {
        lanes: opts.lanes?.[tier] ?? (tier === 'llm' ? 8 : 1),
        // The manifests set the batch size (default 1024); the kernel adds no ceiling unless asked.
        maxBatch: opts.stage?.maxBatch ?? Number.POSITIVE_INFINITY,
        capacity: opts.stage?.capacity,
      });
      this.#stages.set(tier, stage);
      downstream = (items) => stage.offer(items);
    }
    this.#unsubscribe = this.flags.onChange(() => this.#applyRouting());
    this.#applyRouting();
  }

  stage(tier: Tier | string): Stage {
    if (!isTier(tier)) throw new HeliosError('HELIOS_E_TIER_UNKNOWN', `no tier ${tier}; tiers are ${TIERS.join(', ')}`);
    return this.#stages.get(tier)!;
  }

  /**
   * Market data in. Stamps each event with the next sequence number (in
   * place: the kernel takes ownership) and hands the batch to ingestion. The
   * returned promise, when there is one, is backpressure: wait before sending more.
   */
  ingest(events: Omit<RawMarketEvent, 'seq'>[]): Promise<void> | undefined {
    if (this.#stopped) throw new HeliosError('HELIOS_E_KERNEL_STOPPED', 'the kernel is stopped');
    if (events.length === 0) return undefined;
    const items = events as (Omit<RawMarketEvent, 'seq'> & { seq?: number })[];
    // Validate with a placeholder seq, so a bad batch is refused before any number is spent on it.
    for (const e of items) e.seq = 1;
    const bad = validateBatch(RawMarketEvent, items);
    if (bad !== null) {
      for (const e of items) delete e.seq;
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `event ${bad.index}: ${bad.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { index: bad.index, issues: bad.issues });
    }
    const stamped = this.sequencer.stamp(items);
    for (const e of stamped) this.entry.see(e.seq);
    return this.#stages.get('ingestion')!.offer(stamped as Envelope[]);
  }

  /**
   * Market orders that close every position this kernel knows of, sent
   * through the order gate (so they pass under REDUCING, being reductions).
   * Client order ids derive from the current sequence number, so a retried
   * flatten at the same point cannot send the same close twice.
   */
  flattenOrders(): OrderIntent[] {
    const seq = this.sequencer.next;
    const out: OrderIntent[] = [];
    for (const symbol of this.#opts.symbols?.() ?? this.#sent.keys()) {
      const q = this.#exposure(symbol);
      if (q === 0) continue;
      out.push({ seq, symbol, ts: Date.now(), clientOrderId: `flatten-${seq}-${symbol}`, side: q > 0 ? 'sell' : 'buy', quantity: Math.abs(q), type: 'market' });
    }
    return out;
  }

  /** Sends orders the kernel itself decided (flatten), through the same gate and gateway as the pipeline's. */
  sendOrders(orders: OrderIntent[]): Promise<void> | void {
    return this.#egress(orders);
  }

  /** Observe a tier's outputs (tests, benchmarks, the control plane's counters). */
  tap(tier: Tier, fn: TapFn): () => void {
    const list = this.#taps.get(tier) ?? [];
    list.push(fn);
    this.#taps.set(tier, list);
    return () => this.#taps.set(tier, (this.#taps.get(tier) ?? []).filter((f) => f !== fn));
  }

  /** Resolves once every tier is idle (nothing queued, nothing running). */
  async drain(): Promise<void> {
    for (;;) {
      for (const t of TIERS) await this.#stages.get(t)!.idle();
      if (TIERS.every((t) => this.#stages.get(t)!.queued === 0 && this.#stages.get(t)!.ledger.inFlight === 0)) return;
    }
  }

  /** Stops accepting events, drains, retires every version. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.drain();
    this.#unsubscribe();
    await this.swaps.close();
    await Promise.all(TIERS.flatMap((t) => this.#stages.get(t)!.slot.deployed.map((d) => d.dispose())));
  }

  status(): Record<Tier, object> {
    const out = {} as Record<Tier, object>;
    let upstreamEmitted: number | undefined;
    for (const t of TIERS) {
      const st = this.#stages.get(t)!;
      const slot = st.slot;
      const live = slot.incumbent;
      const ledger = st.ledger;
      const lat = live?.latency.toJSON();
      out[t] = {
        eventsIn: ledger.entered,
        eventsOut: ledger.emitted,
        // Gaps: at entry, numbers handed out that never arrived; further down,
        // items the tier above emitted that never entered this one. Duplicates:
        // items whose seq went backwards within their symbol. Both must stay 0.
        sequenceGaps: upstreamEmitted === undefined ? this.entry.missing : Math.max(0, upstreamEmitted - ledger.entered),
        sequenceDuplicates: ledger.regressions + (upstreamEmitted === undefined ? this.entry.duplicates : 0),
        breaker: live?.breaker.state ?? null,
        batchLatencyMs: lat === undefined ? null : { p50: lat.p50, p99: lat.p99 },
        disabled: slot.disabled ?? null,
        ledger: st.ledger.toJSON(),
        queued: st.queued,
        rollout: rolloutView(this.swaps.active(t)),
        versions: slot.deployed.map((d) => ({
          key: d.key,
          role: slot.roleOf(d.key),
          isolation: d.sandbox.isolation,
          sha256: d.version.sha256,
          breaker: d.breaker.state,
          calls: d.calls,
          failures: d.failures,
          restarts: d.sandbox.restarts,
          latencyMs: d.latency.toJSON(),
          lastError: d.lastError?.toJSON() ?? null,
        })),
      };
      upstreamEmitted = ledger.emitted;
    }
    return out;
  }

  /** Breaker thresholds for versions deployed from now on ('*' or one module's name); running breakers keep theirs. */
  setBreakerSettings(settings: BreakerSettings, scope = '*'): void {
    this.#breakerSettings.set(scope, { ...settings });
  }

  async #deploy(v: ModuleVersion): Promise<Deployment> {
    const effects = this.#opts.effects ?? {};
    const logger = this.#opts.logger ?? { log: () => {} };
    const sandbox = createSandbox({
      manifest: v.manifest,
      moduleUrl: v.moduleUrl,
      logger,
      effects: async (name, payload, live) => {
        const fn = effects[name];
        if (fn === undefined) throw new HeliosError('HELIOS_E_MODULE_THREW', `no effect named ${name}`);
        return fn(payload, live, v.key);
      },
    });
    try {
      await sandbox.start();
    } catch (e) {
      await sandbox.dispose();
      throw e;
    }
    const dep = new Deployment(v, sandbox, { ...this.#opts.breaker, ...this.#breakerSettings.get('*'), ...this.#breakerSettings.get(v.manifest.name) });
    const onBreaker = this.#opts.onBreakerChange;
    if (onBreaker !== undefined) dep.breaker.onStateChange((c) => onBreaker(v.key, c.from, c.to, String(c.reason)));
    return dep;
  }

  #forward(tier: Tier, items: Envelope[], next: (items: Envelope[]) => Promise<void> | void): Promise<void> | void {
    const taps = this.#taps.get(tier);
    if (taps !== undefined) for (const f of taps) f(items);
    this.swaps.tick(tier);
    return next(items);
  }

  #egress(orders: OrderIntent[]): Promise<void> | void {
    const d: GateDecision = this.#gate.filter(orders);
    this.orders.denied += d.denied.length;
    if (d.sent.length === 0) return;
    this.orders.sent += d.sent.length;
    for (const o of d.sent) {
      const signed = o.side === 'buy' ? o.quantity : -o.quantity;
      const held = this.#sent.get(o.symbol);
      if (held === undefined) this.#sent.set(o.symbol, { qty: signed });
      else held.qty += signed;
    }
    return this.#opts.gateway?.submit(d.sent);
  }

  /** Re-reads every tier's routing flag; bucket results are cached per snapshot in the slot. */
  #applyRouting(): void {
    const snap = this.flags.current();
    for (const t of TIERS) {
      const name = routeFlagName(t);
      const slot = this.#stages.get(t)!.slot;
      if (!snap.has(name)) {
        slot.setRouting(undefined);
        continue;
      }
      slot.setRouting((symbol) => {
        const v = snap.getVariant(name, { properties: { symbol } });
        return v.enabled ? v.name : undefined;
      });
    }
  }
}

/** A rollout as status shows it: where it stands and how traffic is split. */
function rolloutView(r: ReturnType<SwapController['active']>): object | null {
  if (r === undefined) return null;
  return { id: r.id, state: r.state, from: r.from, to: r.to, step: r.step, candidatePercent: r.percent, incumbentPercent: 100 - r.percent };
}
