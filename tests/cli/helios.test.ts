import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeRolloutId, ROLLOUT, toCall } from '../../src/cli/helios.ts';
import { ControlPlane } from '../../src/control/ControlPlane.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['bin/helios.mjs', ...args], { env: { ...process.env, ...env, HELIOS_API_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, out })));
}

describe('helios CLI', () => {
  it('talks to a running Helios with the token from its data directory', async () => {
    const dataDir = await tempDir();
    const cp = await ControlPlane.start({ dataDir, flagsDir: join(dataDir, 'flags'), modulesDir: 'modules', listen: { host: '127.0.0.1', port: 0 } });
    const env = { HELIOS_URL: cp.address!, HELIOS_DATA_DIR: dataDir };
    try {
      const status = await cli(['status'], env);
      expect(status.code, status.out).toBe(0);
      expect(JSON.parse(status.out)).toMatchObject({ trading: 'ACTIVE', tiers: expect.objectContaining({ execution: expect.any(Object) }) });
      const kill = await cli(['kill', 'halt', 'fire', 'drill'], env);
      expect(kill.code, kill.out).toBe(0);
      expect(cp.kernel.trading.mode).toBe('HALTED');
      expect(JSON.parse(kill.out)).toMatchObject({ mode: 'HALTED', reason: 'fire drill' });
      const reset = await cli(['reset', 'drill', 'over'], env);
      expect(reset.code).toBe(0);
      expect(cp.kernel.trading.mode).toBe('ACTIVE');
      // A wrong token is refused by the API, and the CLI says so with a non-zero exit.
      const wrong = await cli(['kill', 'halt', 'x'], { ...env, HELIOS_DATA_DIR: '/nonexistent' });
      expect(wrong.code).toBe(1);
      expect(wrong.out).toMatch(/HELIOS_E_UNAUTHORIZED/);
      expect(cp.kernel.trading.mode).toBe('ACTIVE');
      const usage = await cli(['nope'], env);
      expect(usage.code).toBe(2);
      // A tier stands for its rollout in progress; with none, the CLI says so instead of guessing an id.
      const none = await cli(['abort', 'ml'], env);
      expect(none.code).toBe(1);
      expect(none.out).toMatch(/HELIOS_E_ROLLOUT_CONFLICT[\s\S]*no rollout in progress on ml/);
    } finally {
      await cp.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('maps every command onto the API route it stands for', () => {
    expect(toCall(['swap', 'features', 'ema@2.0.0', 'canary', '5,25,100'])).toEqual({
      method: 'POST',
      path: '/api/modularity/modules/swap',
      body: { tier: 'features', version: 'ema@2.0.0', strategy: 'canary', steps: [5, 25, 100] },
    });
    expect(toCall(['rollback', 'ml'])).toMatchObject({ method: 'POST', path: '/api/modularity/modules/ml/rollback' });
    expect(toCall(['breaker', 'ema@1.0.0'])).toEqual({ method: 'GET', path: '/api/modularity/circuit-breakers/ema%401.0.0' });
    expect(toCall(['kill', 'halt'])).toBeUndefined();
  });

  it('narrows status and rollouts to one tier, and names a rollout by its tier', () => {
    const status = toCall(['status', 'features'])!;
    expect(status.path).toBe('/api/modularity/status');
    expect(status.view!({ trading: 'ACTIVE', tiers: { ml: { queued: 1 }, features: { queued: 2 } } })).toEqual({ tier: 'features', trading: 'ACTIVE', queued: 2 });
    expect(toCall(['status', 'nope'])).toBeUndefined();

    const rollouts = [
      { id: 'r3', tier: 'risk', state: 'canary' },
      { id: 'r2', tier: 'ml', state: 'shadow' },
      { id: 'r1', tier: 'risk', state: 'rolled-back' },
    ];
    expect(toCall(['rollouts', 'risk'])!.view!(rollouts)).toEqual([rollouts[0], rollouts[2]]);
    expect(toCall(['rollouts'])!.view).toBeUndefined();

    expect(toCall(['promote', 'ml'])).toEqual({ method: 'POST', path: `/api/modularity/rollouts/${ROLLOUT}/promote`, body: {}, activeRolloutOf: 'ml' });
    expect(toCall(['abort', 'r7'])).toEqual({ method: 'POST', path: '/api/modularity/rollouts/r7/abort', body: {} });
    expect(activeRolloutId(rollouts, 'risk')).toBe('r3');
    expect(activeRolloutId(rollouts.slice(1), 'risk')).toBeUndefined();
  });
});
