/**
 * fast-check generators for differential tests of compiled checks against zod:
 * random schemas from the constructors the compiler supports, and values that
 * mostly follow a schema (read from its zod definition) with local mutations.
 * Generating near-valid values is the point: uniformly random values are
 * rejected at the first typeof and would test nothing past it.
 */
import fc from 'fast-check';
import { z } from 'zod';

/** A schema with the source that built it, which fast-check prints on failure. */
export interface SchemaSample {
  schema: z.ZodType;
  source: string;
}

function sample(schema: z.ZodType, source: string): SchemaSample {
  return { schema, source, [fc.toStringMethod]: () => source } as SchemaSample;
}

// ---------------------------------------------------------------- schemas

const BOUNDS = [0, -0, 1, -1, 0.5, 2.5, 3, 100, -100, 2 ** 31, Number.MAX_SAFE_INTEGER, 3.4e38];
const REGEXES = [/^[a-z]+$/, /a/g, /^\d{2,}$/, /x|y/y, /^[\s\S]{0,3}$/u, /\u{1F600}/u];
const KEYS = ['a', 'b', 'price', 'seq', 'constructor', 'toString', 'with space', '0'];

type Op<T> = { source: string; apply: (s: T) => T };

function chained<T extends z.ZodType>(base: fc.Arbitrary<{ schema: T; source: string }>, ops: fc.Arbitrary<Op<T>>): fc.Arbitrary<SchemaSample> {
  return fc.tuple(base, fc.array(ops, { maxLength: 3 })).map(([b, list]) =>
    sample(
      list.reduce((s, op) => op.apply(s), b.schema),
      b.source + list.map((op) => op.source).join(''),
    ),
  );
}

const bound = fc.constantFrom(...BOUNDS);

const numberSchema = chained<z.ZodNumber>(
  fc.constantFrom(
    { schema: z.number(), source: 'z.number()' },
    { schema: z.int() as z.ZodNumber, source: 'z.int()' },
    { schema: z.int32() as z.ZodNumber, source: 'z.int32()' },
    { schema: z.uint32() as z.ZodNumber, source: 'z.uint32()' },
    { schema: z.float32() as z.ZodNumber, source: 'z.float32()' },
    { schema: z.number().finite(), source: 'z.number().finite()' },
  ),
  fc.oneof(
    bound.map((b) => ({ source: `.gt(${b})`, apply: (s: z.ZodNumber) => s.gt(b) })),
    bound.map((b) => ({ source: `.gte(${b})`, apply: (s: z.ZodNumber) => s.gte(b) })),
    bound.map((b) => ({ source: `.lt(${b})`, apply: (s: z.ZodNumber) => s.lt(b) })),
    bound.map((b) => ({ source: `.lte(${b})`, apply: (s: z.ZodNumber) => s.lte(b) })),
    fc.constantFrom(0.5, 3, 0.1).map((d) => ({ source: `.multipleOf(${d})`, apply: (s: z.ZodNumber) => s.multipleOf(d) })),
    fc.constantFrom<Op<z.ZodNumber>>(
      { source: '.positive()', apply: (s) => s.positive() },
      { source: '.nonnegative()', apply: (s) => s.nonnegative() },
      { source: '.negative()', apply: (s) => s.negative() },
      { source: '.nonpositive()', apply: (s) => s.nonpositive() },
      { source: '.int()', apply: (s) => s.int() },
    ),
  ),
);

