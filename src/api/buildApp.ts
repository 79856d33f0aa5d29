import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { HeliosError } from '../errors/HeliosError.ts';
import { installAuth } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { originalOf } from './schema.ts';
import type { ApiContext } from './ApiContext.ts';
import { ROUTES } from './routes/index.ts';

export interface AppOptions {
  token: string;
  /** Request bodies above this are refused with 413 (default 1 MiB). */
  bodyLimit?: number;
  logger?: boolean;
}

/**
 * The control plane's HTTP surface. Validation is the route's zod schema
 * (via the compiler below), responses are plain JSON, errors are the HELIOS
 * envelope, and the OpenAPI document is generated from the same schemas.
 */
export async function buildApp(ctx: ApiContext, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: opts.bodyLimit ?? 1024 * 1024 });
  app.setValidatorCompiler(({ schema }) => {
    const z = originalOf(schema);
    if (z === undefined) return () => true;
    return (data: unknown) => {
      const r = z.safeParse(data);
      if (r.success) return { value: r.data };
      const msg = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
      return { error: new HeliosError('HELIOS_E_INPUT_INVALID', msg, { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }) };
    };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON only: a text body is refused as such (415), not half-parsed into a string.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Helios control plane', version: '0.1.0', description: 'Modularity API, kill switch and system status of the Helios kernel.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installAuth(app, opts.token);
  for (const routes of ROUTES) await app.register(routes(ctx));
  return app;
}
