import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileValidator, fallbackReason, isCompiled } from '../../src/contracts/compileValidator.ts';
import { TIER_CONTRACTS } from '../../src/contracts/tiers.ts';
import { schemaSample, valuesFor } from './arbitraries.ts';

/** Compiles `schema` (which must compile) and asserts each expected verdict, and zod's, for each value. */
function verdicts(schema: z.ZodType, cases: readonly (readonly [unknown, boolean])[]): void {
  const check = compileValidator(schema);
  expect(fallbackReason(check)).toBeUndefined();
  expect(isCompiled(check)).toBe(true);
  for (const [value, expected] of cases) {
    expect({ value, zod: schema.safeParse(value).success }).toEqual({ value, zod: expected });
    expect({ value, compiled: check(value) }).toEqual({ value, compiled: expected });
  }
}

/** Counts both verdicts, so a generator that only ever produces one kind fails loudly. */
class Tally {
  valid = 0;
  invalid = 0;
  add(ok: boolean): void {
    if (ok) this.valid++;
    else this.invalid++;
  }
  expectBalanced(minShare: number): void {
    const total = this.valid + this.invalid;
    expect(this.valid / total).toBeGreaterThan(minShare);
    expect(this.invalid / total).toBeGreaterThan(minShare);
  }
}

describe('compileValidator: differential against zod', () => {
  const schemas = new Map<z.ZodType, string>();
  for (const [tier, { input, output }] of Object.entries(TIER_CONTRACTS)) {
    if (!schemas.has(input)) schemas.set(input, `${tier} input`);
    if (!schemas.has(output)) schemas.set(output, `${tier} output`);
  }

  for (const [schema, name] of schemas) {
    it(`${name} compiles and agrees with zod`, () => {
      const check = compileValidator(schema);
      expect(fallbackReason(check)).toBeUndefined();
      const tally = new Tally();
      fc.assert(
        fc.property(valuesFor(schema), (value) => {
          const zod = schema.safeParse(value).success;
          tally.add(zod);
          expect(check(value)).toBe(zod);
        }),
        { numRuns: 1500 },
      );
      tally.expectBalanced(0.1);
    });
  }

  it('random schemas of every supported construct compile and agree with zod', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        schemaSample.chain((s) => fc.tuple(fc.constant(s), fc.array(valuesFor(s.schema), { minLength: 25, maxLength: 25 }))),
        ([{ schema }, values]) => {
          const check = compileValidator(schema);
          expect(fallbackReason(check)).toBeUndefined();
          for (const value of values) {
            const zod = schema.safeParse(value).success;
            tally.add(zod);
            expect({ value, compiled: check(value) }).toEqual({ value, compiled: zod });
          }
        },
      ),
      { numRuns: 400 },
    );
    tally.expectBalanced(0.15);
  });
});

