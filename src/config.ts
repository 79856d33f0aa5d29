import { resolve } from 'node:path';
import { z } from 'zod';
import { HeliosError } from './errors/HeliosError.ts';

/** Every environment variable Helios reads, in one place, validated once at start. */
const EnvSchema = z.object({
  HELIOS_DATA_DIR: z.string().min(1).default('./.helios'),
  HELIOS_RATE: z.coerce.number().int().positive().max(1_000_000).default(5_000),
  HELIOS_SYMBOLS: z.coerce.number().int().positive().max(10_000).default(20),
  HELIOS_SEED: z.coerce.number().int().default(42),
  HELIOS_SUMMARY_MS: z.coerce.number().int().min(100).default(3_000),
  HELIOS_DURATION_S: z.coerce.number().min(0).default(0),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Empty means unset, so a caller can switch a server off for one run.
  DATABASE_URL: z.union([z.literal(''), z.string().url()]).optional(),
  HELIOS_API_TOKEN: z.string().min(16).optional(),
  HELIOS_FLAGS_DIR: z.string().min(1).default('./flags'),
});

export interface Config {
  dataDir: string;
  rate: number;
  symbols: number;
  seed: number;
  summaryMs: number;
  durationS: number;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  apiToken: string | undefined;
  flagsDir: string;
}

export function readConfig(env: Record<string, string | undefined>): Config {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', `configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = r.data;
  return {
    dataDir: resolve(e.HELIOS_DATA_DIR),
    rate: e.HELIOS_RATE,
    symbols: e.HELIOS_SYMBOLS,
    seed: e.HELIOS_SEED,
    summaryMs: e.HELIOS_SUMMARY_MS,
    durationS: e.HELIOS_DURATION_S,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL === '' ? undefined : e.DATABASE_URL,
    apiToken: e.HELIOS_API_TOKEN,
    flagsDir: resolve(e.HELIOS_FLAGS_DIR),
  };
}
