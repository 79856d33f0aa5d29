import { murmur3 } from './murmur.ts';

/** Default bound on memoised buckets across all groups; past it everything is forgotten at once. */
export const DEFAULT_BUCKET_LIMIT = 100_000;

/**
 * Memo of normalised buckets per (seed, group id, normaliser, stickiness value): unleash-client's
 * `(murmur3(`${groupId}:${id}`, seed) % normaliser) + 1`. A bucket is a pure function of those,
 * so one cache can outlive snapshots: the store hands the same cache to every snapshot it
 * compiles and unchanged flags keep their warm buckets across swaps. Buckets rather than raw
 * hashes are stored because small integers stay unboxed in a Map; clearing wholesale (rather
 * than LRU) keeps the hit path to a single `Map.get`.
 */
export class BucketCache {
  readonly #groups = new Map<string, BucketGroup>();
  readonly #limit: number;
  #size = 0;

  /** @param limit - total memoised entries before the cache is cleared. */
  constructor(limit = DEFAULT_BUCKET_LIMIT) {
    this.#limit = limit;
  }

  /** The memo for one (seed, group id, normaliser); the same object for the same triple. */
  group(seed: number, groupId: string, normalizer: number): BucketGroup {
    const key = `${seed}:${normalizer}:${groupId}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new BucketGroup(this, seed, groupId, normalizer);
      this.#groups.set(key, group);
    }
    return group;
  }

  /** Memoised entries currently held. */
  get size(): number {
    return this.#size;
  }

  /** @internal Called by a group after it memoised a new entry. */
  added(): void {
    if (++this.#size > this.#limit) this.clear();
  }

  /** Forget every memoised bucket (groups stay valid and refill on demand). */
  clear(): void {
    for (const group of this.#groups.values()) group.forget();
    this.#size = 0;
  }
}

/** Buckets 1..normaliser of `${groupId}:${id}` under one seed, memoised by `id`. */
export class BucketGroup {
  readonly #owner: BucketCache;
  readonly #seed: number;
  readonly #prefix: string;
  readonly #normalizer: number;
  readonly #buckets = new Map<string, number>();

  /** Use `BucketCache.group`, which shares one group per (seed, group id, normaliser). */
  constructor(owner: BucketCache, seed: number, groupId: string, normalizer: number) {
    this.#owner = owner;
    this.#seed = seed;
    this.#prefix = `${groupId}:`;
    this.#normalizer = normalizer;
  }

  /** `(murmur3(`${groupId}:${id}`, seed) % normaliser) + 1`, hashed at most once per id. */
  bucket(id: string): number {
    let b = this.#buckets.get(id);
    if (b === undefined) {
      b = (murmur3(this.#prefix + id, this.#seed) % this.#normalizer) + 1;
      this.#buckets.set(id, b);
      this.#owner.added();
    }
    return b;
  }

  /** @internal */
  forget(): void {
    this.#buckets.clear();
  }
}
