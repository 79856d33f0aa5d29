import type { Manifest } from '../contracts/manifest.ts';
import type { Cloneable } from '../contracts/module.ts';
import type { HeliosError } from '../errors/HeliosError.ts';

/**
 * One running instance of one module version. The kernel never talks to module
 * code except through this, so worker and inline isolation are interchangeable.
 */
export interface Sandbox {
  readonly manifest: Manifest;
  readonly isolation: 'worker' | 'inline';
  /** Resolves once the module's factory has returned. */
  start(): Promise<void>;
  /**
   * Runs one batch. `live` says whether outputs will be used (real effects) or
   * only compared (stubbed effects). `signal` aborts this call alone.
   */
  handle(items: readonly unknown[], now: number, live: boolean, signal?: AbortSignal): Promise<unknown[]>;
  snapshot(): Promise<Cloneable>;
  restore(state: Cloneable, fromStateVersion: number): Promise<void>;
  /** Stops the instance and gives back what it holds. Idempotent. */
  dispose(): Promise<void>;
  /** Restarts after a crash or a cancelled call; inline sandboxes never restart. */
  readonly restarts: number;
  /** While a replacement is booting, the promise of its readiness; otherwise undefined (the fast path). */
  whenReady(): Promise<void> | undefined;
  /**
   * A fault outside any single call's answer (a crash, a hang past the
   * deadline). `callsFailed` is how many calls it failed, which the caller has
   * already counted; 0 means it happened between calls.
   */
  onFault(listener: (error: HeliosError, callsFailed: number) => void): () => void;
}

/** Runs a side effect a module asked for; `live` is false for shadow calls. */
export type EffectHandler = (name: string, payload: Cloneable, live: boolean) => Promise<Cloneable>;

export interface SandboxLogger {
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>): void;
}

export interface SandboxOptions {
  manifest: Manifest;
  /** file: URL of the module entry inside the immutable artifact store. */
  moduleUrl: string;
  effects: EffectHandler;
  logger: SandboxLogger;
  /**
   * How long past the deadline a cancelled call may still finish before its
   * worker is terminated. Short, because a worker stuck in a loop never yields.
   */
  graceMs?: number;
}
