import { HeliosError } from '../errors/HeliosError.ts';
import type { FlagContext } from './context.ts';
import { makeEnv, type EvalEnv } from './EvalEnv.ts';
import { compileFeature, type CompiledFeature } from './FeatureCompiler.ts';
import { parseFeatures, type Feature, type FeatureSet, type Segment } from './FeatureSchema.ts';
import { DISABLED_VARIANT, selectVariant, type CompiledVariant, type VariantResult } from './variants.ts';

/** Options for compiling a snapshot: injected side effects, plus an error hook. */
export interface FlagSnapshotOptions extends Partial<EvalEnv> {
  /** Called if evaluating `flag` threw (a hostile context); the caller's fallback is returned. */
  onError?: (error: unknown, flag: string) => void;
}

/** unleash-client's fallback: a value, or a function of the flag name and context. */
export type Fallback = boolean | ((name: string, context: FlagContext) => boolean);

/** The caller's variant for flags that are missing, off, or have no variant to give. */
export type FallbackVariant = { readonly name: string; readonly enabled: boolean; readonly [extra: string]: unknown };

/** How a feature evaluated: off, on, or on with a variant chosen by the matching strategy. */
type Outcome = boolean | CompiledVariant;

const EMPTY_CONTEXT: FlagContext = Object.freeze({});

/**
 * An immutable, compiled set of feature flags. Answers exactly as unleash-client 6.12.1's
 * `isEnabled` / `getVariant` would for the same JSON and context, but with everything parsed
 * up front and rollout buckets memoised. Swap a new snapshot in to change flags; never
 * mutate one. Evaluation never throws.
 */
export class FlagSnapshot {
  /** The validated, frozen features and segments this snapshot was compiled from. */
  readonly source: FeatureSet;
  readonly #features: ReadonlyMap<string, CompiledFeature>;
  readonly #onError: ((error: unknown, flag: string) => void) | undefined;
  readonly #env: EvalEnv;
  readonly #segments: ReadonlyMap<number, Segment>;

  private constructor(source: FeatureSet, env: EvalEnv, onError: FlagSnapshotOptions['onError'], compiled?: ReadonlyMap<string, CompiledFeature>) {
    this.source = source;
    this.#onError = onError;
    this.#env = env;
    const segments = new Map<number, Segment>(source.segments.map((s) => [s.id, s]));
    this.#segments = segments;
    this.#features = compiled ?? new Map(source.features.map((f) => [f.name, compileFeature(f, segments, env)]));
    Object.freeze(this);
  }

