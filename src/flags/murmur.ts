/**
 * MurmurHash3 x86 32-bit, bit-identical to `murmurhash3js.x86.hash32`, which is what
 * unleash-client buckets with. That library reads `charCodeAt(i) & 0xff` per UTF-16 unit
 * (not UTF-8 bytes) and mixes in the UTF-16 length, so non-Latin-1 ids hash "wrongly" by the
 * C reference; we reproduce that on purpose, because buckets must agree with every other
 * Unleash Node SDK, not with the reference implementation.
 */

/** Seed unleash-client uses for strategy rollout buckets (`normalizedStrategyValue`). */
export const STRATEGY_SEED = 0;
/** Seed unleash-client uses for variant buckets (`normalizedVariantValue`). */
export const VARIANT_SEED = 86028157;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The unsigned 32-bit hash of `key` under `seed`. */
export function murmur3(key: string, seed: number): number {
  const length = key.length;
  const tail = length & 3;
  const blocks = length - tail;
  let h = seed | 0;
  let i = 0;
  for (; i < blocks; i += 4) {
    let k =
      (key.charCodeAt(i) & 0xff) |
      ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) |
      ((key.charCodeAt(i + 3) & 0xff) << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= (key.charCodeAt(i + 2) & 0xff) << 16;
    if (tail >= 2) k ^= (key.charCodeAt(i + 1) & 0xff) << 8;
    k ^= key.charCodeAt(i) & 0xff;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** unleash-client's `normalizedStrategyValue(id, groupId)`: a bucket in 1..100. */
export function normalizedStrategyValue(id: string, groupId: string): number {
  return (murmur3(`${groupId}:${id}`, STRATEGY_SEED) % 100) + 1;
}

/** unleash-client's `normalizedVariantValue(id, groupId, normalizer)`: a bucket in 1..normalizer. */
export function normalizedVariantValue(id: string, groupId: string, normalizer: number): number {
  return (murmur3(`${groupId}:${id}`, VARIANT_SEED) % normalizer) + 1;
}
