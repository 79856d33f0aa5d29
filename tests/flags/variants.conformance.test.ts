import { describe, it } from 'vitest';
import type { FlagContext } from '../../src/flags/context.ts';
import { expectAgreement } from './oracle.ts';

function contexts(n: number): FlagContext[] {
  const out: FlagContext[] = [{}, { userId: '' }, { userId: '', sessionId: '', remoteAddress: '10.0.0.1' }];
  out.push({ userId: 7 as unknown as string, sessionId: 's-num' }, { properties: { symbol: '' } });
  for (let i = 0; i < n; i++) {
    out.push({ userId: `user-${i}`, sessionId: `s-${i}`, properties: { symbol: `SYM${i % 13}`, plan: i % 4 ? 'free' : 'pro' } });
    out.push({ sessionId: `s-only-${i}`, properties: { symbol: `SYM${i}` } });
    out.push({ remoteAddress: `10.0.0.${i}` });
  }
  return out;
}

const v = (name: string, weight: number, extra: Record<string, unknown> = {}) => ({ name, weight, weightType: 'variable', ...extra });
const on = [{ name: 'default', parameters: {} }];

describe('variants agree with unleash-client', () => {
  it('feature variants: weights, zero and fixed weights, payloads, every stickiness', () => {
    const features = [];
    for (const stickiness of [undefined, 'default', 'userId', 'sessionId', 'symbol', 'random', '', null]) {
      const s = stickiness === undefined ? {} : { stickiness };
      features.push({
        name: `fv-${String(stickiness)}`,
        enabled: true,
        strategies: on,
        variants: [
          v('a', 334, { ...s, payload: { type: 'string', value: 'A' } }),
          v('zero', 0, s),
          v('b', 333, { ...s, payload: { type: 'json', value: '{"x":1}' } }),
          v('c', 333, { ...s, weightType: 'fix' }),
        ],
      });
    }
    features.push({ name: 'uneven', enabled: true, strategies: on, variants: [v('x', 1), v('y', 3), v('z', 996)] });
    features.push({ name: 'small-total', enabled: true, strategies: on, variants: [v('x', 1), v('y', 2)] });
    features.push({ name: 'all-zero', enabled: true, strategies: on, variants: [v('x', 0), v('y', 0)] });
    features.push({ name: 'none', enabled: true, strategies: on, variants: [] });
    features.push({ name: 'disabled-with-variants', enabled: false, strategies: on, variants: [v('x', 1000)] });
    features.push({ name: 'no-strategies-with-variants', enabled: true, strategies: [], variants: [v('x', 500), v('y', 500)] });
    expectAgreement(features, contexts(40));
  });

  it('overrides win before hashing, first variant first', () => {
    const features = [
      {
        name: 'overrides',
        enabled: true,
        strategies: on,
        variants: [
          v('a', 500, { overrides: [{ contextName: 'userId', values: ['user-1', 'user-2'] }] }),
          v('b', 500, {
            overrides: [
              { contextName: 'userId', values: ['user-2', 'user-3'] },
              { contextName: 'plan', values: ['pro'] },
            ],
          }),
          v('c', 0, { overrides: [{ contextName: 'userId', values: ['user-4'] }] }),
        ],
      },
      {
        name: 'overrides-zero-total',
        enabled: true,
        strategies: on,
        variants: [v('a', 0, { overrides: [{ contextName: 'userId', values: ['user-1'] }] })],
      },
    ];
    expectAgreement(features, contexts(10));
  });

  it('strategy variants, with fall-through to feature variants', () => {
    const features = [];
    for (const stickiness of [undefined, 'default', 'symbol', 'userId', '']) {
      const s = stickiness === undefined ? {} : { stickiness };
      features.push({
        name: `sv-${String(stickiness)}`,
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: '60', stickiness: 'default', groupId: `sv-${String(stickiness)}` },
            constraints: [{ contextName: 'plan', operator: 'IN', values: ['free'] }],
            variants: [v('s1', 500, { ...s, payload: { type: 'number', value: '1' } }), v('s2', 500, s)],
          },
          { name: 'default', parameters: {} },
        ],
        variants: [v('f1', 500), v('f2', 500)],
      });
    }
    features.push({
      name: 'sv-no-group',
      enabled: true,
      strategies: [{ name: 'default', parameters: { stickiness: 'sessionId' }, variants: [v('s1', 300), v('s2', 700)] }],
    });
    features.push({
      name: 'sv-zero',
      enabled: true,
      strategies: [{ name: 'default', parameters: {}, variants: [v('s1', 0)] }],
      variants: [v('f1', 1000)],
    });
    features.push({
      name: 'sv-random',
      enabled: true,
      strategies: [{ name: 'gradualRolloutRandom', parameters: { percentage: '50' }, variants: [v('s1', 500, { stickiness: 'nope' }), v('s2', 500)] }],
    });
    expectAgreement(features, contexts(40));
  });

  it('dependencies: enabled, disabled, variant conditions, chains and missing parents', () => {
    const parent = {
      name: 'parent',
      enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'default', groupId: 'parent' } }],
      variants: [v('red', 500), v('blue', 500)],
    };
    const child = (name: string, dependencies: unknown[], extra: Record<string, unknown> = {}) => ({
      name,
      enabled: true,
      strategies: on,
      dependencies,
      ...extra,
    });
    const features = [
      parent,
      { name: 'plain-parent', enabled: true, strategies: [{ name: 'userWithId', parameters: { userIds: 'user-1,user-2,user-3' } }] },
      { name: 'off-parent', enabled: false, strategies: on },
      {
        name: 'random-parent',
        enabled: true,
        // Strategy variants with an unset stickiness draw a random seed even inside isEnabled.
        strategies: [
          { name: 'gradualRolloutRandom', parameters: { percentage: '50' }, variants: [v('p1', 500, { stickiness: 'nope' }), v('p2', 500)] },
        ],
      },
      child('needs-parent', [{ feature: 'parent' }]),
      child('needs-parent-enabled', [{ feature: 'parent', enabled: true, variants: [] }]),
      child('needs-red', [{ feature: 'parent', variants: ['red'] }]),
      child('needs-disabled-variant', [{ feature: 'plain-parent', variants: ['disabled'] }]),
      child('needs-parent-off', [{ feature: 'parent', enabled: false }]),
      child('needs-off-parent-off', [{ feature: 'off-parent', enabled: false }]),
      child('needs-two', [{ feature: 'plain-parent' }, { feature: 'parent', variants: ['blue'] }]),
      child('needs-missing', [{ feature: 'ghost' }]),
      child('needs-missing-off', [{ feature: 'ghost', enabled: false }]),
      child('grandchild', [{ feature: 'needs-parent' }]),
      child('self', [{ feature: 'self' }]),
      child('off-child', [{ feature: 'parent' }], { enabled: false }),
      child('child-random', [{ feature: 'random-parent' }], {
        strategies: [{ name: 'gradualRolloutRandom', parameters: { percentage: '50' } }],
        variants: [v('x', 500, { stickiness: 'nope' }), v('y', 500)],
      }),
    ];
    expectAgreement(features, contexts(40));
  });
});
