import fc from 'fast-check';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EncodedBatch, WireBatch } from '../../src/isolation/BatchCodec.ts';

// A fresh module per test: the codec compiles at most 256 shapes per thread, and the
// property test alone generates more than that.
let encodeBatch: typeof import('../../src/isolation/BatchCodec.ts').encodeBatch;
let decodeBatch: typeof import('../../src/isolation/BatchCodec.ts').decodeBatch;
beforeEach(async () => {
  vi.resetModules();
  ({ encodeBatch, decodeBatch } = await import('../../src/isolation/BatchCodec.ts'));
});

/** What the other thread receives: the batch after a real postMessage, its buffer transferred. */
function cross<B extends WireBatch>(b: B): B {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(b, b.codec === 1 ? [b.nums.buffer] : [b.groups.buffer, ...b.parts.map((p) => p.nums.buffer)]);
    return receiveMessageOnPort(port2)!.message as B;
  } finally {
    port1.close();
  }
}

/** Values with their key order and -0/NaN/undefined made visible, so "equal" means what structured clone keeps. */
function exact(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (v === undefined) return '(undefined)';
  if (Array.isArray(v)) return v.map(exact);
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => [k, exact(x)]);
  return v;
}

/** Encoding must be invisible: where it is used, the receiver sees exactly what structured clone gives. */
function roundTrip(items: unknown[]): boolean {
  const b = encodeBatch(items);
  if (b === undefined) return false;
  expect(exact(decodeBatch(cross(b)))).toEqual(exact(structuredClone(items)));
  return true;
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'BRK.B', '', 'ünï', '__proto__', 'constructor'];
const leaf = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(...SYMBOLS),
  fc.string(),
  fc.constant(undefined),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const key = fc.oneof(fc.constantFrom('seq', 'symbol', 'ts', 'price', '0', '7', 'a b', '"', 'constructor', 'toString'), fc.string({ maxLength: 6 }));

/** A template shape; items are built from it with fresh values of the same kinds, as a module would. */
const shape: fc.Arbitrary<[string, unknown][]> = fc.uniqueArray(fc.tuple(key, fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, leaf, { maxKeys: 3 }))), {
  selector: ([k]) => k,
  minLength: 1,
  maxLength: 12,
});

function itemsLike(template: [string, unknown][], n: number, seed: number): Record<string, unknown>[] {
  const vary = (v: unknown, i: number): unknown => {
    if (typeof v === 'number' && Number.isFinite(v)) return v + i * seed;
    if (typeof v === 'string') return SYMBOLS[(i + seed) % SYMBOLS.length];
    if (typeof v === 'boolean') return (i + seed) % 2 === 0;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, vary(x, i)]));
    return v;
  };
  return Array.from({ length: n }, (_, i) => Object.fromEntries(template.map(([k, v]) => [k, vary(v, i)])));
}

