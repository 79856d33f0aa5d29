import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tier } from '../../src/contracts/tiers.ts';

export interface FixtureSpec {
  name: string;
  tier: Tier;
  version: string;
  /** Module source (ESM, exports create). */
  code: string;
  isolation?: 'worker' | 'inline';
  deadlineMs?: number;
  /** Items per call at most (manifest default 1024). */
  maxBatch?: number;
  stateVersion?: number;
  resources?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
  /** Harness batches; default: one valid input item for the tier. */
  harness?: unknown[][];
  config?: Record<string, unknown>;
}

export async function tempDir(prefix = 'helios-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes a module folder (manifest.json, index.ts, harness/basic.json) and returns its path. */
export async function writeModule(root: string, spec: FixtureSpec): Promise<string> {
  const dir = join(root, spec.tier, `${spec.name}-${spec.version}`);
  await mkdir(join(dir, 'harness'), { recursive: true });
  const manifest = {
    name: spec.name,
    tier: spec.tier,
    version: spec.version,
    stateVersion: spec.stateVersion ?? 1,
    isolation: spec.isolation ?? 'worker',
    entry: 'index.ts',
    deadlineMs: spec.deadlineMs ?? 1000,
    ...(spec.maxBatch !== undefined ? { maxBatch: spec.maxBatch } : {}),
    ...(spec.resources ? { resources: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4, ...spec.resources } } : {}),
    ...(spec.config ? { config: spec.config } : {}),
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'index.ts'), spec.code);
  await writeFile(join(dir, 'harness', 'basic.json'), JSON.stringify({ name: 'basic', batches: spec.harness ?? [[SAMPLE_INPUT[spec.tier]]] }));
  return dir;
}

/** One valid input item per tier. */
export const SAMPLE_INPUT: Record<Tier, Record<string, unknown>> = {
  ingestion: { seq: 1, symbol: 'AAA', ts: 1, kind: 'trade', price: 100, size: 1 },
  features: { seq: 1, symbol: 'AAA', ts: 1, kind: 'trade', price: 100, size: 1 },
  ml: { seq: 1, symbol: 'AAA', ts: 1, price: 100, features: { count: 1 } },
  risk: { seq: 1, symbol: 'AAA', ts: 1, price: 100, source: 't', direction: 1, confidence: 0.6 },
  llm: { seq: 1, symbol: 'AAA', ts: 1, price: 100, source: 't', side: 'buy', quantity: 1, approved: true, reason: 'ok' },
  portfolio: { seq: 1, symbol: 'AAA', ts: 1, price: 100, side: 'buy', quantity: 1, verdict: 'APPROVE', reviewer: 't', rationale: 'ok' },
  execution: { seq: 1, symbol: 'AAA', ts: 1, price: 100, targetQuantity: 1, reason: 'ok' },
};

const lifecycle = `snapshot() { return state; }, restore(s) { state = s; }, dispose() {}`;

/** Minimal, deterministic 1:1 modules: enough to run real events through all seven tiers. */
export const PASS_THROUGH: Record<Tier, string> = {
  ingestion: `let state = {};
export function create() { return { handle(items) { return items.map((e) => ({ seq: e.seq, symbol: e.symbol, ts: e.ts, kind: e.kind, price: e.price ?? e.close, size: e.size ?? 0 })); }, ${lifecycle} }; }`,
  features: `let state = {};
export function create() { return { handle(items) { return items.map((e) => { state[e.symbol] = (state[e.symbol] ?? 0) + 1; return { seq: e.seq, symbol: e.symbol, ts: e.ts, price: e.price, features: { count: state[e.symbol] } }; }); }, ${lifecycle} }; }`,
  ml: `let state = {};
export function create() { return { handle(items) { return items.map((f) => ({ seq: f.seq, symbol: f.symbol, ts: f.ts, price: f.price, source: 'parity', direction: f.features.count % 2 === 0 ? 1 : -1, confidence: 0.6 })); }, ${lifecycle} }; }`,
  risk: `let state = {};
export function create() { return { handle(items) { return items.map((s) => ({ seq: s.seq, symbol: s.symbol, ts: s.ts, price: s.price, source: s.source, side: s.direction < 0 ? 'sell' : 'buy', quantity: 1, approved: true, reason: 'within limits' })); }, ${lifecycle} }; }`,
  llm: `let state = {};
export function create() { return { handle(items) { return items.map((d) => ({ seq: d.seq, symbol: d.symbol, ts: d.ts, price: d.price, side: d.side, quantity: d.quantity, verdict: d.approved ? 'APPROVE' : 'REJECT', reviewer: 'echo', rationale: d.reason })); }, ${lifecycle} }; }`,
  portfolio: `let state = {};
export function create() { return { handle(items) { return items.map((r) => ({ seq: r.seq, symbol: r.symbol, ts: r.ts, price: r.price, targetQuantity: r.verdict === 'REJECT' ? 0 : (r.side === 'buy' ? r.quantity : -r.quantity), reason: r.verdict })); }, ${lifecycle} }; }`,
  execution: `let state = {};
export function create() { return { handle(items) { return items.filter((t) => t.targetQuantity !== 0).map((t) => ({ seq: t.seq, symbol: t.symbol, ts: t.ts, clientOrderId: 'o-' + t.seq, side: t.targetQuantity > 0 ? 'buy' : 'sell', quantity: Math.abs(t.targetQuantity), type: 'market' })); }, ${lifecycle} }; }`,
};

/**
 * A stateful features module: a running count and sum per symbol, carried
 * across swaps by snapshot/restore. `bias` makes a deliberately wrong version.
 */
export function counterModule(opts: { bias?: number; failEvery?: number; stateVersion?: number } = {}): string {
  return `let counts = {};
let calls = 0;
export function create(ctx) {
  return {
    handle(items) {
      calls++;
      if (${opts.failEvery ?? 0} > 0 && calls % ${opts.failEvery ?? 1} === 0) throw new Error('induced failure');
      return items.map((e) => {
        const c = counts[e.symbol] ?? { n: 0, sum: 0 };
        c.n += 1; c.sum += e.price;
        counts[e.symbol] = c;
        return { seq: e.seq, symbol: e.symbol, ts: e.ts, price: e.price, features: { count: c.n + ${opts.bias ?? 0}, mean: c.sum / c.n } };
      });
    },
    snapshot() { return counts; },
    restore(s, from) { if (from !== ${opts.stateVersion ?? 1}) throw new Error('unknown state version ' + from); counts = s; },
    dispose() {},
  };
}`;
}

/** Market events for `n` symbols, in arrival order. */
export function marketEvents(count: number, symbols = 4, t0 = 1_700_000_000_000): { symbol: string; ts: number; kind: 'trade'; price: number; size: number }[] {
  const out = [];
  for (let i = 0; i < count; i++) out.push({ symbol: `S${i % symbols}`, ts: t0 + i, kind: 'trade' as const, price: 100 + ((i * 7) % 13), size: 1 + (i % 5) });
  return out;
}
