/**
 * A lossless, cheaper wire form for a batch of same-shaped plain objects: the
 * common case on the worker boundary. Structured clone costs ~0.4 µs to write
 * and ~0.65 µs to read a 9-field item on this machine kind, on the kernel's
 * thread, at every tier, both ways: with seven workers that thread was the
 * pipeline's ceiling (~50 k events/s). Here a batch crosses as its shape (keys
 * and value types, nested plain objects included), one Float64Array of columns
 * (numbers, booleans, and strings as indexes into a per-batch dictionary), the
 * dictionary, and the raw values of any other field; reading and writing it
 * are straight-line functions generated once per shape, ~30 and ~60 ns an item.
 *
 * Lossless means decoding yields what structured clone would: the same own
 * enumerable keys in the same order, the same values (-0 and NaN included),
 * anything else cloned as usual. Whatever this cannot promise that for makes
 * `encodeBatch` return undefined and the caller clones the batch: items that
 * are not plain objects, or whose keys or value types differ from the first
 * item's, too many fields, a `__proto__` key. As with the contract validator,
 * property reads are assumed to run no code (no getters, no proxies), and
 * identity shared between items is not kept (each decoded item is its own).
 */

/** Batch as it crosses (structured-clone safe); the receiver may keep `nums.buffer` for reuse. */
export interface EncodedBatch {
  readonly codec: 1;
  readonly n: number;
  /**
   * JSON of the fields, `[[key, type], ...]`, type one of `"n"` (number), `"s"`
   * (string, an index into `dict`), `"b"` (boolean), `"x"` (anything: the raw
   * values, in `extra`) or a nested field list for a plain-object value.
   */
  readonly shape: string;
  /** One column per n/s/b field, depth-first: field c of item i is at `c * n + i`. */
  readonly nums: Float64Array<ArrayBuffer>;
  readonly dict: readonly string[];
  /** One array of raw values per x field, depth-first. */
  readonly extra: readonly (readonly unknown[])[];
}

/**
 * A batch of a few shapes (market data mixes trades and quotes; a candle
 * close adds a field): each shape group encoded as above, plus which group
 * each item came from, so the order is kept exactly.
 */
export interface MixedBatch {
  readonly codec: 2;
  readonly n: number;
  /** Group index of item i. */
  readonly groups: Uint8Array<ArrayBuffer>;
  readonly parts: readonly EncodedBatch[];
}

export type WireBatch = EncodedBatch | MixedBatch;

/** Buffers to transfer with a batch. */
export function transferables(b: WireBatch): ArrayBuffer[] {
  return b.codec === 1 ? [b.nums.buffer] : [b.groups.buffer, ...b.parts.map((p) => p.nums.buffer)];
}

type Field = [key: string, type: 'n' | 's' | 'b' | 'x' | Field[]];
type Encoder = (items: readonly unknown[], n: number, scratch: ArrayBuffer | undefined) => EncodedBatch | undefined;
type Decoder = (n: number, nums: Float64Array<ArrayBuffer>, dict: readonly string[], extra: readonly (readonly unknown[])[]) => unknown[];

/** Below this a batch costs more to set up than to clone. */
const MIN_ITEMS = 2;
/** Fields per item, nested ones included; a bigger item is cloned. */
const MAX_FIELDS = 64;
/** Plain objects nested deeper than this cross as raw values. */
const MAX_DEPTH = 3;
/** Shapes are compiled once each; a module that emits ever-new shapes falls back to cloning. */
const MAX_SHAPES = 256;
/** Shape groups in one mixed batch; more and the batch is cloned. */
const MAX_GROUPS = 6;

const encoders = new Map<string, Encoder>();
const decoders = new Map<string, Decoder>();
const OBJECT_PROTO = Object.prototype;

/**
 * The compact form of `items`, or undefined when it cannot be both compact and
 * lossless. Its `nums` is a view on `scratch` when that is large enough (the
 * buffer a previous batch came in: allocating one per batch costs more than
 * the encoding), else on a new buffer; either way the caller may transfer
 * `nums.buffer`, which then belongs to the receiver.
 */
