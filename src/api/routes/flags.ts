import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../ApiContext.ts';
import { FlagAdmin } from '../../control/FlagAdmin.ts';
import { HeliosError } from '../../errors/HeliosError.ts';
import type { FlagContext, FlagProperties } from '../../flags/context.ts';
import { doc, ErrorBody } from '../schema.ts';

const BASE = '/api/modularity/feature-flags';
const Reason = z.string().trim().min(1).max(2000);
const Params = z.object({ name: z.string().min(1).max(200) }).strict();
/** An Unleash feature (validated in full by FlagAdmin, answering HELIOS_E_FLAG_INVALID), plus an optional top-level `reason`. */
const FeatureBody = z
  .looseObject({ name: z.string().optional(), enabled: z.boolean().optional(), strategies: z.array(z.unknown()).optional(), reason: Reason.optional() })
  .describe('One Unleash feature, exactly as /api/client/features returns it (name, enabled, strategies, variants, dependencies, ...). A top-level "reason" is recorded in the history and not stored.');
/** Optional: enable/disable may be sent without a body. */
const ReasonOnly = z.object({ reason: Reason.optional() }).strict().nullish();
const ReasonRequired = z.object({ reason: Reason }).strict();
const Percentage = z.object({ percentage: z.number().min(0).max(100), reason: Reason.optional() }).strict();
const Values = z.object({ values: z.array(z.string().min(1).max(500)).min(1).max(10_000), reason: Reason.optional() }).strict();
const CheckQuery = z
  .object({
    userId: z.string().optional(),
    sessionId: z.string().optional(),
    remoteAddress: z.string().optional(),
    environment: z.string().optional(),
    appName: z.string().optional(),
    currentTime: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO 8601 date').optional(),
  })
  .catchall(z.string())
  .describe('Context fields; `properties[<field>]=<value>` sets context.properties.<field>.');

const Lock = z.object({ reason: z.string(), actor: z.string(), at: z.string() }).nullable();
const View = z.object({ feature: z.record(z.string(), z.unknown()), lock: Lock });
const List = z.object({ features: z.array(z.record(z.string(), z.unknown())), locked: z.array(z.string()) });
const Check = z.object({ enabled: z.boolean(), variant: z.object({ name: z.string(), enabled: z.boolean(), payload: z.object({ type: z.string(), value: z.string() }).optional() }) });
const History = z.object({
  history: z.array(z.object({ id: z.number(), action: z.string(), actor: z.string(), reason: z.string().nullable(), before: z.unknown(), after: z.unknown(), at: z.string() })),
});
const errors = { 400: doc(ErrorBody), 401: doc(ErrorBody), 404: doc(ErrorBody), 409: doc(ErrorBody), 413: doc(ErrorBody), 415: doc(ErrorBody) };
const PROPERTY = /^properties\[([^\]]+)\]$/;

type Name = { Params: { name: string } };

