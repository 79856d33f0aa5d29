import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { counterModule, tempDir, writeModule } from '../helpers/moduleFixtures.ts';

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['src/cli/harness.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, out })));
}

describe('harness command', () => {
  it('passes a shipped module and exits 0', async () => {
    const r = await run(['tests/fixtures/starter-modules/risk/limits']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^PASS limits@1\.0\.0 \(risk, sha256 [0-9a-f]{12}\)/m);
    expect(r.out).toMatch(/^1 passed, 0 failed$/m);
  });

  it('fails a module whose output breaks its golden case, and a missing folder, with exit 1', async () => {
    const dir = await tempDir();
    try {
      // Golden output says count 1; this version adds a bias, so the case must fail.
      const bad = await writeModule(dir, {
        name: 'counter', tier: 'features', version: '1.0.0', code: counterModule({ bias: 1 }),
        harness: [[{ seq: 1, symbol: 'A', ts: 1, kind: 'trade', price: 10, size: 1 }]],
      });
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${bad}/harness/basic.json`, JSON.stringify({
        name: 'counts from one',
        batches: [[{ seq: 1, symbol: 'A', ts: 1, kind: 'trade', price: 10, size: 1 }]],
        expected: [[{ seq: 1, symbol: 'A', ts: 1, price: 10, features: { count: 1, mean: 10 } }]],
      }));
      const r = await run([bad, `${dir}/missing`]);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/FAIL counts from one/);
      expect(r.out).toMatch(/output differs from the golden output/);
      expect(r.out).toMatch(/HELIOS_E_MODULE_NOT_FOUND/);
      expect(r.out).toMatch(/^0 passed, 2 failed$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
