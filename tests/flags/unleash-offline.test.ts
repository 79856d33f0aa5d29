import { offlineUnleash } from '../helpers/offlineUnleash.ts';
import { describe, expect, it } from 'vitest';
import type { FlagContext } from '../../src/flags/context.ts';
import { FlagSnapshot } from '../../src/flags/FlagSnapshot.ts';

/**
 * The other conformance tests drive unleash-client's evaluator directly; this one checks that
 * the public `Unleash` class (bootstrapped, no network) answers the same, once Helios is given
 * the `appName` / `environment` that `Unleash` merges into every context.
 */
describe('the public Unleash class, offline', () => {
  it('agrees with FlagSnapshot given the same static context', async () => {
    const features = [
      {
        name: 'rollout',
        enabled: true,
        strategies: [{ name: 'flexibleRollout', parameters: { rollout: '37', stickiness: 'userId', groupId: 'rollout' }, constraints: [] }],
        variants: [
          { name: 'a', weight: 500, weightType: 'variable', stickiness: 'default' },
          { name: 'b', weight: 500, weightType: 'variable', stickiness: 'default', payload: { type: 'string', value: 'B' } },
        ],
      },
      {
        name: 'by-env',
        enabled: true,
        strategies: [{ name: 'default', parameters: {}, constraints: [{ contextName: 'environment', operator: 'IN', values: ['default'] }] }],
      },
    ];
    const unleash = await offlineUnleash(features, 'helios-test');
    try {
      const snapshot = FlagSnapshot.compile(features);
      for (let i = 0; i < 300; i++) {
        const ctx: FlagContext = { userId: `user-${i}` };
        const full: FlagContext = { appName: 'helios-test', environment: 'default', ...ctx };
        for (const name of ['rollout', 'by-env', 'missing']) {
          expect(snapshot.isEnabled(name, full)).toBe(unleash.isEnabled(name, ctx));
          expect(snapshot.getVariant(name, full)).toStrictEqual(unleash.getVariant(name, ctx));
        }
      }
    } finally {
      unleash.destroy();
    }
  });
});
