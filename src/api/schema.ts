import { z } from 'zod';

/**
 * A route's zod schema is the single source of its validation and its
 * OpenAPI document: `doc()` turns it into JSON Schema for @fastify/swagger and
 * remembers the zod original, which the validator compiler then uses, so the
 * two can never disagree.
 */
const ORIGINALS = new WeakMap<object, z.ZodType>();

export function doc(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  ORIGINALS.set(json, schema);
  return json;
}

export function originalOf(json: object): z.ZodType | undefined {
  return ORIGINALS.get(json);
}

/** The one error shape every route answers with. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