export function encodeBatch(items: unknown, scratch?: ArrayBuffer): WireBatch | undefined {
  if (!Array.isArray(items)) return undefined;
  const n = items.length;
  if (n < MIN_ITEMS) return undefined;
  return encodeSingle(items, n, scratch) ?? encodeMixed(items, n);
}

function encodeSingle(items: readonly unknown[], n: number, scratch: ArrayBuffer | undefined): EncodedBatch | undefined {
  const id = shapeId(items[0], 0, { fields: 0 });
  if (id === undefined) return undefined;
  let enc = encoders.get(id);
  if (enc === undefined) {
    if (encoders.size >= MAX_SHAPES) return undefined;
    enc = compileEncoder(shapeOf(items[0] as Record<string, unknown>, 0));
    encoders.set(id, enc);
  }
  return enc(items, n, scratch);
}

/**
 * Groups items by their number of own keys, a cheap stand-in for their shape,
 * and encodes each group with the single-shape encoder, which checks every
 * item against its group's first: two shapes with the same key count make
 * that check fail and the whole batch is cloned, so grouping can only cost
 * speed, never correctness.
 */
function encodeMixed(items: readonly unknown[], n: number): MixedBatch | undefined {
  const groups = new Uint8Array(n);
  const keyCounts: number[] = [];
  const members: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (typeof it !== 'object' || it === null) return undefined;
    const k = Object.keys(it).length;
    let g = keyCounts.indexOf(k);
    if (g < 0) {
      if (keyCounts.length >= MAX_GROUPS) return undefined;
      g = keyCounts.push(k) - 1;
      members.push([]);
    }
    groups[i] = g;
    members[g]!.push(it);
  }
  if (members.length < 2) return undefined;
  const parts: EncodedBatch[] = [];
  for (const m of members) {
    const part = encodeSingle(m, m.length, undefined);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return { codec: 2, n, groups, parts };
}

/** The items `encodeBatch` was given, as structured clone would have delivered them. */
export function decodeBatch(b: WireBatch): unknown[] {
  if (b.codec === 2) return decodeMixed(b);
  return decodeSingle(b);
}

function decodeMixed(b: MixedBatch): unknown[] {
  const { n, groups, parts } = b;
  if (!Number.isInteger(n) || !(groups instanceof Uint8Array) || groups.length !== n || !Array.isArray(parts) || parts.length > MAX_GROUPS) {
    throw new TypeError('malformed encoded batch');
  }
  const decoded = parts.map((p) => decodeSingle(p));
  const next = new Array<number>(decoded.length).fill(0);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    const part = decoded[g];
    if (part === undefined || next[g]! >= part.length) throw new TypeError('malformed encoded batch');
    out[i] = part[next[g]!++];
  }
  return out;
}

function decodeSingle(b: EncodedBatch): unknown[] {
  const { n, shape, nums, dict, extra } = b;
  // It came from another thread: check the frame before trusting its sizes.
  if (!Number.isInteger(n) || n < 0 || typeof shape !== 'string' || !(nums instanceof Float64Array) || !Array.isArray(dict) || !Array.isArray(extra)) {
    throw new TypeError('malformed encoded batch');
  }
  let dec = decoders.get(shape);
  if (dec === undefined) {
    dec = compileDecoder(parseShape(shape));
    if (decoders.size < MAX_SHAPES) decoders.set(shape, dec);
  }
  return dec(n, nums, dict, extra);
}

/**
 * A cache key for the shape of `v`: keys and value types, depth-first. Keys
 * never contain the separators (such items are cloned), so two shapes never
 * share a key.
 */