  /**
   * A new snapshot with `feature` (already validated by `parseFeature`) added
   * or replaced in place. Compiled features do not reference each other
   * (dependencies are looked up by name when evaluated), so only the changed
   * one is compiled: a routing flip stays O(1) in the number of flags.
   * @throws HeliosError `HELIOS_E_FLAG_INVALID` if it names a segment this snapshot lacks.
   */
  withFeature(feature: Feature): FlagSnapshot {
    feature.strategies.forEach((st, j) =>
      (st.segments ?? []).forEach((id, k) => {
        if (!this.#segments.has(id)) {
          throw new HeliosError('HELIOS_E_FLAG_INVALID', `Invalid feature: strategies.${j}.segments.${k}: unknown segment ${id}`, {
            issues: [{ path: `strategies.${j}.segments.${k}`, message: `unknown segment ${id}` }],
          });
        }
      }),
    );
    const features = [...this.source.features];
    const index = features.findIndex((f) => f.name === feature.name);
    if (index === -1) features.push(feature);
    else features[index] = feature;
    const source: FeatureSet = Object.freeze({ features: Object.freeze(features) as Feature[], segments: this.source.segments });
    const compiled = new Map(this.#features);
    compiled.set(feature.name, compileFeature(feature, this.#segments, this.#env));
    return new FlagSnapshot(source, this.#env, this.#onError, compiled);
  }

  /**
   * Validate and compile. `features` is an array of Unleash features or a client-features
   * response `{ version?, features, segments? }`; `segments` adds to the response's own.
   * @throws HeliosError `HELIOS_E_FLAG_INVALID` (with `details.issues`) on invalid input.
   */
  static compile(features: unknown, segments?: unknown, options: FlagSnapshotOptions = {}): FlagSnapshot {
    const { onError, ...env } = options;
    return new FlagSnapshot(parseFeatures(withSegments(features, segments)), makeEnv(env), onError);
  }

  /** A snapshot with no flags. */
  static empty(options: FlagSnapshotOptions = {}): FlagSnapshot {
    return FlagSnapshot.compile([], undefined, options);
  }

  /**
   * Whether `name` is on for `context`. Unknown flags give `fallback` (called with the name
   * and context if it is a function), like unleash-client.
   */
  isEnabled(name: string, context: FlagContext = EMPTY_CONTEXT, fallback: Fallback = false): boolean {
    const f = this.#features.get(name);
    if (f !== undefined) {
      try {
        const isOn = f.isOn;
        return isOn !== null ? isOn(context) : this.#evaluate(f, context) !== false;
      } catch (e) {
        this.#onError?.(e, name);
      }
    }
    return typeof fallback === 'function' ? fallback(name, context) : fallback;
  }

  /**
   * The variant of `name` for `context`: the matching strategy's variant, else the feature's,
   * else `fallbackVariant` (default `{ name: 'disabled', enabled: false }`), always with
   * `feature_enabled` / `featureEnabled` saying whether the flag itself is on. Answers for
   * real variants are shared frozen objects.
   */
  getVariant(name: string, context: FlagContext = EMPTY_CONTEXT, fallbackVariant?: FallbackVariant): VariantResult {
    const f = this.#features.get(name);
    if (f === undefined) return fallbackResult(fallbackVariant, false);
    try {
      return this.#variantOf(f, context, fallbackVariant);
    } catch (e) {
      this.#onError?.(e, name);
      return fallbackResult(fallbackVariant, false);
    }
  }

  /** Whether a flag named `name` exists. */
  has(name: string): boolean {
    return this.#features.has(name);
  }

  /** Flag names, in source order. */
  names(): string[] {
    return [...this.#features.keys()];
  }

  /** Number of flags. */
  get size(): number {
    return this.#features.size;
  }

  /** The (frozen) source JSON of `name`, or `undefined`. */
  feature(name: string): Feature | undefined {
    return this.#features.get(name)?.source;
  }

  /**
   * The (frozen) source JSON of `name`.
   * @throws HeliosError `HELIOS_E_FLAG_UNKNOWN` if there is no such flag.
   */
  require(name: string): Feature {
    const f = this.#features.get(name);
    if (f === undefined) throw new HeliosError('HELIOS_E_FLAG_UNKNOWN', `No feature flag named "${name}"`, { name });
    return f.source;
  }

  /** unleash-client's `isFeatureEnabled`, including the variant its matching strategy picks. */
  #evaluate(f: CompiledFeature, ctx: FlagContext): Outcome {
    if (f.dependencies !== null && !this.#dependenciesSatisfied(f, ctx)) return false;
    if (!f.enabled) return false;
    if (f.strategyless) return true;
    const strategies = f.strategies;
    for (let i = 0; i < strategies.length; i++) {
      const s = strategies[i]!;
      if (s.matches(ctx)) return s.variants === null ? true : (selectVariant(s.variants, ctx) ?? true);
    }
    return false;
  }

  /** unleash-client's `resolveVariant` with `checkToggle`. */
  #variantOf(f: CompiledFeature, ctx: FlagContext, fallback: FallbackVariant | undefined): VariantResult {
    const outcome = this.#evaluate(f, ctx);
    if (outcome === false) return fallbackResult(fallback, false);
    if (outcome !== true) return outcome.result;
    const chosen = f.variants === null ? null : selectVariant(f.variants, ctx);
    return chosen === null ? fallbackResult(fallback, true) : chosen.result;
  }

  /**
   * One level only, as in the client: a missing parent, or a parent that itself has
   * dependencies, fails the requirement. Parents are evaluated in order and stop at the
   * first failure, so random draws happen exactly as in the client.
   */
  #dependenciesSatisfied(f: CompiledFeature, ctx: FlagContext): boolean {
    for (const d of f.dependencies!) {
      const parent = this.#features.get(d.feature);
      if (parent === undefined || parent.dependencies !== null) return false;
      if (!d.enabled) {
        if (this.#evaluate(parent, ctx) !== false) return false;
      } else if (d.variants !== null) {
        const v = this.#variantOf(parent, ctx, undefined);
        if (!(v.feature_enabled && d.variants.has(v.name))) return false;
      } else if (this.#evaluate(parent, ctx) === false) {
        return false;
      }
    }
    return true;
  }
}

function fallbackResult(fallback: FallbackVariant | undefined, featureEnabled: boolean): VariantResult {
  if (!fallback) return featureEnabled ? DISABLED_VARIANT.on : DISABLED_VARIANT.off;
  return { ...fallback, feature_enabled: featureEnabled, featureEnabled };
}

/** Merge an extra segment list into whichever input shape was given. */
function withSegments(features: unknown, segments: unknown): unknown {
  if (segments === undefined) return features;
  const envelope: unknown = Array.isArray(features) ? { features } : features;
  if (envelope === null || typeof envelope !== 'object') return envelope;
  const own = (envelope as { segments?: unknown }).segments;
  const merged = Array.isArray(own) && Array.isArray(segments) ? [...own, ...segments] : segments;
  return { ...envelope, segments: merged };
}