describe('compileValidator: each construct', () => {
  it('number rejects NaN and ±Infinity (zod 4 default), accepts -0', () => {
    verdicts(z.number(), [
      [1.5, true],
      [-0, true],
      [Number.NaN, false],
      [Infinity, false],
      [-Infinity, false],
      ['1', false],
      [1n, false],
      [new Number(1), false],
      [null, false],
    ]);
  });

  it('number bounds: positive, nonnegative, gt, lt, gte, lte', () => {
    verdicts(z.number().positive(), [[-0, false], [0, false], [Number.MIN_VALUE, true]]);
    verdicts(z.number().nonnegative(), [[-0, true], [-Number.MIN_VALUE, false]]);
    verdicts(z.number().gt(1).lt(2), [[1, false], [1.5, true], [2, false]]);
    verdicts(z.number().gte(1).lte(2), [[1, true], [2, true], [2.0000001, false]]);
    verdicts(z.number().negative().nonpositive(), [[-1, true], [0, false]]);
    verdicts(z.number().finite(), [[Infinity, false], [Number.MAX_VALUE, true]]);
  });

  it('number formats: int and safe range, int32, uint32, float32, multipleOf', () => {
    verdicts(z.number().int(), [[1, true], [1.5, false], [2 ** 53 - 1, true], [2 ** 53, false], [-(2 ** 53), false]]);
    verdicts(z.int(), [[-0, true], [Number.NaN, false]]);
    verdicts(z.int32(), [[2 ** 31 - 1, true], [2 ** 31, false], [-(2 ** 31), true]]);
    verdicts(z.uint32(), [[-1, false], [2 ** 32 - 1, true]]);
    verdicts(z.float32(), [[3.4e38, true], [3.5e38, false]]);
    verdicts(z.number().multipleOf(0.1), [[0.3, true], [0.35, false]]);
  });

  it('string lengths count code points, as zod 4.6 does', () => {
    verdicts(z.string().max(1), [['\u{1F600}', true], ['ab', false], ['\ud800\ud800', false]]);
    verdicts(z.string().min(2), [['\u{1F600}', false], ['\u{1F600}a', true], ['\ud800\udc00', false], ['\udc00\ud800', true]]);
    verdicts(z.string().length(1), [['\u{1F600}', true], ['', false], ['aa', false]]);
    verdicts(z.string().min(1).max(64), [['', false], ['x'.repeat(64), true], ['x'.repeat(65), false], ['\u{1F600}'.repeat(64), true]]);
  });

  it('string regex, including global and sticky ones whose lastIndex zod resets', () => {
    verdicts(z.string().regex(/^[a-z]+$/), [['abc', true], ['aBc', false], ['', false]]);
    verdicts(z.string().regex(/a/g), [['a', true], ['a', true], ['ba', true], ['b', false]]);
    verdicts(z.string().regex(/x/y), [['x', true], ['x', true], ['ax', false]]);
  });

  it('string affixes and case', () => {
    verdicts(z.string().startsWith('ab').endsWith('yz'), [['abyz', true], ['abz', false]]);
    verdicts(z.string().includes('b', { position: 1 }), [['ab', true], ['ba', false]]);
    verdicts(z.string().lowercase(), [['abc1', true], ['aBc', false]]);
    verdicts(z.string().uppercase(), [['ABC', true], ['AbC', false]]);
  });

  it('boolean, null, undefined, nan, unknown, never', () => {
    verdicts(z.boolean(), [[false, true], [0, false]]);
    verdicts(z.null(), [[null, true], [undefined, false]]);
    verdicts(z.undefined(), [[undefined, true], [null, false]]);
    verdicts(z.nan(), [[Number.NaN, true], [0, false]]);
    verdicts(z.unknown(), [[Symbol('x'), true]]);
    verdicts(z.never(), [[undefined, false]]);
  });

  it('literal and enum compare with SameValueZero', () => {
    verdicts(z.literal([0, 'a', 10n, null]), [[-0, true], ['a', true], [10n, true], [10, false], [null, true], [undefined, false]]);
    verdicts(z.literal(Number.NaN), [[Number.NaN, true], [0, false]]);
    verdicts(z.enum(['buy', 'sell']), [['buy', true], ['BUY', false]]);
    verdicts(z.enum({ A: 'a', B: 2, 2: 'B' }), [['a', true], [2, true], ['B', false]]);
    const many = Array.from({ length: 20 }, (_, i) => `v${i}`) as [string, ...string[]];
    verdicts(z.enum(many), [['v19', true], ['v20', false]]);
  });

  it('union of primitives and objects', () => {
    const schema = z.union([z.object({ a: z.number() }), z.object({ b: z.string() }), z.literal(1)]);
    verdicts(schema, [[{ a: 1 }, true], [{ b: 'x' }, true], [1, true], [{ a: 'x' }, false], [2, false]]);
    verdicts(z.union([z.literal(-1), z.literal(0), z.literal(1)]), [[0, true], [2, false]]);
  });

  it('optional, exactOptional, nullable and nullish, as values and as keys', () => {
    verdicts(z.string().optional(), [[undefined, true], [null, false]]);
    verdicts(z.string().nullable(), [[null, true], [undefined, false]]);
    verdicts(z.string().nullish(), [[null, true], [undefined, true]]);
    verdicts(z.object({ a: z.string().optional() }), [[{}, true], [{ a: undefined }, true], [{ a: 1 }, false]]);
    verdicts(z.object({ a: z.string().exactOptional() }), [[{}, true], [{ a: undefined }, false], [{ a: 'x' }, true]]);
    verdicts(z.object({ a: z.string().nullable() }), [[{}, false], [{ a: null }, true]]);
  });

  it('required keys whose schema accepts undefined must still be present', () => {
    verdicts(z.object({ a: z.unknown() }), [[{}, false], [{ a: undefined }, true]]);
    verdicts(z.object({ a: z.undefined() }), [[{}, false], [{ a: undefined }, true]]);
  });

  it('objects: any non-array object, prototype chain read, unknown keys allowed by default', () => {
    const schema = z.object({ a: z.number() });
    verdicts(schema, [
      [{ a: 1, extra: 'x' }, true],
      [Object.create({ a: 1 }), true],
      [Object.assign(Object.create(null), { a: 1 }), true],
      [Object.assign(new Date(0), { a: 1 }), true],
      [[1], false],
      [{}, false],
      [null, false],
    ]);
    verdicts(z.object({ toString: z.string() }), [[{}, false], [{ toString: 'x' }, true]]);
    verdicts(z.object({ 'with space': z.number(), '0': z.number() }), [[{ 'with space': 1, 0: 2 }, true]]);
  });

  it('strict objects reject own, inherited and __proto__ unknown keys, not hidden ones', () => {
    const schema = z.strictObject({ a: z.number() });
    verdicts(schema, [
      [{ a: 1 }, true],
      [{ a: 1, b: 2 }, false],
      [Object.assign(Object.create({ b: 2 }), { a: 1 }), false],
      [JSON.parse('{"a":1,"__proto__":2}'), false],
      [Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false }), true],
    ]);
    verdicts(z.strictObject({}), [[{}, true], [{ a: 1 }, false]]);
  });

  it('loose objects and catchall', () => {
    verdicts(z.looseObject({ a: z.number() }), [[{ a: 1, b: 'x' }, true]]);
    verdicts(z.object({ a: z.number() }).catchall(z.number()), [[{ a: 1, b: 2 }, true], [{ a: 1, b: 'x' }, false], [JSON.parse('{"a":1,"__proto__":"x"}'), true]]);
  });

  it('record(string, X): own enumerable keys, symbols, __proto__, plain objects only', () => {
    const schema = z.record(z.string(), z.number());
    verdicts(schema, [
      [{}, true],
      [{ a: 1, b: 2 }, true],
      [{ a: 'x' }, false],
      [Object.defineProperty({}, Symbol('s'), { value: 1, enumerable: true }), false],
      [Object.defineProperty({}, Symbol('s'), { value: 1, enumerable: false }), true],
      [JSON.parse('{"__proto__":"x"}'), true],
      [Object.create({ a: 'x' }), true],
      [Object.assign(Object.create(null), { a: 1 }), true],
      [new (class Item {})(), false],
      [[], false],
    ]);
    verdicts(z.record(z.string().min(2), z.number()), [[{ ab: 1 }, true], [{ a: 1 }, false]]);
    verdicts(z.looseRecord(z.string().min(2), z.number()), [[{ a: 'ignored', ab: 1 }, true], [{ ab: 'x' }, false]]);
  });

  it('arrays with min, max, length; holes read as undefined', () => {
    verdicts(z.array(z.number()).min(1).max(2), [[[], false], [[1], true], [[1, 2, 3], false], [[1, 'x'], false], [{ 0: 1, length: 1 }, false]]);
    verdicts(z.array(z.number().optional()), [[[, 1], true]]); // eslint-disable-line no-sparse-arrays
    verdicts(z.array(z.number()), [[[, 1], false]]); // eslint-disable-line no-sparse-arrays
    verdicts(z.array(z.string()).length(2), [[['a', 'b'], true], [['a'], false]]);
  });

  it('nested objects are inlined into one function', () => {
    const check = compileValidator(z.object({ a: z.object({ b: z.object({ c: z.number() }) }) }));
    expect(isCompiled(check)).toBe(true);
    expect(check.toString()).not.toMatch(/function f1/);
    expect(check({ a: { b: { c: 1 } } })).toBe(true);
    expect(check({ a: { b: { c: '1' } } })).toBe(false);
  });
});