const stringSchema = chained<z.ZodString>(
  fc.constant({ schema: z.string(), source: 'z.string()' }),
  fc.oneof(
    fc.nat(4).map((n) => ({ source: `.min(${n})`, apply: (s: z.ZodString) => s.min(n) })),
    fc.nat(6).map((n) => ({ source: `.max(${n})`, apply: (s: z.ZodString) => s.max(n) })),
    fc.nat(3).map((n) => ({ source: `.length(${n})`, apply: (s: z.ZodString) => s.length(n) })),
    fc.constantFrom(...REGEXES).map((re) => ({ source: `.regex(${re})`, apply: (s: z.ZodString) => s.regex(re) })),
    fc.constantFrom<Op<z.ZodString>>(
      { source: ".startsWith('a')", apply: (s) => s.startsWith('a') },
      { source: ".endsWith('z')", apply: (s) => s.endsWith('z') },
      { source: ".includes('b')", apply: (s) => s.includes('b') },
      { source: ".includes('b', { position: 1 })", apply: (s) => s.includes('b', { position: 1 }) },
      { source: '.lowercase()', apply: (s) => s.lowercase() },
      { source: '.uppercase()', apply: (s) => s.uppercase() },
    ),
  ),
);

const LITERALS = ['a', '', 0, -1, 1.5, Number.NaN, true, false, null, 10n, undefined] as const;
const literalSchema = fc.subarray([...LITERALS], { minLength: 1, maxLength: 3 }).map((values) =>
  sample(z.literal(values as z.core.util.Literal[]), `z.literal([${values.map(show).join(', ')}])`),
);

const enumSchema = fc.oneof(
  fc.subarray(['buy', 'sell', 'a', '', 'B', '1'], { minLength: 1 }).map((values) =>
    sample(z.enum(values as [string, ...string[]]), `z.enum([${values.map(show).join(', ')}])`),
  ),
  // A TypeScript-style numeric enum object, whose reverse mapping zod drops.
  fc.constant(sample(z.enum({ A: 'a', B: 2, 2: 'B' }), "z.enum({ A: 'a', B: 2, 2: 'B' })")),
);

const leafSchema: fc.Arbitrary<SchemaSample> = fc.oneof(
  { weight: 3, arbitrary: numberSchema },
  { weight: 3, arbitrary: stringSchema },
  { weight: 2, arbitrary: literalSchema },
  { weight: 2, arbitrary: enumSchema },
  fc.constantFrom(
    sample(z.boolean(), 'z.boolean()'),
    sample(z.null(), 'z.null()'),
    sample(z.undefined(), 'z.undefined()'),
    sample(z.unknown(), 'z.unknown()'),
    sample(z.any(), 'z.any()'),
    sample(z.never(), 'z.never()'),
    sample(z.nan(), 'z.nan()'),
  ),
);

const recordKey = fc.constantFrom(
  sample(z.string(), 'z.string()'),
  sample(z.string().min(2), 'z.string().min(2)'),
  sample(z.string().regex(/^[a-z]+$/), 'z.string().regex(/^[a-z]+$/)'),
);

/** Random schemas from every constructor compileValidator supports, up to a few levels deep. */
export const schemaSample: fc.Arbitrary<SchemaSample> = fc.letrec<{ node: SchemaSample; container: SchemaSample }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 4 }, leafSchema, tie('container')),
  container: fc.oneof(
    tie('node').map((s) => sample(s.schema.optional(), `${s.source}.optional()`)),
    tie('node').map((s) => sample(s.schema.exactOptional(), `${s.source}.exactOptional()`)),
    tie('node').map((s) => sample(s.schema.nullable(), `${s.source}.nullable()`)),
    tie('node').map((s) => sample(s.schema.nullish(), `${s.source}.nullish()`)),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((options) =>
      sample(z.union(options.map((o) => o.schema) as [z.ZodType, ...z.ZodType[]]), `z.union([${options.map((o) => o.source).join(', ')}])`),
    ),
    fc.tuple(tie('node'), fc.option(fc.nat(3)), fc.option(fc.nat(4)), fc.option(fc.nat(2))).map(([el, min, max, len]) => {
      let schema = z.array(el.schema);
      let source = `z.array(${el.source})`;
      if (min !== null) ((schema = schema.min(min)), (source += `.min(${min})`));
      if (max !== null) ((schema = schema.max(max)), (source += `.max(${max})`));
      if (len !== null) ((schema = schema.length(len)), (source += `.length(${len})`));
      return sample(schema, source);
    }),
    fc.tuple(recordKey, tie('node'), fc.boolean()).map(([k, v, loose]) =>
      loose
        ? sample(z.looseRecord(k.schema as z.ZodString, v.schema), `z.looseRecord(${k.source}, ${v.source})`)
        : sample(z.record(k.schema as z.ZodString, v.schema), `z.record(${k.source}, ${v.source})`),
    ),
    fc
      .tuple(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { maxLength: 4, selector: ([k]) => k }),
        fc.constantFrom('object', 'strict', 'loose', 'catchall'),
        tie('node'),
      )
      .map(([fields, mode, extra]) => {
        const shape = Object.fromEntries(fields.map(([k, s]) => [k, s.schema]));
        const src = `{ ${fields.map(([k, s]) => `${JSON.stringify(k)}: ${s.source}`).join(', ')} }`;
        switch (mode) {
          case 'strict':
            return sample(z.strictObject(shape), `z.strictObject(${src})`);
          case 'loose':
            return sample(z.looseObject(shape), `z.looseObject(${src})`);
          case 'catchall':
            return sample(z.object(shape).catchall(extra.schema), `z.object(${src}).catchall(${extra.source})`);
          default:
            return sample(z.object(shape), `z.object(${src})`);
        }
      }),
  ),
})).node;

