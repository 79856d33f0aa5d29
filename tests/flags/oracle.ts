/**
 * The reference: unleash-client 6.12.1's own evaluator (`lib/client.js` with its default
 * strategies) over an in-memory repository, so no network, timers or metrics are involved.
 * The repository stores toggles in a plain object, as the real one does.
 */
import clientModule from 'unleash-client/lib/client.js';
import { defaultStrategies } from 'unleash-client/lib/strategy/index.js';
import { expect } from 'vitest';
import type { FlagContext } from '../../src/flags/context.ts';
import { FlagSnapshot } from '../../src/flags/FlagSnapshot.ts';
import { seededRandom } from '../../src/util/seededRandom.ts';

// Node hands a CJS module's exports to a default import; vitest unwraps `__esModule` first.
type ClientClass = typeof clientModule.default;
const loaded = clientModule as unknown as ClientClass | { default: ClientClass };
const UnleashClient: ClientClass = typeof loaded === 'function' ? loaded : loaded.default;

type Json = Record<string, unknown>;
type Variant = ReturnType<InstanceType<typeof UnleashClient>['getVariant']>;

/** unleash-client's answers for a fixed set of features and segments. */
export interface Oracle {
  isEnabled(name: string, context: FlagContext, fallback?: boolean): boolean;
  getVariant(name: string, context: FlagContext, fallbackVariant?: { name: string; enabled: boolean }): Variant;
}

export function oracle(features: readonly Json[], segments: readonly Json[] = []): Oracle {
  const toggles: Record<string, unknown> = {};
  for (const f of features) toggles[f.name as string] = f;
  const bySegment = new Map(segments.map((s) => [s.id, s]));
  const repository = { getToggle: (n: string) => toggles[n], getSegment: (id: number) => bySegment.get(id) };
  const client = new UnleashClient(repository as never, defaultStrategies);
  // An EventEmitter throws on an unheard 'error'; warnings (unknown strategy...) are expected.
  client.on('error', () => {});
  client.on('warn', () => {});
  return {
    isEnabled: (name, context, fallback = false) => client.isEnabled(name, context as never, () => fallback),
    getVariant: (name, context, fallbackVariant) => client.getVariant(name, context as never, fallbackVariant as never),
  };
}

/** A deterministic stand-in for Math.random. */
const mulberry32 = seededRandom;

/**
 * Run `fn` with Math.random replaced by a sequence from `seed`. Both evaluators draw random
 * numbers at the same points, so the same seed must give the same answers.
 */
export function seeded<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

const FALLBACK_VARIANT = { name: 'fallback', enabled: true, payload: { type: 'string', value: 'fb' } };

/**
 * Assert that Helios and unleash-client agree on every flag for every context: isEnabled
 * with both fallbacks, getVariant with and without a fallback variant, plus one unknown name.
 * Returns how many evaluations were compared.
 */
export function expectAgreement(
  features: readonly Json[],
  contexts: readonly FlagContext[],
  segments: readonly Json[] = [],
): number {
  const reference = oracle(features, segments);
  const snapshot = FlagSnapshot.compile(features, segments);
  const names = [...features.map((f) => f.name as string), 'no-such-flag'];
  let compared = 0;
  contexts.forEach((ctx, i) => {
    for (const name of names) {
      const where = `${name} @ ${JSON.stringify(ctx)}`;
      for (const fallback of [false, true]) {
        const want = seeded(i, () => reference.isEnabled(name, ctx, fallback));
        const got = seeded(i, () => snapshot.isEnabled(name, ctx, fallback));
        expect(got, `isEnabled ${where} fallback=${fallback}`).toBe(want);
      }
      for (const fb of [undefined, FALLBACK_VARIANT]) {
        const want = seeded(i, () => reference.getVariant(name, ctx, fb));
        const got = seeded(i, () => snapshot.getVariant(name, ctx, fb));
        expect(got, `getVariant ${where} fallback=${fb?.name}`).toStrictEqual(want);
      }
      compared += 4;
    }
  });
  return compared;
}
