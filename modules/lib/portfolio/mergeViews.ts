/** One source's view on one instrument, as the merge weighs it. */
export interface WeighedView {
  source: string;
  /** Signed value: a target quantity, or an implied return. */
  value: number;
  weight: number;
  priority: number;
}

export interface MergeResult {
  value: number;
  /** The source whose higher priority vetoed the weighted result, if one did. */
  vetoedBy: string | null;
}

/**
 * Weighted average of the views with positive weight, then the priority
 * rule: when the highest-priority view opposing the result's sign ranks
 * strictly above the highest-priority view agreeing with it, the result is
 * vetoed to 0 (flat).
 *
 * Why veto to flat rather than let the senior source win: opposite signs mean
 * the sources disagree on direction, and no position is the one answer that
 * is safe under both. A senior source can stop a trade, but turning the book
 * round on one source against the weighted consensus would make every
 * disagreement a full reversal (and reversals whipsaw). A flat view (0) has
 * no sign and vetoes nothing. Priorities count whatever the weight, so a
 * source weighted 0 is a pure guard: it never moves the average, but it can
 * veto it (or, agreeing, shield it from a junior veto).
 */
export function mergeViews(views: readonly WeighedView[]): MergeResult {
  let num = 0;
  let den = 0;
  for (const v of views) {
    if (v.weight > 0) {
      num += v.weight * v.value;
      den += v.weight;
    }
  }
  const value = den > 0 ? num / den : 0;
  if (value === 0) return { value: 0, vetoedBy: null };
  const s = Math.sign(value);
  let agree = -Infinity;
  let oppose = -Infinity;
  let opposer: string | null = null;
  for (const v of views) {
    const vs = Math.sign(v.value);
    if (vs === s) agree = Math.max(agree, v.priority);
    else if (vs === -s && (v.priority > oppose || (v.priority === oppose && opposer !== null && v.source < opposer))) {
      oppose = v.priority;
      opposer = v.source;
    }
  }
  return oppose > agree ? { value: 0, vetoedBy: opposer } : { value, vetoedBy: null };
}
