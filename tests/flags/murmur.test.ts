import fc from 'fast-check';
import { createRequire } from 'node:module';
import { normalizedStrategyValue as clientStrategyValue, normalizedVariantValue as clientVariantValue } from 'unleash-client/lib/strategy/util.js';
import { describe, expect, it } from 'vitest';
import { BucketCache } from '../../src/flags/BucketCache.ts';
import { murmur3, normalizedStrategyValue, normalizedVariantValue, STRATEGY_SEED, VARIANT_SEED } from '../../src/flags/murmur.ts';

// murmurhash3js ships no types; this is the library unleash-client hashes with.
const murmurhash3js = createRequire(import.meta.url)('murmurhash3js') as {
  x86: { hash32(key: string, seed?: number): number };
};

/** Strings over every UTF-16 unit (lone surrogates included) and every length mod 4. */
const anyString = fc.string({ unit: 'binary', maxLength: 40 });

describe('murmur3 is bit-identical to murmurhash3js.x86.hash32', () => {
  it('on fixed strings', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'g:user-1', 'ünïcødé', '日本語', '😀', '\u0000\uffff']) {
      for (const seed of [0, 1, VARIANT_SEED, 0xffffffff]) expect(murmur3(s, seed)).toBe(murmurhash3js.x86.hash32(s, seed));
    }
  });

  it('on random strings and seeds', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 0, max: 0x7fffffff }), (s, seed) => {
        expect(murmur3(s, seed)).toBe(murmurhash3js.x86.hash32(s, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('normalizes like unleash-client', () => {
    fc.assert(
      fc.property(anyString, anyString, fc.integer({ min: 1, max: 1000 }), (id, group, total) => {
        expect(normalizedStrategyValue(id, group)).toBe(clientStrategyValue(id, group));
        expect(normalizedVariantValue(id, group, total)).toBe(clientVariantValue(id, group, total));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('BucketCache', () => {
  it('memoises per (seed, group, normaliser) and forgets everything past its limit', () => {
    const cache = new BucketCache(3);
    const g = cache.group(STRATEGY_SEED, 'g', 100);
    expect(cache.group(STRATEGY_SEED, 'g', 100)).toBe(g);
    expect(cache.group(VARIANT_SEED, 'g', 100)).not.toBe(g);
    expect(cache.group(STRATEGY_SEED, 'g', 1000)).not.toBe(g);
    expect(g.bucket('a')).toBe(clientStrategyValue('a', 'g'));
    expect(cache.group(VARIANT_SEED, 'g', 7).bucket('a')).toBe(clientVariantValue('a', 'g', 7));
    expect(cache.size).toBe(2);
    g.bucket('a');
    g.bucket('b');
    expect(cache.size).toBe(3);
    g.bucket('c');
    expect(cache.size).toBe(0);
    expect(g.bucket('c')).toBe(clientStrategyValue('c', 'g'));
    expect(cache.size).toBe(1);
  });
});
