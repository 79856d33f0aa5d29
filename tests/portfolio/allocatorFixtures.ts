import { readFileSync } from 'node:fs';
import type { Cloneable, ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { Review, TargetPosition } from '../../src/contracts/tiers.ts';
import { create } from '../../modules/portfolio/allocator/index.ts';

export const ALLOCATOR_DIR = new URL('../../modules/portfolio/allocator/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${ALLOCATOR_DIR}manifest.json`, 'utf8')) as { config: Record<string, unknown> };

export interface Harnessed {
  module: ModuleInstance<'portfolio'>;
  /** Feeds one batch with the clock at its last item's event time, as the kernel does. */
  feed(batch: Review[]): Promise<TargetPosition[]>;
  effectCalls: string[];
}

/** The allocator with the shipped manifest config plus `overrides`, and a fake context. */
export function allocator(overrides: Record<string, unknown> = {}, answer: (name: string) => Cloneable | Promise<Cloneable> = () => null): Harnessed {
  let now = 0;
  const effectCalls: string[] = [];
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const ctx: ModuleContext = {
    tier: 'portfolio',
    name: 'allocator',
    version: '1.0.0',
    // The hand-worked numbers in these tests use a 10 % band and a 100 minimum; the shipped band is wider (less churn live).
    config: { ...manifest.config, band: { relative: 0.1, minNotional: 100 }, ...overrides },
    shadow: false,
    clock: { now: () => now },
    log: silent,
    effects: {
      call: async (name) => {
        effectCalls.push(name);
        return answer(name);
      },
    },
  };
  const module = create(ctx);
  return {
    module,
    effectCalls,
    async feed(batch) {
      now = batch.length > 0 ? batch[batch.length - 1]!.ts : now;
      return (await module.handle(batch)) as TargetPosition[];
    },
  };
}

export function review(p: Partial<Review> & Pick<Review, 'seq' | 'symbol' | 'ts' | 'source'>): Review {
  return { price: 100, side: 'buy', quantity: 100, verdict: 'APPROVE', reviewer: 'rule-based', rationale: 'ok', confidence: 0.7, volatility: 0.01, ...p };
}

export function readCase(path: string): { name: string; batches: Review[][]; expected?: TargetPosition[][] } {
  return JSON.parse(readFileSync(path, 'utf8'));
}
