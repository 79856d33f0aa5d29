import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../ApiContext.ts';
import { doc, ErrorBody } from '../schema.ts';

const Health = z.object({ live: z.boolean(), ready: z.boolean(), reason: z.string().nullable() });

/** Liveness, readiness with its reason, and what is running. */
export function systemRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', { schema: { tags: ['system'], response: { 200: doc(Health), 503: doc(Health) } } }, async (_req, reply) => {
      let reason: string | null = null;
      try {
        await ctx.db.query('SELECT 1');
      } catch (e) {
        reason = `database: ${(e as Error).message}`;
      }
      if (reason === null) {
        const empty = Object.entries(ctx.kernel.status()).filter(([, s]) => (s as { versions: unknown[] }).versions.length === 0).map(([t]) => t);
        if (empty.length > 0) reason = `no module loaded in ${empty.join(', ')}`;
      }
      return reply.status(reason === null ? 200 : 503).send({ live: true, ready: reason === null, reason });
    });

    app.get('/api/system/info', { schema: { tags: ['system'], response: { 200: doc(z.record(z.string(), z.unknown())), 500: doc(ErrorBody) } } }, async () => ({
      name: 'helios',
      version: ctx.version,
      node: process.version,
      pid: process.pid,
      uptimeS: Math.round((Date.now() - ctx.startedAt) / 1000),
      database: ctx.db.kind,
      trading: ctx.kernel.trading.mode,
      nextSeq: ctx.kernel.sequencer.next,
    }));

    app.get('/api/modularity/status', { schema: { tags: ['modularity'], response: { 200: doc(z.record(z.string(), z.unknown())) } } }, async () => {
      const tiers = ctx.kernel.status() as Record<string, Record<string, unknown>>;
      // Market data ingestion refused, by reason: counted by the kernel from what the live ingestion module reported.
      if (ctx.quarantine !== undefined) tiers.ingestion = { ...tiers.ingestion, quarantined: { total: ctx.quarantine.total, byReason: ctx.quarantine.byReason } };
      return { trading: ctx.kernel.trading.mode, tiers };
    });
  };
}
