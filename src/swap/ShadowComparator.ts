import { isDeepStrictEqual } from 'node:util';
import type { Envelope, OrderIntent, RiskDecision, Review, Signal, Tier } from '../contracts/tiers.ts';

/**
 * How a candidate's output is judged against the incumbent's on the same
 * input (DESIGN.md, "shadow"): deterministic tiers must match exactly; ml and
 * llm are judged on agreement; risk must never approve what the incumbent
 * rejected; execution is compared on the orders it intends, not their ids.
 */
export type DiffPolicy = 'exact' | 'agreement' | 'risk' | 'orders';

export const TIER_POLICY: Record<Tier, DiffPolicy> = {
  ingestion: 'exact',
  features: 'exact',
  ml: 'agreement',
  risk: 'risk',
  llm: 'agreement',
  portfolio: 'exact',
  execution: 'orders',
};

export interface Mismatch {
  seq: number;
  incumbent: unknown;
  candidate: unknown;
}

/** Running tallies of one shadow or canary phase. */
export class ShadowReport {
  readonly policy: DiffPolicy;
  batches = 0;
  compared = 0;
  mismatches = 0;
  /** Risk approvals of what the incumbent rejected: any one fails the candidate. */
  hardFails = 0;
  /** The first few mismatches, kept verbatim for the operator. */
  readonly samples: Mismatch[] = [];

  constructor(policy: DiffPolicy) {
    this.policy = policy;
  }

  get agreement(): number {
    return this.compared === 0 ? 1 : 1 - this.mismatches / this.compared;
  }

  toJSON(): object {
    return { policy: this.policy, batches: this.batches, compared: this.compared, mismatches: this.mismatches, hardFails: this.hardFails, agreement: this.agreement, samples: this.samples };
  }
}

const MAX_SAMPLES = 5;

/** Compares two complete outputs for the same input items, grouped by seq. */
export function compareOutputs(report: ShadowReport, incumbent: readonly Envelope[], candidate: readonly Envelope[]): void {
  report.batches++;
  const a = groupBySeq(incumbent);
  const b = groupBySeq(candidate);
  const seqs = new Set([...a.keys(), ...b.keys()]);
  for (const seq of seqs) {
    const x = a.get(seq) ?? [];
    const y = b.get(seq) ?? [];
    report.compared++;
    const verdict = judge(report.policy, x, y);
    if (verdict === 'same') continue;
    report.mismatches++;
    if (verdict === 'hard') report.hardFails++;
    if (report.samples.length < MAX_SAMPLES) report.samples.push({ seq, incumbent: x, candidate: y });
  }
}

function judge(policy: DiffPolicy, x: Envelope[], y: Envelope[]): 'same' | 'differs' | 'hard' {
  switch (policy) {
    case 'exact':
      return isDeepStrictEqual(x, y) ? 'same' : 'differs';
    case 'agreement':
      return isDeepStrictEqual(x.map(gist), y.map(gist)) ? 'same' : 'differs';
    case 'risk': {
      const inc = x as RiskDecision[];
      const cand = y as RiskDecision[];
      const incApproved = inc.some((d) => d.approved);
      if (cand.some((d) => d.approved) && !incApproved) return 'hard';
      return isDeepStrictEqual(inc.map((d) => d.approved), cand.map((d) => d.approved)) ? 'same' : 'differs';
    }
    case 'orders':
      return isDeepStrictEqual((x as OrderIntent[]).map(orderGist), (y as OrderIntent[]).map(orderGist)) ? 'same' : 'differs';
  }
}

/** What "agreeing" means for a judgement tier: the same call, not the same words. */
function gist(e: Envelope): unknown {
  const s = e as Partial<Signal & Review>;
  if (s.direction !== undefined) return s.direction;
  if (s.verdict !== undefined) return s.verdict;
  return e;
}

function orderGist(o: OrderIntent): unknown {
  return [o.symbol, o.side, o.quantity, o.type, o.limitPrice];
}

function groupBySeq(items: readonly Envelope[]): Map<number, Envelope[]> {
  const m = new Map<number, Envelope[]>();
  for (const it of items) {
    const g = m.get(it.seq);
    if (g === undefined) m.set(it.seq, [it]);
    else g.push(it);
  }
  return m;
}
