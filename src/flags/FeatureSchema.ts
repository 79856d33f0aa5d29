/**
 * Unleash feature-toggle JSON (what `/api/client/features` returns), validated with zod.
 *
 * Objects are loose: an Unleash server sends many fields we do not evaluate (description,
 * createdAt, sortOrder, ...) and they must survive a round trip through `feature(name)`.
 * The schema is stricter than unleash-client where the client would silently never match or
 * throw mid-evaluation (unknown operator, non-numeric NUM_* value, IN without values, string
 * parameters that are numbers, dangling segment ids): such a flag is a configuration mistake
 * that should fail loudly at load time, not disable a code path at run time.
 */
import { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';
import { RE2JS, semver } from './unleashDeps.ts';

/** Every constraint operator unleash-client 6.12.1 implements. */
export const OPERATORS = [
  'IN', 'NOT_IN', 'STR_ENDS_WITH', 'STR_STARTS_WITH', 'STR_CONTAINS',
  'NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT', 'NUM_LTE', 'DATE_AFTER', 'DATE_BEFORE',
  'SEMVER_EQ', 'SEMVER_GT', 'SEMVER_LT', 'SEMVER_GTE', 'SEMVER_LTE', 'REGEX', 'IN_CIDR',
] as const;
/** A constraint operator name. */
export type Operator = (typeof OPERATORS)[number];

const LIST_OPERATORS: ReadonlySet<string> = new Set([
  'IN', 'NOT_IN', 'STR_ENDS_WITH', 'STR_STARTS_WITH', 'STR_CONTAINS', 'IN_CIDR',
]);

/** Parameters that are percentages (0..100) for the built-in strategies. */
const PERCENT_PARAMETER: Readonly<Record<string, string>> = {
  flexibleRollout: 'rollout',
  gradualRolloutUserId: 'percentage',
  gradualRolloutSessionId: 'percentage',
  gradualRolloutRandom: 'percentage',
};
/** Parameters unleash-client calls string methods on (`split`, `toLowerCase`). */
const STRING_PARAMETERS = ['stickiness', 'userIds', 'IPs', 'hostNames'] as const;

const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

const ConstraintSchema = z
  .looseObject({
    contextName: z.string().min(1),
    operator: z.enum(OPERATORS),
    values: z.array(z.string()).nullish(),
    value: z.union([z.string(), z.number()]).nullish(),
    inverted: z.boolean().nullish(),
    caseInsensitive: z.boolean().nullish(),
  })
  .superRefine((c, ctx) => {
    const bad = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    if (LIST_OPERATORS.has(c.operator)) {
      if (!Array.isArray(c.values)) bad('values', `${c.operator} needs a "values" array`);
      return;
    }
    const v = c.value;
    if (isBlank(v)) return bad('value', `${c.operator} needs a "value"`);
    if (c.operator.startsWith('NUM_') && Number.isNaN(Number(v))) bad('value', `not a number: ${String(v)}`);
    if (c.operator.startsWith('DATE_') && Number.isNaN(new Date(v as string | number).getTime())) {
      bad('value', `not a date: ${String(v)}`);
    }
    if (c.operator.startsWith('SEMVER_') && (typeof v !== 'string' || semver.parse(v) === null)) {
      bad('value', `not a semantic version: ${String(v)}`);
    }
    if (c.operator === 'REGEX') {
      try {
        RE2JS.compile(String(v), c.caseInsensitive ? RE2JS.CASE_INSENSITIVE : undefined);
        if (typeof v !== 'string') bad('value', 'REGEX needs a string pattern');
      } catch (e) {
        bad('value', `not an RE2 regular expression: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  });

const OverrideSchema = z.looseObject({ contextName: z.string().min(1), values: z.array(z.string()) });

const VariantSchema = z.looseObject({
  name: z.string().min(1),
  weight: z.number().int().min(0).max(1000),
  weightType: z.enum(['variable', 'fix']).nullish(),
  stickiness: z.string().nullish(),
  payload: z.looseObject({ type: z.string().min(1), value: z.string() }).nullish(),
  overrides: z.array(OverrideSchema).nullish(),
});

/** Names unique and fixed weights within the 1000 an Unleash server distributes. */
const VariantListSchema = z.array(VariantSchema).superRefine((variants, ctx) => {
  const seen = new Set<string>();
  let fixed = 0;
  variants.forEach((v, i) => {
    if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate variant "${v.name}"` });
    seen.add(v.name);
    if (v.weightType === 'fix') fixed += v.weight;
  });
  if (fixed > 1000) ctx.addIssue({ code: 'custom', path: [], message: `fixed variant weights sum to ${fixed} > 1000` });
});

