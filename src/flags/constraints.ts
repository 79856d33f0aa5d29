import type { EvalEnv } from './EvalEnv.ts';
import type { Constraint, FeatureStrategy, Segment } from './FeatureSchema.ts';
import { compileOperator, type ContextPredicate } from './operators.ts';

export type { ContextPredicate } from './operators.ts';

/** One constraint, `inverted` applied on top of the operator (so NOT_IN inverted is IN). */
export function compileConstraint(c: Constraint, env: EvalEnv): ContextPredicate {
  const test = compileOperator(c, env);
  return c.inverted ? (ctx) => !test(ctx) : test;
}

/**
 * Everything a strategy requires of the context: its own constraints, then those of each
 * segment it names, in order, all of which must hold. `null` when there is nothing to check,
 * so the hot path skips the call entirely.
 */
export function compileStrategyConstraints(
  strategy: FeatureStrategy,
  segments: ReadonlyMap<number, Segment>,
  env: EvalEnv,
): ContextPredicate | null {
  const all: Constraint[] = [...(strategy.constraints ?? [])];
  for (const id of strategy.segments ?? []) {
    const segment = segments.get(id);
    // The schema rejects dangling ids; the client would treat one as a failed constraint.
    if (segment === undefined) return () => false;
    all.push(...(segment.constraints ?? []));
  }
  const tests = all.map((c) => compileConstraint(c, env));
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0]!;
  return (ctx) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(ctx)) return false;
    return true;
  };
}
