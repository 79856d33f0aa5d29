/**
 * Constraint operators, compiled once per constraint: values are cleaned, lower-cased,
 * parsed into Sets, numbers, dates, semvers, RE2 programs and subnets up front, so each
 * evaluation only reads the context. Semantics are unleash-client 6.12.1's `strategy.js`
 * operator by operator, including its quirks (noted where they are surprising).
 */
import { resolveContextValue, type FlagContext } from './context.ts';
import type { EvalEnv } from './EvalEnv.ts';
import type { Constraint } from './FeatureSchema.ts';
import { Address4, Address6, RE2JS, semver, type SemVerLike } from './unleashDeps.ts';

/** A compiled test on a context. */
export type ContextPredicate = (context: FlagContext) => boolean;

const never: ContextPredicate = () => false;

/** The client drops falsy values before trimming, so "  " survives as "" (matching anything for STR_*). */
const cleanValues = (values: readonly string[] | null | undefined): string[] =>
  (values ?? []).filter((v) => !!v).map((v) => v.trim());

/** The operator alone; `inverted` is applied by the caller. */
export function compileOperator(c: Constraint, env: EvalEnv): ContextPredicate {
  const field = c.contextName;
  switch (c.operator) {
    case 'IN':
    case 'NOT_IN': {
      const set = new Set(cleanValues(c.values));
      const isIn = (ctx: FlagContext): boolean => {
        const v = resolveContextValue(ctx, field);
        return v !== undefined && set.has(v);
      };
      return c.operator === 'IN' ? isIn : (ctx) => !isIn(ctx);
    }
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH':
    case 'STR_CONTAINS':
      return stringOperator(c);
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE':
      return numberOperator(c);
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      return dateOperator(c, env);
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_LT':
    case 'SEMVER_GTE':
    case 'SEMVER_LTE':
      return semverOperator(c);
    case 'REGEX':
      return regexOperator(c);
    case 'IN_CIDR':
      return cidrOperator(c);
  }
}

function stringOperator(c: Constraint): ContextPredicate {
  const field = c.contextName;
  const ci = !!c.caseInsensitive;
  // toLocaleLowerCase (not toLowerCase) because that is what the client calls.
  const values = ci ? cleanValues(c.values).map((v) => v.toLocaleLowerCase()) : cleanValues(c.values);
  const read = (ctx: FlagContext): string | undefined => {
    const v = resolveContextValue(ctx, field);
    return ci ? v?.toLocaleLowerCase() : v;
  };
  const some = (test: (v: string, x: string) => boolean): ContextPredicate => (ctx) => {
    const v = read(ctx);
    if (typeof v !== 'string') return false;
    for (const x of values) if (test(v, x)) return true;
    return false;
  };
  if (c.operator === 'STR_STARTS_WITH') return some((v, x) => v.startsWith(x));
  if (c.operator === 'STR_ENDS_WITH') return some((v, x) => v.endsWith(x));
  return some((v, x) => v.includes(x));
}

function numberOperator(c: Constraint): ContextPredicate {
  const field = c.contextName;
  const target = Number(c.value);
  if (Number.isNaN(target)) return never;
  // Number() of the stringified context value, so "" reads as 0 and " 0x10 " as 16, as in the client.
  const read = (ctx: FlagContext): number => Number(resolveContextValue(ctx, field));
  switch (c.operator) {
    case 'NUM_EQ':
      return (ctx) => read(ctx) === target;
    case 'NUM_GT':
      return (ctx) => read(ctx) > target;
    case 'NUM_GTE':
      return (ctx) => read(ctx) >= target;
    case 'NUM_LT':
      return (ctx) => read(ctx) < target;
    default:
      return (ctx) => read(ctx) <= target;
  }
}