// ---------------------------------------------------------------- values

const SPECIAL_VALUES: readonly unknown[] = [
  Number.NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE,
  '', 'a', '\u{1F600}', '\ud800', 'constructor', '__proto__', null, undefined, true, false, 10n,
  [], {}, [undefined], { length: 3 }, Object.create(null), new Date(0), new Map(), /re/, new String('x'), new Number(1),
  Symbol('s'), () => 1,
];

/** Values of any shape: wrong types, non-finite numbers, exotic objects, huge strings. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  {
    weight: 3,
    arbitrary: fc.anything({
      maxDepth: 2,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      withObjectString: true,
      withTypedArray: true,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), '\u{1F600}'.repeat(40_000), 'ab\ud800'.repeat(30_000)) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** Object and record keys, including the ones objects already answer to. */
const extraKey = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', 'constructor', 'toString', '0', '1e3', 'ab', 'AB', '\u{1F600}', ...KEYS));

/** Code units chosen to sit on zod 4.6's code-point length rules: astral pairs, lone surrogates, case. */
const stringUnit = fc.constantFrom('a', 'b', 'z', 'x', 'y', 'A', 'Z', '0', '1', ' ', '_', '\u00e9', '\u{1F600}', '\ud83d', '\ude00');

interface ZodInternals {
  _zod: { def: Record<string, unknown> & { type: string; checks?: ZodInternals[] }; traits: Set<string> };
}

const internals = (s: unknown): ZodInternals => s as ZodInternals;

function checkDefs(schema: unknown): Record<string, unknown>[] {
  const zod = internals(schema)._zod;
  const own = (zod.def.checks ?? []).map((c) => c._zod.def);
  return zod.traits.has('$ZodCheck') ? [zod.def, ...own] : own;
}

/** Known-valid leaf values, found by sampling the leaf's generator and keeping what zod accepts. */
function validPool(schema: z.ZodType, candidates: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const pool = fc.sample(candidates, { numRuns: 300, seed: 7 }).filter((v) => schema.safeParse(v).success);
  return pool.length > 0 ? fc.constantFrom(...pool) : candidates; // an unsatisfiable leaf (z.never(), gt(3).lt(1))
}

function memo(cache: WeakMap<object, fc.Arbitrary<unknown>>, schema: z.ZodType, build: () => fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  let arb = cache.get(schema);
  if (arb === undefined) {
    arb = build();
    cache.set(schema, arb);
  }
  return arb;
}

const validCache = new WeakMap<object, fc.Arbitrary<unknown>>();
const nearCache = new WeakMap<object, fc.Arbitrary<unknown>>();

