import { murmur3 } from './murmur.ts';

/** Default bound on memoised hashes across all groups; past it everything is forgotten at once. */
export const DEFAULT_BUCKET_LIMIT = 100_000;

/**
 * Memo of murmur hashes per (seed, group id, stickiness value). A hash is a pure function of
 * those three, so one cache can outlive snapshots: the store hands the same cache to every
 * snapshot it compiles and unchanged flags keep their warm buckets across swaps.
 * Clearing wholesale (rather than LRU) keeps the hit path to a single `Map.get`.
 */
export class BucketCache {
  readonly #groups = new Map<string, HashGroup>();
  readonly #limit: number;
  #size = 0;

  /** @param limit - total memoised entries before the cache is cleared. */
  constructor(limit = DEFAULT_BUCKET_LIMIT) {
    this.#limit = limit;
  }

  /** The memo for one (seed, group id); the same object for the same pair. */
  group(seed: number, groupId: string): HashGroup {
    const key = `${seed}\u0000${groupId}`;
    let group = this.#groups.get(key);
    if (group === undefined) {
      group = new HashGroup(this, seed, groupId);
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

  /** Forget every memoised hash (groups stay valid and refill on demand). */
  clear(): void {
    for (const group of this.#groups.values()) group.forget();
    this.#size = 0;
  }
}

/** Hashes of `${groupId}:${id}` under one seed, memoised by `id`. */
export class HashGroup {
  readonly #owner: BucketCache;
  readonly #seed: number;
  readonly #prefix: string;
  readonly #hashes = new Map<string, number>();

  constructor(owner: BucketCache, seed: number, groupId: string) {
    this.#owner = owner;
    this.#seed = seed;
    this.#prefix = `${groupId}:`;
  }

  /** The unsigned 32-bit murmur hash of `${groupId}:${id}`. */
  hash(id: string): number {
    let h = this.#hashes.get(id);
    if (h === undefined) {
      h = murmur3(this.#prefix + id, this.#seed);
      this.#hashes.set(id, h);
      this.#owner.added();
    }
    return h;
  }

  /** @internal */
  forget(): void {
    this.#hashes.clear();
  }
}
