import { z } from 'zod';

/**
 * A verdict on one value: `true` exactly when `schema.safeParse(value).success`.
 * No issues, no parsed output; for the report, run zod on the value that failed.
 */
export type Check = (value: unknown) => boolean;

/*
 * Why this exists: zod's safeParse costs ~200 ns for a small object, which at
 * seven tier boundaries is more than the whole per-event budget. The zod schema
 * stays the single source of truth; this reads its definition once and emits a
 * straight-line JS predicate for it.
 *
 * What compiles: object (default, .strict(), .loose(), .catchall(X)), string
 * with min/max/length, regex, lowercase/uppercase, startsWith/endsWith/includes;
 * number with gt/gte/lt/lte/positive/nonnegative/negative/nonpositive/int/safe/
 * multipleOf, z.int()/int32()/uint32()/float32()/float64(); boolean; literal;
 * enum; null; undefined; void; unknown; any; never; nan; union (inclusive);
 * optional; exactOptional; nullable; record(z.string() with checks, X),
 * looseRecord; array with min/max/length.
 *
 * What falls back, for the whole schema, to `schema.safeParse(v).success`:
 * anything that transforms or substitutes (transform, pipe, default, prefault,
 * catch, coerce, overwrite checks such as .trim()), refine/superRefine/check,
 * lazy and recursive shapes, string formats (email, uuid, url, ...), xor,
 * discriminatedUnion, intersection, tuple, map, set, date, bigint, readonly,
 * record keys other than plain strings, `__proto__` or symbol keys in a shape,
 * a check with a custom `when`. A fallback is a correct answer at zod's price,
 * and `fallbackReason` says what caused it.
 *
 * Out of scope: inputs whose property reads run code (getters, proxies). Zod
 * reads every field even after a failure and may throw where this returns
 * false. Items that crossed a structured clone never have either.
 */

const compiledChecks = new WeakSet<Check>();
const fallbackReasons = new WeakMap<Check, string>();

/**
 * Builds the fastest correct {@link Check} for `schema`: generated code, or
 * zod itself if any part is unsupported. Compiling costs far more than a check
 * (tens of microseconds), so do it once per schema: `checkFor` in
 * BatchValidator.ts caches by schema.
 */
export function compileValidator(schema: z.ZodType): Check {
  try {
    const check = new Codegen().compile(schema as unknown as ZodNode);
    compiledChecks.add(check);
    return check;
  } catch (e) {
    const check: Check = (value) => schema.safeParse(value).success;
    const reason = e instanceof Unsupported ? e.message : `compiler error: ${e instanceof Error ? e.message : String(e)}`;
    fallbackReasons.set(check, reason);
    return check;
  }
}

/** Whether `check` is generated code rather than the safeParse fallback. */
export function isCompiled(check: Check): boolean {
  return compiledChecks.has(check);
}

/** Why `compileValidator` fell back to safeParse for this check; `undefined` when it compiled. */
export function fallbackReason(check: Check): string | undefined {
  return fallbackReasons.get(check);
}

/** The slice of zod's internal schema shape the compiler reads. */
interface ZodNode {
  _zod: {
    def: Def;
    traits: Set<string>;
    optin?: 'optional' | 'defaulted';
    optout?: 'optional';
    version?: { major: number };
  };
}
interface Def {
  readonly type: string;
  readonly checks?: readonly ZodNode[];
  readonly [key: string]: unknown;
}
type CheckDef = Def & { readonly check?: string };

class Unsupported extends Error {}

const MAX_DEPTH = 64;
/** Shared subschemas are inlined at every use, so a schema DAG could expand exponentially; past this many nodes, zod is cheaper. */
const MAX_NODES = 5_000;
/** Literal and enum members compared with `===` up to this many; a Set beyond. */
const MAX_INLINE_VALUES = 8;

/** The `when` zod installs on length checks; any other `when` can skip a check, which the generated code never does. */
const DEFAULT_LENGTH_WHEN = (z.string().min(0) as unknown as ZodNode)._zod.def.checks?.[0]?._zod.def['when'];

const STRING_PATTERN_CHECKS = ['$ZodCheckRegex', '$ZodCheckLowerCase', '$ZodCheckUpperCase'];
const SAFE_INT_RANGE = z.core.util.NUMBER_FORMAT_RANGES.safeint;

