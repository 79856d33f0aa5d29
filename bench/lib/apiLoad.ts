/**
 * The kill-switch-under-load setup, shared by tests/api/killSwitchLoad.test.ts
 * and bench/suites/api-kill.ts: the API on a real loopback socket, all seven
 * tiers running pass-through modules, market events ingested continuously,
 * and keep-alive HTTP clients hammering read routes. Loopback only, bounded.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { buildApp } from '../../src/api/buildApp.ts';
import { TIERS, type OrderIntent } from '../../src/contracts/tiers.ts';
import { KillSwitch } from '../../src/control/KillSwitch.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/PgliteDatabase.ts';
import { marketEvents, PASS_THROUGH, tempDir, writeModule } from '../../tests/helpers/moduleFixtures.ts';

export const LOAD_TOKEN = 'load-token-0123456789abcdef0123456789';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** A keep-alive HTTP client for one loopback port. */
export function httpClient(port: number, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    agent,
    send(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method, path, agent, headers: payload === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close(): void {
      agent.destroy();
    },
  };
}

export interface LoadOptions {
  isolation?: 'worker' | 'inline';
  /** Events per ingested batch (default 64). */
  batch?: number;
}

/** Starts kernel, database and API on 127.0.0.1:0 with all seven tiers loaded. */
export async function startLoadedApi(opts: LoadOptions = {}) {
  const dataDir = await tempDir('helios-load-');
  const orders = { submitted: 0, batches: 0 };
  /** Called on every gateway submit, before counting; the test uses it to catch late orders. */
  const onSubmit: ((o: OrderIntent[]) => void)[] = [];
  const kernel = new Kernel({
    dataDir,
    gateway: {
      submit: (o) => {
        for (const f of onSubmit) f(o);
        orders.submitted += o.length;
        orders.batches++;
      },
    },
  });
  const db = await PgliteDatabase.open();
  await migrate(db);
  const records = new PlatformRecords(db);
  const killSwitch = new KillSwitch(kernel, records);
  const modulesDir = new URL('../../modules/', import.meta.url).pathname;
  for (const tier of TIERS) {
    const dir = await writeModule(`${dataDir}/src`, { name: `pass-${tier}`, tier, version: '1.0.0', code: PASS_THROUGH[tier], isolation: opts.isolation ?? 'worker' });
    const v = await kernel.registry.register(dir);
    const r = await kernel.swaps.test(v.key, 'load');
    if (!r.passed) throw new Error(`harness failed for ${v.key}`);
    await kernel.swaps.load(v.key, 'load');
  }
  const app = await buildApp({ kernel, killSwitch, db, records, modulesDir, flagFiles: undefined, startedAt: Date.now(), version: '0.1.0' }, { token: LOAD_TOKEN });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;

  // Continuous ingest in the background, with backpressure, until stopped.
  let ingesting = true;
  let ingested = 0;
  const batch = opts.batch ?? 64;
  const ingestLoop = (async () => {
    while (ingesting) {
      const p = kernel.ingest(marketEvents(batch, 8, Date.now()));
      ingested += batch;
      if (p !== undefined) await p;
      await yieldNow();
    }
  })();

  return {
    kernel,
    db,
    records,
    app,
    port,
    dataDir,
    orders,
    onSubmit,
    auth: { authorization: `Bearer ${LOAD_TOKEN}` },
    get ingested() {
      return ingested;
    },
    async stopIngest(): Promise<void> {
      ingesting = false;
      await ingestLoop;
    },
    async close(): Promise<void> {
      ingesting = false;
      await ingestLoop;
      await app.close();
      await kernel.stop();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const READS = ['/api/modularity/status', '/health', '/api/kill-switch'] as const;

/**
 * Background read traffic: `clients` keep-alive loops, each sending one request
 * at a time (status, health, kill switch in turn) until `total` have been sent
 * or `stop()` is called. Counts answers by status code.
 */
export function backgroundReads(port: number, opts: { clients: number; total: number }) {
  const client = httpClient(port, opts.clients);
  const byStatus = new Map<number, number>();
  const errors: string[] = [];
  let sent = 0;
  let done = 0;
  let stopped = false;
  const t0 = performance.now();
  let t1 = t0;
  const loops = Array.from({ length: opts.clients }, async (_, c) => {
    let i = c;
    while (!stopped && sent < opts.total) {
      sent++;
      const path = READS[i++ % READS.length]!;
      try {
        const r = await client.send('GET', path);
        byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      } catch (e) {
        errors.push(`${path}: ${(e as Error).message}`);
      }
      done++;
    }
  });
  const finished = Promise.all(loops).then(() => {
    t1 = performance.now();
  });
  return {
    byStatus,
    errors,
    get done() {
      return done;
    },
    finished,
    /** Answers per second over the run so far (or the whole run once finished). */
    rate(): number {
      const end = t1 > t0 ? t1 : performance.now();
      return (done * 1000) / Math.max(1, end - t0);
    },
    async stop(): Promise<void> {
      stopped = true;
      await finished;
      client.close();
    },
  };
}