const StrategySchema = z
  .looseObject({
    name: z.string().min(1),
    parameters: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
    constraints: z.array(ConstraintSchema).nullish(),
    segments: z.array(z.number().int()).nullish(),
    variants: VariantListSchema.nullish(),
  })
  .superRefine((s, ctx) => {
    const params = s.parameters ?? {};
    for (const key of STRING_PARAMETERS) {
      if (params[key] !== undefined && typeof params[key] !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['parameters', key], message: `${key} must be a string` });
      }
    }
    const percentKey = PERCENT_PARAMETER[s.name];
    if (percentKey === undefined) return;
    const raw = params[percentKey];
    const pct = Number(raw);
    if (isBlank(raw) || !(pct >= 0 && pct <= 100)) {
      ctx.addIssue({ code: 'custom', path: ['parameters', percentKey], message: `${s.name} needs ${percentKey} in 0..100` });
    }
  });

const DependencySchema = z.looseObject({
  feature: z.string().min(1),
  enabled: z.boolean().nullish(),
  variants: z.array(z.string()).nullish(),
});

const FeatureSchema = z.looseObject({
  name: z.string().min(1),
  enabled: z.boolean(),
  strategies: z.array(StrategySchema),
  variants: VariantListSchema.nullish(),
  dependencies: z.array(DependencySchema).nullish(),
  impressionData: z.boolean().nullish(),
  type: z.string().nullish(),
  project: z.string().nullish(),
  description: z.string().nullish(),
  stale: z.boolean().nullish(),
});

const SegmentSchema = z.looseObject({ id: z.number().int(), constraints: z.array(ConstraintSchema).nullish() });

/** Duplicate names, duplicate segment ids and strategies naming a segment that is not there. */
const FeatureSetSchema = z
  .looseObject({
    version: z.number().nullish(),
    features: z.array(FeatureSchema),
    segments: z.array(SegmentSchema).nullish(),
  })
  .superRefine((set, ctx) => {
    const names = new Set<string>();
    set.features.forEach((f, i) => {
      if (names.has(f.name)) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `duplicate feature "${f.name}"` });
      names.add(f.name);
    });
    const ids = new Set<number>();
    (set.segments ?? []).forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['segments', i, 'id'], message: `duplicate segment ${s.id}` });
      ids.add(s.id);
    });
    set.features.forEach((f, i) =>
      f.strategies.forEach((s, j) =>
        (s.segments ?? []).forEach((id, k) => {
          if (!ids.has(id)) {
            ctx.addIssue({ code: 'custom', path: ['features', i, 'strategies', j, 'segments', k], message: `unknown segment ${id}` });
          }
        }),
      ),
    );
  });

/** A strategy or segment constraint: `contextName operator value(s)`, optionally inverted. */
export type Constraint = z.output<typeof ConstraintSchema>;
/** A weighted variant (of a feature or of a strategy), with optional payload and overrides. */
export type VariantDefinition = z.output<typeof VariantSchema>;
/** One activation strategy of a feature. */
export type FeatureStrategy = z.output<typeof StrategySchema>;
/** A requirement on a parent feature. */
export type Dependency = z.output<typeof DependencySchema>;
/** A validated feature, with every field the source carried. */
export type Feature = z.output<typeof FeatureSchema>;
/** A reusable, named list of constraints that strategies reference by id. */
export type Segment = z.output<typeof SegmentSchema>;

/** A validated, deeply frozen set of features and the segments they reference. */
export interface FeatureSet {
  readonly features: readonly Feature[];
  readonly segments: readonly Segment[];
}

/** One validation problem, `path` in dotted form (`features.2.strategies.0.parameters.rollout`). */
export interface FlagIssue {
  path: string;
  message: string;
}

/**
 * Validate one feature. Segment references are checked when the feature joins a set
 * (`parseFeatures`, `FlagSnapshot.compile`, `FlagStore.upsert`), not here.
 * @throws HeliosError `HELIOS_E_FLAG_INVALID` with `details.issues: FlagIssue[]`.
 */
export function parseFeature(json: unknown): Feature {
  return deepFreeze(check(FeatureSchema, json, 'feature'));
}

/**
 * Validate a feature list: either an array of features or an Unleash client-features
 * response `{ version?, features: [...], segments?: [...] }`.
 * @throws HeliosError `HELIOS_E_FLAG_INVALID` with `details.issues: FlagIssue[]`.
 */
export function parseFeatures(json: unknown): FeatureSet {
  const envelope = Array.isArray(json) ? { features: json } : json;
  const set = check(FeatureSetSchema, envelope, 'feature set');
  return deepFreeze({ features: set.features, segments: set.segments ?? [] });
}

function check<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues: FlagIssue[] = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new HeliosError('HELIOS_E_FLAG_INVALID', `Invalid ${what}: ${first.path || '(root)'}: ${first.message}${more}`, {
    issues,
  });
}

/** Snapshots hand out their source JSON; freezing it keeps the snapshot immutable. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