function shapeId(v: unknown, depth: number, count: { fields: number }): string | undefined {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== OBJECT_PROTO) return undefined;
  let id = '';
  for (const key in v) {
    if (++count.fields > MAX_FIELDS || key === '__proto__' || /[\u0000-\u0002]/.test(key)) return undefined;
    const x = (v as Record<string, unknown>)[key];
    const t = typeof x;
    let type: string;
    if (t === 'number') type = 'n';
    else if (t === 'string') type = 's';
    else if (t === 'boolean') type = 'b';
    else if (depth < MAX_DEPTH && t === 'object' && x !== null && Object.getPrototypeOf(x) === OBJECT_PROTO) {
      const inner = shapeId(x, depth + 1, count);
      if (inner === undefined) return undefined;
      type = `\u0001${inner}\u0002`;
    } else type = 'x';
    id += `${key}\u0000${type}`;
  }
  return depth === 0 && id === '' ? undefined : id;
}

function shapeOf(v: Record<string, unknown>, depth: number): Field[] {
  const fields: Field[] = [];
  for (const key in v) {
    const x = v[key];
    const t = typeof x;
    if (t === 'number') fields.push([key, 'n']);
    else if (t === 'string') fields.push([key, 's']);
    else if (t === 'boolean') fields.push([key, 'b']);
    else if (depth < MAX_DEPTH && t === 'object' && x !== null && Object.getPrototypeOf(x) === OBJECT_PROTO) fields.push([key, shapeOf(x as Record<string, unknown>, depth + 1)]);
    else fields.push([key, 'x']);
  }
  return fields;
}

/** The shape a peer sent, checked as strictly as `shapeOf` would have built it. */
function parseShape(shape: string): Field[] {
  let fields = 0;
  const check = (v: unknown, depth: number): Field[] => {
    if (!Array.isArray(v) || depth > MAX_DEPTH) throw new TypeError('malformed encoded batch shape');
    for (const f of v) {
      if (!Array.isArray(f) || f.length !== 2 || typeof f[0] !== 'string' || f[0] === '__proto__' || ++fields > MAX_FIELDS) throw new TypeError('malformed encoded batch shape');
      if (Array.isArray(f[1])) check(f[1], depth + 1);
      else if (f[1] !== 'n' && f[1] !== 's' && f[1] !== 'b' && f[1] !== 'x') throw new TypeError('malformed encoded batch shape');
    }
    return v as Field[];
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(shape);
  } catch {
    throw new TypeError('malformed encoded batch shape');
  }
  return check(parsed, 0);
}

/**
 * A Float64Array of `length` on `scratch` if it fits, else on a new buffer
 * rounded up to a power of two, so the tiers after this one (a few more or
 * fewer fields each) can write their answers into it as it travels on.
 */
function numsFor(length: number, scratch: ArrayBuffer | undefined): Float64Array<ArrayBuffer> {
  if (scratch !== undefined && scratch.byteLength >= length * 8) return new Float64Array(scratch, 0, length);
  return new Float64Array(new ArrayBuffer(Math.max(1024, 2 ** Math.ceil(Math.log2(length))) * 8), 0, length);
}

/** Columns (n/s/b fields) and raw-value fields of a shape, depth-first. */
function count(fields: readonly Field[]): { cols: number; xs: number } {
  let cols = 0;
  let xs = 0;
  for (const [, t] of fields) {
    if (Array.isArray(t)) {
      const c = count(t);
      cols += c.cols;
      xs += c.xs;
    } else if (t === 'x') xs++;
    else cols++;
  }
  return { cols, xs };
}

/*
 * Generated code only ever embeds keys as JSON string literals (never as
 * identifiers) and numbers it computed itself, so no key can inject code.
 */

/**
 * An encoder for items shaped like the first: the same keys in the same order
 * and, per field, the same value type (n, s, b, a nested shape; x takes
 * anything). An item that differs makes it return undefined: the batch is
 * then cloned instead.
 */