/** The client ignores `contextName` here and always compares `currentTime` (or now). */
function dateOperator(c: Constraint, env: EvalEnv): ContextPredicate {
  const target = new Date(c.value as string | number).getTime();
  if (Number.isNaN(target)) return never;
  const now = env.now;
  const time = (ctx: FlagContext): number => {
    const t = ctx.currentTime as Date | string | number | undefined;
    if (!t) return now();
    return t instanceof Date ? t.getTime() : new Date(t).getTime();
  };
  return c.operator === 'DATE_AFTER' ? (ctx) => time(ctx) > target : (ctx) => time(ctx) < target;
}

const SEMVER_MEMO_LIMIT = 1_000;

function semverOperator(c: Constraint): ContextPredicate {
  const field = c.contextName;
  const target = typeof c.value === 'string' ? semver.parse(c.value) : null;
  if (target === null) return never;
  // Application versions repeat endlessly; parse each once (bounded, cleared when full).
  const memo = new Map<string, SemVerLike | null>();
  const parse = (v: string): SemVerLike | null => {
    let parsed = memo.get(v);
    if (parsed === undefined) {
      if (memo.size >= SEMVER_MEMO_LIMIT) memo.clear();
      // A leading "v" is valid semver but the client refuses it on the context side only.
      parsed = v.startsWith('v') ? null : semver.parse(v);
      memo.set(v, parsed);
    }
    return parsed;
  };
  const accept = SEMVER_ACCEPT[c.operator as keyof typeof SEMVER_ACCEPT];
  return (ctx) => {
    const v = resolveContextValue(ctx, field);
    if (!v) return false;
    const parsed = parse(v);
    return parsed !== null && accept(parsed.compare(target));
  };
}

const SEMVER_ACCEPT = {
  SEMVER_EQ: (cmp: number) => cmp === 0,
  SEMVER_GT: (cmp: number) => cmp > 0,
  SEMVER_LT: (cmp: number) => cmp < 0,
  SEMVER_GTE: (cmp: number) => cmp >= 0,
  SEMVER_LTE: (cmp: number) => cmp <= 0,
} as const;

function regexOperator(c: Constraint): ContextPredicate {
  const field = c.contextName;
  let re: RE2JS;
  try {
    re = RE2JS.compile(String(c.value), c.caseInsensitive ? RE2JS.CASE_INSENSITIVE : undefined);
  } catch {
    return never;
  }
  return (ctx) => {
    const v = resolveContextValue(ctx, field);
    if (typeof v !== 'string') return false;
    try {
      return re.matcher(v).find();
    } catch {
      return false;
    }
  };
}

interface Subnet<A> {
  address: A;
  form: string;
}

function cidrOperator(c: Constraint): ContextPredicate {
  const field = c.contextName;
  const ranges = cleanValues(c.values);
  const v4 = subnets(ranges, (r) => new Address4(r));
  const v6 = subnets(ranges, (r) => new Address6(r));
  return (ctx) => {
    const v = resolveContextValue(ctx, field);
    if (typeof v !== 'string') return false;
    // An address that parses as IPv4 is only ever compared with IPv4 ranges, as in the client.
    const a4 = tryParse(() => new Address4(v));
    if (a4 !== null) return inAny(a4, v4);
    const a6 = tryParse(() => new Address6(v));
    return a6 !== null && inAny(a6, v6);
  };
}

function inAny<A extends Address4 | Address6>(remote: A, ranges: readonly Subnet<A>[]): boolean {
  if (ranges.length === 0) return false;
  const form = remote.correctForm();
  for (const r of ranges) {
    if (form === r.form || remote.isInSubnet(r.address as Address4 & Address6)) return true;
  }
  return false;
}

function subnets<A extends Address4 | Address6>(ranges: readonly string[], parse: (r: string) => A): Subnet<A>[] {
  const out: Subnet<A>[] = [];
  for (const r of ranges) {
    const address = tryParse(() => parse(r));
    if (address !== null) out.push({ address, form: address.correctForm() });
  }
  return out;
}

function tryParse<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch {
    return null;
  }
}
