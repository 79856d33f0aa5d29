/**
 * The eight strategies unleash-client registers by default, as compilers from parameters to a
 * context predicate. Parameters are read and converted once; buckets come from the shared
 * hash memo. Calls to `env.random` happen exactly where, and as often as, the client calls
 * `Math.random`, so a seeded random source makes both produce the same answers.
 */
import { fieldReader, type FlagContext } from './context.ts';
import type { EvalEnv } from './EvalEnv.ts';
import type { FeatureStrategy } from './FeatureSchema.ts';
import { STRATEGY_SEED } from './murmur.ts';
import { Address4 } from './unleashDeps.ts';
import type { ContextPredicate } from './operators.ts';

type Parameters = Readonly<Record<string, string | number>>;
type StrategyCompiler = (parameters: Parameters, env: EvalEnv) => ContextPredicate;

const never: ContextPredicate = () => false;
const always: ContextPredicate = () => true;

/** The client splits lists on commas with surrounding whitespace, leaving outer spaces alone. */
const splitList = (value: string | number | undefined): string[] => (value ? String(value).split(/\s*,\s*/) : []);

/** A rollout bucket 1..100 for `id` under a fixed group id; `id` is stringified as in a template literal. */
function bucketOf(env: EvalEnv, groupId: string): (id: unknown) => number {
  const group = env.buckets.group(STRATEGY_SEED, groupId, 100);
  return (id) => group.bucket(typeof id === 'string' ? id : `${id as string}`);
}

const flexibleRollout: StrategyCompiler = (p, env) => {
  const percentage = Number(p.rollout);
  const stickiness = p.stickiness || 'default';
  const random = env.random;
  const randomId = (): string => `${Math.round(random() * 10000) + 1}`;
  // Truthiness, not `typeof string`: unlike variant stickiness, a numeric userId counts here.
  const stickinessId: (ctx: FlagContext) => unknown =
    stickiness === 'default'
      ? (ctx) => ctx.userId || ctx.sessionId || randomId()
      : stickiness === 'random'
        ? randomId
        : fieldReader(String(stickiness));
  // The id is resolved (drawing randomness if need be) before the percentage is looked at.
  if (!(percentage > 0)) {
    return (ctx) => {
      stickinessId(ctx);
      return false;
    };
  }
  if (percentage >= 100) return (ctx) => !!stickinessId(ctx);
  if (!p.groupId) {
    // Without a groupId the client falls back to a *context* field named featureToggle.
    return (ctx) => {
      const id = stickinessId(ctx);
      return !!id && bucketOf(env, `${(ctx.featureToggle as string | undefined) || ''}`)(id) <= percentage;
    };
  }
  const group = env.buckets.group(STRATEGY_SEED, `${p.groupId}`, 100);
  return (ctx) => {
    const id = stickinessId(ctx);
    if (!id) return false;
    return group.bucket(typeof id === 'string' ? id : `${id as string}`) <= percentage;
  };
};

const gradualRollout =
  (field: 'userId' | 'sessionId'): StrategyCompiler =>
  (p, env) => {
    const percentage = Number(p.percentage);
    const bucket = bucketOf(env, `${p.groupId || ''}`);
    return (ctx) => {
      const id = ctx[field];
      if (!id) return false;
      return percentage > 0 && bucket(id) <= percentage;
    };
  };

const gradualRolloutRandom: StrategyCompiler = (p, env) => {
  const percentage = Number(p.percentage);
  const random = env.random;
  return () => percentage >= Math.floor(random() * 100) + 1;
};

const userWithId: StrategyCompiler = (p) => {
  const ids = new Set(splitList(p.userIds));
  return (ctx) => ctx.userId !== undefined && ids.has(ctx.userId);
};

const remoteAddress: StrategyCompiler = (p) => {
  if (!p.IPs) return never;
  const ranges = splitList(p.IPs);
  const subnets: Address4[] = [];
  for (const r of ranges) {
    try {
      subnets.push(new Address4(r));
    } catch {
      // Only an exact string match can select this entry, as in the client.
    }
  }
  const exact = new Set(ranges);
  return (ctx) => {
    const ip = ctx.remoteAddress;
    if (exact.has(ip as string)) return true;
    if (subnets.length === 0) return false;
    let remote: Address4;
    try {
      remote = new Address4((ip || '') as string);
    } catch {
      return false;
    }
    for (const s of subnets) if (remote.isInSubnet(s)) return true;
    return false;
  };
};

/** The host name cannot change while the process lives, so the answer is a constant. */
const applicationHostname: StrategyCompiler = (p, env) =>
  p.hostNames && splitList(String(p.hostNames).toLowerCase()).includes(env.hostname) ? always : never;

const STRATEGIES: ReadonlyMap<string, StrategyCompiler> = new Map<string, StrategyCompiler>([
  ['default', () => always],
  ['applicationHostname', applicationHostname],
  ['gradualRolloutRandom', gradualRolloutRandom],
  ['gradualRolloutUserId', gradualRollout('userId')],
  ['gradualRolloutSessionId', gradualRollout('sessionId')],
  ['userWithId', userWithId],
  ['remoteAddress', remoteAddress],
  ['flexibleRollout', flexibleRollout],
]);

/** Names of the strategies Helios evaluates (unleash-client's defaults). */
export const STRATEGY_NAMES: readonly string[] = [...STRATEGIES.keys()];

/**
 * The strategy's own decision, constraints excluded. An unknown strategy never matches:
 * unleash-client skips it with a warning, and a server may carry custom strategies meant for
 * other SDKs, so rejecting the whole flag set would be worse.
 */
export function compileStrategy(strategy: FeatureStrategy, env: EvalEnv): { known: boolean; test: ContextPredicate } {
  const compiler = STRATEGIES.get(strategy.name);
  if (compiler === undefined) return { known: false, test: never };
  return { known: true, test: compiler(strategy.parameters ?? {}, env) };
}