describe('BatchCodec', () => {
  it('gives exactly what structured clone gives, for same-shaped batches of any field kinds', () => {
    let encoded = 0;
    fc.assert(
      fc.property(shape, fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 5 }), (template, n, seed) => {
        if (roundTrip(itemsLike(template, n, seed))) encoded++;
      }),
      { numRuns: 200 },
    );
    // Every generated batch is same-shaped plain objects: the codec must take them, not decline.
    expect(encoded).toBe(200);
  });

  it('carries the tier contracts with nested records, and the buffer back for reuse', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({ seq: i + 1, symbol: SYMBOLS[i % 4]!, ts: 1.7e12 + i, price: 100 + i / 7, features: { count: i, mean: i / 3 } }));
    const b = encodeBatch(items) as EncodedBatch;
    expect(JSON.parse(b.shape)).toEqual([['seq', 'n'], ['symbol', 's'], ['ts', 'n'], ['price', 'n'], ['features', [['count', 'n'], ['mean', 'n']]]]);
    expect(b.dict).toEqual(SYMBOLS.slice(0, 4));
    const got = cross(b);
    expect(decodeBatch(got)).toEqual(items);
    // The buffer the batch came in is written into next time, not reallocated.
    const again = encodeBatch(items, got.nums.buffer) as EncodedBatch;
    expect(again.nums.buffer).toBe(got.nums.buffer);
    expect(decodeBatch(again)).toEqual(items);
  });

  it('stops compiling new shapes after 256, and declines them rather than grow without bound', () => {
    for (let i = 0; i < 256; i++) expect(encodeBatch([{ [`k${i}`]: 1 }, { [`k${i}`]: 2 }])).toBeDefined();
    expect(encodeBatch([{ k256: 1 }, { k256: 2 }])).toBeUndefined();
    expect(encodeBatch([{ k0: 1 }, { k0: 2 }])).toBeDefined();
  });

  it('carries a batch of a few shapes (trades and quotes, some closing a candle) in input order', () => {
    const items = Array.from({ length: 500 }, (_, i) => {
      const base = { seq: i + 1, symbol: SYMBOLS[i % 3]!, ts: 1.7e12 + i, kind: i % 2 === 0 ? 'trade' : 'quote', price: 100 + i / 9, size: i % 7 };
      if (i % 2 === 1) return { ...base, bid: 99 + i / 9, ask: 101 + i / 9 };
      if (i % 50 === 0) return { ...base, candles: [{ tf: '1m', start: i, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, count: 3 }] };
      return base;
    });
    const b = encodeBatch(items)!;
    expect(b.codec).toBe(2);
    expect(decodeBatch(cross(b))).toEqual(items);
    // An extra or a missing key is another shape: its own group, still exact.
    expect(roundTrip([{ seq: 1, symbol: 'A', ts: 2 }, { seq: 1, symbol: 'A', ts: 2, extra: 1 }, { seq: 1, symbol: 'A' }])).toBe(true);
    // Two shapes with the same key count cannot share a group: the batch is declined (cloned), never mangled.
    expect(encodeBatch([{ a: 1, b: 2 }, { a: 1, c: 2 }, { a: 1 }])).toBeUndefined();
  });

  it('declines what it cannot carry losslessly, so the caller clones instead', () => {
    const base = () => ({ seq: 1, symbol: 'A', ts: 2 });
    class Tick {
      seq = 1;
      symbol = 'A';
      ts = 2;
    }
    const inherited = Object.assign(Object.create({ hidden: 1 }) as object, base());
    const cases: [string, unknown][] = [
      ['not an array', { 0: base(), length: 2 }],
      ['a single item', [base()]],
      ['no keys', [{}, {}]],
      ['a class instance', [new Tick(), new Tick()]],
      ['a null-prototype item', [Object.assign(Object.create(null) as object, base()), base()]],
      ['an inherited enumerable key', [base(), inherited]],
      ['keys in another order', [base(), { symbol: 'A', seq: 1, ts: 2 }]],
      ['a value of another type', [base(), { ...base(), ts: '2' }]],
      ['a nested object of another shape', [{ f: { a: 1 } }, { f: { b: 1 } }]],
      ['a __proto__ own key', [JSON.parse('{"__proto__": 1, "a": 2}'), JSON.parse('{"__proto__": 1, "a": 2}')]],
      ['a hole', [base(), , base()]], // eslint-disable-line no-sparse-arrays
      ['a primitive item', [base(), 5]],
      ['a separator in a key', [{ 'a\u0000b': 1 }, { 'a\u0000b': 1 }]],
      ['too many fields', [Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]))].flatMap((x) => [x, x])],
    ];
    for (const [what, items] of cases) expect({ what, encoded: encodeBatch(items) }).toEqual({ what, encoded: undefined });
  });

  it('keeps what only structured clone can carry in raw columns: arrays, nulls, dates, deep nesting', () => {
    const deep = (i: number) => ({ a: { b: { c: { d: { e: i } } } } });
    expect(roundTrip([deep(1), deep(2), deep(3)])).toBe(true);
    const mixed = (i: number) => ({ when: new Date(i), tags: ['x', i], none: null, u: undefined, big: 10n ** 20n + BigInt(i) });
    expect(roundTrip([mixed(1), mixed(2)])).toBe(true);
  });

  it('refuses malformed frames instead of decoding them', () => {
    const good = encodeBatch([{ a: 1, s: 'x' }, { a: 2, s: 'y' }])!;
    const bad: [string, unknown][] = [
      ['n not an integer', { ...good, n: 1.5 }],
      ['too few numbers', { ...good, n: 3 }],
      ['nums not a Float64Array', { ...good, nums: [1, 2, 3, 4] }],
      ['shape not JSON', { ...good, shape: '[[' }],
      ['unknown type letter', { ...good, shape: '[["a","q"]]' }],
      ['a __proto__ key', { ...good, shape: '[["__proto__","n"],["s","s"]]' }],
      ['x column missing', { ...good, shape: '[["a","x"],["s","s"]]' }],
    ];
    for (const [what, frame] of bad) expect({ what, threw: (() => { try { decodeBatch(frame as EncodedBatch); return false; } catch (e) { return e instanceof TypeError; } })() }).toEqual({ what, threw: true });
  });
});