/** Values for `schema`: valid ones, valid but for one mutation somewhere inside, and garbage. */
export function valuesFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: validFor(schema) }, { weight: 4, arbitrary: nearlyValid(schema) }, { weight: 1, arbitrary: garbage });
}

/** Values zod accepts (as far as the schema is satisfiable). */
export function validFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  return memo(validCache, schema, () => {
    const def = internals(schema)._zod.def;
    switch (def.type) {
      case 'optional': {
        const inner = validFor(def['innerType'] as z.ZodType);
        return internals(schema)._zod.traits.has('$ZodExactOptional') ? inner : fc.oneof(fc.constant(undefined), inner);
      }
      case 'nullable':
        return fc.oneof(fc.constant(null), validFor(def['innerType'] as z.ZodType));
      case 'union':
        return fc.oneof(...(def['options'] as z.ZodType[]).map(validFor));
      case 'array': {
        const [lo, hi] = lengthBounds(checkDefs(schema), 3);
        return fc.array(validFor(def['element'] as z.ZodType), { minLength: lo, maxLength: Math.max(lo, hi) });
      }
      case 'record':
        return validRecord(def['keyType'] as z.ZodType, def['valueType'] as z.ZodType);
      case 'object':
        return validObject(def['shape'] as Record<string, z.ZodType>, def['catchall'] as z.ZodType | undefined);
      case 'unknown':
      case 'any':
        return garbage;
      default:
        return validPool(schema, leafCandidates(schema));
    }
  });
}

/** A valid value with exactly one thing wrong somewhere inside (which may, by chance, still be valid). */
function nearlyValid(schema: z.ZodType): fc.Arbitrary<unknown> {
  return memo(nearCache, schema, () => {
    const def = internals(schema)._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
        return nearlyValid(def['innerType'] as z.ZodType);
      case 'union':
        return fc.oneof(...(def['options'] as z.ZodType[]).map(nearlyValid));
      case 'array':
        return nearlyArray(schema, def['element'] as z.ZodType);
      case 'record':
        return nearlyRecord(schema, def['keyType'] as z.ZodType, def['valueType'] as z.ZodType);
      case 'object':
        return nearlyObject(schema, def['shape'] as Record<string, z.ZodType>);
      default:
        return fc.oneof({ weight: 4, arbitrary: leafCandidates(schema) }, { weight: 1, arbitrary: garbage });
    }
  });
}

/** Leaf values around the leaf's constraints: bounds, off-by-ones, near-miss members. */
function leafCandidates(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = internals(schema)._zod.def;
  switch (def.type) {
    case 'string':
      return strings(checkDefs(schema));
    case 'number':
      return numbers(checkDefs(schema));
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constantFrom(0, 1, 'true'));
    case 'literal':
      return nearMembers(def['values'] as unknown[]);
    case 'enum':
      return nearMembers(z.core.util.getEnumValues(def['entries'] as z.core.util.EnumLike));
    case 'null':
      return fc.constantFrom(null, undefined, 0);
    case 'undefined':
    case 'void':
      return fc.constantFrom(undefined, null);
    case 'nan':
      return fc.constantFrom(Number.NaN, 0, 'NaN');
    default:
      return garbage;
  }
}

function lengthBounds(checks: Record<string, unknown>[], defaultMax: number): [number, number] {
  let lo = 0;
  let hi = defaultMax;
  for (const c of checks) {
    if (c['check'] === 'min_length') lo = Math.max(lo, c['minimum'] as number);
    if (c['check'] === 'max_length') hi = Math.min(hi, c['maximum'] as number);
    if (c['check'] === 'length_equals') ((lo = c['length'] as number), (hi = c['length'] as number));
  }
  return [lo, hi];
}

function validRecord(keyType: z.ZodType, value: z.ZodType): fc.Arbitrary<unknown> {
  const keys = [...new Set(fc.sample(extraKey, { numRuns: 200, seed: 11 }))].filter((k) => k !== '__proto__' && keyType.safeParse(k).success);
  if (keys.length === 0) return fc.constant({});
  return fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), validFor(value)), { maxLength: 4, selector: ([k]) => k }).map((entries) => defineAll({}, entries));
}

