import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/moduleFixtures.ts';

describe('main job (npm start)', () => {
  it('runs the seven default modules on a synthetic feed and shuts down cleanly with no sequence gap', async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, ['main.ts'], {
      env: { ...process.env, HELIOS_DATA_DIR: dataDir, HELIOS_DURATION_S: '3', HELIOS_SUMMARY_MS: '1000', HELIOS_RATE: '2000', PORT: '0', HELIOS_FLAGS_DIR: dataDir + '/flags', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    await rm(dataDir, { recursive: true, force: true });
    expect(code, out).toBe(0);
    for (const tier of ['ingestion', 'features', 'ml', 'risk', 'llm', 'portfolio', 'execution']) expect(out).toMatch(new RegExp(`^${tier}\\s+\\S+@\\d`, 'm'));
    expect(out).toMatch(/events\/s \d+ \| events \d+ \| open positions \d+ \| P&L -?\d+\.\d\d .*\| orders \d+ sent, \d+ denied \| quarantined \d+ \| trading ACTIVE/);
    expect(out).toMatch(/sequence check: 0 gaps, 0 duplicates, 0 stranded items across tiers/);
    expect(out).toMatch(/API http:\/\/127\.0\.0\.1:\d+ \| OpenAPI http:\/\/127\.0\.0\.1:\d+\/docs \| token .*api-token \| database pglite/);
  }, 60_000);

  it('refuses a bad configuration value with a coded error', async () => {
    const child = spawn(process.execPath, ['main.ts'], { env: { ...process.env, HELIOS_RATE: 'fast' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).not.toBe(0);
    expect(err).toMatch(/HELIOS_E_INPUT_INVALID|HELIOS_RATE/);
  });
});
