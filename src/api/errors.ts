import type { FastifyError, FastifyInstance } from 'fastify';
import { CATALOGUE } from '../errors/catalogue.ts';
import { HeliosError } from '../errors/HeliosError.ts';

/**
 * Maps everything a route can throw onto `{ error: { code, message } }`.
 * Bad input of any kind (malformed JSON, wrong types, oversized or
 * unsupported bodies, unknown routes) is a 4xx with a HELIOS code; a 5xx means
 * a fault of Helios itself and is logged as one.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HeliosError | Error, req, reply) => {
    const e = toHelios(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    void reply.status(e.status).send({ error: e.toJSON() });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'HELIOS_E_ROUTE_NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
  });
}

function toHelios(err: FastifyError | HeliosError | Error): HeliosError {
  if (err instanceof HeliosError) return err;
  const f = err as FastifyError;
  if (f.validation !== undefined || f.code === 'FST_ERR_VALIDATION') return new HeliosError('HELIOS_E_INPUT_INVALID', f.message);
  switch (f.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HeliosError('HELIOS_E_INPUT_INVALID', f.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HeliosError('HELIOS_E_PAYLOAD_TOO_LARGE', f.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HeliosError('HELIOS_E_UNSUPPORTED_MEDIA_TYPE', f.message);
  }
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return new HeliosError('HELIOS_E_INPUT_INVALID', f.message);
  return new HeliosError('HELIOS_E_INTERNAL', 'internal error', undefined, { cause: err });
}

/** Codes the API itself adds to the catalogue's; listed so tests can check the README has them all. */
export const API_CODES = ['HELIOS_E_ROUTE_NOT_FOUND', 'HELIOS_E_UNAUTHORIZED', 'HELIOS_E_PAYLOAD_TOO_LARGE', 'HELIOS_E_UNSUPPORTED_MEDIA_TYPE', 'HELIOS_E_INTERNAL'] as const satisfies readonly (keyof typeof CATALOGUE)[];