function validObject(shape: Record<string, z.ZodType>, catchall: z.ZodType | undefined): fc.Arbitrary<unknown> {
  const keys = Object.keys(shape);
  const absent = Symbol('absent');
  const fields = keys.map((k) => {
    const field = shape[k]!;
    const optional = internals(field)._zod.def.type === 'optional';
    return optional ? fc.oneof(fc.constant(absent), validFor(field)) : validFor(field);
  });
  const strict = catchall !== undefined && internals(catchall)._zod.def.type === 'never';
  const extraValue = catchall === undefined ? garbage : validFor(catchall);
  const extras = strict ? fc.constant([]) : fc.uniqueArray(fc.tuple(extraKey, extraValue), { maxLength: 2, selector: ([k]) => k });
  return fc.tuple(fc.tuple(...fields), extras).map(([values, extra]) => {
    const target = defineAll(
      {},
      extra.filter(([k]) => !keys.includes(k) && (catchall === undefined || k !== '__proto__')),
    );
    values.forEach((v, i) => {
      if (v !== absent) defineAll(target, [[keys[i]!, v]]);
    });
    return target;
  });
}

function nearlyArray(schema: z.ZodType, element: z.ZodType): fc.Arbitrary<unknown> {
  const [lo, hi] = lengthBounds(checkDefs(schema), 3);
  return fc.oneof(
    // one element off
    fc.tuple(fc.array(validFor(element), { minLength: Math.max(lo, 1), maxLength: Math.max(lo, hi, 1) }), nearlyValid(element), fc.nat()).map(([a, bad, at]) => {
      const copy = a.slice();
      copy[at % copy.length] = bad;
      return copy;
    }),
    // length just outside the bounds
    fc.array(validFor(element), { minLength: Math.max(0, lo - 1), maxLength: Math.max(0, lo - 1, hi + 1) }),
    // a hole, which zod reads as undefined
    fc.array(validFor(element), { minLength: 1, maxLength: Math.max(1, hi) }).map((a) => {
      const sparse = a.slice();
      delete sparse[0];
      return sparse;
    }),
    // array-likes that are not arrays
    fc.array(validFor(element), { maxLength: 2 }).map((a) => ({ ...a, length: a.length })),
  );
}

function nearlyRecord(schema: z.ZodType, keyType: z.ZodType, value: z.ZodType): fc.Arbitrary<unknown> {
  return fc.tuple(validFor(schema), fc.nat(6), extraKey, nearlyValid(value)).map(([base, how, key, bad]) => {
    const target = defineAll({}, Object.entries(base as Record<string, unknown>));
    switch (how) {
      case 0:
        return defineAll(target, [[key, bad]]); // any key, a near-miss value
      case 1:
        return defineAll(target, [['__proto__', bad]]); // an own __proto__, which zod skips
      case 2:
        return Object.defineProperty(target, Symbol('sym'), { value: 1, enumerable: true });
      case 3:
        return Object.defineProperty(target, Symbol('hidden'), { value: 1, enumerable: false });
      default:
        return withPrototype(target, how - 4);
    }
  });
}

function nearlyObject(schema: z.ZodType, shape: Record<string, z.ZodType>): fc.Arbitrary<unknown> {
  const keys = Object.keys(shape);
  const mutateField =
    keys.length === 0
      ? fc.constant(null)
      : fc.integer({ min: 0, max: keys.length - 1 }).chain((i) =>
          fc.oneof(
            { weight: 2, arbitrary: fc.constant({ key: keys[i]!, drop: true, value: undefined as unknown }) },
            { weight: 1, arbitrary: fc.constant({ key: keys[i]!, drop: false, value: undefined as unknown }) },
            { weight: 2, arbitrary: nearlyValid(shape[keys[i]!]!).map((value) => ({ key: keys[i]!, drop: false, value })) },
          ),
        );
  return fc.tuple(validFor(schema), fc.nat(4), mutateField, extraKey, garbage).map(([base, how, field, key, extra]) => {
    const target = defineAll({}, Object.entries(base as Record<string, unknown>));
    if (how <= 1 && field !== null) {
      if (field.drop) delete target[field.key];
      else defineAll(target, [[field.key, field.value]]);
      return target;
    }
    if (how === 2) return defineAll(target, [[key, extra]]); // an unknown key
    return withPrototype(target, how === 3 ? 0 : 1 + (key.length % 3));
  });
}

