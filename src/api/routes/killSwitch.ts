import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../ApiContext.ts';
import { doc, ErrorBody } from '../schema.ts';

const Engage = z.object({ mode: z.enum(['halt', 'reduce', 'flatten']), reason: z.string().trim().min(1).max(2000) }).strict();
const Reset = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
const State = z.object({ mode: z.string(), reason: z.string().nullable(), actor: z.string().nullable(), at: z.string().nullable(), seq: z.number().nullable() });
const errors = { 400: doc(ErrorBody), 401: doc(ErrorBody), 409: doc(ErrorBody), 413: doc(ErrorBody), 415: doc(ErrorBody) };

/** The kill switch: first-class, persisted before it answers. */
export function killSwitchRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/kill-switch', { schema: { tags: ['kill-switch'], response: { 200: doc(State) } } }, async () => ctx.killSwitch.state());

    app.post<{ Body: z.infer<typeof Engage> }>(
      '/api/kill-switch',
      { schema: { tags: ['kill-switch'], security: [{ bearer: [] }], body: doc(Engage), response: { 200: doc(State), ...errors } } },
      async (req) => {
        await ctx.killSwitch.engage(req.body.mode, req.body.reason, req.actor);
        return ctx.killSwitch.state();
      },
    );

    app.post<{ Body: z.infer<typeof Reset> }>(
      '/api/kill-switch/reset',
      { schema: { tags: ['kill-switch'], security: [{ bearer: [] }], body: doc(Reset), response: { 200: doc(State), ...errors } } },
      async (req) => {
        await ctx.killSwitch.reset(req.body.reason, req.actor);
        return ctx.killSwitch.state();
      },
    );
  };
}
