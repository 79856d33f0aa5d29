import { describe, expect, it } from 'vitest';
import { HeliosError } from '../../src/errors/HeliosError.ts';
import { parseFeature, parseFeatures, type FlagIssue } from '../../src/flags/FeatureSchema.ts';

const ok = { name: 'ok', enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [] }] };
const withStrategy = (strategy: Record<string, unknown>) => ({ ...ok, strategies: [{ name: 'default', parameters: {}, ...strategy }] });
const withConstraint = (c: Record<string, unknown>) => withStrategy({ constraints: [{ contextName: 'x', values: [], ...c }] });

function invalid(fn: () => unknown): FlagIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HeliosError);
    const err = e as HeliosError;
    expect(err.code).toBe('HELIOS_E_FLAG_INVALID');
    expect(err.status).toBe(400);
    const issues = err.details?.issues as FlagIssue[];
    expect(issues.length).toBeGreaterThan(0);
    return issues;
  }
  throw new Error('expected HELIOS_E_FLAG_INVALID');
}

describe('FeatureSchema', () => {
  it('accepts a real Unleash response, keeps unknown fields and freezes the result', () => {
    const response = {
      version: 2,
      query: { environment: 'production' },
      features: [
        {
          ...ok,
          description: null,
          createdAt: '2024-01-01T00:00:00.000Z',
          strategies: [
            {
              id: 'a1',
              name: 'flexibleRollout',
              title: null,
              disabled: false,
              sortOrder: 0,
              parameters: { rollout: '37', stickiness: 'default', groupId: 'ok' },
              constraints: [{ contextName: 'appVersion', operator: 'SEMVER_GTE', value: '1.2.0', values: [], inverted: false, caseInsensitive: false }],
              segments: [4],
              variants: [{ name: 'a', weight: 1000, weightType: 'variable', stickiness: 'default', payload: { type: 'json', value: '{}' } }],
            },
          ],
          variants: [],
          dependencies: [{ feature: 'parent', enabled: true, variants: [] }],
        },
      ],
      segments: [{ id: 4, name: 'beta', constraints: [{ contextName: 'beta', operator: 'IN', values: ['yes'] }] }],
    };
    const set = parseFeatures(response);
    expect(set.features[0]!.createdAt).toBe('2024-01-01T00:00:00.000Z');
    expect(set.segments[0]!.name).toBe('beta');
    expect(Object.isFrozen(set.features[0]!.strategies[0]!.parameters)).toBe(true);
    expect(parseFeatures([ok]).features).toHaveLength(1);
    expect(parseFeature(ok).name).toBe('ok');
  });

  it('rejects malformed features with coded errors and paths', () => {
    expect(invalid(() => parseFeature({ enabled: true, strategies: [] }))[0]!.path).toBe('name');
    invalid(() => parseFeature({ name: 'x', enabled: 'yes', strategies: [] }));
    invalid(() => parseFeature({ name: 'x', enabled: true }));
    invalid(() => parseFeature(null));
    invalid(() => parseFeatures({ features: 'nope' }));
    invalid(() => parseFeatures('[]'));
  });

  it('rejects duplicate names, duplicate segments and dangling segment ids', () => {
    expect(invalid(() => parseFeatures([ok, ok]))[0]!.message).toMatch(/duplicate feature/);
    invalid(() => parseFeatures({ features: [], segments: [{ id: 1, constraints: [] }, { id: 1, constraints: [] }] }));
    expect(invalid(() => parseFeatures([withStrategy({ segments: [9] })]))[0]!.path).toBe('features.0.strategies.0.segments.0');
  });

  it('rejects bad weights and variant lists', () => {
    const variants = (vs: unknown[]) => ({ ...ok, variants: vs });
    invalid(() => parseFeature(variants([{ name: 'a', weight: -1 }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: 1001 }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: 12.5 }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: '500' }])));
    invalid(() => parseFeature(variants([{ name: 'a' }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: 500 }, { name: 'a', weight: 500 }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: 600, weightType: 'fix' }, { name: 'b', weight: 600, weightType: 'fix' }])));
    invalid(() => parseFeature(variants([{ name: 'a', weight: 1000, weightType: 'heavy' }])));
    invalid(() => parseFeature(withStrategy({ variants: [{ name: 'a', weight: 2000 }] })));
  });

  it('rejects unknown operators and operands the client could never evaluate', () => {
    invalid(() => parseFeature(withConstraint({ operator: 'LIKE' })));
    invalid(() => parseFeature(withConstraint({ operator: 'IN', values: undefined })));
    invalid(() => parseFeature(withConstraint({ operator: 'IN', values: [1, 2] })));
    invalid(() => parseFeature(withConstraint({ operator: 'NUM_EQ' })));
    invalid(() => parseFeature(withConstraint({ operator: 'NUM_EQ', value: 'ten' })));
    invalid(() => parseFeature(withConstraint({ operator: 'DATE_AFTER', value: 'tomorrow' })));
    invalid(() => parseFeature(withConstraint({ operator: 'SEMVER_EQ', value: '1.2' })));
    invalid(() => parseFeature(withConstraint({ operator: 'REGEX', value: '(unclosed' })));
    invalid(() => parseFeature(withConstraint({ operator: 'REGEX', value: '(?=lookahead)' })));
    invalid(() => parseFeature(withConstraint({ operator: 'IN', contextName: '' })));
    expect(parseFeature(withConstraint({ operator: 'NUM_LT', value: 5 })).name).toBe('ok');
    expect(parseFeature(withConstraint({ operator: 'SEMVER_EQ', value: 'v1.2.3' })).name).toBe('ok');
  });

  it('rejects bad strategy parameters but tolerates unknown strategies', () => {
    invalid(() => parseFeature(withStrategy({ name: 'flexibleRollout', parameters: { rollout: '101' } })));
    invalid(() => parseFeature(withStrategy({ name: 'flexibleRollout', parameters: { rollout: 'half' } })));
    invalid(() => parseFeature(withStrategy({ name: 'flexibleRollout', parameters: {} })));
    invalid(() => parseFeature(withStrategy({ name: 'gradualRolloutUserId', parameters: { percentage: '' } })));
    invalid(() => parseFeature(withStrategy({ name: 'userWithId', parameters: { userIds: 42 } })));
    invalid(() => parseFeature(withStrategy({ parameters: { nested: { a: 1 } } })));
    expect(parseFeature(withStrategy({ name: 'myCustomStrategy', parameters: { anything: 'x' } })).name).toBe('ok');
  });
});