/** The same own properties on an object that zod's isObject, isPlainObject and for...in see differently. */
function withPrototype(target: Record<string, unknown>, variant: number): unknown {
  switch (variant) {
    case 0:
      return defineAll(Object.create(null), Object.entries(target));
    case 1:
      return defineAll(Object.create({ inherited: 1 }), Object.entries(target));
    case 2:
      return defineAll(new (class Item {})() as Record<string, unknown>, Object.entries(target));
    default:
      return Object.defineProperty(target, 'hidden', { value: 'x', enumerable: false });
  }
}

/** Own enumerable data properties, `__proto__` included as an ordinary key. */
function defineAll(target: Record<string, unknown>, entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  for (const [k, v] of entries) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  return target;
}

function strings(checks: Record<string, unknown>[]): fc.Arbitrary<string> {
  let lo = 0;
  let hi = 6;
  const patterns: RegExp[] = [];
  let prefix = '';
  let suffix = '';
  let infix = '';
  for (const c of checks) {
    if (c['check'] === 'min_length') lo = Math.max(lo, c['minimum'] as number);
    if (c['check'] === 'max_length') hi = Math.min(hi, c['maximum'] as number);
    if (c['check'] === 'length_equals') ((lo = c['length'] as number), (hi = c['length'] as number));
    if (c['format'] === 'regex') patterns.push(c['pattern'] as RegExp);
    if (c['format'] === 'starts_with') prefix = c['prefix'] as string;
    if (c['format'] === 'ends_with') suffix = c['suffix'] as string;
    if (c['format'] === 'includes') infix = c['includes'] as string;
  }
  const sized = fc.array(stringUnit, { minLength: Math.max(0, lo - 1), maxLength: Math.max(lo, hi) + 1 }).map((u) => u.join(''));
  const matching = patterns.map((re) => fc.stringMatching(new RegExp(re.source, re.flags.replace(/[gy]/g, '')), { size: 'xsmall' }));
  const core = matching.length > 0 ? fc.oneof(sized, ...matching) : sized;
  return fc
    .tuple(core, fc.boolean(), fc.boolean(), fc.constantFrom('', 'lower', 'upper'))
    .map(([s, affix, infixAt1, caseFold]) => {
      let out = affix ? `${prefix}${infixAt1 ? s.slice(0, 1) + infix + s.slice(1) : infix + s}${suffix}` : s;
      if (caseFold === 'lower') out = out.toLowerCase();
      if (caseFold === 'upper') out = out.toUpperCase();
      return out;
    });
}

function numbers(checks: Record<string, unknown>[]): fc.Arbitrary<number> {
  const edges = new Set<number>([0, -0, 1, -1, 0.5, 0.1, 0.3, 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);
  for (const c of checks) {
    const v = c['value'];
    if (typeof v === 'number') for (const e of [v, v + 1, v - 1, v + 0.5, v - 0.5, v * (1 + Number.EPSILON), v * 3, v * 7]) edges.add(e);
  }
  for (const e of [2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 3.4028234663852886e38, 3.5e38]) edges.add(e);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...edges) },
    { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    { weight: 1, arbitrary: fc.double() },
  );
}

function nearMembers(values: readonly unknown[]): fc.Arbitrary<unknown> {
  const near = values.flatMap((v) => (typeof v === 'string' ? [v.toUpperCase(), `${v} `] : typeof v === 'number' ? [String(v), -v] : [String(v)]));
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(...near) });
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
