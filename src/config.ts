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
  HELIOS_FEED: z.enum(['synthetic', 'csv', 'ws']).default('synthetic'),
  HELIOS_FEED_URL: z.string().url().optional(),
  HELIOS_CSV: z.string().min(1).default('./data/sp500-2000.csv'),
  HELIOS_EVENT_MS: z.coerce.number().int().positive().max(86_400_000).default(1_000),
  HELIOS_CAPITAL: z.coerce.number().positive().max(1e12).default(1_000_000),
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
  /** Where market data comes from: the seeded synthetic feed, a CSV of bars replayed at HELIOS_RATE, or a WebSocket. */
  feed: 'synthetic' | 'csv' | 'ws';
  feedUrl: string | undefined;
  csv: string;
  /** Event time between one instrument's consecutive synthetic events. */
  eventMs: number;
  /** Starting cash of the paper account. */
  capital: number;
}

export function readConfig(env: Record<string, string | undefined>): Config {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    throw new HeliosError('HELIOS_E_INPUT_INVALID', `configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = r.data;
  if (e.HELIOS_FEED === 'ws' && e.HELIOS_FEED_URL === undefined) throw new HeliosError('HELIOS_E_INPUT_INVALID', 'configuration: HELIOS_FEED=ws needs HELIOS_FEED_URL');
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
    feed: e.HELIOS_FEED,
    feedUrl: e.HELIOS_FEED_URL,
    csv: resolve(e.HELIOS_CSV),
    eventMs: e.HELIOS_EVENT_MS,
    capital: e.HELIOS_CAPITAL,
  };
}
