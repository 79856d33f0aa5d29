import { stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api/ApiContext.ts';
import { buildApp } from '../api/buildApp.ts';
import { loadToken } from '../api/auth.ts';
import type { Tier } from '../contracts/tiers.ts';
import { FlagFiles } from '../flags/FlagFiles.ts';
import { FlagStore } from '../flags/FlagStore.ts';
import type { SandboxLogger } from '../isolation/Sandbox.ts';
import { Kernel, type KernelOptions } from '../kernel/Kernel.ts';
import { ArtifactStore } from '../registry/ArtifactStore.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import type { HarnessResult } from '../swap/Harness.ts';
import type { Database } from '../store/Database.ts';
import { openDatabase } from '../store/openDatabase.ts';
import { Breakers } from './Breakers.ts';
import { KillSwitch } from './KillSwitch.ts';
import { PlatformRecords } from './PlatformRecords.ts';
import { SequenceLease } from './SequenceLease.ts';
import { WriteQueue } from './WriteQueue.ts';

export interface ControlPlaneOptions {
  dataDir: string;
  /** PostgreSQL server; undefined: PGlite under dataDir. */
  databaseUrl?: string | undefined;
  /**
   * An already opened, migrated database (the session opens it first, because
   * the trading book must exist before the kernel that sends it orders).
   * The control plane closes it on stop.
   */
  db?: Database;
  /** Extra context for the API routes (the trading book). */
  api?: Partial<Pick<ApiContext, 'book' | 'quarantine'>>;
  flagsDir: string;
  modulesDir: string;
  apiToken?: string | undefined;
  /** Where to listen; undefined: build the API but do not listen (tests use inject). */
  listen?: { host: string; port: number } | undefined;
  kernel?: Omit<KernelOptions, 'dataDir' | 'flags' | 'sequenceStart' | 'logger'>;
  logger?: SandboxLogger;
  version?: string;
}

/** Actions after which a tier's roles may have changed, so the deployments table is rewritten. */
const ROLE_CHANGES = /^(load|unload|promote|rollback|abort|retire|swap\.|canary\.step\.fail)/;

/**
 * Helios as operators run it: the kernel, its database, its flag files and the
 * REST API, wired so that what is acknowledged is recorded, and brought back
 * after a restart (registered versions, test results, deployments, trading
 * state, breaker overrides, flags, and a sequence that never repeats).
 */
export class ControlPlane {
  readonly kernel: Kernel;
  readonly db: Database;
  readonly records: PlatformRecords;
  readonly flagFiles: FlagFiles;
  readonly killSwitch: KillSwitch;
  readonly app: FastifyInstance;
  readonly token: { token: string; path: string | undefined; created: boolean };
  readonly address: string | undefined;
  readonly restoredReport: { versions: number; tests: number; deployed: string[]; trading: string; skipped: string[]; breakerOverrides?: string[] };
  #queue: WriteQueue;
  #lease: SequenceLease;
  #unsubscribe: () => void;

  private constructor(init: {
    kernel: Kernel;
    db: Database;
    records: PlatformRecords;
    flagFiles: FlagFiles;
    killSwitch: KillSwitch;
    app: FastifyInstance;
    token: ControlPlane['token'];
    address: string | undefined;
    restored: ControlPlane['restoredReport'];
    queue: WriteQueue;
    lease: SequenceLease;
    unsubscribe: () => void;
  }) {
    this.kernel = init.kernel;
    this.db = init.db;
    this.records = init.records;
    this.flagFiles = init.flagFiles;
    this.killSwitch = init.killSwitch;
    this.app = init.app;
    this.token = init.token;
    this.address = init.address;
    this.restoredReport = init.restored;
    this.#queue = init.queue;
    this.#lease = init.lease;
    this.#unsubscribe = init.unsubscribe;
  }

  static async start(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const log = opts.logger ?? { log: () => {} };
    const db = opts.db ?? (await openDatabase({ url: opts.databaseUrl, dataDir: opts.dataDir }));
    const records = new PlatformRecords(db);
    const restored = await records.restore();
    const store = new FlagStore();
    const flagFiles = await FlagFiles.open({ dir: opts.flagsDir, store, log });
    // Breaker transitions happen on the hot path; they are queued for the record, never awaited there.
    const queue = new WriteQueue((e) => log.log('error', 'could not record an event', { error: String(e) }));
    const kernel = new Kernel({
      ...opts.kernel,
      dataDir: opts.dataDir,
      flags: store,
      sequenceStart: restored.nextSeq,
      logger: log,
      // Operator actions (forced, reset) are recorded by the Breakers service with who and why, before it answers.
      onBreakerChange: (key, from, to, reason) => {
        if (reason !== 'forced' && reason !== 'reset') void queue.push(() => records.breakerEvent(key, from, to, reason));
      },
    });
    const lease = await SequenceLease.start(records, kernel.sequencer);
    const breakers = new Breakers(kernel, records);
    // Thresholds before any version is deployed (they apply at creation), overrides after.
    breakers.applySettings(restored.breakerSettings);
    const report = await ControlPlane.#restore(kernel, restored, log);
    const overrides = breakers.apply(restored.breakerOverrides);
    for (const s of overrides.skipped) log.log('warn', `restore: breaker override ${s} not applied (version not deployed)`);

    // From here on, record what happens. Events are written in order without holding up the kernel.
    const unsubscribe = kernel.audit.subscribe((e) => {
      void queue.push(() => records.event(e));
      if (e.tier !== undefined && ROLE_CHANGES.test(e.action)) {
        const tier = e.tier as Tier;
        void queue.push(() => records.deployments(tier, rolesOf(kernel, tier)));
        const r = kernel.swaps.active(tier) ?? kernel.swaps.rollouts().at(-1);
        if (r !== undefined && r.tier === tier) void queue.push(() => records.rollout(r));
      }
    });

    const killSwitch = new KillSwitch(kernel, records);
    const token = await loadToken(opts.dataDir, opts.apiToken);
    if (token.created) log.log('info', `API token generated and stored in ${token.path}`);
    const app = await buildApp(
      { kernel, killSwitch, db, records, flagFiles, modulesDir: opts.modulesDir, startedAt: Date.now(), version: opts.version ?? '0.1.0', ...opts.api },
      { token: token.token },
    );
    let address: string | undefined;
    if (opts.listen !== undefined) address = await app.listen({ host: opts.listen.host, port: opts.listen.port });
    return new ControlPlane({ kernel, db, records, flagFiles, killSwitch, app, token, address, restored: { ...report, breakerOverrides: overrides.applied }, queue, lease, unsubscribe });
  }

  /** Registers a module folder and records it before answering. */
  async register(dir: string, actor: string): Promise<ModuleVersion> {
    const v = await this.kernel.registry.register(dir);
    await this.records.moduleRegistered(v, actor);
    return v;
  }

  /** Runs a version's harness and records the result before answering. */
  async test(key: string, actor: string): Promise<HarnessResult> {
    const r = await this.kernel.swaps.test(key, actor);
    await this.records.testRun(r, actor);
    return r;
  }

  /** Waits until every event so far is recorded. */
  flush(): Promise<void> {
    return this.#queue.flush();
  }

  /** Stops the API, drains the pipeline, records the rest, closes the database. */
  async stop(): Promise<void> {
    await this.app.close();
    await this.kernel.stop();
    await this.#queue.flush();
    this.#unsubscribe();
    await this.#lease.stop();
    await this.flagFiles.close();
    await this.db.close();
  }

  static async #restore(kernel: Kernel, r: Awaited<ReturnType<PlatformRecords['restore']>>, log: SandboxLogger): Promise<ControlPlane['restoredReport']> {
    const skipped: string[] = [];
    let adopted = 0;
    for (const v of r.versions) {
      // Re-admit only what is still in the store byte for byte: an artifact is its hash.
      const ok = await stat(v.path).then(() => true, () => false);
      if (!ok || (await ArtifactStore.hashFolder(v.path)).sha256 !== v.sha256) {
        skipped.push(`${v.key}: artifact missing or altered`);
        continue;
      }
      kernel.registry.adopt(v);
      adopted++;
    }
    for (const t of r.tests) kernel.swaps.adoptTestResult(t);
    if (r.trading !== undefined && r.trading.mode !== 'ACTIVE') kernel.trading.tighten(r.trading.mode, r.trading.reason, r.trading.actor);
    const deployed: string[] = [];
    for (const d of r.deployments) {
      // A rollout interrupted by the restart is not resumed: its incumbent comes back alone.
      if (d.role !== 'incumbent' || !kernel.registry.has(d.key)) continue;
      try {
        await kernel.swaps.load(d.key, 'restart');
        deployed.push(d.key);
      } catch (e) {
        skipped.push(`${d.key}: ${(e as Error).message}`);
      }
    }
    for (const s of skipped) log.log('warn', `restore: ${s}`);
    return { versions: adopted, tests: r.tests.length, deployed, trading: kernel.trading.mode, skipped };
  }
}

function rolesOf(kernel: Kernel, tier: Tier): { role: 'incumbent' | 'candidate' | 'previous'; key: string }[] {
  const slot = kernel.stage(tier).slot;
  const out: { role: 'incumbent' | 'candidate' | 'previous'; key: string }[] = [];
  if (slot.incumbent) out.push({ role: 'incumbent', key: slot.incumbent.key });
  if (slot.candidate) out.push({ role: 'candidate', key: slot.candidate.key });
  if (slot.previous) out.push({ role: 'previous', key: slot.previous.key });
  return out;
}
