import { rm } from 'node:fs/promises';
import type { OrderIntent } from '../../src/contracts/tiers.ts';
import { buildApp } from '../../src/api/buildApp.ts';
import { KillSwitch } from '../../src/control/KillSwitch.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { DATABASES, type DatabaseTarget } from '../helpers/databases.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';

export const TOKEN = 'test-token-0123456789abcdef0123456789';

/** A kernel, an in-memory PGlite, and the API in front of them, driven with inject(). */
export async function startApi(opts: { positions?: Record<string, number>; database?: DatabaseTarget } = {}) {
  const dataDir = await tempDir();
  const sent: OrderIntent[] = [];
  const positions = new Map(Object.entries(opts.positions ?? {}));
  const kernel = new Kernel({
    dataDir,
    gateway: { submit: (o) => void sent.push(...o) },
    exposure: (s) => positions.get(s) ?? 0,
  });
  const { db, drop } = await (opts.database ?? DATABASES[0]!).open();
  const records = new PlatformRecords(db);
  const killSwitch = new KillSwitch(kernel, records);
  const modulesDir = new URL('../fixtures/starter-modules/', import.meta.url).pathname;
  const app = await buildApp({ kernel, killSwitch, db, records, modulesDir, flagFiles: undefined, startedAt: Date.now(), version: '0.1.0' }, { token: TOKEN, bodyLimit: 64 * 1024 });
  return {
    app,
    kernel,
    db,
    records,
    dataDir,
    sent,
    positions,
    auth: { authorization: `Bearer ${TOKEN}` },
    async close() {
      await app.close();
      await kernel.stop();
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
