import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HeliosError } from '../errors/HeliosError.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The API token: `HELIOS_API_TOKEN` if set, else one generated on first start
 * and kept in the data directory (mode 0600), so a restart keeps it and the CLI
 * can read it. `created` says a new one was written (the caller logs where).
 */
export async function loadToken(dataDir: string, fromEnv: string | undefined): Promise<{ token: string; path: string | undefined; created: boolean }> {
  if (fromEnv !== undefined && fromEnv !== '') return { token: fromEnv, path: undefined, created: false };
  const path = join(dataDir, 'api-token');
  try {
    const t = (await readFile(path, 'utf8')).trim();
    if (t.length >= 32) return { token: t, path, created: false };
  } catch {
    // none yet
  }
  await mkdir(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return { token, path, created: true };
}

/** A short, non-secret id of a token, for "who" in history records. */
export function tokenId(token: string): string {
  return `tok-${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}

/**
 * Every mutating route needs `Authorization: Bearer <token>`; a wrong or
 * missing token is refused before the handler runs, so it changes nothing.
 * Reads stay open (the server binds to loopback by default).
 */
export function installAuth(app: FastifyInstance, token: string): void {
  const want = Buffer.from(token);
  app.decorateRequest('actor', '');
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!MUTATING.has(req.method)) return;
    const h = req.headers.authorization;
    const got = typeof h === 'string' && h.startsWith('Bearer ') ? Buffer.from(h.slice(7)) : undefined;
    if (got === undefined || got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new HeliosError('HELIOS_E_UNAUTHORIZED', got === undefined ? 'a bearer token is required' : 'wrong token');
    }
    (req as FastifyRequest & { actor: string }).actor = tokenId(token);
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: string;
  }
}
