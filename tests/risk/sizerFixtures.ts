import { readFileSync } from 'node:fs';
import type { AccountSnapshot } from '../../src/contracts/effects.ts';
import type { Cloneable, ModuleContext, ModuleInstance } from '../../src/contracts/module.ts';
import type { Signal } from '../../src/contracts/tiers.ts';
import { create as create100 } from '../../modules/risk/sizer/1.0.0/index.ts';
import { create as create110 } from '../../modules/risk/sizer/1.1.0/index.ts';

export type SizerVersion = '1.0.0' | '1.1.0';

export interface EffectCall {
  name: string;
  payload: Cloneable;
}

export interface FakeWorld {
  /** What `account.snapshot` answers next (null: no account). */
  account: AccountSnapshot | null;
  /** Make `trading.tighten` throw. */
  tightenFails?: boolean;
}

export function shippedConfig(version: SizerVersion): Record<string, unknown> {
  const url = new URL(`../../modules/risk/sizer/${version}/manifest.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { config: Record<string, unknown> }).config;
}

/** A sizer made through its public factory, with effects that answer from `world` and record every call. */
export function makeSizer(version: SizerVersion, world: FakeWorld, config: Record<string, unknown> = {}): { sizer: ModuleInstance<'risk'>; calls: EffectCall[] } {
  const calls: EffectCall[] = [];
  const ctx: ModuleContext = {
    tier: 'risk',
    name: 'sizer',
    version,
    config: { ...shippedConfig(version), ...config },
    shadow: false,
    clock: { now: () => 0 },
    log: { debug() {}, info() {}, warn() {}, error() {} },
    effects: {
      async call(name, payload) {
        calls.push({ name, payload });
        if (name === 'account.snapshot') return structuredClone(world.account) as unknown as Cloneable;
        if (name === 'trading.tighten' && world.tightenFails) throw new Error('kernel unreachable');
        return null;
      },
    },
  };
  const sizer = version === '1.0.0' ? create100(ctx) : create110(ctx);
  return { sizer: sizer as ModuleInstance<'risk'>, calls };
}

export function account(over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    asOf: 0,
    mode: 'ACTIVE',
    cash: 100_000,
    equity: 100_000,
    dayStartEquity: 100_000,
    peakEquity: 100_000,
    dailyPnl: 0,
    drawdown: 0,
    grossExposure: 0,
    fees: 0,
    positions: {},
    pending: {},
    ...over,
  };
}

let seq = 0;
/** A signal; `seq` increases across calls so batches are always valid. */
export function signal(symbol: string, ts: number, price: number, direction: -1 | 0 | 1 = 1, confidence = 0.6, source = 'ml:logistic'): Signal {
  seq += 1;
  return { seq, symbol, ts, price, source, direction, confidence };
}

/** `n` bars of one symbol alternating between two prices: every return is +-ln(hi / lo), so volatility is known by hand. */
export function zigzag(symbol: string, n: number, lo = 100, hi = 101, t0 = 60_000): Signal[] {
  return Array.from({ length: n }, (_, i) => signal(symbol, t0 + i * 60_000, i % 2 === 0 ? lo : hi, 0, 0.5, 'warmup'));
}
