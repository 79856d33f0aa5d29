import type { Band } from '../../lib/portfolio/bands.ts';
import type { ExposureLimits } from '../../lib/portfolio/limits.ts';

export type Method = 'merge' | 'mean-variance' | 'black-litterman';

/**
 * The allocator's settings, compiled once from the manifest's `config`
 * (every key optional):
 *
 * - `method`: "merge" (default) | "mean-variance" | "black-litterman".
 * - `weights`: per-source weight, exact names or `*` patterns, e.g.
 *   `{ "ml:*": 2, "*": 1 }`; sources matching nothing weigh `defaultWeight` (1).
 * - `priorities`: per-source priority, same patterns, default 0. A view whose
 *   sign opposes the merged result vetoes it to flat when its priority is
 *   strictly above every agreeing view's.
 * - `maxViewAgeMs`: a view older than this (event time) expires (300000).
 * - `band`: `{ relative: 0.1, minNotional: 100 }`: changes inside it are not emitted.
 * - `limits`: `{ maxNotionalPerSymbol, maxGrossNotional }` in account currency,
 *   applied last (defaults 50000 and 500000).
 * - `capital`: equity when `account.snapshot` answers null (100000).
 * - `lambda`: risk aversion of mean-variance (2.5). `delta`: market risk
 *   aversion of Black-Litterman, also its optimiser's risk aversion, so that
 *   with no views it holds the equilibrium (2.5). `tau`: prior uncertainty (0.05).
 * - `maxWeight` (0.2), `maxGross` (1): optimiser bounds as fractions of equity.
 * - `viewSources`: patterns of the sources Black-Litterman takes views from (["ml:*"]).
 * - `window`: returns kept per symbol (120); `minHistory`: returns needed before
 *   a symbol's sample covariance is used (20), below it its variance comes from
 *   the reviews' volatility and it is uncorrelated.
 * - `defaultVolatility` (0.01) and `defaultConfidence` (0.5) for reviews without them.
 */
export interface AllocatorConfig {
  method: Method;
  weights: Record<string, number>;
  defaultWeight: number;
  priorities: Record<string, number>;
  maxViewAgeMs: number;
  band: Band;
  limits: ExposureLimits;
  capital: number;
  lambda: number;
  delta: number;
  tau: number;
  maxWeight: number;
  maxGross: number;
  viewSources: string[];
  window: number;
  minHistory: number;
  defaultVolatility: number;
  defaultConfidence: number;
}

const METHODS: readonly Method[] = ['merge', 'mean-variance', 'black-litterman'];

export function parseConfig(raw: Readonly<Record<string, unknown>>): AllocatorConfig {
  const method = (raw.method ?? 'merge') as Method;
  if (!METHODS.includes(method)) throw new Error(`allocator: method must be one of ${METHODS.join(', ')}, got ${String(raw.method)}`);
  const band = record(raw.band, 'band');
  const limits = record(raw.limits, 'limits');
  const window = num(raw.window, 120, 'window', 2);
  return {
    method,
    weights: table(raw.weights, 'weights', { '*': 1 }),
    defaultWeight: num(raw.defaultWeight, 1, 'defaultWeight', 0),
    priorities: table(raw.priorities, 'priorities', {}),
    maxViewAgeMs: num(raw.maxViewAgeMs, 300_000, 'maxViewAgeMs', 0),
    band: { relative: num(band.relative, 0.1, 'band.relative', 0), minNotional: num(band.minNotional, 100, 'band.minNotional', 0) },
    limits: {
      maxNotionalPerSymbol: num(limits.maxNotionalPerSymbol, 50_000, 'limits.maxNotionalPerSymbol', 0),
      maxGrossNotional: num(limits.maxGrossNotional, 500_000, 'limits.maxGrossNotional', 0),
    },
    capital: num(raw.capital, 100_000, 'capital', Number.MIN_VALUE),
    lambda: num(raw.lambda, 2.5, 'lambda', Number.MIN_VALUE),
    delta: num(raw.delta, 2.5, 'delta', Number.MIN_VALUE),
    tau: num(raw.tau, 0.05, 'tau', Number.MIN_VALUE),
    maxWeight: num(raw.maxWeight, 0.2, 'maxWeight', 0),
    maxGross: num(raw.maxGross, 1, 'maxGross', 0),
    viewSources: strings(raw.viewSources, ['ml:*'], 'viewSources'),
    window: Math.floor(window),
    minHistory: Math.max(2, Math.min(Math.floor(num(raw.minHistory, 20, 'minHistory', 2)), Math.floor(window))),
    defaultVolatility: num(raw.defaultVolatility, 0.01, 'defaultVolatility', Number.MIN_VALUE),
    defaultConfidence: Math.min(1, num(raw.defaultConfidence, 0.5, 'defaultConfidence', 0)),
  };
}

function num(v: unknown, fallback: number, name: string, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < min) throw new Error(`allocator: ${name} must be a number >= ${min}, got ${String(v)}`);
  return v;
}

function record(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`allocator: ${name} must be an object`);
  return v as Record<string, unknown>;
}

function table(v: unknown, name: string, fallback: Record<string, number>): Record<string, number> {
  if (v === undefined) return fallback;
  const r = record(v, name);
  for (const [k, x] of Object.entries(r)) if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new Error(`allocator: ${name}.${k} must be a finite number >= 0`);
  return r as Record<string, number>;
}

function strings(v: unknown, fallback: string[], name: string): string[] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new Error(`allocator: ${name} must be an array of strings`);
  return v as string[];
}
