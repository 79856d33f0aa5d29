import { cp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../src/contracts/tiers.ts';
import { buildApp } from '../../src/api/buildApp.ts';
import { compareSemver } from '../../src/api/routes/modules.ts';
import { KillSwitch } from '../../src/control/KillSwitch.ts';
import { PlatformRecords } from '../../src/control/PlatformRecords.ts';
import { Kernel } from '../../src/kernel/Kernel.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgliteDatabase } from '../../src/store/PgliteDatabase.ts';
import { PASS_THROUGH, counterModule, marketEvents, tempDir, writeModule } from '../helpers/moduleFixtures.ts';

const TOKEN = 'test-token-0123456789abcdef0123456789';
/** Small deterministic modules (the pre-issue-4 starters): fast to register and test, so route tests stay quick. */
const SHIPPED = new URL('../fixtures/starter-modules/', import.meta.url).pathname;
const SEVEN = ['ingestion/validate', 'features/ema', 'ml/ema-cross', 'risk/limits', 'llm/rule-based', 'portfolio/follow', 'execution/market'];

/** Like apiHarness's startApi, but with the modules folder a temp copy of modules/ the test may add to. */
async function start(opts: { copyShipped?: boolean } = {}) {
  const dataDir = await tempDir();
  const modulesDir = await tempDir('helios-modules-');
  if (opts.copyShipped ?? true) await cp(SHIPPED, modulesDir, { recursive: true });
  const sent: OrderIntent[] = [];
  const kernel = new Kernel({ dataDir, gateway: { submit: (o) => void sent.push(...o) }, rollbackWindowMs: 600_000 });
  const db = await PgliteDatabase.open();
  await migrate(db);
  const records = new PlatformRecords(db);
  const killSwitch = new KillSwitch(kernel, records);
  const app = await buildApp({ kernel, killSwitch, db, records, modulesDir, flagFiles: undefined, startedAt: Date.now(), version: '0.1.0' }, { token: TOKEN, bodyLimit: 64 * 1024 });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const post = (url: string, body?: unknown, headers: Record<string, string> = auth) =>
    app.inject({
      method: 'POST',
      url,
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
  const get = (url: string) => app.inject({ method: 'GET', url });
  const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
  return {
    app,
    kernel,
    db,
    records,
    modulesDir,
    sent,
    auth,
    post,
    get,
    count,
    async close() {
      await app.close();
      await kernel.stop();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(modulesDir, { recursive: true, force: true });
    },
  };
}

let h: Awaited<ReturnType<typeof start>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** register + test + load a module folder under modulesDir. */
async function deploy(path: string, name: string) {
  expect((await h!.post('/api/modularity/modules/register', { path })).statusCode).toBe(200);
  const t = await h!.post(`/api/modularity/modules/${name}/test`, {});
  expect(t.json().passed).toBe(true);
  const l = await h!.post(`/api/modularity/modules/${name}/load`, {});
  expect(l.statusCode).toBe(200);
}

function expectError(r: { statusCode: number; json(): { error?: { code?: string } } }, status: number, code: string) {
  expect({ status: r.statusCode, code: r.json().error?.code }).toEqual({ status, code });
}

describe('modules API', () => {
  it('registers a shipped module, records it, and refuses paths outside the modules folder', async () => {
    h = await start();
    const r = await h.post('/api/modularity/modules/register', { path: 'features/ema' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ key: 'ema@1.0.0', name: 'ema', version: '1.0.0', tier: 'features', isolation: 'worker', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), manifest: { name: 'ema', config: { fast: 12, slow: 26 } } });
    expect(await h.db.query('SELECT key, tier, registered_by FROM module_versions')).toEqual([{ key: 'ema@1.0.0', tier: 'features', registered_by: expect.stringMatching(/^tok-/) }]);
    // Idempotent for the same content.
    expect((await h.post('/api/modularity/modules/register', { path: 'features/ema/' })).statusCode).toBe(200);

    // A symlink that points out of the modules folder.
    const outside = await tempDir('helios-outside-');
    await writeModule(outside, { name: 'evil', tier: 'features', version: '1.0.0', code: PASS_THROUGH.features });
    await symlink(join(outside, 'features', 'evil-1.0.0'), join(h.modulesDir, 'features', 'evil'));

    const cases: [string, unknown, number, string][] = [
      ['dot-dot', { path: '../features/ema' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['inner dot-dot', { path: 'features/../../etc' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['dot-dot backslash', { path: 'features\\..\\..\\x' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['absolute', { path: join(h.modulesDir, 'features/ema') }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['the folder itself', { path: '.' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['symlink out', { path: 'features/evil' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['NUL byte', { path: 'features/ema\u0000' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['empty', { path: '' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['wrong type', { path: 7 }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown key', { path: 'features/ema', force: true }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['malformed JSON', '{"path": ', 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown folder', { path: 'features/nope' }, 404, 'HELIOS_E_MODULE_NOT_FOUND'],
      ['a file, not a folder', { path: 'README.md' }, 404, 'HELIOS_E_MODULE_NOT_FOUND'],
      ['folder without manifest', { path: 'features' }, 404, 'HELIOS_E_MODULE_NOT_FOUND'],
    ];
    for (const [what, body, status, code] of cases) {
      const x = await h.post('/api/modularity/modules/register', body);
      expect({ what, status: x.statusCode, code: x.json().error?.code }).toEqual({ what, status, code });
    }
    expect(h.kernel.registry.list().map((v) => v.key)).toEqual(['ema@1.0.0']);
    expect(await h.count('module_versions')).toBe(1);
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses the same name@version with other content (409) and a broken manifest (400)', async () => {
    h = await start({ copyShipped: false });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.0.0', code: counterModule() });
    expect((await h.post('/api/modularity/modules/register', { path: 'features/cnt-1.0.0' })).statusCode).toBe(200);
    const dir = join(h.modulesDir, 'features', 'cnt-1.0.0');
    await writeFile(join(dir, 'index.ts'), counterModule({ bias: 1 }));
    expectError(await h.post('/api/modularity/modules/register', { path: 'features/cnt-1.0.0' }), 409, 'HELIOS_E_MODULE_EXISTS');
    await mkdir(join(h.modulesDir, 'features', 'broken'));
    await writeFile(join(h.modulesDir, 'features', 'broken', 'manifest.json'), '{ "name": "Broken" }');
    expectError(await h.post('/api/modularity/modules/register', { path: 'features/broken' }), 400, 'HELIOS_E_MANIFEST_INVALID');
    expect(await h.count('module_versions')).toBe(1);
  });

  it('tests a version, keeps the runs newest first, and answers unknown names and versions with 404', async () => {
    h = await start({ copyShipped: false });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.0.0', code: counterModule() });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.10.0', code: counterModule() });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.2.0', code: counterModule({ failEvery: 1 }) });
    for (const v of ['1.0.0', '1.10.0', '1.2.0']) expect((await h.post('/api/modularity/modules/register', { path: `features/cnt-${v}` })).statusCode).toBe(200);

    // Without a version: the latest by semver (1.10.0, not 1.2.0).
    const latest = await h.post('/api/modularity/modules/cnt/test', {});
    expect(latest.statusCode).toBe(200);
    expect(latest.json()).toMatchObject({ key: 'cnt@1.10.0', passed: true, cases: [{ name: 'basic', passed: true }] });
    const failing = await h.post('/api/modularity/modules/cnt/test', { version: '1.2.0' });
    expect(failing.statusCode).toBe(200);
    expect(failing.json()).toMatchObject({ key: 'cnt@1.2.0', passed: false });
    expect((await h.post('/api/modularity/modules/cnt/test')).json().key).toBe('cnt@1.10.0'); // no body at all

    const runs = await h.get('/api/modularity/modules/cnt/tests');
    expect(runs.statusCode).toBe(200);
    expect(runs.json().map((r: { key: string; passed: boolean }) => [r.key, r.passed])).toEqual([
      ['cnt@1.10.0', true],
      ['cnt@1.2.0', false],
      ['cnt@1.10.0', true],
    ]);
    expect(await h.db.query('SELECT key, passed FROM test_runs ORDER BY id')).toEqual([
      { key: 'cnt@1.10.0', passed: true },
      { key: 'cnt@1.2.0', passed: false },
      { key: 'cnt@1.10.0', passed: true },
    ]);

    expectError(await h.post('/api/modularity/modules/nope/test', {}), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    expectError(await h.post('/api/modularity/modules/cnt/test', { version: '9.9.9' }), 404, 'HELIOS_E_VERSION_UNKNOWN');
    expectError(await h.post('/api/modularity/modules/cnt/test', { version: 'latest' }), 400, 'HELIOS_E_INPUT_INVALID');
    expectError(await h.post('/api/modularity/modules/cnt/test', { version: 1 }), 400, 'HELIOS_E_INPUT_INVALID');
    expectError(await h.post('/api/modularity/modules/cnt/test', '{"version"'), 400, 'HELIOS_E_INPUT_INVALID');
    expectError(await h.post('/api/modularity/modules/Not_A_Name/test', {}), 400, 'HELIOS_E_INPUT_INVALID');
    expectError(await h.get('/api/modularity/modules/nope/tests'), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    expectError(await h.get('/api/modularity/modules/..%2F..%2Fetc/tests'), 400, 'HELIOS_E_INPUT_INVALID');
    expect(await h.count('test_runs')).toBe(3);
  });

  it('loads the latest tested version into its empty tier, reports where it runs, and unloads it', async () => {
    h = await start({ copyShipped: false });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.0.0', code: counterModule() });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '2.0.0-rc.1', code: counterModule() });
    for (const v of ['1.0.0', '2.0.0-rc.1']) await h.post('/api/modularity/modules/register', { path: `features/cnt-${v}` });
    // A pass-through ingestion, so events reach features.
    await writeModule(h.modulesDir, { name: 'pass', tier: 'ingestion', version: '1.0.0', code: PASS_THROUGH.ingestion });
    await deploy('ingestion/pass-1.0.0', 'pass');

    // Untested: refused, nothing deployed.
    expectError(await h.post('/api/modularity/modules/cnt/load', {}), 409, 'HELIOS_E_TEST_REQUIRED');
    expect(await h.count('deployments')).toBe(1); // ingestion only
    await h.post('/api/modularity/modules/cnt/test', { version: '1.0.0' });
    await h.post('/api/modularity/modules/cnt/test', { version: '2.0.0-rc.1' });

    const status0 = (await h.get('/api/modularity/modules/cnt/status')).json();
    expect(status0.map((s: { key: string }) => s.key)).toEqual(['cnt@2.0.0-rc.1', 'cnt@1.0.0']);
    expect(status0[0]).toMatchObject({ lastTest: { passed: true }, running: [], registered: expect.any(String) });

    const l = await h.post('/api/modularity/modules/cnt/load', { version: '1.0.0' });
    expect(l.statusCode).toBe(200);
    expect(l.json()).toEqual({ tier: 'features', key: 'cnt@1.0.0', role: 'incumbent' });
    expect(await h.db.query('SELECT tier, role, key FROM deployments WHERE tier = $1', ['features'])).toEqual([{ tier: 'features', role: 'incumbent', key: 'cnt@1.0.0' }]);
    // The tier is taken now.
    expectError(await h.post('/api/modularity/modules/cnt/load', { version: '2.0.0-rc.1' }), 409, 'HELIOS_E_ROLLOUT_CONFLICT');
    expectError(await h.post('/api/modularity/modules/cnt/load', { version: '3.0.0' }), 404, 'HELIOS_E_VERSION_UNKNOWN');
    expectError(await h.post('/api/modularity/modules/nope/load', {}), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    expectError(await h.post('/api/modularity/modules/cnt/load', { version: ['1.0.0'] }), 400, 'HELIOS_E_INPUT_INVALID');
    expectError(await h.post('/api/modularity/modules/cnt/load', '{'), 400, 'HELIOS_E_INPUT_INVALID');

    await h.kernel.ingest(marketEvents(20));
    await h.kernel.drain();
    const s = (await h.get('/api/modularity/modules/cnt/status')).json();
    expect(s[1]).toMatchObject({ key: 'cnt@1.0.0', tier: 'features', running: [{ tier: 'features', role: 'incumbent', breaker: 'closed', calls: expect.any(Number), failures: 0, latencyMs: expect.any(Object) }] });
    expect(s[1].running[0].calls).toBeGreaterThan(0);
    const all = (await h.get('/api/modularity/modules')).json();
    expect(all.map((x: { key: string }) => x.key)).toEqual(['cnt@2.0.0-rc.1', 'cnt@1.0.0', 'pass@1.0.0']);
    expectError(await h.get('/api/modularity/modules/nope/status'), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    expectError(await h.get('/api/modularity/modules/NOPE!/status'), 400, 'HELIOS_E_INPUT_INVALID');

    expectError(await h.post('/api/modularity/modules/nope/unload'), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    const u = await h.post('/api/modularity/modules/cnt/unload');
    expect(u.statusCode).toBe(200);
    expect(u.json()).toEqual({ tier: 'features', unloaded: ['cnt@1.0.0'] });
    expect(await h.count('deployments')).toBe(1); // ingestion only
    expectError(await h.post('/api/modularity/modules/cnt/unload'), 404, 'HELIOS_E_MODULE_NOT_FOUND');
    // Without a version, load takes the latest by semver: 2.0.0-rc.1 ranks above 1.0.0.
    expect((await h.post('/api/modularity/modules/cnt/load')).json().key).toBe('cnt@2.0.0-rc.1');
  });

  it('validates swap requests and rollout ids, and answers conflicts with 409', async () => {
    h = await start({ copyShipped: false });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.0.0', code: counterModule() });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.1.0', code: counterModule() });
    await writeModule(h.modulesDir, { name: 'cnt', tier: 'features', version: '1.2.0', code: counterModule({ bias: 5 }) });
    await writeModule(h.modulesDir, { name: 'pass', tier: 'ingestion', version: '1.0.0', code: PASS_THROUGH.ingestion });
    await deploy('ingestion/pass-1.0.0', 'pass');
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) {
      await h.post('/api/modularity/modules/register', { path: `features/cnt-${v}` });
      await h.post('/api/modularity/modules/cnt/test', { version: v });
    }
    const swap = (body: unknown) => h!.post('/api/modularity/modules/swap', body);
    // No incumbent yet.
    expectError(await swap({ tier: 'features', version: 'cnt@1.1.0', strategy: 'shadow' }), 409, 'HELIOS_E_ROLLOUT_CONFLICT');
    await h.post('/api/modularity/modules/cnt/load', { version: '1.0.0' });

    const bad: [string, unknown, number, string][] = [
      ['malformed JSON', '{"tier":', 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown tier', { tier: 'nope', version: 'cnt@1.1.0', strategy: 'shadow' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['wrong tier', { tier: 'ml', version: 'cnt@1.1.0', strategy: 'shadow' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['not a key', { tier: 'features', version: 'cnt', strategy: 'shadow' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown strategy', { tier: 'features', version: 'cnt@1.1.0', strategy: 'yolo' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['steps wrong type', { tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', steps: '5,25' }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['step over 100', { tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', steps: [5, 250] }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['negative stepItems', { tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', stepItems: -1 }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['analysis out of range', { tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', analysis: { minAgreement: 2 } }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['analysis unknown key', { tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', analysis: { p99: 1 } }, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown version', { tier: 'features', version: 'cnt@9.0.0', strategy: 'shadow' }, 404, 'HELIOS_E_VERSION_UNKNOWN'],
      ['already the incumbent', { tier: 'features', version: 'cnt@1.0.0', strategy: 'shadow' }, 409, 'HELIOS_E_ROLLOUT_CONFLICT'],
    ];
    for (const [what, body, status, code] of bad) {
      const x = await swap(body);
      expect({ what, status: x.statusCode, code: x.json().error?.code }).toEqual({ what, status, code });
    }
    expect(await h.count('rollouts')).toBe(0);

    // Canary with operator control: a rollout, recorded with its candidate.
    const c = await swap({ tier: 'features', version: 'cnt@1.1.0', strategy: 'canary', steps: [10, 50], stepItems: 1_000_000, autoPromote: false, analysis: { maxErrorRate: 0.05, maxLatencyRatio: 5, latencySlackMs: 5, minAgreement: 0.9 } });
    expect(c.statusCode).toBe(200);
    const r1 = c.json();
    expect(r1).toMatchObject({ id: expect.any(String), state: 'canary', step: 0, percent: 10, from: 'cnt@1.0.0', to: 'cnt@1.1.0', steps: [], report: { compared: 0 } });
    expect(await h.db.query("SELECT role, key FROM deployments WHERE tier = 'features' ORDER BY role")).toEqual([
      { role: 'candidate', key: 'cnt@1.1.0' },
      { role: 'incumbent', key: 'cnt@1.0.0' },
    ]);
    expectError(await swap({ tier: 'features', version: 'cnt@1.2.0', strategy: 'shadow' }), 409, 'HELIOS_E_ROLLOUT_CONFLICT');
    expectError(await h.post('/api/modularity/modules/cnt/unload'), 409, 'HELIOS_E_ROLLOUT_CONFLICT');

    const abort = await h.post(`/api/modularity/rollouts/${r1.id}/abort`);
    expect(abort.statusCode).toBe(200);
    expect(abort.json()).toMatchObject({ id: r1.id, state: 'aborted', reason: expect.any(String), endedAt: expect.any(String) });
    expect(await h.db.query('SELECT id, state FROM rollouts')).toEqual([{ id: r1.id, state: 'aborted' }]);
    expect(await h.db.query("SELECT role, key FROM deployments WHERE tier = 'features'")).toEqual([{ role: 'incumbent', key: 'cnt@1.0.0' }]);
    // Not active any more.
    expectError(await h.post(`/api/modularity/rollouts/${r1.id}/promote`), 409, 'HELIOS_E_ROLLOUT_CONFLICT');
    expectError(await h.post(`/api/modularity/rollouts/${r1.id}/abort`), 409, 'HELIOS_E_ROLLOUT_CONFLICT');
    expectError(await h.post('/api/modularity/rollouts/r999/promote'), 404, 'HELIOS_E_ROLLOUT_NOT_FOUND');
    expectError(await h.post('/api/modularity/rollouts/r999/abort'), 404, 'HELIOS_E_ROLLOUT_NOT_FOUND');
    expectError(await h.post(`/api/modularity/rollouts/${encodeURIComponent('../r1')}/abort`), 404, 'HELIOS_E_ROLLOUT_NOT_FOUND');

    // A diverging shadow cannot be promoted by the operator.
    const s = (await swap({ tier: 'features', version: 'cnt@1.2.0', strategy: 'shadow' })).json();
    await h.kernel.ingest(marketEvents(10));
    await h.kernel.drain();
    await h.kernel.stage('features').slot.settleShadows();
    await new Promise((r) => setImmediate(r));
    const p = await h.post(`/api/modularity/rollouts/${s.id}/promote`);
    expect(p.statusCode).toBe(409);
    expect(['HELIOS_E_SHADOW_DIVERGED', 'HELIOS_E_ROLLOUT_CONFLICT']).toContain(p.json().error.code); // refused, or already rolled back by itself
    expect(h.kernel.stage('features').slot.incumbent?.key).toBe('cnt@1.0.0');

    const list = (await h.get('/api/modularity/rollouts')).json();
    expect(list.map((r: { id: string }) => r.id)).toEqual([s.id, r1.id]);

    // Rollback input.
    expectError(await h.post('/api/modularity/modules/nope/rollback'), 404, 'HELIOS_E_TIER_UNKNOWN');
    expectError(await h.post('/api/modularity/modules/ml/rollback'), 409, 'HELIOS_E_NO_PREVIOUS');
  });

  it('refuses missing and wrong tokens with 401 on every mutating route and changes nothing', async () => {
    h = await start();
    await deploy('features/ema', 'ema');
    const before = { versions: await h.count('module_versions'), tests: await h.count('test_runs'), deployments: await h.count('deployments'), rollouts: await h.count('rollouts') };
    const routes: [string, unknown][] = [
      ['/api/modularity/modules/register', { path: 'ml/ema-cross' }],
      ['/api/modularity/modules/ema/load', {}],
      ['/api/modularity/modules/ema/unload', undefined],
      ['/api/modularity/modules/swap', { tier: 'features', version: 'ema@1.0.0', strategy: 'shadow' }],
      ['/api/modularity/modules/features/rollback', undefined],
      ['/api/modularity/modules/ema/test', {}],
      ['/api/modularity/rollouts/r1/promote', undefined],
      ['/api/modularity/rollouts/r1/abort', undefined],
    ];
    for (const [url, body] of routes) {
      for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }] as Record<string, string>[]) {
        const r = await h.post(url, body, headers);
        expect({ url, status: r.statusCode, code: r.json().error?.code }).toEqual({ url, status: 401, code: 'HELIOS_E_UNAUTHORIZED' });
      }
    }
    expect({ versions: await h.count('module_versions'), tests: await h.count('test_runs'), deployments: await h.count('deployments'), rollouts: await h.count('rollouts') }).toEqual(before);
    expect(h.kernel.registry.list().map((v) => v.key)).toEqual(['ema@1.0.0']);
    expect(h.kernel.stage('features').slot.incumbent?.key).toBe('ema@1.0.0');
    // Reads stay open.
    expect((await h.get('/api/modularity/modules')).statusCode).toBe(200);
    expect((await h.get('/api/modularity/rollouts')).statusCode).toBe(200);
  });

  it('documents every route in OpenAPI', async () => {
    h = await start({ copyShipped: false });
    const spec = (await h.get('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/modularity/modules/register',
        '/api/modularity/modules/{name}/load',
        '/api/modularity/modules/{name}/unload',
        '/api/modularity/modules/swap',
        '/api/modularity/modules/{tier}/rollback',
        '/api/modularity/modules/{name}/test',
        '/api/modularity/modules/{name}/tests',
        '/api/modularity/modules/{name}/status',
        '/api/modularity/modules',
        '/api/modularity/rollouts',
        '/api/modularity/rollouts/{id}/promote',
        '/api/modularity/rollouts/{id}/abort',
      ]),
    );
    expect(spec.paths['/api/modularity/modules/swap'].post.requestBody.content['application/json'].schema.required).toEqual(['tier', 'version', 'strategy']);
  });

  it('orders versions by semver precedence', () => {
    const sorted = ['1.0.0', '1.10.0', '1.2.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-alpha.beta', '1.0.0-rc.1', '1.0.0-beta.11', '1.0.0-beta.2', '0.9.9+build'].sort(compareSemver);
    expect(sorted).toEqual(['0.9.9+build', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.2.0', '1.10.0']);
  });

  it('end to end: seven shipped modules, events, a shadow swap promoted and rolled back over the API, all recorded', async () => {
    h = await start();
    for (const p of SEVEN) await deploy(p, p.split('/')[1]!);
    expect((await h.get('/health')).json()).toMatchObject({ ready: true });
    await h.kernel.ingest(marketEvents(200));
    await h.kernel.drain();

    // A second features version: the same code, a new version label.
    const v2 = join(h.modulesDir, 'features', 'ema-1.1.0');
    await cp(join(h.modulesDir, 'features', 'ema'), v2, { recursive: true });
    const m = JSON.parse(await readFile(join(v2, 'manifest.json'), 'utf8'));
    await writeFile(join(v2, 'manifest.json'), JSON.stringify({ ...m, version: '1.1.0' }));
    const reg = await h.post('/api/modularity/modules/register', { path: 'features/ema-1.1.0' });
    expect(reg.json()).toMatchObject({ key: 'ema@1.1.0', tier: 'features' });
    expect((await h.post('/api/modularity/modules/ema/test', { version: '1.1.0' })).json().passed).toBe(true);

    const sw = await h.post('/api/modularity/modules/swap', { tier: 'features', version: 'ema@1.1.0', strategy: 'shadow', shadowItems: 0 });
    expect(sw.statusCode).toBe(200);
    const r = sw.json();
    expect(r).toMatchObject({ state: 'shadow', from: 'ema@1.0.0', to: 'ema@1.1.0' });
    await h.kernel.ingest(marketEvents(200, 4, 1_700_000_100_000));
    await h.kernel.drain();
    await h.kernel.stage('features').slot.settleShadows();
    await new Promise((r) => setImmediate(r));
    const listed = (await h.get('/api/modularity/rollouts')).json();
    expect(listed[0]).toMatchObject({ id: r.id, state: 'shadow', report: { mismatches: 0 } });
    expect(listed[0].report.compared).toBeGreaterThan(0);

    const p = await h.post(`/api/modularity/rollouts/${r.id}/promote`);
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ id: r.id, state: 'promoted' });
    expect(h.kernel.stage('features').slot.incumbent?.key).toBe('ema@1.1.0');
    const st = (await h.get('/api/modularity/modules/ema/status')).json();
    expect(st.map((s: { key: string; running: { role: string }[] }) => [s.key, s.running.map((x) => x.role)])).toEqual([
      ['ema@1.1.0', ['incumbent']],
      ['ema@1.0.0', ['previous']],
    ]);

    const rb = await h.post('/api/modularity/modules/features/rollback');
    expect(rb.statusCode).toBe(200);
    expect(rb.json()).toEqual({ tier: 'features', from: 'ema@1.1.0', to: 'ema@1.0.0' });
    expect(h.kernel.stage('features').slot.incumbent?.key).toBe('ema@1.0.0');
    expectError(await h.post('/api/modularity/modules/features/rollback'), 409, 'HELIOS_E_NO_PREVIOUS');
    await h.kernel.ingest(marketEvents(50, 4, 1_700_000_200_000));
    await h.kernel.drain();
    expect(h.kernel.stage('features').ledger.toJSON().regressions).toBe(0);

    // What was acknowledged is in the records.
    expect((await h.db.query<{ key: string }>('SELECT key FROM module_versions ORDER BY key')).map((x) => x.key)).toEqual(
      ['ema-cross@1.0.0', 'ema@1.0.0', 'ema@1.1.0', 'follow@1.0.0', 'limits@1.0.0', 'market@1.0.0', 'rule-based@1.0.0', 'validate@1.0.0'].sort(),
    );
    expect(await h.db.query('SELECT key, passed FROM test_runs WHERE key LIKE $1 ORDER BY id', ['ema@%'])).toEqual([
      { key: 'ema@1.0.0', passed: true },
      { key: 'ema@1.1.0', passed: true },
    ]);
    expect(await h.count('test_runs')).toBe(8);
    const deps = await h.db.query<{ tier: string; role: string; key: string }>('SELECT tier, role, key FROM deployments ORDER BY tier, role');
    expect(deps).toHaveLength(7);
    expect(deps.every((d) => d.role === 'incumbent')).toBe(true);
    expect(deps.find((d) => d.tier === 'features')).toEqual({ tier: 'features', role: 'incumbent', key: 'ema@1.0.0' });
    expect(await h.db.query('SELECT id, tier, from_key, to_key, state FROM rollouts')).toEqual([{ id: r.id, tier: 'features', from_key: 'ema@1.0.0', to_key: 'ema@1.1.0', state: 'promoted' }]);
    const tests = (await h.get('/api/modularity/modules/ema/tests')).json();
    expect(tests.map((t: { key: string }) => t.key)).toEqual(['ema@1.1.0', 'ema@1.0.0']);
  });
});
