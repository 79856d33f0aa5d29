import { describe, expect, it } from 'vitest';
import type { FlagContext } from '../../src/flags/context.ts';
import { defaultHostname } from '../../src/flags/EvalEnv.ts';
import { expectAgreement } from './oracle.ts';

/** Many users and sessions, plus the awkward contexts: empty, empty strings, numbers. */
function contexts(n: number): FlagContext[] {
  const out: FlagContext[] = [{}, { userId: '' }, { sessionId: '' }, { userId: '', sessionId: 's-1' }];
  out.push({ userId: 42 as unknown as string }, { remoteAddress: '10.1.2.3' }, { properties: { userId: 'p-1' } });
  for (let i = 0; i < n; i++) {
    out.push({ userId: `user-${i}`, sessionId: `sess-${i * 7}`, remoteAddress: `10.0.${i % 4}.${i % 256}` });
    out.push({ sessionId: `only-session-${i}`, properties: { tenant: `t${i % 5}` } });
  }
  return out;
}

const flag = (name: string, strategies: unknown[], extra: Record<string, unknown> = {}) => ({
  name,
  enabled: true,
  strategies,
  ...extra,
});

describe('strategies agree with unleash-client', () => {
  it('default, disabled features and features without strategies', () => {
    expectAgreement(
      [
        flag('plain', [{ name: 'default', parameters: {}, constraints: [] }]),
        flag('off', [{ name: 'default', parameters: {} }], { enabled: false }),
        flag('no-strategies', []),
        flag('off-no-strategies', [], { enabled: false }),
        flag('unknown-only', [{ name: 'myCustomStrategy', parameters: {} }]),
        flag('unknown-then-default', [{ name: 'myCustomStrategy', parameters: {} }, { name: 'default' }]),
      ],
      contexts(5),
    );
  });

  it('flexibleRollout with every stickiness and rollout edge', () => {
    const features = [];
    for (const rollout of ['0', '1', '37', '50', '99', '100', 37.5, 12]) {
      for (const stickiness of ['default', 'userId', 'sessionId', 'random', 'tenant', undefined, '']) {
        features.push(
          flag(`fr-${rollout}-${stickiness}`, [
            { name: 'flexibleRollout', parameters: { rollout, ...(stickiness === undefined ? {} : { stickiness }), groupId: `g-${rollout}` } },
          ]),
        );
      }
    }
    features.push(flag('fr-no-group', [{ name: 'flexibleRollout', parameters: { rollout: '40', stickiness: 'userId' } }]));
    features.push(flag('fr-numeric-group', [{ name: 'flexibleRollout', parameters: { rollout: '40', groupId: 7 } }]));
    const ctxs = contexts(60);
    ctxs.push({ userId: 'u-1', featureToggle: 'from-context' }, { userId: 'u-2', featureToggle: '' });
    expectAgreement(features, ctxs);
  });

  it('gradualRolloutUserId, gradualRolloutSessionId and gradualRolloutRandom', () => {
    const features = [];
    for (const percentage of ['0', '5', '37', '100', 63]) {
      features.push(flag(`uid-${percentage}`, [{ name: 'gradualRolloutUserId', parameters: { percentage, groupId: 'grp' } }]));
      features.push(flag(`sid-${percentage}`, [{ name: 'gradualRolloutSessionId', parameters: { percentage, groupId: 'grp' } }]));
      features.push(flag(`rnd-${percentage}`, [{ name: 'gradualRolloutRandom', parameters: { percentage } }]));
    }
    features.push(flag('uid-no-group', [{ name: 'gradualRolloutUserId', parameters: { percentage: '50' } }]));
    expectAgreement(features, contexts(60));
  });

  it('userWithId with list spacing quirks', () => {
    expectAgreement(
      [
        flag('ids', [{ name: 'userWithId', parameters: { userIds: 'user-1,user-2 ,  user-3, ,user-5' } }]),
        flag('ids-padded', [{ name: 'userWithId', parameters: { userIds: ' user-1, user-4 ' } }]),
        flag('ids-empty', [{ name: 'userWithId', parameters: { userIds: '' } }]),
        flag('ids-missing', [{ name: 'userWithId', parameters: {} }]),
      ],
      [...contexts(6), { userId: ' user-1' }, { userId: 'user-4 ' }],
    );
  });

  it('remoteAddress with IPs, CIDRs, spaces and junk', () => {
    const ctxs: FlagContext[] = [
      ...contexts(8),
      { remoteAddress: '192.168.1.77' },
      { remoteAddress: '192.168.2.1' },
      { remoteAddress: 'not-an-ip' },
      { remoteAddress: '::1' },
      { remoteAddress: '10.0.0.0/8' },
      { remoteAddress: '' },
    ];
    expectAgreement(
      [
        flag('ip', [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.1, 192.168.1.0/24 ,::1,not-an-ip, 10.0.2.0/23' } }]),
        flag('ip-exact', [{ name: 'remoteAddress', parameters: { IPs: '10.0.1.1' } }]),
        flag('ip-none', [{ name: 'remoteAddress', parameters: { IPs: '' } }]),
      ],
      ctxs,
    );
  });

  it('applicationHostname against this host', () => {
    const here = defaultHostname();
    expectAgreement(
      [
        flag('host-match', [{ name: 'applicationHostname', parameters: { hostNames: `elsewhere, ${here.toUpperCase()}` } }]),
        flag('host-miss', [{ name: 'applicationHostname', parameters: { hostNames: 'a.example,b.example' } }]),
        flag('host-empty', [{ name: 'applicationHostname', parameters: {} }]),
      ],
      contexts(1),
    );
  });

  it('several strategies: the first match wins', () => {
    const compared = expectAgreement(
      [
        flag('multi', [
          { name: 'userWithId', parameters: { userIds: 'user-3' } },
          { name: 'gradualRolloutRandom', parameters: { percentage: '30' } },
          { name: 'flexibleRollout', parameters: { rollout: '20', stickiness: 'default', groupId: 'multi' } },
        ]),
      ],
      contexts(40),
    );
    expect(compared).toBeGreaterThan(0);
  });
});
