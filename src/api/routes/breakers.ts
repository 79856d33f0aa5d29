import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Breakers, BreakerScope, BreakerSettingsSchema } from '../../control/Breakers.ts';
import type { ApiContext } from '../ApiContext.ts';
import { doc, ErrorBody } from '../schema.ts';

const BASE = '/api/modularity/circuit-breakers';

const Params = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,62}@[0-9A-Za-z.+-]{1,64}$/, 'a module version key, name@version') }).strict();
const Force = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
const Reset = z.object({ reason: z.string().trim().min(1).max(2000).optional() }).strict().nullish();
const Settings = z.object({ scope: BreakerScope, settings: BreakerSettingsSchema }).strict();

const Override = z.object({ state: z.enum(['open', 'closed']), reason: z.string(), actor: z.string(), at: z.string() });
const View = z.looseObject({
  key: z.string(),
  tier: z.string(),
  role: z.string().nullable(),
  state: z.enum(['closed', 'open', 'half-open']),
  forced: z.enum(['open', 'closed']).nullable(),
  stats: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
  override: Override.nullable(),
});
const List = z.object({ breakers: z.array(View) });
const SettingsAnswer = z.object({ scope: z.string(), settings: z.record(z.string(), z.unknown()), appliesTo: z.literal('future-deployments'), note: z.string() });

const readErrors = { 400: doc(ErrorBody), 404: doc(ErrorBody) };
const writeErrors = { 400: doc(ErrorBody), 401: doc(ErrorBody), 404: doc(ErrorBody), 413: doc(ErrorBody), 415: doc(ErrorBody) };
const tags = ['circuit-breakers'];

/**
 * One circuit breaker per deployed module version, addressed by `name@version`.
 * Open / close / reset act on the live breaker and are persisted before the
 * answer; settings apply to breakers created from then on.
 */
export function breakerRoutes(ctx: ApiContext): FastifyPluginAsync {
  const breakers = new Breakers(ctx.kernel, ctx.records);
  return async (app) => {
    app.get(BASE, { schema: { tags, response: { 200: doc(List) } } }, async () => ({ breakers: await breakers.list() }));

    app.get<{ Params: z.infer<typeof Params> }>(`${BASE}/:name`, { schema: { tags, params: doc(Params), response: { 200: doc(View), ...readErrors } } }, async (req) =>
      breakers.get(req.params.name),
    );

    app.post<{ Params: z.infer<typeof Params>; Body: z.infer<typeof Force> }>(
      `${BASE}/:name/open`,
      { schema: { tags, security: [{ bearer: [] }], params: doc(Params), body: doc(Force), response: { 200: doc(View), ...writeErrors } } },
      async (req) => breakers.open(req.params.name, req.body.reason, req.actor),
    );

    app.post<{ Params: z.infer<typeof Params>; Body: z.infer<typeof Force> }>(
      `${BASE}/:name/close`,
      { schema: { tags, security: [{ bearer: [] }], params: doc(Params), body: doc(Force), response: { 200: doc(View), ...writeErrors } } },
      async (req) => breakers.close(req.params.name, req.body.reason, req.actor),
    );

    app.post<{ Params: z.infer<typeof Params>; Body: z.infer<typeof Reset> }>(
      `${BASE}/:name/reset`,
      { schema: { tags, security: [{ bearer: [] }], params: doc(Params), body: doc(Reset), response: { 200: doc(View), ...writeErrors } } },
      async (req) => breakers.reset(req.params.name, req.actor, req.body?.reason ?? undefined),
    );

    app.post<{ Body: z.infer<typeof Settings> }>(
      BASE,
      { schema: { tags, security: [{ bearer: [] }], body: doc(Settings), response: { 200: doc(SettingsAnswer), ...writeErrors } } },
      async (req) => breakers.settings(req.body.scope, req.body.settings, req.actor),
    );
  };
}