/** Feature flags: Unleash JSON in and out, every change through FlagAdmin, evaluation as unleash-client. */
export function flagRoutes(ctx: ApiContext): FastifyPluginAsync {
  const admin = new FlagAdmin({ store: ctx.kernel.flags, files: ctx.flagFiles, records: ctx.records, db: ctx.db });
  const tags = ['feature-flags'];
  const write = { tags, security: [{ bearer: [] }], params: doc(Params) };

  return async (app) => {
    app.get(BASE, { schema: { tags, response: { 200: doc(List) } } }, async () => admin.list());

    app.post<{ Body: Record<string, unknown> }>(BASE, { schema: { tags, security: [{ bearer: [] }], body: doc(FeatureBody), response: { 201: doc(View), ...errors } } }, async (req, reply) => {
      const { reason, feature } = splitReason(req.body);
      const view = await admin.create(feature, req.actor, reason);
      return reply.status(201).send(view);
    });

    app.get<Name>(`${BASE}/:name`, { schema: { tags, params: doc(Params), response: { 200: doc(View), 404: doc(ErrorBody) } } }, async (req) => admin.get(req.params.name));

    app.put<Name & { Body: Record<string, unknown> }>(`${BASE}/:name`, { schema: { ...write, body: doc(FeatureBody), response: { 200: doc(View), ...errors } } }, async (req) => {
      const { reason, feature } = splitReason(req.body);
      return admin.replace(req.params.name, feature, req.actor, reason);
    });

    app.post<Name & { Body: z.infer<typeof ReasonOnly> }>(`${BASE}/:name/enable`, { schema: { ...write, body: doc(ReasonOnly), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.enable(req.params.name, req.actor, req.body?.reason),
    );

    app.post<Name & { Body: z.infer<typeof ReasonOnly> }>(`${BASE}/:name/disable`, { schema: { ...write, body: doc(ReasonOnly), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.disable(req.params.name, req.actor, req.body?.reason),
    );

    app.post<Name & { Body: z.infer<typeof Percentage> }>(`${BASE}/:name/percentage`, { schema: { ...write, body: doc(Percentage), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.setPercentage(req.params.name, req.body.percentage, req.actor, req.body.reason),
    );

    app.post<Name & { Body: z.infer<typeof Values> }>(`${BASE}/:name/whitelist/add`, { schema: { ...write, body: doc(Values), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.whitelistAdd(req.params.name, req.body.values, req.actor, req.body.reason),
    );

    app.post<Name & { Body: z.infer<typeof Values> }>(`${BASE}/:name/whitelist/remove`, { schema: { ...write, body: doc(Values), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.whitelistRemove(req.params.name, req.body.values, req.actor, req.body.reason),
    );

    app.post<Name & { Body: z.infer<typeof ReasonRequired> }>(`${BASE}/:name/kill-switch`, { schema: { ...write, body: doc(ReasonRequired), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.killSwitch(req.params.name, req.actor, req.body.reason),
    );

    app.post<Name & { Body: z.infer<typeof ReasonRequired> }>(`${BASE}/:name/kill-switch/reset`, { schema: { ...write, body: doc(ReasonRequired), response: { 200: doc(View), ...errors } } }, async (req) =>
      admin.resetKillSwitch(req.params.name, req.actor, req.body.reason),
    );

    app.get<Name & { Querystring: Record<string, string> }>(
      `${BASE}/:name/check`,
      { schema: { tags, params: doc(Params), querystring: doc(CheckQuery), response: { 200: doc(Check), ...errors } } },
      async (req) => {
        const snap = ctx.kernel.flags.current();
        const name = req.params.name;
        if (!snap.has(name)) throw new HeliosError('HELIOS_E_FLAG_UNKNOWN', `No feature flag named "${name}"`, { name });
        const context = toContext(req.query);
        const v = snap.getVariant(name, context);
        const variant: { name: string; enabled: boolean; payload?: unknown } = { name: v.name, enabled: v.enabled };
        if (v.payload !== undefined && v.payload !== null) variant.payload = v.payload;
        return { enabled: snap.isEnabled(name, context), variant };
      },
    );

    app.get<Name>(`${BASE}/:name/history`, { schema: { tags, params: doc(Params), response: { 200: doc(History), 404: doc(ErrorBody) } } }, async (req) => ({
      history: await admin.history(req.params.name),
    }));
  };
}

/** A feature body's optional top-level `reason` is the change's reason, not part of the flag. */
function splitReason(body: Record<string, unknown>): { reason: string | undefined; feature: Record<string, unknown> } {
  const { reason, ...feature } = body;
  return { reason: typeof reason === 'string' ? reason.trim() : undefined, feature };
}

/** The querystring as unleash-client's Context: known fields, `currentTime` as a Date, `properties[x]` into properties. */
export function toContext(query: Record<string, string>): FlagContext {
  const context: FlagContext = {};
  let properties: FlagProperties | undefined;
  for (const [key, value] of Object.entries(query)) {
    const m = PROPERTY.exec(key);
    if (m !== null) {
      properties ??= {};
      properties[m[1]!] = value;
      continue;
    }
    switch (key) {
      case 'userId':
      case 'sessionId':
      case 'remoteAddress':
      case 'environment':
      case 'appName':
        context[key] = value;
        break;
      case 'currentTime': {
        const t = new Date(value);
        if (Number.isNaN(t.getTime())) throw new HeliosError('HELIOS_E_INPUT_INVALID', `currentTime: not a date: ${value}`);
        context.currentTime = t;
        break;
      }
      default:
        throw new HeliosError('HELIOS_E_INPUT_INVALID', `unknown query parameter "${key}" (context fields go in properties[${key}])`);
    }
  }
  if (properties !== undefined) context.properties = properties;
  return context;
}