/** One compilation: hoisted constants and helper functions, then a single factory call. */
class Codegen {
  private readonly constNames: string[] = [];
  private readonly constValues: unknown[] = [];
  private readonly functions: string[] = [];
  private vars = 0;
  private depth = 0;
  private nodes = 0;
  private readonly path = new Set<ZodNode>();

  compile(root: ZodNode): Check {
    if (root?._zod?.version?.major !== 4) throw new Unsupported('not a zod 4 schema');
    const entry = this.fn(root);
    const body = `"use strict";\n${this.functions.join('\n')}\nreturn ${entry};`;
    let factory: (...args: unknown[]) => Check;
    try {
      factory = new Function(...this.constNames, body) as (...args: unknown[]) => Check;
    } catch (e) {
      // A CSP that forbids eval, or a generator bug producing bad source: either way, zod still answers.
      throw new Unsupported(`code generation failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return factory(...this.constValues);
  }

  /** A named function `(value) => boolean` for `node`; returns its name. */
  private fn(node: ZodNode): string {
    const slot = this.functions.length;
    const name = `f${slot}`;
    this.functions.push(''); // reserved, so functions nested inside this one get later slots
    const arg = this.fresh();
    const lines: string[] = [];
    this.emit(node, arg, lines);
    this.functions[slot] = `function ${name}(${arg}) {\n${lines.map((l) => `  ${l}`).join('\n')}\n  return true;\n}`;
    return name;
  }

  private fresh(): string {
    return `v${this.vars++}`;
  }

  private constant(value: unknown): string {
    const at = this.constValues.indexOf(value);
    if (at >= 0) return this.constNames[at]!;
    const name = `c${this.constValues.length}`;
    this.constNames.push(name);
    this.constValues.push(value);
    return name;
  }

  /** Guards recursion and depth around visiting `node`. */
  private visit<T>(node: ZodNode, body: () => T): T {
    if (!node?._zod?.def) throw new Unsupported('a value that is not a zod schema');
    if (this.path.has(node)) throw new Unsupported('a recursive schema');
    if (this.depth >= MAX_DEPTH) throw new Unsupported(`nesting deeper than ${MAX_DEPTH}`);
    if (++this.nodes > MAX_NODES) throw new Unsupported(`more than ${MAX_NODES} schema nodes once inlined`);
    this.path.add(node);
    this.depth++;
    try {
      return body();
    } finally {
      this.depth--;
      this.path.delete(node);
    }
  }

  /** Statements that `return false` unless `x` is valid for `node`. */
  private emit(node: ZodNode, x: string, out: string[]): void {
    this.visit(node, () => {
      const leaf = this.leaf(node, x);
      if (leaf !== null) {
        if (leaf !== 'true') out.push(`if (!(${leaf})) return false;`);
        return;
      }
      const def = node._zod.def;
      switch (def.type) {
        case 'object':
          return this.emitObject(node, x, out);
        case 'array':
          return this.emitArray(node, x, out);
        case 'record':
          return this.emitRecord(node, x, out);
        case 'optional': {
          const inner = this.innerOf(node);
          if (node._zod.traits.has('$ZodExactOptional')) return this.emit(inner, x, out);
          const block: string[] = [];
          this.emit(inner, x, block);
          return wrap(out, `if (${x} !== undefined) {`, block);
        }
        case 'nullable': {
          const block: string[] = [];
          this.emit(this.innerOf(node), x, block);
          return wrap(out, `if (${x} !== null) {`, block);
        }
        case 'union': {
          const options = this.unionOptions(node);
          if (options.length === 0) {
            out.push('return false;');
            return;
          }
          const alternatives = options.map((o) => this.visit(o, () => this.leaf(o, x)) ?? `${this.fn(o)}(${x})`);
          out.push(`if (!(${alternatives.join(' || ')})) return false;`);
          return;
        }
        default:
          throw new Unsupported(describe(node));
      }
    });
  }

  /**
   * A side-effect-free boolean expression over `x` when `node` needs no
   * statements (primitives and wrappers of them), else null. `x` must be a
   * plain identifier: it is read several times.
   */
  private leaf(node: ZodNode, x: string): string | null {
    const def = node._zod.def;
    const traits = node._zod.traits;
    switch (def.type) {
      case 'string':
        expectTrait(node, '$ZodString');
        if (def['coerce']) throw new Unsupported('z.coerce.string()');
        if (traits.has('$ZodStringFormat') || traits.has('$ZodCheck')) throw new Unsupported(describe(node));
        return this.stringChecks(node, x);
      case 'number':
        expectTrait(node, '$ZodNumber');
        if (def['coerce']) throw new Unsupported('z.coerce.number()');
        return this.numberChecks(node, x);
      case 'boolean':
        expectTrait(node, '$ZodBoolean');
        if (def['coerce']) throw new Unsupported('z.coerce.boolean()');
        noChecks(node);
        return `typeof ${x} === "boolean"`;
      case 'literal':
        expectTrait(node, '$ZodLiteral');
        noChecks(node);
        return this.oneOf(def['values'] as readonly unknown[], x);
      case 'enum':
        expectTrait(node, '$ZodEnum');
        noChecks(node);
        return this.oneOf(z.core.util.getEnumValues(def['entries'] as z.core.util.EnumLike), x);
      case 'null':
        expectTrait(node, '$ZodNull');
        noChecks(node);
        return `${x} === null`;
      case 'undefined':
      case 'void':
        expectTrait(node, def.type === 'void' ? '$ZodVoid' : '$ZodUndefined');
        noChecks(node);
        return `${x} === undefined`;
      case 'unknown':
      case 'any':
        expectTrait(node, def.type === 'any' ? '$ZodAny' : '$ZodUnknown');
        noChecks(node);
        return 'true';
      case 'never':
        expectTrait(node, '$ZodNever');
        noChecks(node);
        return 'false';
      case 'nan':
        expectTrait(node, '$ZodNaN');
        noChecks(node);
        return `(typeof ${x} === "number" && ${x} !== ${x})`;
      case 'optional': {
        const inner = this.innerOf(node);
        const e = this.visit(inner, () => this.leaf(inner, x));
        if (e === null) return null;
        return traits.has('$ZodExactOptional') ? e : `(${x} === undefined || ${e})`;
      }
      case 'nullable': {
        const inner = this.innerOf(node);
        const e = this.visit(inner, () => this.leaf(inner, x));
        return e === null ? null : `(${x} === null || ${e})`;
      }
      case 'union': {
        const options = this.unionOptions(node);
        const alternatives: string[] = [];
        for (const o of options) {
          const e = this.visit(o, () => this.leaf(o, x));
          if (e === null) return null;
          alternatives.push(e);
        }
        return alternatives.length === 0 ? 'false' : `(${alternatives.join(' || ')})`;
      }
      default:
        return null;
    }
  }

  private innerOf(node: ZodNode): ZodNode {
    expectTrait(node, node._zod.def.type === 'optional' ? '$ZodOptional' : '$ZodNullable');
    noChecks(node);
    const inner = node._zod.def['innerType'] as ZodNode;
    // `.optional()` over a default substitutes a value for absence; only zod can do that.
    if (inner?._zod?.optin === 'defaulted') throw new Unsupported('a defaulted value');
    return inner;
  }

  private unionOptions(node: ZodNode): readonly ZodNode[] {
    const def = node._zod.def;
    expectTrait(node, '$ZodUnion');
    if (node._zod.traits.has('$ZodDiscriminatedUnion') || def['discriminator'] !== undefined) {
      throw new Unsupported('z.discriminatedUnion()');
    }
    if (node._zod.traits.has('$ZodXor') || def['inclusive'] === false) throw new Unsupported('z.xor()');
    noChecks(node);
    return def['options'] as readonly ZodNode[];
  }

  /** Mirrors `$ZodString` and the length/format checks, including zod 4.6's code-point lengths. */
  private stringChecks(node: ZodNode, x: string): string {
    const parts = [`typeof ${x} === "string"`];
    for (const check of checksOf(node)) {
      const def = check._zod.def as CheckDef;
      switch (def.check) {
        case 'min_length':
        case 'max_length':
        case 'length_equals':
          parts.push(this.lengthCheck(def, x, true));
          break;
        case 'string_format':
          parts.push(this.stringFormatCheck(check, x));
          break;
        default:
          throw new Unsupported(`check "${def.check}" on a string`);
      }
    }
    return `(${parts.join(' && ')})`;
  }

  private stringFormatCheck(check: ZodNode, x: string): string {
    const def = check._zod.def;
    const traits = check._zod.traits;
    if (def['when'] !== undefined) throw new Unsupported('a check with a custom "when"');
    if (traits.has('$ZodType')) throw new Unsupported(`a string format check (${String(def['format'])})`);
    if (STRING_PATTERN_CHECKS.some((t) => traits.has(t)) && def['pattern'] instanceof RegExp) {
      const re = def['pattern'];
      const name = this.constant(re);
      // zod resets lastIndex before every test; only a global or sticky regex reads it.
      return re.global || re.sticky ? `(${name}.lastIndex = 0, ${name}.test(${x}))` : `${name}.test(${x})`;
    }
    if (traits.has('$ZodCheckStartsWith')) return `${x}.startsWith(${stringLiteral(def['prefix'])})`;
    if (traits.has('$ZodCheckEndsWith')) return `${x}.endsWith(${stringLiteral(def['suffix'])})`;
    if (traits.has('$ZodCheckIncludes')) {
      const position = def['position'];
      if (position !== undefined && typeof position !== 'number') throw new Unsupported('includes() with a non-number position');
      const at = position === undefined ? '' : `, ${numberLiteral(position)}`;
      return `${x}.includes(${stringLiteral(def['includes'])}${at})`;
    }
    throw new Unsupported(`a string format check (${String(def['format'])})`);
  }

  /** Length bounds exactly as `$ZodCheckMinLength` and friends compute them: strings in code points, arrays in elements. */
  private lengthCheck(def: CheckDef, x: string, isString: boolean): string {
    if (def['when'] !== undefined && def['when'] !== DEFAULT_LENGTH_WHEN) throw new Unsupported('a check with a custom "when"');
    const bound = (key: string): string => {
      const n = def[key];
      if (typeof n !== 'number') throw new Unsupported(`${String(def.check)} with a non-number bound`);
      return numberLiteral(n);
    };
    const cpl = isString ? this.constant(z.core.util.codePointLength) : '';
    switch (def.check) {
      case 'min_length': {
        const min = bound('minimum');
        if (!isString) return `${x}.length >= ${min}`;
        const twice = numberLiteral((def['minimum'] as number) * 2);
        return `((${x}.length >= ${min} && ${x}.length < ${twice}) ? ${cpl}(${x}) : ${x}.length) >= ${min}`;
      }
      case 'max_length': {
        const max = bound('maximum');
        if (!isString) return `${x}.length <= ${max}`;
        return `(${x}.length > ${max} ? ${cpl}(${x}) : ${x}.length) <= ${max}`;
      }
      default: {
        const len = bound('length');
        if (!isString) return `${x}.length === ${len}`;
        const twice = numberLiteral((def['length'] as number) * 2);
        return `((${x}.length >= ${len} && ${x}.length <= ${twice}) ? ${cpl}(${x}) : ${x}.length) === ${len}`;
      }
    }
  }

  /** Mirrors `$ZodNumber` (finite numbers only: NaN and ±Infinity are invalid) and its checks. */
  private numberChecks(node: ZodNode, x: string): string {
    const type = [`typeof ${x} === "number"`];
    const parts: string[] = [];
    let finite = `Number.isFinite(${x})`;
    for (const check of checksOf(node)) {
      const def = check._zod.def as CheckDef;
      if (def['when'] !== undefined) throw new Unsupported('a check with a custom "when"');
      switch (def.check) {
        case 'greater_than':
          parts.push(`${x} ${def['inclusive'] ? '>=' : '>'} ${comparisonOperand(def['value'])}`);
          break;
        case 'less_than':
          parts.push(`${x} ${def['inclusive'] ? '<=' : '<'} ${comparisonOperand(def['value'])}`);
          break;
        case 'number_format': {
          const format = String(def['format'] ?? 'float64') as keyof typeof z.core.util.NUMBER_FORMAT_RANGES;
          const range = z.core.util.NUMBER_FORMAT_RANGES[format];
          if (!range) throw new Unsupported(`number format "${format}"`);
          const [min, max] = range;
          if (format.includes('int')) {
            // isSafeInteger implies finite, so it replaces the type's own finiteness test.
            finite = `Number.isSafeInteger(${x})`;
            if (min !== SAFE_INT_RANGE[0] || max !== SAFE_INT_RANGE[1]) parts.push(`${x} >= ${numberLiteral(min)} && ${x} <= ${numberLiteral(max)}`);
          } else if (format !== 'float64') {
            parts.push(`${x} >= ${numberLiteral(min)} && ${x} <= ${numberLiteral(max)}`);
          }
          break;
        }
        case 'multiple_of': {
          if (typeof def['value'] !== 'number') throw new Unsupported('multipleOf with a non-number divisor');
          parts.push(`${this.constant(z.core.util.floatSafeRemainder)}(${x}, ${numberLiteral(def['value'])}) === 0`);
          break;
        }
        default:
          throw new Unsupported(`check "${def.check}" on a number`);
      }
    }
    return `(${[...type, finite, ...parts].join(' && ')})`;
  }

  /** Membership with SameValueZero, as zod's `Set.has`. */
  private oneOf(values: readonly unknown[], x: string): string {
    if (values.length === 0) return 'false';
    if (values.length > MAX_INLINE_VALUES) return `${this.constant(new Set(values))}.has(${x})`;
    return `(${values.map((v) => this.equals(v, x)).join(' || ')})`;
  }

  private equals(value: unknown, x: string): string {
    switch (typeof value) {
      case 'string':
        return `${x} === ${stringLiteral(value)}`;
      case 'number':
        return Number.isNaN(value) ? `${x} !== ${x}` : `${x} === ${numberLiteral(value)}`;
      case 'bigint':
        return `${x} === ${value}n`;
      case 'boolean':
        return `${x} === ${value}`;
      case 'undefined':
        return `${x} === undefined`;
      default:
        return value === null ? `${x} === null` : `${x} === ${this.constant(value)}`;
    }
  }

  private emitObject(node: ZodNode, x: string, out: string[]): void {
    expectTrait(node, '$ZodObject');
    noChecks(node);
    const def = node._zod.def;
    const shape = def['shape'] as Record<string, ZodNode>;
    if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unsupported('a symbol key in an object shape');
    const keys = Object.keys(shape);
    if (keys.includes('__proto__')) throw new Unsupported('a "__proto__" key in an object shape');
    out.push(`if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) return false;`);
    for (const key of keys) this.emitField(shape[key]!, key, x, out);
    this.emitCatchall(def['catchall'] as ZodNode | undefined, keys, x, out);
  }

  /** One declared key, with zod's presence rules (`handlePropertyResult`) resolved at compile time. */
  private emitField(field: ZodNode, key: string, x: string, out: string[]): void {
    if (!field?._zod) throw new Unsupported(`a non-schema value at key "${key}"`);
    const { optin, optout } = field._zod;
    if (optin === 'defaulted') throw new Unsupported('a defaulted value');
    const k = stringLiteral(key);
    const v = this.fresh();
    const block: string[] = [];
    this.emit(field, v, block);
    // Asked of zod itself, once, and only after `emit` proved the field supported: would an absent key's undefined pass?
    const acceptsUndefined = z.safeParse(field as unknown as z.ZodType, undefined).success;
    out.push(`const ${v} = ${x}${propertyAccess(key)};`);
    if (optin === undefined) {
      // Required key. If the field rejects undefined, a passing value proves the key is present.
      if (acceptsUndefined) out.push(`if (!(${k} in ${x})) return false;`);
      out.push(...block);
    } else if (optout === 'optional' && !acceptsUndefined) {
      // Absent is fine, present-but-undefined is not (exactOptional and the like).
      wrap(out, `if (${v} !== undefined || ${k} in ${x}) {`, block);
    } else {
      out.push(...block);
    }
  }

  private emitCatchall(catchall: ZodNode | undefined, keys: readonly string[], x: string, out: string[]): void {
    if (catchall === undefined) return;
    if (catchall?._zod?.def?.type === 'never' && catchall._zod.traits.has('$ZodNever')) {
      noChecks(catchall);
      // for...in, like zod: inherited enumerable keys count as unknown keys too.
      const k = this.fresh();
      if (keys.length === 0) {
        out.push(`for (const ${k} in ${x}) return false;`);
      } else {
        out.push(`for (const ${k} in ${x}) { switch (${k}) { ${keys.map((key) => `case ${stringLiteral(key)}: `).join('')}break; default: return false; } }`);
      }
      return;
    }
    const k = this.fresh();
    const v = this.fresh();
    const block: string[] = [];
    this.emit(catchall, v, block);
    if (block.length === 0) return; // unknown/any: .loose() and .passthrough() accept every extra key
    const skip = [...keys, '__proto__'].map((key) => `case ${stringLiteral(key)}: `).join('');
    wrap(out, `for (const ${k} in ${x}) {`, [`switch (${k}) { ${skip}continue; }`, `const ${v} = ${x}[${k}];`, ...block]);
  }

  private emitArray(node: ZodNode, x: string, out: string[]): void {
    expectTrait(node, '$ZodArray');
    out.push(`if (!Array.isArray(${x})) return false;`);
    for (const check of checksOf(node)) {
      const def = check._zod.def as CheckDef;
      if (def.check !== 'min_length' && def.check !== 'max_length' && def.check !== 'length_equals') {
        throw new Unsupported(`check "${def.check}" on an array`);
      }
      out.push(`if (!(${this.lengthCheck(def, x, false)})) return false;`);
    }
    const i = this.fresh();
    const v = this.fresh();
    const block: string[] = [];
    this.emit(node._zod.def['element'] as ZodNode, v, block);
    if (block.length > 0) wrap(out, `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {`, [`const ${v} = ${x}[${i}];`, ...block]);
  }

  /**
   * `$ZodRecord` for a plain string key schema: own enumerable keys except
   * `__proto__`; an enumerable symbol key fails z.string(), so it is an
   * invalid key (or ignored by looseRecord).
   */
  private emitRecord(node: ZodNode, x: string, out: string[]): void {
    expectTrait(node, '$ZodRecord');
    noChecks(node);
    const def = node._zod.def;
    const keyType = def['keyType'] as ZodNode;
    const keyDef = keyType?._zod?.def;
    if (keyDef?.type !== 'string' || keyType._zod.traits.has('$ZodCheck') || keyType._zod.traits.has('$ZodStringFormat')) {
      throw new Unsupported('a record key schema other than z.string()');
    }
    const loose = def['mode'] === 'loose';
    const onBadKey = loose ? 'continue;' : 'return false;';
    const k = this.fresh();
    const v = this.fresh();
    const keyCheck = this.visit(keyType, () => this.leaf(keyType, k));
    const block: string[] = [];
    this.emit(def['valueType'] as ZodNode, v, block);
    out.push(`if (!${this.constant(z.core.util.isPlainObject)}(${x})) return false;`);
    const body = [`if (${k} === "__proto__" || !${this.constant(Object.hasOwn)}(${x}, ${k})) continue;`];
    if (keyCheck !== `(typeof ${k} === "string")`) body.push(`if (!(${keyCheck})) ${onBadKey}`);
    if (block.length > 0) body.push(`const ${v} = ${x}[${k}];`, ...block);
    if (body.length > 1) wrap(out, `for (const ${k} in ${x}) {`, body);
    if (!loose) {
      const s = this.fresh();
      const isEnumerable = this.constant(Object.prototype.propertyIsEnumerable);
      out.push(`for (const ${s} of Object.getOwnPropertySymbols(${x})) if (${isEnumerable}.call(${x}, ${s})) return false;`);
    }
  }
}

/** The checks zod runs for `node`: a format schema (z.int()) is its own first check. */
function checksOf(node: ZodNode): readonly ZodNode[] {
  const own = node._zod.def.checks ?? [];
  return node._zod.traits.has('$ZodCheck') ? [node, ...own] : own;
}

function noChecks(node: ZodNode): void {
  if (node._zod.traits.has('$ZodCheck')) throw new Unsupported(describe(node));
  const checks = node._zod.def.checks;
  if (checks && checks.length > 0) {
    const kind = checks[0]!._zod.def['check'];
    throw new Unsupported(kind === 'custom' ? 'refine/check' : `check "${String(kind)}" on ${node._zod.def.type}`);
  }
}

/** Rejects a subclass that reuses a def type but may parse differently. */
function expectTrait(node: ZodNode, trait: string): void {
  if (!node._zod.traits.has(trait)) throw new Unsupported(`${node._zod.def.type} schema without ${trait}`);
}

function describe(node: ZodNode): string {
  const def = node._zod.def;
  const format = def['format'];
  return typeof format === 'string' ? `z.${format}()` : `z.${def.type}()`;
}

function wrap(out: string[], open: string, block: readonly string[]): void {
  if (block.length === 0) return;
  out.push(open, ...block.map((l) => `  ${l}`), '}');
}

function stringLiteral(value: unknown): string {
  if (typeof value !== 'string') throw new Unsupported(`a non-string where a string was expected (${typeof value})`);
  return JSON.stringify(value);
}

function numberLiteral(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (Object.is(n, -0)) return '-0';
  return n < 0 ? `(${String(n)})` : String(n);
}

function comparisonOperand(value: unknown): string {
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'bigint') return `(${value}n)`;
  throw new Unsupported(`a comparison bound of type ${typeof value}`);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function propertyAccess(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
