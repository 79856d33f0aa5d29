import type { Tier, TierInput, TierOutput } from './tiers.ts';

/** Structured-clone-safe data: what may cross a worker boundary. */
export type Cloneable =
  | null
  | boolean
  | number
  | string
  | Cloneable[]
  | { [key: string]: Cloneable | undefined };

export interface ModuleLogger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/**
 * Everything a module may touch outside itself comes through here, so the
 * kernel can hand a shadow copy stubs and a replay a fixed clock.
 */
export interface ModuleContext {
  readonly tier: Tier;
  readonly name: string;
  readonly version: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** True for a shadow copy: its effects are stubbed and its output only compared. */
  readonly shadow: boolean;
  /** Event-time clock set by the kernel per batch: identical for incumbent and shadow. */
  readonly clock: { now(): number };
  readonly log: ModuleLogger;
  /**
   * Side effects by name (e.g. 'llm.review'). Always asynchronous: in a worker
   * the call crosses to the kernel, which runs the real effect or a stub.
   */
  readonly effects: { call(name: string, payload: Cloneable): Promise<Cloneable> };
}

/** What `create(ctx)` returns. All methods may be sync or async. */
export interface ModuleInstance<T extends Tier = Tier> {
  handle(items: TierInput<T>[]): TierOutput<T>[] | Promise<TierOutput<T>[]>;
  /** State to carry to the next version; must be structured-clone safe. */
  snapshot(): Cloneable | Promise<Cloneable>;
  /** Adopt state written by a version whose manifest had `fromStateVersion`; throw to refuse. */
  restore(state: Cloneable, fromStateVersion: number): void | Promise<void>;
  dispose(): void | Promise<void>;
}

export type ModuleFactory<T extends Tier = Tier> = (ctx: ModuleContext) => ModuleInstance<T> | Promise<ModuleInstance<T>>;
