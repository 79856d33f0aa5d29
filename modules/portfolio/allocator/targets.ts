import { blackLitterman } from '../../lib/portfolio/blackLitterman.ts';
import { impliedReturn } from '../../lib/portfolio/impliedReturn.ts';
import { meanVariance } from '../../lib/portfolio/meanVariance.ts';
import { mergeViews, type WeighedView } from '../../lib/portfolio/mergeViews.ts';
import { SourceTable } from '../../lib/portfolio/sourceTable.ts';
import type { Book, View, Views } from './Book.ts';
import type { AllocatorConfig } from './config.ts';
import { covarianceOf, volatilityOf, type CovarianceCache } from './covarianceOf.ts';

/** A symbol's target before the REJECT guard, limits and bands. */
export interface RawTarget {
  quantity: number;
  reason: string;
}

/** Source lookups compiled once from the config. */
export interface Tables {
  weight: SourceTable;
  priority: SourceTable;
  /** 1 for a source Black-Litterman takes views from, else 0. */
  viewSource: SourceTable;
}

export function compileTables(cfg: AllocatorConfig): Tables {
  return {
    weight: new SourceTable(cfg.weights, cfg.defaultWeight),
    priority: new SourceTable(cfg.priorities, 0),
    viewSource: new SourceTable(Object.fromEntries(cfg.viewSources.map((p) => [p, 1])), 0),
  };
}

export interface TargetInputs {
  book: Book;
  views: Views;
  cfg: AllocatorConfig;
  tables: Tables;
  /** Account equity for the optimisers' weights. */
  equity: number;
  /** Shared by the calls of one batch (see CovarianceCache). */
  cache?: CovarianceCache;
}

/** Targets per symbol by the configured method; symbols are the ones the method looks at, in sorted order. */
export function rawTargets(x: TargetInputs): Map<string, RawTarget> {
  switch (x.cfg.method) {
    case 'merge':
      return mergeTargets(x);
    case 'mean-variance':
      return meanVarianceTargets(x);
    case 'black-litterman':
      return blackLittermanTargets(x);
  }
}

function sortedSources(m: ReadonlyMap<string, View>): [string, View][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function weighed(x: TargetInputs, source: string, value: number): WeighedView {
  return { source, value, weight: x.tables.weight.get(source), priority: x.tables.priority.get(source) };
}

/** Whole units, towards zero (never -0); the epsilon keeps 99.99999999, a rounding artefact of 100, at 100. */
function wholeUnits(q: number): number {
  const u = Math.floor(Math.abs(q) + 1e-9);
  return u === 0 ? 0 : q < 0 ? -u : u;
}

function mergeTargets(x: TargetInputs): Map<string, RawTarget> {
  const symbols = new Set([...x.views.keys(), ...x.book.emitted.keys()]);
  const out = new Map<string, RawTarget>();
  for (const symbol of [...symbols].sort()) {
    const m = x.views.get(symbol);
    if (m === undefined) {
      out.set(symbol, { quantity: 0, reason: 'merge: no live views' });
      continue;
    }
    const vs = sortedSources(m).map(([source, v]) => weighed(x, source, v.q));
    const r = mergeViews(vs);
    const reason = r.vetoedBy !== null ? `merge: vetoed to flat by ${r.vetoedBy} (higher priority, opposite side)` : `merge of ${vs.map((v) => `${v.source} ${v.value}`).join(', ')}`;
    out.set(symbol, { quantity: wholeUnits(r.value), reason });
  }
  return out;
}

/** The merged expected return of a symbol's views (direction x confidence edge x volatility), weights and priorities applied. */
function mergedReturn(x: TargetInputs, symbol: string, views: ReadonlyMap<string, View>, only?: (source: string) => boolean): { mu: number; confidence: number; count: number } {
  const vol = volatilityOf(x.book, symbol, x.cfg);
  const vs: WeighedView[] = [];
  let cw = 0;
  let wsum = 0;
  let csum = 0;
  for (const [source, v] of sortedSources(views)) {
    if (only !== undefined && !only(source)) continue;
    const c = v.confidence ?? x.cfg.defaultConfidence;
    // A forecast of 0 means risk had none; the symbol's own estimate stands in.
    const wv = weighed(x, source, impliedReturn(Math.sign(v.q), c, v.volatility !== null && v.volatility > 0 ? v.volatility : vol));
    vs.push(wv);
    cw += wv.weight * c;
    wsum += wv.weight;
    csum += c;
  }
  const confidence = wsum > 0 ? cw / wsum : vs.length > 0 ? csum / vs.length : 0;
  return { mu: vs.length > 0 ? mergeViews(vs).value : 0, confidence, count: vs.length };
}

function weightsToTargets(x: TargetInputs, symbols: readonly string[], w: readonly number[], label: (i: number) => string): Map<string, RawTarget> {
  const out = new Map<string, RawTarget>();
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i]!;
    out.set(s, { quantity: wholeUnits((w[i]! * x.equity) / x.book.price(s)), reason: label(i) });
  }
  return out;
}

function meanVarianceTargets(x: TargetInputs): Map<string, RawTarget> {
  const symbols = [...x.book.history.keys()].sort();
  const empty = new Map<string, View>();
  const mu = symbols.map((s) => mergedReturn(x, s, x.views.get(s) ?? empty).mu);
  const { sigma } = covarianceOf(x.book, symbols, x.cfg, x.cache);
  const sol = meanVariance({ mu, sigma, riskAversion: x.cfg.lambda, maxWeight: x.cfg.maxWeight, maxGross: x.cfg.maxGross });
  return weightsToTargets(x, symbols, sol.weights, (i) => `mean-variance: w ${sol.weights[i]!.toFixed(4)}, mu ${mu[i]!.toExponential(3)}`);
}

function blackLittermanTargets(x: TargetInputs): Map<string, RawTarget> {
  const symbols = [...x.book.history.keys()].sort();
  const n = symbols.length;
  const { sigma } = covarianceOf(x.book, symbols, x.cfg, x.cache);
  const isView = (source: string): boolean => x.tables.viewSource.get(source) > 0;
  const p: number[][] = [];
  const q: number[] = [];
  const omega: number[] = [];
  for (let i = 0; i < n; i++) {
    const m = x.views.get(symbols[i]!);
    if (m === undefined) continue;
    const v = mergedReturn(x, symbols[i]!, m, isView);
    // Confidence 0 is infinite view variance: no view at all.
    if (v.count === 0 || !(v.confidence > 0)) continue;
    const row = new Array<number>(n).fill(0);
    row[i] = 1;
    p.push(row);
    q.push(v.mu);
    omega.push((x.cfg.tau * sigma[i]![i]! * (1 - v.confidence)) / v.confidence);
  }
  const post = blackLitterman({ sigma, marketWeights: symbols.map(() => 1 / n), delta: x.cfg.delta, tau: x.cfg.tau, p, q, omega });
  const sol = meanVariance({ mu: post.mu, sigma: post.sigma, riskAversion: x.cfg.delta, maxWeight: x.cfg.maxWeight, maxGross: x.cfg.maxGross });
  const viewed = new Set(p.map((row) => row.indexOf(1)));
  return weightsToTargets(x, symbols, sol.weights, (i) => `black-litterman: w ${sol.weights[i]!.toFixed(4)}, mu ${post.mu[i]!.toExponential(3)}${viewed.has(i) ? '' : ' (prior)'}`);
}
