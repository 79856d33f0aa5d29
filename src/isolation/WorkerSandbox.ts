import { Worker } from 'node:worker_threads';
import type { Manifest } from '../contracts/manifest.ts';
import type { Cloneable } from '../contracts/module.ts';
import type { ErrorCode } from '../errors/catalogue.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import { decodeBatch, encodeBatch, transferables, type WireBatch } from './BatchCodec.ts';
import type { CallOp, FromWorker, ToWorker, WorkerBoot } from './protocol.ts';
import type { Sandbox, SandboxOptions } from './Sandbox.ts';

const ENTRY = new URL('./worker-entry.ts', import.meta.url);
/** Restarts allowed per minute before a version is left down (its breaker then stays open). */
const MAX_RESTARTS_PER_MINUTE = 30;
/** A worker that has not booted by then is treated as crashed: boot must not hang a swap. */
const BOOT_TIMEOUT_MS = 15_000;
/** snapshot/restore/dispose are control calls: generous, but never unbounded. */
const controlDeadline = (deadlineMs: number): number => Math.max(5_000, deadlineMs * 10);
/**
 * Buffers to encode the next batches into, shared by every worker sandbox in
 * the process: an answer's buffer comes back here as soon as it is decoded, so
 * batch buffers are reused rather than left to the GC, which would let them
 * pile up as external memory (and RSS) before a collection frees them.
 */
const spare: ArrayBuffer[] = [];
const MAX_SPARE_BUFFERS = 16;

interface Pending {
  resolve(value: unknown): void;
  reject(error: HeliosError): void;
  timer: NodeJS.Timeout | undefined;
  /** Set once the caller has been answered with a deadline error; the worker still owes a reply. */
  cancelled: boolean;
  op: CallOp['op'];
}

/**
 * A module version in its own worker thread. Everything a version allocates
 * lives in that isolate, so terminate() gives every byte back; and a call that
 * overruns its deadline is cancelled for real by terminating the worker, which
 * is then replaced and handed the last state it was known to have.
 */
export class WorkerSandbox implements Sandbox {
  readonly manifest: Manifest;
  readonly isolation = 'worker' as const;
  #opts: SandboxOptions;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #disposed = false;
  #restarts = 0;
  #restartTimes: number[] = [];
  #recovery: { state: Cloneable; stateVersion: number } | undefined;
  #faultListeners = new Set<(e: HeliosError, callsFailed: number) => void>();
  #down: HeliosError | undefined;
  #booting = false;
  /**
   * Set from a missed deadline until the worker answers late or is replaced:
   * a worker stuck in a loop must not be handed new calls meanwhile.
   */
  #suspect: { promise: Promise<void>; clear: () => void } | undefined;

