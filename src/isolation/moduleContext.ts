import { AsyncLocalStorage } from 'node:async_hooks';
import type { Manifest } from '../contracts/manifest.ts';
import type { Cloneable, ModuleContext, ModuleLogger } from '../contracts/module.ts';

/**
 * Which call a piece of module code is running for. Async handlers of two
 * batches can interleave in one instance (lanes), so "live or shadow" and "what
 * time is it" must follow the call, not a global.
 */
export interface CallScope {
  now: number;
  live: boolean;
}

export interface ContextPorts {
  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>): void;
  effect(name: string, payload: Cloneable, live: boolean): Promise<Cloneable>;
}

/** Builds the context both isolation modes hand to `create(ctx)`. */
export function createModuleContext(manifest: Manifest, ports: ContextPorts): { ctx: ModuleContext; scope: AsyncLocalStorage<CallScope> } {
  const scope = new AsyncLocalStorage<CallScope>();
  let lastNow = 0;
  const log: ModuleLogger = {
    debug: (msg, data) => ports.log('debug', msg, data),
    info: (msg, data) => ports.log('info', msg, data),
    warn: (msg, data) => ports.log('warn', msg, data),
    error: (msg, data) => ports.log('error', msg, data),
  };
  const ctx: ModuleContext = {
    tier: manifest.tier,
    name: manifest.name,
    version: manifest.version,
    config: Object.freeze({ ...manifest.config }),
    get shadow() {
      return scope.getStore()?.live === false;
    },
    clock: {
      now() {
        const s = scope.getStore();
        if (s !== undefined) lastNow = s.now;
        return lastNow;
      },
    },
    log,
    effects: {
      call(name, payload) {
        // Outside any call (e.g. a timer the module set) nothing is known about
        // liveness, so the safe answer is to treat it as shadow and stub it.
        return ports.effect(name, payload, scope.getStore()?.live === true);
      },
    },
  };
  return { ctx, scope };
}
