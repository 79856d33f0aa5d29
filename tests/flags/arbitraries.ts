/**
 * fast-check generators for schema-valid Unleash features and for contexts that hit them.
 * Values come from small shared pools so constraints, overrides and user lists actually match
 * some of the time instead of almost never.
 */
import fc from 'fast-check';
import type { FlagContext } from '../../src/flags/context.ts';
import { OPERATORS } from '../../src/flags/FeatureSchema.ts';

type Json = Record<string, unknown>;

const FIELDS = ['userId', 'sessionId', 'remoteAddress', 'environment', 'tenant', 'version', 'num', 'ip', 'symbol'] as const;
const STRINGS = ['', ' ', 'a', 'A', 'abc', 'ABC', 'u1', 'u2', 'u3', 's1', 'prod', 'dev', 'BTC', 'eth', 'İ', 'x y'];
const NUMBERS = ['0', '1', '-1', '2.5', '10', '100', 'abc', '', ' 7 '];
const SEMVERS = ['1.0.0', '1.2.3', '1.2.3-rc.1', '2.0.0', 'v1.2.3', '1.2', 'junk', '10.0.0-alpha'];
const IPS = ['10.0.0.1', '10.0.1.200', '192.168.1.1', '::1', '2001:db8::1', 'nope'];
const DATES = ['2021-01-01T00:00:00Z', '2024-06-01T00:00:00Z', '2027-01-01T00:00:00Z'];
const REGEXES = ['^u[0-9]$', 'b', '(?i)abc', '^$', '[.]'];
const POOL = [...STRINGS, ...NUMBERS, ...SEMVERS, ...IPS];

const pool = fc.constantFrom(...POOL);
const stickiness = fc.constantFrom(undefined, 'default', 'userId', 'sessionId', 'random', 'tenant', 'symbol', '');

const constraint: fc.Arbitrary<Json> = fc
  .record({
    contextName: fc.constantFrom(...FIELDS),
    operator: fc.constantFrom(...OPERATORS),
    values: fc.array(pool, { maxLength: 4 }),
    inverted: fc.boolean(),
    caseInsensitive: fc.boolean(),
    numeric: fc.constantFrom(...NUMBERS.filter((n) => n.trim() !== '' && !Number.isNaN(Number(n)))),
    date: fc.constantFrom(...DATES),
    semver: fc.constantFrom('1.0.0', '1.2.3', 'v1.2.3', '1.2.3-rc.1', '2.0.0'),
    regex: fc.constantFrom(...REGEXES),
    cidrs: fc.array(fc.constantFrom('10.0.0.0/24', '10.0.0.0/8', '192.168.1.1', '::1', '2001:db8::/48', 'bad'), { maxLength: 3 }),
  })
  .map(({ numeric, date, semver, regex, cidrs, ...c }) => {
    const op = c.operator;
    if (op.startsWith('NUM_')) return { ...c, value: numeric };
    if (op.startsWith('DATE_')) return { ...c, contextName: 'currentTime', value: date };
    if (op.startsWith('SEMVER_')) return { ...c, value: semver };
    if (op === 'REGEX') return { ...c, value: regex };
    if (op === 'IN_CIDR') return { ...c, values: cidrs };
    return c;
  });

const variants = (max: number): fc.Arbitrary<Json[]> =>
  fc
    .array(
      fc.record(
        {
          weight: fc.oneof(fc.integer({ min: 0, max: 333 }), fc.constant(0)),
          weightType: fc.constantFrom('variable', 'fix'),
          stickiness,
          payload: fc.constantFrom(undefined, { type: 'string', value: 'p' }, { type: 'json', value: '{}' }),
          overrides: fc.array(
            fc.record({ contextName: fc.constantFrom(...FIELDS), values: fc.array(pool, { maxLength: 3 }) }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ['weight'] },
      ),
      { maxLength: max },
    )
    .map((vs) => vs.map((v, i) => ({ ...v, name: `v${i}` })));

const strategy: fc.Arbitrary<Json> = fc
  .record({
    name: fc.constantFrom('default', 'flexibleRollout', 'gradualRolloutUserId', 'gradualRolloutSessionId',
      'gradualRolloutRandom', 'userWithId', 'remoteAddress', 'applicationHostname', 'custom'),
    percent: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(0, 37, 100)),
    stickiness,
    groupId: fc.constantFrom(undefined, 'g1', 'g2', ''),
    userIds: fc.constantFrom('u1', 'u1,u2', ' u2 , u3', ''),
    IPs: fc.constantFrom('10.0.0.1', '10.0.0.0/24, ::1', 'nope,192.168.1.1'),
    constraints: fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(constraint, { maxLength: 2 }), weight: 3 }),
    segments: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.subarray([1, 2]), weight: 1 }),
    variants: variants(3),
  })
  .map(({ name, percent, stickiness: st, groupId, userIds, IPs, ...rest }) => {
    const parameters: Json = {};
    if (groupId !== undefined) parameters.groupId = groupId;
    if (name === 'flexibleRollout') Object.assign(parameters, { rollout: String(percent), ...(st === undefined ? {} : { stickiness: st }) });
    if (name.startsWith('gradualRollout')) parameters.percentage = String(percent);
    if (name === 'userWithId') parameters.userIds = userIds;
    if (name === 'remoteAddress') parameters.IPs = IPs;
    if (name === 'applicationHostname') parameters.hostNames = 'localhost';
    return { name, parameters, ...rest };
  });

/** Segments 1 and 2, which generated strategies may reference. */
export const segmentsArb: fc.Arbitrary<Json[]> = fc
  .tuple(fc.array(constraint, { maxLength: 2 }), fc.array(constraint, { maxLength: 2 }))
  .map(([a, b]) => [
    { id: 1, name: 'one', constraints: a },
    { id: 2, name: 'two', constraints: b },
  ]);

/** 1..5 features named f0..f4, possibly depending on each other or on a missing "ghost". */
export const featuresArb: fc.Arbitrary<Json[]> = fc
  .array(
    fc.record({
      enabled: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
      strategies: fc.array(strategy, { maxLength: 3 }),
      variants: variants(4),
      dependencies: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(
        fc.record(
          {
            feature: fc.constantFrom('f0', 'f1', 'f2', 'ghost'),
            enabled: fc.boolean(),
            variants: fc.subarray(['v0', 'v1', 'disabled']),
          },
          { requiredKeys: ['feature'] },
        ),
        { maxLength: 2 },
      ), weight: 1 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((fs) => fs.map((f, i) => ({ name: `f${i}`, ...f })));

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Contexts over the same pools; keys are sometimes missing, sometimes empty strings. */
export const contextArb: fc.Arbitrary<FlagContext> = fc
  .record({
    userId: maybe(fc.oneof(pool, fc.string({ maxLength: 12 }))),
    sessionId: maybe(pool),
    remoteAddress: maybe(fc.constantFrom(...IPS, '')),
    environment: maybe(fc.constantFrom('prod', 'dev', '')),
    currentTime: maybe(fc.constantFrom(...DATES, '2025-01-01T00:00:00Z').map((d) => new Date(d))),
    properties: maybe(
      fc.record({ tenant: maybe(pool), version: maybe(fc.constantFrom(...SEMVERS)), num: maybe(fc.constantFrom(...NUMBERS)), ip: maybe(fc.constantFrom(...IPS)), symbol: maybe(pool) }),
    ),
  })
  .map((ctx) => JSON.parse(JSON.stringify(ctx), (k, v) => (k === 'currentTime' ? new Date(v as string) : v)) as FlagContext);
