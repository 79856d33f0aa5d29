/**
 * Turns validated feature JSON into the structures the snapshot evaluates: every parameter,
 * constraint and weight is converted here, once, so evaluation only reads the context.
 */
import { compileStrategyConstraints, type ContextPredicate } from './constraints.ts';
import type { EvalEnv } from './EvalEnv.ts';
import type { Feature, FeatureStrategy, Segment } from './FeatureSchema.ts';
import { compileStrategy } from './strategies.ts';
import { compileVariants, type CompiledVariants } from './variants.ts';

/** A strategy: its constraints and decision fused into one test, plus its own variants. */
export interface CompiledStrategy {
  readonly matches: ContextPredicate;
  readonly variants: CompiledVariants | null;
}

/** A parent requirement: enabled (optionally with one of `variants`), or disabled. */
export interface CompiledDependency {
  readonly feature: string;
  readonly enabled: boolean;
  readonly variants: ReadonlySet<string> | null;
}

/** A feature ready to evaluate. */
export interface CompiledFeature {
  readonly name: string;
  readonly source: Feature;
  readonly enabled: boolean;
  /** No strategies at all means "on when enabled"; unknown-only strategies mean "never". */
  readonly strategyless: boolean;
  /** Known strategies only: unknown ones can never match and draw no randomness. */
  readonly strategies: readonly CompiledStrategy[];
  readonly variants: CompiledVariants | null;
  /** `null` when there are none, so the hot path pays one comparison. */
  readonly dependencies: readonly CompiledDependency[] | null;
  /**
   * The whole `isEnabled` answer as one predicate, when nothing else must happen on the way:
   * no dependencies and no strategy variants (whose selection draws randomness even inside
   * the client's isEnabled). `null` sends evaluation down the general path.
   */
  readonly isOn: ContextPredicate | null;
}

/** Compile one validated feature against the segments of its set. */
export function compileFeature(feature: Feature, segments: ReadonlyMap<number, Segment>, env: EvalEnv): CompiledFeature {
  const strategies: CompiledStrategy[] = [];
  for (const s of feature.strategies) {
    const compiled = compileFeatureStrategy(s, segments, env);
    if (compiled !== null) strategies.push(compiled);
  }
  const variants = feature.variants;
  const deps = feature.dependencies;
  const direct = !(deps && deps.length > 0) && strategies.every((s) => s.variants === null);
  return Object.freeze({
    name: feature.name,
    source: feature,
    enabled: feature.enabled,
    strategyless: feature.strategies.length === 0,
    strategies,
    // `?? undefined`: a null stickiness on the first variant still means "default" here.
    variants:
      variants && variants.length > 0 ? compileVariants(variants, feature.name, variants[0]!.stickiness ?? undefined, env) : null,
    dependencies:
      deps && deps.length > 0
        ? deps.map((d) =>
            Object.freeze({
              feature: d.feature,
              enabled: d.enabled !== false,
              variants: d.variants && d.variants.length > 0 ? new Set(d.variants) : null,
            }),
          )
        : null,
    isOn: direct ? directPredicate(feature, strategies) : null,
  });
}

function directPredicate(feature: Feature, strategies: readonly CompiledStrategy[]): ContextPredicate {
  if (!feature.enabled) return () => false;
  if (feature.strategies.length === 0) return () => true;
  if (strategies.length === 0) return () => false;
  if (strategies.length === 1) return strategies[0]!.matches;
  const tests = strategies.map((s) => s.matches);
  return (ctx) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(ctx)) return true;
    return false;
  };
}

function compileFeatureStrategy(
  s: FeatureStrategy,
  segments: ReadonlyMap<number, Segment>,
  env: EvalEnv,
): CompiledStrategy | null {
  const { known, test } = compileStrategy(s, env);
  if (!known) return null;
  const constraints = compileStrategyConstraints(s, segments, env);
  const parameters = s.parameters ?? {};
  const variants = s.variants;
  return Object.freeze({
    matches: constraints === null ? test : (ctx) => constraints(ctx) && test(ctx),
    // The client groups strategy variants by the raw groupId (hashing "undefined" when absent)
    // and takes stickiness from the first variant, else the strategy.
    variants:
      variants && variants.length > 0
        ? compileVariants(variants, `${parameters.groupId}`, variants[0]!.stickiness || parameters.stickiness, env)
        : null,
  });
}