function compileEncoder(fields: Field[]): Encoder {
  const { cols, xs } = count(fields);
  const keyLists: string[] = [];
  const head: string[] = [];
  const body: string[] = [];
  let col = 0;
  let x = 0;
  let obj = 0;
  const visit = (fs: readonly Field[], o: string): void => {
    const K = `K${keyLists.length}`;
    keyLists.push(`const ${K} = [${fs.map(([k]) => JSON.stringify(k)).join(', ')}];`);
    // Same own enumerable keys in the same order (for-in also sees enumerable inherited ones).
    body.push(`if (typeof ${o} !== 'object' || ${o} === null || getProto(${o}) !== OP) return undefined;`);
    body.push(`c = 0; for (const key in ${o}) { if (c === ${fs.length} || key !== ${K}[c]) return undefined; c++; } if (c !== ${fs.length}) return undefined;`);
    for (const [key, t] of fs) {
      const v = `v${obj++}`;
      body.push(`const ${v} = ${o}[${JSON.stringify(key)}];`);
      if (Array.isArray(t)) {
        visit(t, v);
        continue;
      }
      const at = `nums[${col} * n + i]`;
      switch (t) {
        case 'n':
          body.push(`if (typeof ${v} !== 'number') return undefined; ${at} = ${v};`);
          col++;
          break;
        case 'b':
          body.push(`if (typeof ${v} !== 'boolean') return undefined; ${at} = ${v} ? 1 : 0;`);
          col++;
          break;
        case 's': {
          // The column's last string is remembered, so enum-like columns (side, verdict) skip the Map.
          const s = `s${col}`;
          const ix = `ix${col}`;
          head.push(`let ${s}, ${ix} = 0;`);
          body.push(`if (typeof ${v} !== 'string') return undefined;`);
          body.push(`if (${v} !== ${s}) { ${s} = ${v}; ${ix} = index.get(${v}); if (${ix} === undefined) { ${ix} = dict.length; dict.push(${v}); index.set(${v}, ${ix}); } }`);
          body.push(`${at} = ${ix};`);
          col++;
          break;
        }
        default:
          body.push(`x${x}[i] = ${v};`);
          head.push(`const x${x} = new Array(n);`);
          x++;
      }
    }
  };
  visit(fields, 'it');
  const src = [
    ...keyLists,
    `const SHAPE = ${JSON.stringify(JSON.stringify(fields))};`,
    `return function encode(items, n, scratch) {`,
    `const nums = numsFor(n * ${cols}, scratch);`,
    `const dict = []; const index = new Map();`,
    `let c = 0;`,
    ...head,
    `for (let i = 0; i < n; i++) {`,
    `const it = items[i];`,
    ...body,
    `}`,
    `return { codec: 1, n, shape: SHAPE, nums, dict, extra: [${Array.from({ length: xs }, (_, j) => `x${j}`).join(', ')}] };`,
    `};`,
  ];
  return new Function('getProto', 'OP', 'numsFor', src.join('\n'))(Object.getPrototypeOf, OBJECT_PROTO, numsFor) as Encoder;
}

/** A decoder for one shape; it checks the columns it will read are all there. */
function compileDecoder(fields: Field[]): Decoder {
  const { cols, xs } = count(fields);
  let col = 0;
  let x = 0;
  const literal = (fs: readonly Field[]): string =>
    `{ ${fs
      .map(([key, t]) => {
        let value: string;
        if (Array.isArray(t)) value = literal(t);
        else if (t === 'x') value = `x${x++}[i]`;
        else {
          const at = `nums[${col++} * n + i]`;
          value = t === 'n' ? at : t === 's' ? `dict[${at}]` : `${at} === 1`;
        }
        return `${JSON.stringify(key)}: ${value}`;
      })
      .join(', ')} }`;
  const item = literal(fields);
  const src = [
    `return function decode(n, nums, dict, extra) {`,
    `if (nums.length < n * ${cols} || extra.length !== ${xs}) throw new TypeError('malformed encoded batch');`,
    ...Array.from({ length: xs }, (_, j) => `const x${j} = extra[${j}]; if (!Array.isArray(x${j}) || x${j}.length !== n) throw new TypeError('malformed encoded batch');`),
    `const out = [];`,
    `for (let i = 0; i < n; i++) out.push(${item});`,
    `return out;`,
    `};`,
  ];
  return new Function(src.join('\n'))() as Decoder;
}
