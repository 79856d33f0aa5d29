import type { Manifest } from '../contracts/manifest.ts';
import type { Cloneable, ModuleInstance } from '../contracts/module.ts';
import { HeliosError, wrapError } from '../errors/HeliosError.ts';
import { checkInstance, loadFactory } from './loadFactory.ts';
import { createModuleContext, type CallScope } from './moduleContext.ts';
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Sandbox, SandboxOptions } from './Sandbox.ts';

/**
 * A trusted module on the kernel's own thread: no message hop, no clone. The
 * price, stated plainly: its code is never reclaimed after retirement (V8 keeps
 * a dynamically imported module for the life of the process), and a
 * synchronous overrun cannot be interrupted, only detected and counted.
 */
export class InlineSandbox implements Sandbox {
  readonly manifest: Manifest;
  readonly isolation = 'inline' as const;
  readonly restarts = 0;
  #opts: SandboxOptions;
  #instance: ModuleInstance | undefined;
  #scope: AsyncLocalStorage<CallScope> | undefined;
  #ready: Promise<void> | undefined;
  #disposed = false;

  constructor(opts: SandboxOptions) {
    this.manifest = opts.manifest;
    this.#opts = opts;
  }

  start(): Promise<void> {
    this.#ready ??= this.#boot();
    return this.#ready;
  }

  async #boot(): Promise<void> {
    const factory = await loadFactory(this.#opts.moduleUrl);
    const { ctx, scope } = createModuleContext(this.manifest, {
      log: (level, msg, data) => this.#opts.logger.log(level, msg, { module: this.#key(), ...data }),
      effect: (name, payload, live) => this.#opts.effects(name, structuredClone(payload), live),
    });
    let instance: unknown;
    try {
      instance = await factory(ctx);
    } catch (e) {
      throw wrapError(e, 'HELIOS_E_MODULE_LOAD_FAILED', `${this.#key()} create(ctx) failed`);
    }
    checkInstance(instance, this.#opts.moduleUrl);
    this.#instance = instance as ModuleInstance;
    this.#scope = scope;
  }

  handle(items: readonly unknown[], now: number, live: boolean): Promise<unknown[]> {
    const inst = this.#live();
    const started = performance.now();
    let out: unknown;
    try {
      out = this.#scope!.run({ now, live }, () => inst.handle(items as never));
    } catch (e) {
      return Promise.reject(wrapError(e, 'HELIOS_E_MODULE_THREW', this.#key()));
    }
    if (typeof (out as { then?: unknown } | null)?.then !== 'function') {
      const overrun = performance.now() - started - this.manifest.deadlineMs;
      if (overrun > (this.#opts.graceMs ?? 20)) return Promise.reject(this.#deadline());
      return Promise.resolve(out as unknown[]);
    }
    return this.#withDeadline(out as Promise<unknown[]>);
  }

  #withDeadline(p: Promise<unknown[]>): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(this.#deadline()), this.manifest.deadlineMs);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(wrapError(e, 'HELIOS_E_MODULE_THREW', this.#key()));
        },
      );
    });
  }

  async snapshot(): Promise<Cloneable> {
    // Cloned so the next version can never share mutable objects with this one.
    return structuredClone(await this.#live().snapshot());
  }

  async restore(state: Cloneable, fromStateVersion: number): Promise<void> {
    try {
      await this.#live().restore(structuredClone(state), fromStateVersion);
    } catch (e) {
      throw wrapError(e, 'HELIOS_E_STATE_MIGRATION', `${this.#key()} restore from state version ${fromStateVersion}`);
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const inst = this.#instance;
    this.#instance = undefined;
    if (inst !== undefined) await inst.dispose();
  }

  whenReady(): undefined {
    return undefined;
  }

  onFault(): () => void {
    // An inline module cannot crash apart from the kernel; its failures are call errors.
    return () => {};
  }

  #live(): ModuleInstance {
    if (this.#disposed) throw new HeliosError('HELIOS_E_SANDBOX_CLOSED', `${this.#key()} is retired`);
    if (this.#instance === undefined) throw new HeliosError('HELIOS_E_SANDBOX_CLOSED', `${this.#key()} is not started`);
    return this.#instance;
  }

  #deadline(): HeliosError {
    return new HeliosError('HELIOS_E_DEADLINE', `${this.#key()} missed its ${this.manifest.deadlineMs} ms deadline (inline: not interruptible)`);
  }

  #key(): string {
    return `${this.manifest.name}@${this.manifest.version}`;
  }
}
