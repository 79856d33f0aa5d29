import { describe, it } from 'vitest';
import type { FlagContext } from '../../src/flags/context.ts';
import { OPERATORS } from '../../src/flags/FeatureSchema.ts';
import { expectAgreement } from './oracle.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

/** Values chosen to sit on every side of the constraint values below. */
const FIELD_VALUES: readonly (string | number | undefined)[] = [
  undefined, '', ' ', 'abc', 'ABC', 'xabcx', 'Abc ', 'zzz', 'b', '0', '5', '5.0', '-3', ' 7 ', '1e1', 'NaN', 'Infinity',
  '0x10', 10, 5, '1.2.3', '1.2.3-beta.1', '1.2.3-beta.10', '2.0.0', 'v1.2.3', '1.2', '1.10.0+build.5',
  '10.0.0.1', '10.1.255.7', '192.168.0.9', '::1', '2001:db8::5', '2001:db9::1', 'not-an-ip', 'İstanbul', 'ıstanbul',
];

function contexts(field: string): FlagContext[] {
  const out: FlagContext[] = [{ currentTime: NOW }];
  for (const v of FIELD_VALUES) {
    out.push({ [field]: v, currentTime: NOW });
    if (v !== undefined) out.push({ properties: { [field]: v }, currentTime: NOW });
  }
  out.push({ userId: 'user-1', properties: { userId: 'shadowed' } });
  out.push({ currentTime: new Date('2030-01-01T00:00:00Z') });
  out.push({ currentTime: '2020-01-01T00:00:00Z' as unknown as Date });
  return out;
}

/** Operands per operator: several lists / values, including the ones that trip the client up. */
const OPERANDS: Record<string, { values?: string[]; value?: string | number }[]> = {
  IN: [{ values: ['abc', 'b', ' zzz ', '', '5'] }, { values: [] }, { values: ['  '] }],
  STR_STARTS_WITH: [{ values: ['ab', 'x', 'İs'] }, { values: ['  '] }, { values: [] }],
  STR_CONTAINS: [{ values: ['bc', 'I'] }, { values: ['zz', ''] }],
  NUM: [{ value: '5' }, { value: 5 }, { value: '0' }, { value: '-3.5' }, { value: ' 10 ' }],
  DATE: [{ value: '2025-01-01T00:00:00Z' }, { value: '2026-01-01' }, { value: 1767225600000 }],
  SEMVER: [{ value: '1.2.3' }, { value: 'v1.2.3' }, { value: '1.2.3-beta.2' }, { value: '2.0.0-rc.1' }],
  REGEX: [{ value: '^a.c$' }, { value: '[0-9]+' }, { value: '(?i)istanbul' }, { value: '\\d{2}\\.\\d' }],
  IN_CIDR: [{ values: ['10.0.0.0/16', '192.168.0.9', '2001:db8::/32', 'junk', ' ::1 '] }, { values: ['10.0.0.1/32'] }],
};

function operandsFor(op: string): { values?: string[]; value?: string | number }[] {
  if (op === 'IN' || op === 'NOT_IN') return OPERANDS.IN!;
  if (op === 'STR_STARTS_WITH' || op === 'STR_ENDS_WITH') return OPERANDS.STR_STARTS_WITH!;
  return OPERANDS[op] ?? OPERANDS[op.split('_')[0]!]!;
}

function constrained(name: string, constraints: unknown[]) {
  return { name, enabled: true, strategies: [{ name: 'default', parameters: {}, constraints }] };
}

describe('constraint operators agree with unleash-client', () => {
  for (const operator of OPERATORS) {
    it(operator, () => {
      const field = operator.startsWith('DATE_') ? 'currentTime' : 'field';
      const features = [];
      for (const [i, operand] of operandsFor(operator).entries()) {
        for (const inverted of [false, true]) {
          for (const caseInsensitive of [false, true]) {
            features.push(
              constrained(`${operator}-${i}-${inverted}-${caseInsensitive}`, [
                { contextName: field, operator, values: [], ...operand, inverted, caseInsensitive },
              ]),
            );
          }
        }
      }
      expectAgreement(features, contexts(field));
    });
  }

  it('standard context fields and inherited property names resolve the same way', () => {
    const features = [
      constrained('env', [{ contextName: 'environment', operator: 'IN', values: ['production'] }]),
      constrained('app', [{ contextName: 'appName', operator: 'STR_ENDS_WITH', values: ['-api'], caseInsensitive: true }]),
      constrained('uid', [{ contextName: 'userId', operator: 'NUM_GT', value: '100' }]),
      constrained('session', [{ contextName: 'sessionId', operator: 'NOT_IN', values: ['s-1'] }]),
      constrained('ip', [{ contextName: 'remoteAddress', operator: 'IN_CIDR', values: ['10.0.0.0/8'] }]),
      constrained('proto', [{ contextName: 'toString', operator: 'STR_CONTAINS', values: ['native'] }]),
      constrained('all-three', [
        { contextName: 'environment', operator: 'IN', values: ['production', 'staging'] },
        { contextName: 'userId', operator: 'STR_STARTS_WITH', values: ['1'] },
        { contextName: 'tier', operator: 'IN', values: ['gold'], inverted: true },
      ]),
    ];
    const ctxs: FlagContext[] = [
      {},
      { environment: 'production', appName: 'Orders-API', userId: '150', sessionId: 's-2', remoteAddress: '10.2.3.4' },
      { environment: 'staging', userId: '99', sessionId: 's-1', properties: { tier: 'gold' } },
      { environment: 'staging', userId: '101', properties: { tier: 'silver', environment: 'production' } },
      { properties: { environment: 'production', userId: '1000', remoteAddress: '10.9.9.9' } },
    ];
    expectAgreement(features, ctxs);
  });

  it('segments add their constraints to the strategy', () => {
    const segments = [
      { id: 1, name: 'eu', constraints: [{ contextName: 'region', operator: 'IN', values: ['eu-west', 'eu-north'] }] },
      { id: 2, name: 'beta', constraints: [{ contextName: 'beta', operator: 'IN', values: ['true'] }] },
      { id: 3, name: 'empty', constraints: [] },
    ];
    const features = [
      { name: 'seg-1', enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [], segments: [1] }] },
      { name: 'seg-1-2', enabled: true, strategies: [{ name: 'default', parameters: {}, segments: [1, 2] }] },
      { name: 'seg-empty', enabled: true, strategies: [{ name: 'default', parameters: {}, segments: [3] }] },
      {
        name: 'seg-and-own',
        enabled: true,
        strategies: [
          {
            name: 'flexibleRollout',
            parameters: { rollout: '50', stickiness: 'default', groupId: 'seg-and-own' },
            constraints: [{ contextName: 'beta', operator: 'IN', values: ['true'], inverted: true }],
            segments: [1],
          },
        ],
      },
    ];
    const ctxs: FlagContext[] = [{}];
    for (let i = 0; i < 40; i++) {
      ctxs.push({ userId: `u${i}`, properties: { region: i % 3 ? 'eu-west' : 'us-east', beta: i % 2 ? 'true' : 'false' } });
    }
    expectAgreement(features, ctxs, segments);
  });
});
