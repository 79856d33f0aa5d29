import { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';
import { TierSchema } from './tiers.ts';

// Semver 2.0.0, from semver.org's recommended expression.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * `manifest.json` beside a module's code. Strict: an unknown key is more often
 * a typo of a limit (which would silently not apply) than an extension.
 */
export const ManifestSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter'),
    tier: TierSchema,
    version: z.string().regex(SEMVER, 'a semver version such as 1.2.0'),
    /** Bumped when snapshot() changes shape; restore() receives the sender's stateVersion to migrate from. */
    stateVersion: z.number().int().nonnegative(),
    isolation: z.enum(['worker', 'inline']).default('worker'),
    entry: z.string().regex(/^[\w./-]+\.(ts|js|mjs)$/).refine((p) => !p.split('/').includes('..'), 'must stay inside the module folder').default('index.ts'),
    deadlineMs: z.number().positive().max(60_000),
    /** Items per call at most; the kernel splits larger batches. */
    maxBatch: z.number().int().positive().max(100_000).default(1024),
    /**
     * Independent per-instrument lanes. Above 1, batches for different symbols
     * run concurrently, so one slow instrument (an LLM review) does not hold up
     * the others; order within a symbol is always kept.
     */
    lanes: z.number().int().positive().max(64).default(1),
    resources: z
      .object({
        maxOldGenerationSizeMb: z.number().int().min(8).max(4096).default(64),
        maxYoungGenerationSizeMb: z.number().int().min(1).max(512).default(16),
        stackSizeMb: z.number().int().min(1).max(64).default(4),
      })
      .strict()
      .default({ maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 }),
    config: z.record(z.string(), z.unknown()).default({}),
    description: z.string().max(500).optional(),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;

/** `name@version`: the identity of a module version everywhere in Helios. */
export function versionKey(m: Pick<Manifest, 'name' | 'version'>): string {
  return `${m.name}@${m.version}`;
}

export function parseManifest(json: unknown, where = 'manifest'): Manifest {
  const r = ManifestSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new HeliosError(
      'HELIOS_E_MANIFEST_INVALID',
      `${where}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return r.data;
}