describe('compileValidator: fallback', () => {
  const Node: z.ZodType = z.object({
    value: z.number(),
    get next() {
      return Node.optional();
    },
  });
  // Shared subschemas are inlined at each use: 2^20 copies of this one.
  let doubling: z.ZodType = z.object({ a: z.number() });
  for (let i = 0; i < 20; i++) doubling = z.union([z.object({ x: doubling }), z.object({ y: doubling })]);

  const unsupported: [string, z.ZodType, unknown[]][] = [
    ['refine', z.number().refine((n) => n !== 3), [3, 4]],
    ['superRefine deep inside', z.object({ a: z.array(z.string().superRefine(() => {})) }), [{ a: ['x'] }]],
    ['transform', z.string().transform((s) => s.length), ['ab', 1]],
    ['default', z.object({ a: z.object({ b: z.number().default(1) }) }), [{ a: {} }, { a: { b: 'x' } }]],
    ['prefault', z.string().prefault('x'), [undefined]],
    ['catch', z.number().catch(0), ['x']],
    ['pipe', z.string().pipe(z.string().min(2)), ['a', 'ab']],
    ['coerce', z.coerce.number(), ['12', 'x']],
    ['trim (overwrite)', z.string().trim().min(1), ['  ', ' a ']],
    ['email', z.email(), ['a@b.co', 'nope']],
    ['string().uuid()', z.string().uuid(), ['x']],
    ['lazy', z.lazy(() => z.string()), ['x', 1]],
    ['recursive getter shape', Node, [{ value: 1, next: { value: 2 } }, { value: 1, next: { value: 'x' } }]],
    ['discriminatedUnion', z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b') })]), [{ k: 'a' }, { k: 'c' }]],
    ['xor', z.xor([z.string(), z.string().min(1)]), ['', 'a']],
    ['intersection', z.intersection(z.object({ a: z.number() }), z.object({ b: z.number() })), [{ a: 1, b: 2 }, { a: 1 }]],
    ['tuple', z.tuple([z.number()]), [[1], []]],
    ['date', z.date(), [new Date(0)]],
    ['bigint', z.bigint(), [1n]],
    ['readonly', z.object({ a: z.number() }).readonly(), [{ a: 1 }]],
    ['enum-keyed record', z.record(z.enum(['a', 'b']), z.number()), [{ a: 1, b: 2 }, { a: 1 }]],
    ['a schema DAG too large once inlined', doubling, [{ x: { y: 1 } }]],
    // `when` is internal to zod's check definitions, so the public params type leaves it out.
    ['custom when', z.string().min(3, { when: () => false } as Parameters<z.ZodString['min']>[1]), ['a']],
  ];

  for (const [name, schema, values] of unsupported) {
    it(`${name}: falls back to safeParse for the whole schema`, () => {
      const check = compileValidator(schema);
      expect(isCompiled(check)).toBe(false);
      expect(fallbackReason(check)).toEqual(expect.any(String));
      for (const value of values) expect(check(value)).toBe(schema.safeParse(value).success);
    });
  }

  it('a default makes zod accept what a validator of the raw value would reject', () => {
    const schema = z.object({ a: z.number().default(1) });
    const check = compileValidator(schema);
    expect(isCompiled(check)).toBe(false);
    expect(check({})).toBe(true);
  });

  it('a non-zod value falls back rather than throwing', () => {
    const check = compileValidator({} as z.ZodType);
    expect(isCompiled(check)).toBe(false);
    expect(fallbackReason(check)).toMatch(/zod 4/);
  });
});
