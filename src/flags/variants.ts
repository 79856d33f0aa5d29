/**
 * Variant selection, compiled: weights summed and turned into cumulative thresholds once,
 * overrides turned into Sets, and each variant's answer built (and frozen) once so a hit
 * allocates nothing. Semantics are unleash-client's `selectVariantDefinition`.
 */
import { type FlagContext, resolveContextValue } from './context.ts';
import type { EvalEnv } from './EvalEnv.ts';
import type { VariantDefinition } from './FeatureSchema.ts';
import type { BucketGroup } from './BucketCache.ts';
import { VARIANT_SEED } from './murmur.ts';

/** What `getVariant` returns; the same shape as unleash-client's (snake and camel case). */
export interface VariantResult {
  readonly name: string;
  readonly enabled: boolean;
  readonly feature_enabled?: boolean;
  readonly featureEnabled?: boolean;
  readonly payload?: VariantPayload | null | undefined;
  readonly [extra: string]: unknown;
}

/** A variant's payload as Unleash sends it. */
export interface VariantPayload {
  readonly type: string;
  readonly value: string;
  readonly [extra: string]: unknown;
}

/** A selectable variant and the frozen answer `getVariant` gives for it. */
export interface CompiledVariant {
  readonly name: string;
  readonly result: VariantResult;
}

/** A variant list ready for selection. */
export interface CompiledVariants {
  readonly totalWeight: number;
  /** Variants with non-zero weight, in order, with the running weight sum after each. */
  readonly picks: readonly CompiledVariant[];
  readonly thresholds: Float64Array;
  readonly overrides: readonly { contextName: string; values: ReadonlySet<string>; variant: CompiledVariant }[];
  /** Context field to stick on, or `null` for the default userId/sessionId/remoteAddress chain. */
  readonly stickiness: string | null;
  /** `null` when the weights sum to zero: nothing is ever selected. */
  readonly buckets: BucketGroup | null;
  readonly random: () => number;
}

/**
 * @param groupId - already stringified as the client's template literal would (a missing
 *   strategy groupId really is hashed as "undefined").
 * @param stickiness - the client's raw stickiness value; only `undefined` and "default" mean
 *   the default chain (`null` or "" name a context field that is almost never set).
 */
export function compileVariants(
  variants: readonly VariantDefinition[],
  groupId: string,
  stickiness: unknown,
  env: EvalEnv,
): CompiledVariants {
  const all = variants.map((v) => ({ name: v.name, result: variantResult(v), weight: v.weight, def: v }));
  const picks: CompiledVariant[] = [];
  const sums: number[] = [];
  let total = 0;
  for (const v of all) {
    total += v.weight;
    if (v.weight !== 0) {
      picks.push(v);
      sums.push(total);
    }
  }
  const overrides = all.flatMap((v) =>
    (v.def.overrides ?? []).map((o) => ({ contextName: o.contextName, values: new Set(o.values), variant: v })),
  );
  return Object.freeze({
    totalWeight: total,
    picks,
    thresholds: Float64Array.from(sums),
    overrides,
    stickiness: stickiness === undefined || stickiness === 'default' ? null : String(stickiness),
    buckets: total > 0 ? env.buckets.group(VARIANT_SEED, groupId, total) : null,
    random: env.random,
  });
}

/** The variant for this context, or `null` (all weights zero, or nothing reached the target). */
export function selectVariant(cv: CompiledVariants, ctx: FlagContext): CompiledVariant | null {
  const buckets = cv.buckets;
  if (buckets === null) return null;
  const overrides = cv.overrides;
  for (let i = 0; i < overrides.length; i++) {
    const o = overrides[i]!;
    const v = resolveContextValue(ctx, o.contextName);
    if (v !== undefined && o.values.has(v)) return o.variant;
  }
  const target = buckets.bucket(seedOf(cv, ctx));
  const thresholds = cv.thresholds;
  for (let i = 0; i < thresholds.length; i++) {
    if (thresholds[i]! >= target) return cv.picks[i]!;
  }
  return null;
}

const DEFAULT_CHAIN = ['userId', 'sessionId', 'remoteAddress'] as const;

/** The client's `getSeed`: a random number string when the sticky field is empty. */
function seedOf(cv: CompiledVariants, ctx: FlagContext): string {
  if (cv.stickiness === null) {
    for (const key of DEFAULT_CHAIN) {
      const v = ctx[key];
      if (typeof v === 'string' && v !== '') return v;
    }
  } else {
    const v = resolveContextValue(ctx, cv.stickiness);
    if (v) return v;
  }
  return String(Math.round(cv.random() * 100000));
}

/** `payload` is always present as a key (possibly undefined), as in the client's answer. */
function variantResult(v: VariantDefinition): VariantResult {
  return Object.freeze({
    name: v.name,
    enabled: true,
    payload: v.payload as VariantPayload | null | undefined,
    feature_enabled: true,
    featureEnabled: true,
  });
}

/** The client's `defaultVariant` with `feature_enabled` set. */
export const DISABLED_VARIANT: { readonly on: VariantResult; readonly off: VariantResult } = Object.freeze({
  on: Object.freeze({ name: 'disabled', enabled: false, feature_enabled: true, featureEnabled: true }),
  off: Object.freeze({ name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false }),
});
