import { describe, expect, it, vi } from 'vitest';
import { HeliosError } from '../../src/errors/HeliosError.ts';
import { BucketCache } from '../../src/flags/BucketCache.ts';
import { FlagSnapshot } from '../../src/flags/FlagSnapshot.ts';
import { FlagStore } from '../../src/flags/FlagStore.ts';

const feature = (name: string, enabled = true, extra: Record<string, unknown> = {}) => ({
  name,
  enabled,
  strategies: [{ name: 'default', parameters: {}, constraints: [] }],
  ...extra,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof HeliosError ? e.code : 'not a HeliosError';
  }
  return undefined;
}

describe('FlagSnapshot', () => {
  const snap = FlagSnapshot.compile({ features: [feature('a'), feature('b', false)], segments: [] });

  it('lists, looks up and requires flags', () => {
    expect(snap.names()).toEqual(['a', 'b']);
    expect(snap.size).toBe(2);
    expect(snap.has('a')).toBe(true);
    expect(snap.has('zz')).toBe(false);
    expect(snap.feature('b')?.enabled).toBe(false);
    expect(snap.feature('zz')).toBeUndefined();
    expect(snap.require('a').name).toBe('a');
    expect(codeOf(() => snap.require('zz'))).toBe('HELIOS_E_FLAG_UNKNOWN');
    expect(Object.isFrozen(snap.require('a'))).toBe(true);
  });

  it('never throws for unknown flags: it gives the fallback, as unleash-client does', () => {
    expect(snap.isEnabled('zz')).toBe(false);
    expect(snap.isEnabled('zz', {}, true)).toBe(true);
    expect(snap.isEnabled('zz', { userId: 'u' }, (name, ctx) => name === 'zz' && ctx.userId === 'u')).toBe(true);
    expect(snap.getVariant('zz')).toStrictEqual({ name: 'disabled', enabled: false, feature_enabled: false, featureEnabled: false });
    expect(snap.getVariant('zz', {}, { name: 'fb', enabled: true })).toStrictEqual({
      name: 'fb',
      enabled: true,
      feature_enabled: false,
      featureEnabled: false,
    });
    expect(snap.isEnabled('a')).toBe(true);
    expect(snap.isEnabled('b', {}, true)).toBe(false);
  });

  it('deliberately differs on names inherited from Object.prototype', () => {
    // unleash-client looks toggles up in a plain object, so isEnabled('toString', ctx, () => true)
    // finds Object.prototype.toString, treats it as a disabled flag and returns false. Helios
    // has no such flag and returns the caller's fallback, as for any unknown name.
    expect(snap.isEnabled('toString', {}, true)).toBe(true);
    expect(snap.has('constructor')).toBe(false);
  });

  it('reports a hostile context through onError and falls back instead of throwing', () => {
    const onError = vi.fn();
    const s = FlagSnapshot.compile(
      [feature('c', true, { strategies: [{ name: 'default', constraints: [{ contextName: 'x', operator: 'IN', values: ['1'] }] }] })],
      undefined,
      { onError },
    );
    const hostile = { x: { toString: () => { throw new Error('boom'); } } } as never;
    expect(s.isEnabled('c', hostile, true)).toBe(true);
    expect(s.getVariant('c', hostile).name).toBe('disabled');
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it('takes segments from the response and from the second argument', () => {
    const f = feature('s', true, { strategies: [{ name: 'default', segments: [1] }] });
    const seg = { id: 1, constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold'] }] };
    for (const s of [FlagSnapshot.compile({ features: [f], segments: [seg] }), FlagSnapshot.compile([f], [seg])]) {
      expect(s.isEnabled('s', { properties: { tier: 'gold' } })).toBe(true);
      expect(s.isEnabled('s', { properties: { tier: 'tin' } })).toBe(false);
    }
    expect(codeOf(() => FlagSnapshot.compile([f]))).toBe('HELIOS_E_FLAG_INVALID');
  });

  it('uses the injected clock and random source', () => {
    const f = feature('d', true, {
      strategies: [{ name: 'default', constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2030-01-01T00:00:00Z' }] }],
    });
    const r = feature('r', true, { strategies: [{ name: 'gradualRolloutRandom', parameters: { percentage: '50' } }] });
    const late = FlagSnapshot.compile([f, r], undefined, { now: () => Date.parse('2031-01-01'), random: () => 0.2 });
    const early = FlagSnapshot.compile([f, r], undefined, { now: () => Date.parse('2029-01-01'), random: () => 0.9 });
    expect([late.isEnabled('d'), late.isEnabled('r')]).toEqual([true, true]);
    expect([early.isEnabled('d'), early.isEnabled('r')]).toEqual([false, false]);
    expect(early.isEnabled('d', { currentTime: new Date('2031-01-01') })).toBe(true);
  });
});

describe('FlagStore', () => {
  it('swaps whole snapshots and notifies listeners with next and previous', () => {
    const store = new FlagStore([feature('a')]);
    const first = store.current();
    const seen: [string[], string[]][] = [];
    const off = store.onChange((next, prev) => seen.push([next.names(), prev.names()]));
    store.upsert(feature('b'));
    store.upsert(feature('a', false));
    expect(store.current().names()).toEqual(['a', 'b']);
    expect(store.current().isEnabled('a')).toBe(false);
    expect(first.isEnabled('a')).toBe(true);
    store.remove('b');
    off();
    store.replace({ features: [feature('z')] });
    expect(store.current().names()).toEqual(['z']);
    expect(seen).toEqual([
      [['a', 'b'], ['a']],
      [['a', 'b'], ['a', 'b']],
      [['a'], ['a', 'b']],
    ]);
  });

  it('leaves everything unchanged when a mutation is invalid', () => {
    const store = new FlagStore({ features: [feature('a')], segments: [{ id: 1, constraints: [] }] });
    const before = store.current();
    const listener = vi.fn();
    store.onChange(listener);
    expect(codeOf(() => store.upsert({ name: 'bad', enabled: 'yes', strategies: [] }))).toBe('HELIOS_E_FLAG_INVALID');
    expect(codeOf(() => store.upsert(feature('c', true, { strategies: [{ name: 'default', segments: [2] }] })))).toBe('HELIOS_E_FLAG_INVALID');
    expect(codeOf(() => store.replace([feature('x'), feature('x')]))).toBe('HELIOS_E_FLAG_INVALID');
    expect(codeOf(() => store.replace({ features: [{ name: 'y', enabled: true, strategies: [{ name: 'default', constraints: [{ contextName: 'v', operator: 'LIKE', values: [] }] }] }] }))).toBe(
      'HELIOS_E_FLAG_INVALID',
    );
    expect(codeOf(() => store.remove('ghost'))).toBe('HELIOS_E_FLAG_UNKNOWN');
    expect(store.current()).toBe(before);
    expect(listener).not.toHaveBeenCalled();
    store.upsert(feature('c', true, { strategies: [{ name: 'default', segments: [1] }] }));
    expect(store.current().names()).toEqual(['a', 'c']);
  });

  it('keeps notifying after a listener throws', () => {
    const errors: unknown[] = [];
    const store = new FlagStore([], { onListenerError: (e) => errors.push(e) });
    const good = vi.fn();
    store.onChange(() => {
      throw new Error('listener bug');
    });
    store.onChange(good);
    store.upsert(feature('a'));
    expect(good).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(store.current().has('a')).toBe(true);
  });

  it('shares one bucket cache across snapshots, so a bucket is never hashed twice', () => {
    const rollout = feature('r', true, { strategies: [{ name: 'flexibleRollout', parameters: { rollout: '37', stickiness: 'userId', groupId: 'r' } }] });
    const buckets = new BucketCache();
    const store = new FlagStore([rollout], { buckets });
    const answers = Array.from({ length: 200 }, (_, i) => store.current().isEnabled('r', { userId: `u${i}` }));
    expect(buckets.size).toBe(200);
    store.upsert(feature('other'));
    const again = Array.from({ length: 200 }, (_, i) => store.current().isEnabled('r', { userId: `u${i}` }));
    expect(again).toEqual(answers);
    expect(buckets.size).toBe(200);
    expect(answers.filter(Boolean).length).toBeGreaterThan(40);
  });
});
