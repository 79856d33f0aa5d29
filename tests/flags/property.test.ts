import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAgreement } from './oracle.ts';
import { contextArb, featuresArb, segmentsArb } from './arbitraries.ts';

// Moderate counts: the machine is shared, and each run already compares dozens of evaluations.
const RUNS = 150;

describe('random features and contexts agree with unleash-client', () => {
  it('isEnabled and getVariant, with and without fallbacks', () => {
    let compared = 0;
    fc.assert(
      fc.property(featuresArb, segmentsArb, fc.array(contextArb, { minLength: 1, maxLength: 8 }), (features, segments, contexts) => {
        compared += expectAgreement(features, contexts, segments);
      }),
      { numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(RUNS);
  });

  it('many contexts against one rollout-with-variants flag set', () => {
    fc.assert(
      fc.property(featuresArb, fc.array(contextArb, { minLength: 50, maxLength: 100 }), (features, contexts) => {
        expectAgreement(features, contexts, [
          { id: 1, constraints: [] },
          { id: 2, constraints: [] },
        ]);
      }),
      { numRuns: 20 },
    );
  });
});
