/**
 * The deterministic reviewer: what the LLM tier answers when no model does
 * (none configured, a shadow copy, a timeout, an error, an answer that breaks
 * the rules). It looks at the two numbers risk carries through and nothing else:
 *
 * - confidence below `minConfidence`: REJECT (the signal is too close to a coin flip
 *   to be worth the spread);
 * - volatility above `maxVolatility`: MODIFY to `volatilityCut` of the quantity
 *   (whole units when the quantity is whole; REJECT when the cut leaves nothing);
 * - otherwise APPROVE.
 *
 * A missing confidence or volatility skips its rule: risk modules that do not
 * forecast them should not have every trade rejected downstream.
 */
export interface ReviewRules {
  /** Lowest confidence approved, in [0, 1]. */
  minConfidence: number;
  /** Highest per-period return volatility (a fraction, 0.02 = 2%) approved at full size. */
  maxVolatility: number;
  /** Share of the quantity kept above `maxVolatility`, in (0, 1). */
  volatilityCut: number;
}

export const DEFAULT_RULES: Readonly<ReviewRules> = Object.freeze({ minConfidence: 0.55, maxVolatility: 0.02, volatilityCut: 0.5 });

export interface RuleVerdict {
  verdict: 'APPROVE' | 'REJECT' | 'MODIFY';
  quantity: number;
  rationale: string;
}

/** What the rules look at: a risk-approved trade with a positive quantity. */
export interface RuleInput {
  quantity: number;
  confidence?: number;
  volatility?: number;
}

export function ruleBasedReview(d: RuleInput, rules: ReviewRules): RuleVerdict {
  if (d.confidence !== undefined && d.confidence < rules.minConfidence) {
    return { verdict: 'REJECT', quantity: 0, rationale: `confidence ${fixed(d.confidence, 2)} below the ${fixed(rules.minConfidence, 2)} floor` };
  }
  if (d.volatility !== undefined && d.volatility > rules.maxVolatility) {
    const cut = shrink(d.quantity, rules.volatilityCut);
    const why = `volatility ${pct(d.volatility)} above the ${pct(rules.maxVolatility)} ceiling`;
    if (cut <= 0) return { verdict: 'REJECT', quantity: 0, rationale: `${why}; nothing left after a cut to ${pct(rules.volatilityCut)}` };
    return { verdict: 'MODIFY', quantity: cut, rationale: `${why}: cut to ${pct(rules.volatilityCut)} (${d.quantity} -> ${cut})` };
  }
  const conf = d.confidence === undefined ? 'confidence not given' : `confidence ${fixed(d.confidence, 2)} >= ${fixed(rules.minConfidence, 2)}`;
  const vol = d.volatility === undefined ? 'volatility not given' : `volatility ${pct(d.volatility)} <= ${pct(rules.maxVolatility)}`;
  return { verdict: 'APPROVE', quantity: d.quantity, rationale: `${conf}; ${vol}` };
}

/**
 * Rules from a manifest's `config.rules`, defaults for what is absent.
 * @throws Error naming the bad field (create() fails, so the version never loads).
 */
export function readRules(raw: unknown): ReviewRules {
  if (raw === undefined) return { ...DEFAULT_RULES };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('config.rules must be an object');
  const r = raw as Record<string, unknown>;
  const out = { ...DEFAULT_RULES };
  out.minConfidence = num(r.minConfidence, out.minConfidence, 'minConfidence', (x) => x >= 0 && x <= 1);
  out.maxVolatility = num(r.maxVolatility, out.maxVolatility, 'maxVolatility', (x) => x > 0);
  out.volatilityCut = num(r.volatilityCut, out.volatilityCut, 'volatilityCut', (x) => x > 0 && x < 1);
  return out;
}

function num(v: unknown, fallback: number, name: string, ok: (x: number) => boolean): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`config.rules.${name} is out of range: ${String(v)}`);
  return v;
}

/** Whole quantities stay whole (rounded down: a cut never rounds up); fractional ones keep 8 decimals. */
function shrink(quantity: number, fraction: number): number {
  const q = quantity * fraction;
  return Number.isInteger(quantity) ? Math.floor(q) : Math.floor(q * 1e8) / 1e8;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

export function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
