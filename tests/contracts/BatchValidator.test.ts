import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assertValidBatch, checkFor, MAX_REPORTED_ISSUES, validateBatch } from '../../src/contracts/BatchValidator.ts';
import { isCompiled } from '../../src/contracts/compileValidator.ts';
import { MarketEvent, Signal } from '../../src/contracts/tiers.ts';
import { HeliosError, isHeliosError } from '../../src/errors/HeliosError.ts';
import { CATALOGUE } from '../../src/errors/catalogue.ts';
import { validFor, valuesFor } from './arbitraries.ts';

const trade = { seq: 1, symbol: 'AAPL', ts: 1_700_000_000_000, kind: 'trade', price: 190.5, size: 100 };

describe('validateBatch', () => {
  it('is null for an empty batch and for a batch of valid items', () => {
    expect(validateBatch(MarketEvent, [])).toBeNull();
    expect(validateBatch(MarketEvent, [trade, { ...trade, seq: 2 }])).toBeNull();
  });

  it('reports the first failing item with zod issues, paths as strings', () => {
    const batch = [trade, { ...trade, seq: 2, price: -1 }, { ...trade, seq: 0 }];
    expect(validateBatch(MarketEvent, batch)).toEqual({
      index: 1,
      issues: [{ path: 'price', message: expect.stringMatching(/>0/) }],
    });
  });

  it('formats nested paths and reports the whole item as an empty path', () => {
    const schema = z.object({ legs: z.array(z.object({ qty: z.number() })), tags: z.record(z.string(), z.number()) });
    expect(validateBatch(schema, [{ legs: [{ qty: 1 }, { qty: 'x' }], tags: { a: 'b' } }])?.issues.map((i) => i.path)).toEqual(['legs[1].qty', 'tags.a']);
    expect(validateBatch(schema, [null])?.issues).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('caps the issues it reports, and the report survives a structured clone', () => {
    const garbage = { legs: Array.from({ length: 100 }, () => ({ qty: 'x' })) };
    const report = validateBatch(z.object({ legs: z.array(z.object({ qty: z.number() })) }), [garbage]);
    expect(report?.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(structuredClone(report)).toEqual(report);
  });

  it('finds exactly the first invalid item among valid ones', () => {
    fc.assert(
      fc.property(
        fc.array(validFor(Signal), { minLength: 1, maxLength: 40 }),
        fc.array(valuesFor(Signal), { maxLength: 5 }),
        fc.nat(),
        (valid, rest, at) => {
          const bad = { ...(valid[0] as object), confidence: 2 };
          const index = at % valid.length;
          const batch = [...valid.slice(0, index), bad, ...rest];
          expect(validateBatch(Signal, batch)?.index).toBe(index);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agrees with zod item by item on mixed batches', () => {
    fc.assert(
      fc.property(fc.array(valuesFor(MarketEvent), { maxLength: 20 }), (batch) => {
        const firstBad = batch.findIndex((item) => !MarketEvent.safeParse(item).success);
        expect(validateBatch(MarketEvent, batch)?.index ?? -1).toBe(firstBad);
      }),
      { numRuns: 300 },
    );
  });

  it('compiles each schema once and reuses the check', () => {
    const schema = z.object({ a: z.number() });
    expect(checkFor(schema)).toBe(checkFor(schema));
    expect(isCompiled(checkFor(schema))).toBe(true);
    expect(checkFor(z.object({ a: z.number() }))).not.toBe(checkFor(schema));
  });

  it('works the same for a schema that falls back to safeParse', () => {
    const schema = z.object({ a: z.number().refine((n) => n % 2 === 0, 'must be even') });
    expect(isCompiled(checkFor(schema))).toBe(false);
    expect(validateBatch(schema, [{ a: 2 }, { a: 3 }])).toEqual({ index: 1, issues: [{ path: 'a', message: 'must be even' }] });
  });
});

describe('assertValidBatch', () => {
  it('returns quietly for a valid batch', () => {
    expect(() => assertValidBatch(MarketEvent, [trade], 'HELIOS_E_INPUT_INVALID')).not.toThrow();
  });

  it.each(['HELIOS_E_OUTPUT_INVALID', 'HELIOS_E_INPUT_INVALID'] as const)('throws a coded HeliosError (%s) with the report as details', (code) => {
    let thrown: unknown;
    try {
      assertValidBatch(MarketEvent, [trade, { ...trade, kind: 'tick' }], code, 'features input');
    } catch (e) {
      thrown = e;
    }
    expect(isHeliosError(thrown, code)).toBe(true);
    const error = thrown as HeliosError;
    expect(error.status).toBe(CATALOGUE[code].status);
    expect(error.message).toMatch(/^features input item 1 violates its contract: kind: /);
    expect(error.details).toEqual({ index: 1, issues: [{ path: 'kind', message: expect.any(String) }] });
    expect(HeliosError.fromJSON(structuredClone(error.toJSON())).details).toEqual(error.details);
  });
});
