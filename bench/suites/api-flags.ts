/**
 * The flag check route over a real socket: the API listens on 127.0.0.1 (random port) and this
 * same process drives `GET /api/modularity/feature-flags/<flag>/check?userId=...` with many
 * concurrent keep-alive connections (`http.Agent({ keepAlive: true })`) for a fixed time.
 * The flag is a 37 % flexibleRollout with two variants; userIds cycle through 10,000 values.
 *
 * api.flag_check_rps: completed 200 responses per second over the timed window (after warm-up).
 * api.flag_check_p99_ms: 99th percentile request latency (send to full body) in that window.
 *
 * Bounded: loopback only, CONCURRENCY connections, DURATION_MS of load (quick: ~3 s).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/api/buildApp.ts';
import { KillSwitch } from '../../src/control/KillSwitch.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/PgliteDatabase.ts';
import { arg, emit, log, quick } from '../lib/suite.ts';

const CONCURRENCY = Number(arg('concurrency') ?? 64);
const WARMUP_MS = quick ? 300 : 2_000;
const DURATION_MS = quick ? 1_000 : 10_000;
const USERS = 10_000;
const FLAG = 'bench.api.rollout37';
const TOKEN = 'bench-token-0123456789abcdef0123456789';

const dataDir = await mkdtemp(join(tmpdir(), 'helios-bench-api-'));
const kernel = new Kernel({ dataDir, gateway: { submit: () => {} }, exposure: () => 0 });
const db = await PgliteDatabase.open();
await migrate(db);
const records = new PlatformRecords(db);
const app = await buildApp(
  { kernel, killSwitch: new KillSwitch(kernel, records), db, records, modulesDir: dataDir, flagFiles: undefined, startedAt: Date.now(), version: '0.1.0' },
  { token: TOKEN },
);
const created = await app.inject({
  method: 'POST',
  url: '/api/modularity/feature-flags',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  payload: {
    name: FLAG,
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: '37', stickiness: 'userId', groupId: FLAG }, constraints: [] }],
    variants: [
      { name: 'a', weight: 500, weightType: 'variable', stickiness: 'default' },
      { name: 'b', weight: 500, weightType: 'variable', stickiness: 'default', payload: { type: 'string', value: 'B' } },
    ],
  },
});
if (created.statusCode !== 201) throw new Error(`creating the flag failed: ${created.statusCode} ${created.body}`);
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('no TCP address');
const port = address.port;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const paths = Array.from({ length: USERS }, (_, i) => `/api/modularity/feature-flags/${FLAG}/check?userId=user-${i}&appName=bench`);

function request(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, agent, method: 'GET' }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Keep CONCURRENCY requests in flight until `until`; latencies (ms) of 200s finished after `from`. */
async function drive(from: number, until: number): Promise<{ ok: number; failed: number; latencies: number[] }> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      const path = paths[next++ % USERS]!;
      const t0 = performance.now();
      const status = await request(path).catch(() => 0);
      const t1 = performance.now();
      if (t1 < from || t1 > until) continue;
      if (status === 200) {
        ok++;
        latencies.push(t1 - t0);
      } else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ok, failed, latencies };
}

try {
  log(`api-flags: ${CONCURRENCY} keep-alive connections to 127.0.0.1:${port}, ${WARMUP_MS} ms warm-up + ${DURATION_MS} ms timed`);
  const start = performance.now();
  const from = start + WARMUP_MS;
  const until = from + DURATION_MS;
  const { ok, failed, latencies } = await drive(from, until);
  if (failed > 0) throw new Error(`${failed} requests failed`);
  if (ok === 0) throw new Error('no request completed');
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)]!;
  const p50 = latencies[Math.floor(latencies.length / 2)]!;
  const rps = ok / (DURATION_MS / 1000);
  log(`  ${ok} checks in ${DURATION_MS} ms: ${Math.round(rps)} req/s, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
  agent.destroy();
  await app.close();
  await kernel.stop();
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
  emit({ 'api.flag_check_rps': Math.round(rps), 'api.flag_check_p99_ms': Math.round(p99 * 100) / 100 });
} catch (e) {
  agent.destroy();
  await app.close().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
  throw e;
}
