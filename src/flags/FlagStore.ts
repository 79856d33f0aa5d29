import { HeliosError } from '../errors/HeliosError.ts';
import { BucketCache } from './BucketCache.ts';
import { parseFeature, type Feature } from './FeatureSchema.ts';
import { FlagSnapshot, type FlagSnapshotOptions } from './FlagSnapshot.ts';

/** Called after every successful change, with the snapshot now current and the one it replaced. */
export type FlagChangeListener = (next: FlagSnapshot, previous: FlagSnapshot) => void;

/** Options for a store: snapshot options, plus a hook for listeners that throw. */
export interface FlagStoreOptions extends FlagSnapshotOptions {
  /** A listener threw; the change itself has already happened and other listeners still run. */
  onListenerError?: (error: unknown) => void;
}

/**
 * Holds the current flag snapshot. Every mutation validates and compiles a whole new
 * snapshot first and only then swaps the pointer, so readers see either the old flags or the
 * new ones, never a mix, and a rejected change leaves everything as it was. All snapshots of
 * one store share a bucket cache: a hash depends only on (seed, group id, stickiness value),
 * so warm buckets survive swaps.
 */
export class FlagStore {
  #current: FlagSnapshot;
  readonly #options: FlagSnapshotOptions;
  readonly #onListenerError: ((error: unknown) => void) | undefined;
  readonly #listeners = new Set<FlagChangeListener>();

  /**
   * @param initial - features as `FlagSnapshot.compile` accepts them (array or client-features response).
   * @throws HeliosError `HELIOS_E_FLAG_INVALID` if `initial` is invalid.
   */
  constructor(initial: unknown = [], options: FlagStoreOptions = {}) {
    const { onListenerError, ...snapshotOptions } = options;
    this.#options = { ...snapshotOptions, buckets: snapshotOptions.buckets ?? new BucketCache() };
    this.#onListenerError = onListenerError;
    this.#current = FlagSnapshot.compile(initial, undefined, this.#options);
  }

  /** The snapshot to evaluate against; hold on to it for a consistent view across several reads. */
  current(): FlagSnapshot {
    return this.#current;
  }

  /**
   * Replace every flag (and segment) with `features`: an array or a client-features response.
   * @throws HeliosError `HELIOS_E_FLAG_INVALID`; the store is unchanged.
   */
  replace(features: unknown): FlagSnapshot {
    return this.#swap(FlagSnapshot.compile(features, undefined, this.#options));
  }

  /**
   * Add a flag, or replace the one with the same name in place (keeping its position).
   * Its segment references must name segments the store already holds.
   * @throws HeliosError `HELIOS_E_FLAG_INVALID`; the store is unchanged.
   */
  upsert(featureJson: unknown): FlagSnapshot {
    return this.#swap(this.#current.withFeature(parseFeature(featureJson)));
  }

  /**
   * Remove the flag `name`. Flags depending on it stay valid and, as in unleash-client,
   * evaluate as if the dependency were unmet.
   * @throws HeliosError `HELIOS_E_FLAG_UNKNOWN` if there is no such flag; the store is unchanged.
   */
  remove(name: string): FlagSnapshot {
    const { features, segments } = this.#current.source;
    if (!this.#current.has(name)) {
      throw new HeliosError('HELIOS_E_FLAG_UNKNOWN', `No feature flag named "${name}"`, { name });
    }
    const next = features.filter((f) => f.name !== name);
    return this.#swap(FlagSnapshot.compile({ features: next, segments }, undefined, this.#options));
  }

  /** Subscribe to changes; returns the unsubscribe function. */
  onChange(listener: FlagChangeListener): () => void {
    // Wrapped so the same function can subscribe twice and unsubscribe each independently.
    const entry: FlagChangeListener = (next, previous) => listener(next, previous);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #swap(next: FlagSnapshot): FlagSnapshot {
    const previous = this.#current;
    this.#current = next;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next, previous);
      } catch (e) {
        this.#onListenerError?.(e);
      }
    }
    return next;
  }
}