  constructor(opts: SandboxOptions) {
    this.manifest = opts.manifest;
    this.#opts = opts;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): Promise<void> {
    if (this.#ready === undefined) this.#ready = this.#spawn();
    return this.#ready;
  }

  whenReady(): Promise<void> | undefined {
    return this.#booting ? this.#ready : undefined;
  }

  async handle(items: readonly unknown[], now: number, live: boolean, signal?: AbortSignal): Promise<unknown[]> {
    return (await this.#call({ op: 'handle', items: items as unknown[], now, live }, signal)) as unknown[];
  }

  async snapshot(): Promise<Cloneable> {
    const state = (await this.#call({ op: 'snapshot' })) as Cloneable;
    this.#recovery = { state, stateVersion: this.manifest.stateVersion };
    return state;
  }

  async restore(state: Cloneable, fromStateVersion: number): Promise<void> {
    await this.#call({ op: 'restore', state, fromStateVersion });
    this.#recovery = { state, stateVersion: fromStateVersion };
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const w = this.#worker;
    this.#worker = undefined;
    this.#failAll('HELIOS_E_SANDBOX_CLOSED', 'module version retired');
    this.#clearSuspect();
    if (w !== undefined) {
      w.removeAllListeners();
      // Module dispose() gets a short chance; terminate() is what frees memory.
      await w.terminate();
    }
  }

  onFault(listener: (error: HeliosError, callsFailed: number) => void): () => void {
    this.#faultListeners.add(listener);
    return () => this.#faultListeners.delete(listener);
  }

  async #call(op: CallOp, signal?: AbortSignal): Promise<unknown> {
    if (this.#disposed) throw new HeliosError('HELIOS_E_SANDBOX_CLOSED', `${this.#key()} is retired`);
    for (;;) {
      if (this.#ready === undefined) await this.start();
      else await this.#ready;
      if (this.#suspect === undefined) break;
      await this.#suspect.promise;
    }
    if (this.#down !== undefined) throw this.#down;
    return this.#post(op, signal);
  }

  /** Sends a call to the current worker without waiting for readiness (used while restarting). */
  #post(op: CallOp, signal?: AbortSignal): Promise<unknown> {
    const worker = this.#worker;
    if (worker === undefined) return Promise.reject(new HeliosError('HELIOS_E_SANDBOX_CLOSED', `${this.#key()} is retired`));
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const p: Pending = { resolve, reject, timer: undefined, cancelled: false, op: op.op };
      const limit = op.op === 'handle' ? this.manifest.deadlineMs : controlDeadline(this.manifest.deadlineMs);
      p.timer = setTimeout(() => this.#expire(id, p), limit);
      if (signal !== undefined) {
        if (signal.aborted) {
          clearTimeout(p.timer);
          return reject(this.#deadlineError(op.op));
        }
        signal.addEventListener('abort', () => this.#expire(id, p), { once: true });
      }
      this.#pending.set(id, p);
      this.#send(worker, id, op);
    });
  }

  /** A handle call crosses in the compact form when that is lossless (BatchCodec.ts), its buffer transferred. */
  #send(worker: Worker, id: number, op: CallOp): void {
    if (op.op === 'handle') {
      const batch = encodeBatch(op.items, spare[spare.length - 1]);
      if (batch !== undefined) {
        if (batch.codec === 1 && batch.nums.buffer === spare[spare.length - 1]) spare.pop();
        worker.postMessage({ t: 'call', id, op: 'handle', batch, now: op.now, live: op.live } satisfies ToWorker, transferables(batch));
        return;
      }
    }
    worker.postMessage({ t: 'call', id, ...op } satisfies ToWorker);
  }

  #deadlineError(op: CallOp['op']): HeliosError {
    return op === 'handle'
      ? new HeliosError('HELIOS_E_DEADLINE', `${this.#key()} missed its ${this.manifest.deadlineMs} ms deadline`)
      : new HeliosError('HELIOS_E_DEADLINE', `${this.#key()} ${op}() did not answer within ${controlDeadline(this.manifest.deadlineMs)} ms`);
  }

  /** Answer the caller now; give the worker a grace period, then terminate it. */
  #expire(id: number, p: Pending): void {
    if (p.cancelled || !this.#pending.has(id)) return;
    p.cancelled = true;
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.reject(this.#deadlineError(p.op));
    if (this.#suspect === undefined) {
      let clear!: () => void;
      const promise = new Promise<void>((r) => (clear = r));
      this.#suspect = { promise, clear };
    }
    const worker = this.#worker;
    p.timer = setTimeout(() => {
      if (this.#pending.has(id) && this.#worker === worker && worker !== undefined) {
        this.#fault(new HeliosError('HELIOS_E_DEADLINE', `${this.#key()} still busy ${this.#opts.graceMs ?? 20} ms past its deadline; worker terminated`));
      }
    }, this.#opts.graceMs ?? 20);
  }

  #spawn(): Promise<void> {
    const m = this.manifest;
    const boot: WorkerBoot = { moduleUrl: this.#opts.moduleUrl, manifest: m };
    const worker = new Worker(ENTRY, {
      workerData: boot,
      resourceLimits: {
        maxOldGenerationSizeMb: m.resources.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: m.resources.maxYoungGenerationSizeMb,
        stackSizeMb: m.resources.stackSizeMb,
      },
      // The module's stdout is not the kernel's: its logs come through ctx.log.
      stdout: false,
      stderr: false,
    });
    this.#worker = worker;
    this.#booting = true;
    return new Promise<void>((resolve, reject) => {
      let booted = false;
      const bootTimer = setTimeout(() => {
        if (booted) return;
        const e = new HeliosError('HELIOS_E_WORKER_CRASHED', `${this.#key()} worker did not boot within ${BOOT_TIMEOUT_MS} ms`);
        reject(e);
        this.#fault(e, worker);
      }, BOOT_TIMEOUT_MS);
      bootTimer.unref();
      const settleBoot = (): void => {
        clearTimeout(bootTimer);
        if (this.#worker === worker) this.#booting = false;
      };
      worker.on('message', (msg: FromWorker) => {
        if (msg.t === 'ready') {
          booted = true;
          settleBoot();
          resolve();
        } else if (msg.t === 'bootError') {
          // Not a fault to restart from: the same code would fail the same way.
          settleBoot();
          this.#down = HeliosError.fromJSON(msg.error);
          this.#worker = undefined;
          worker.removeAllListeners();
          reject(this.#down);
          void worker.terminate();
        } else this.#onMessage(worker, msg);
      });
      worker.on('error', (err: Error & { code?: string }) => {
        const code: ErrorCode = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'HELIOS_E_WORKER_OOM' : 'HELIOS_E_WORKER_CRASHED';
        const e = new HeliosError(code, `${this.#key()} worker failed: ${err.message}`);
        if (!booted) {
          settleBoot();
          reject(e);
        }
        this.#faultSoon(e, worker);
      });
      worker.on('exit', (exitCode) => {
        const e = new HeliosError('HELIOS_E_WORKER_CRASHED', `${this.#key()} worker exited with code ${exitCode}`);
        if (!booted) {
          settleBoot();
          reject(e);
        }
        this.#faultSoon(e, worker);
      });
    });
  }

  /**
   * A worker's answers and its death arrive on different channels: an answer
   * it posted just before crashing may still be queued when 'error' or 'exit'
   * fires. One turn later every answer it sent has been delivered, so a batch
   * it did answer is not failed by the crash that followed.
   */
  #faultSoon(e: HeliosError, worker: Worker): void {
    setImmediate(() => this.#fault(e, worker));
  }

  #onMessage(worker: Worker, msg: FromWorker): void {
    switch (msg.t) {
      case 'result': {
        const p = this.#pending.get(msg.id);
        if (p === undefined) return;
        this.#pending.delete(msg.id);
        if (p.timer !== undefined) clearTimeout(p.timer);
        if (p.cancelled) {
          // Late, but alive: it may take calls again once nothing else is overdue.
          if (![...this.#pending.values()].some((q) => q.cancelled)) this.#clearSuspect();
          return;
        }
        if (!msg.ok) p.reject(HeliosError.fromJSON(msg.error));
        else if (!('batch' in msg)) p.resolve(msg.value);
        else this.#resolveBatch(p, msg.batch);
        return;
      }
      case 'effect':
        this.#opts.effects(msg.name, msg.payload, msg.live).then(
          (value) => worker.postMessage({ t: 'effectResult', id: msg.id, ok: true, value } satisfies ToWorker),
          (e: unknown) => {
            const err = e instanceof HeliosError ? e : new HeliosError('HELIOS_E_MODULE_THREW', `effect ${msg.name} failed: ${String(e)}`);
            worker.postMessage({ t: 'effectResult', id: msg.id, ok: false, error: err.toJSON() } satisfies ToWorker);
          },
        );
        return;
      case 'log':
        this.#opts.logger.log(msg.level, msg.msg, { module: this.#key(), ...msg.data });
        return;
      default:
        return;
    }
  }

  /** A dead or hung worker: fail its calls, tell listeners, bring up a replacement. */
  #fault(error: HeliosError, worker: Worker | undefined = this.#worker): void {
    if (this.#disposed || worker === undefined || worker !== this.#worker) return;
    this.#worker = undefined;
    worker.removeAllListeners();
    worker.on('error', () => {});
    void worker.terminate();
    const callsFailed = this.#failAll(error.code, error.message);
    for (const l of this.#faultListeners) l(error, callsFailed);
    this.#restart();
    // After #restart, so a waiting call sees the replacement's readiness, not the dead worker.
    this.#clearSuspect();
  }

  #resolveBatch(p: Pending, batch: WireBatch): void {
    let items: unknown[];
    try {
      items = decodeBatch(batch);
    } catch (e) {
      p.reject(new HeliosError('HELIOS_E_OUTPUT_INVALID', `${this.#key()} answered with a malformed batch: ${(e as Error).message}`));
      return;
    }
    // The decoded items hold nothing of the buffer: the next batch can be written into it.
    if (batch.codec === 1 && spare.length < MAX_SPARE_BUFFERS) spare.push(batch.nums.buffer);
    p.resolve(items);
  }

  #clearSuspect(): void {
    const s = this.#suspect;
    this.#suspect = undefined;
    s?.clear();
  }

  #restart(): void {
    const now = Date.now();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < 60_000);
    if (this.#restartTimes.length >= MAX_RESTARTS_PER_MINUTE) {
      this.#down = new HeliosError('HELIOS_E_WORKER_CRASHED', `${this.#key()} restarted ${MAX_RESTARTS_PER_MINUTE} times in a minute; left down`);
      this.#ready = Promise.resolve();
      return;
    }
    this.#restartTimes.push(now);
    this.#restarts++;
    const recovery = this.#recovery;
    this.#ready = this.#spawn().then(async () => {
      if (recovery !== undefined) await this.#post({ op: 'restore', state: recovery.state, fromStateVersion: recovery.stateVersion });
    });
    // A replacement that cannot boot leaves the version down; calls see #down.
    this.#ready.catch((e: unknown) => {
      this.#down = e instanceof HeliosError ? e : new HeliosError('HELIOS_E_WORKER_CRASHED', String(e));
    });
  }

  /** Fails every outstanding call; returns how many callers were still waiting (not already answered). */
  #failAll(code: ErrorCode, message: string): number {
    let failed = 0;
    for (const [id, p] of this.#pending) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      if (!p.cancelled) {
        p.reject(new HeliosError(code, message));
        failed++;
      } else if (p.op === 'handle') failed++;
      this.#pending.delete(id);
    }
    return failed;
  }

  #key(): string {
    return `${this.manifest.name}@${this.manifest.version}`;
  }
}
