import { afterEach, describe, expect, it } from 'vitest';
import { TIERS, type Envelope, type Tier } from '../../src/contracts/tiers.ts';
import { Breakers } from '../../src/control/Breakers.ts';
import { marketEvents, PASS_THROUGH, writeModule } from '../helpers/moduleFixtures.ts';
import { startApi } from './apiHarness.ts';

let h: Awaited<ReturnType<typeof startApi>> | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BASE = '/api/modularity/circuit-breakers';
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  h!.app.inject({ method: 'POST', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const get = (url: string) => h!.app.inject({ method: 'GET', url });

/** Registers and tests the pass-through module of `tier`; loads it unless told not to. Returns its key. */
async function add(tier: Tier, load = true): Promise<string> {
  const dir = await writeModule(`${h!.dataDir}/src`, { name: `pass-${tier}`, tier, version: '1.0.0', code: PASS_THROUGH[tier], isolation: 'inline' });
  const v = await h!.kernel.registry.register(dir);
  const r = await h!.kernel.swaps.test(v.key, 'test');
  if (!r.passed) throw new Error(`harness failed for ${v.key}`);
  if (load) await h!.kernel.swaps.load(v.key, 'test');
  return v.key;
}

/** Starts the API with all seven tiers running pass-through modules, and taps on every tier's output. */
async function startLoaded() {
  h = await startApi();
  for (const t of TIERS) await add(t);
  const outputs = new Map<Tier, Envelope[]>(TIERS.map((t) => [t, []]));
  for (const t of TIERS) h.kernel.tap(t, (items) => void outputs.get(t)!.push(...items));
  return outputs;
}

/** Runs `n` events through the pipeline to the end. */
async function run(n = 20): Promise<void> {
  await h!.kernel.ingest(marketEvents(n));
  await h!.kernel.drain();
}

const overrides = () => h!.db.query<{ breaker: string; state: string; reason: string }>('SELECT breaker, state, reason FROM breaker_overrides ORDER BY breaker');

describe('circuit breaker API', () => {
  it('lists every deployed version with its tier, role, state, stats and override, and shows one by name@version', async () => {
    await startLoaded();
    const r = await get(BASE);
    expect(r.statusCode).toBe(200);
    const list = r.json().breakers as { key: string; tier: string; role: string; state: string; stats: object; override: unknown }[];
    expect(list.map((b) => [b.key, b.tier, b.role, b.state, b.override])).toEqual(TIERS.map((t) => [`pass-${t}@1.0.0`, t, 'incumbent', 'closed', null]));
    expect(list[0]!.stats).toMatchObject({ inFlight: 0, errorPercentage: 0 });

    await run(10);
    const one = await get(`${BASE}/pass-risk@1.0.0`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ key: 'pass-risk@1.0.0', tier: 'risk', role: 'incumbent', state: 'closed', forced: null, override: null, options: { volumeThreshold: 10 } });
    expect(one.json().stats.successes).toBeGreaterThan(0);

    const unknown = await get(`${BASE}/nope@1.0.0`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('HELIOS_E_VERSION_UNKNOWN');
    const bad = await get(`${BASE}/not-a-key`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HELIOS_E_INPUT_INVALID');
  });

  it('forcing the risk breaker open makes risk deny everything (no orders); close and reset restore trading; overrides are persisted', async () => {
    const outputs = await startLoaded();
    await run();
    expect(h!.sent.length).toBeGreaterThan(0);

    const open = await post(`${BASE}/pass-risk@1.0.0/open`, { reason: 'risk model suspect' }, h!.auth);
    expect(open.statusCode).toBe(200);
    expect(open.json()).toMatchObject({ state: 'open', forced: 'open', override: { state: 'open', reason: 'risk model suspect', actor: expect.stringMatching(/^tok-/) } });
    expect(await overrides()).toEqual([{ breaker: 'pass-risk@1.0.0', state: 'open', reason: 'risk model suspect' }]);

    h!.sent.length = 0;
    outputs.get('risk')!.length = 0;
    await run();
    expect(outputs.get('risk')!.length).toBe(20);
    expect(outputs.get('risk')!.every((d) => (d as unknown as { approved: boolean }).approved === false)).toBe(true);
    expect(h!.sent).toEqual([]);
    expect((await get(`${BASE}/pass-risk@1.0.0`)).json().state).toBe('open');

    const close = await post(`${BASE}/pass-risk@1.0.0/close`, { reason: 'model checked' }, h!.auth);
    expect(close.statusCode).toBe(200);
    expect(close.json()).toMatchObject({ state: 'closed', forced: 'closed', override: { state: 'closed', reason: 'model checked' } });
    expect(await overrides()).toEqual([{ breaker: 'pass-risk@1.0.0', state: 'closed', reason: 'model checked' }]);
    await run();
    expect(h!.sent.length).toBeGreaterThan(0);

    const reset = await post(`${BASE}/pass-risk@1.0.0/reset`, {}, h!.auth);
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toMatchObject({ state: 'closed', forced: null, override: null });
    expect(await overrides()).toEqual([]);
    expect(await h!.db.query('SELECT breaker, to_state FROM breaker_events ORDER BY id')).toEqual([
      { breaker: 'pass-risk@1.0.0', to_state: 'open' },
      { breaker: 'pass-risk@1.0.0', to_state: 'closed' },
      { breaker: 'pass-risk@1.0.0', to_state: 'closed' },
    ]);
  });

  it('forcing the features breaker open makes features emit nothing; reset (without a body) restores it', async () => {
    const outputs = await startLoaded();
    expect((await post(`${BASE}/pass-features@1.0.0/open`, { reason: 'bad data' }, h!.auth)).statusCode).toBe(200);
    await run();
    expect(outputs.get('ingestion')!.length).toBe(20);
    expect(outputs.get('features')).toEqual([]);
    expect(h!.sent).toEqual([]);
    const reset = await h!.app.inject({ method: 'POST', url: `${BASE}/pass-features@1.0.0/reset`, headers: h!.auth });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().state).toBe('closed');
    await run();
    expect(outputs.get('features')!.length).toBe(20);
    expect(h!.sent.length).toBeGreaterThan(0);
  });

  it('re-applies persisted overrides after a restart', async () => {
    await startLoaded();
    await post(`${BASE}/pass-ml@1.0.0/open`, { reason: 'drift' }, h!.auth);
    await post(`${BASE}/pass-llm@1.0.0/close`, { reason: 'pin' }, h!.auth);
    // A fresh breaker as after a restart: no forced state in memory, only the rows.
    h!.kernel.stage('ml').slot.deployed[0]!.breaker.reset();
    h!.kernel.stage('llm').slot.deployed[0]!.breaker.reset();
    const restored = await h!.records.restore();
    const result = new Breakers(h!.kernel, h!.records).apply([...restored.breakerOverrides, { breaker: 'gone@9.9.9', state: 'open', reason: 'x', actor: 'y' }]);
    expect(result).toEqual({ applied: expect.arrayContaining(['pass-ml@1.0.0', 'pass-llm@1.0.0']), skipped: ['gone@9.9.9'] });
    expect(h!.kernel.stage('ml').slot.deployed[0]!.breaker.toJSON()).toMatchObject({ state: 'open', forced: 'open' });
    expect(h!.kernel.stage('llm').slot.deployed[0]!.breaker.toJSON()).toMatchObject({ state: 'closed', forced: 'closed' });
  });

  it('persists settings, which apply to breakers created from then on, not to running ones', async () => {
    h = await startApi();
    for (const t of TIERS.filter((t) => t !== 'execution')) await add(t);
    const execKey = await add('execution', false);
    const all = await post(BASE, { scope: '*', settings: { volumeThreshold: 33, rollingWindowMs: 20_000 } }, h.auth);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ scope: '*', settings: { volumeThreshold: 33, rollingWindowMs: 20_000 }, appliesTo: 'future-deployments' });
    const mine = await post(BASE, { scope: 'pass-execution', settings: { maxQueue: 7, consecutiveFailures: 2 } }, h.auth);
    expect(mine.statusCode).toBe(200);
    expect(await h.db.query('SELECT scope, settings FROM breaker_settings ORDER BY scope')).toEqual([
      { scope: '*', settings: { volumeThreshold: 33, rollingWindowMs: 20_000 } },
      { scope: 'pass-execution', settings: { maxQueue: 7, consecutiveFailures: 2 } },
    ]);
    // Running breakers keep their settings...
    expect((await get(`${BASE}/pass-risk@1.0.0`)).json().options).toMatchObject({ volumeThreshold: 10, rollingWindowMs: 10_000 });
    // ...a version deployed afterwards gets them, its own scope over '*'.
    await h.kernel.swaps.load(execKey, 'test');
    expect((await get(`${BASE}/${execKey}`)).json().options).toMatchObject({ volumeThreshold: 33, rollingWindowMs: 20_000, maxQueue: 7, consecutiveFailures: 2 });
  });

  it('answers bad input with a coded 4xx and changes nothing', async () => {
    await startLoaded();
    const cases: [string, string, string | object, Record<string, string>, number, string][] = [
      ['open without reason', `${BASE}/pass-risk@1.0.0/open`, {}, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['open blank reason', `${BASE}/pass-risk@1.0.0/open`, { reason: '  ' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['open unknown key', `${BASE}/pass-risk@1.0.0/open`, { reason: 'x', force: true }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['close wrong type', `${BASE}/pass-risk@1.0.0/close`, { reason: 5 }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['reset unknown key', `${BASE}/pass-risk@1.0.0/reset`, { now: true }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['malformed JSON', `${BASE}/pass-risk@1.0.0/open`, '{"reason": ', {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['not JSON', `${BASE}/pass-risk@1.0.0/open`, 'reason=x', { 'content-type': 'text/plain' }, 415, 'HELIOS_E_UNSUPPORTED_MEDIA_TYPE'],
      ['oversized', `${BASE}/pass-risk@1.0.0/open`, { reason: 'x'.repeat(100_000) }, {}, 413, 'HELIOS_E_PAYLOAD_TOO_LARGE'],
      ['bad key format', `${BASE}/Risk/open`, { reason: 'x' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown version (open)', `${BASE}/pass-risk@2.0.0/open`, { reason: 'x' }, {}, 404, 'HELIOS_E_VERSION_UNKNOWN'],
      ['unknown version (close)', `${BASE}/nope@1.0.0/close`, { reason: 'x' }, {}, 404, 'HELIOS_E_VERSION_UNKNOWN'],
      ['unknown version (reset)', `${BASE}/nope@1.0.0/reset`, {}, {}, 404, 'HELIOS_E_VERSION_UNKNOWN'],
      ['settings: no scope', BASE, { settings: { volumeThreshold: 5 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: bad scope', BASE, { scope: 'Not A Name', settings: { volumeThreshold: 5 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: unknown module', BASE, { scope: 'nope', settings: { volumeThreshold: 5 } }, {}, 404, 'HELIOS_E_VERSION_UNKNOWN'],
      ['settings: empty', BASE, { scope: '*', settings: {} }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: unknown setting', BASE, { scope: '*', settings: { timeout: 5 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: negative', BASE, { scope: '*', settings: { volumeThreshold: -1 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: percentage > 100', BASE, { scope: '*', settings: { errorThresholdPercentage: 150 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: not integral', BASE, { scope: '*', settings: { maxInFlight: 1.5 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['settings: window not a multiple of buckets', BASE, { scope: '*', settings: { rollingWindowMs: 1005 } }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
    ];
    for (const [what, url, body, headers, status, code] of cases) {
      const r = await post(url, body, { ...h!.auth, ...headers });
      expect({ what, status: r.statusCode, code: r.json().error?.code }).toEqual({ what, status, code });
    }
    expect((await get(`${BASE}/pass-risk@1.0.0`)).json()).toMatchObject({ state: 'closed', forced: null });
    expect(await overrides()).toEqual([]);
    expect(await h!.db.query('SELECT count(*)::int AS n FROM breaker_settings')).toEqual([{ n: 0 }]);
  });

  it('refuses missing and wrong tokens on every mutating route with 401 and changes nothing', async () => {
    await startLoaded();
    const routes: [string, object][] = [
      [`${BASE}/pass-risk@1.0.0/open`, { reason: 'x' }],
      [`${BASE}/pass-risk@1.0.0/close`, { reason: 'x' }],
      [`${BASE}/pass-risk@1.0.0/reset`, {}],
      [BASE, { scope: '*', settings: { volumeThreshold: 5 } }],
    ];
    for (const [url, body] of routes) {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic abc' }] as Record<string, string>[]) {
        const r = await post(url, body, headers);
        expect({ url, status: r.statusCode, code: r.json().error.code }).toEqual({ url, status: 401, code: 'HELIOS_E_UNAUTHORIZED' });
      }
    }
    expect((await get(`${BASE}/pass-risk@1.0.0`)).json()).toMatchObject({ state: 'closed', forced: null });
    expect(await overrides()).toEqual([]);
    expect(await h!.db.query('SELECT count(*)::int AS n FROM breaker_settings')).toEqual([{ n: 0 }]);
  });

  it('documents the breaker routes in OpenAPI', async () => {
    h = await startApi();
    const spec = (await get('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([BASE, `${BASE}/{name}`, `${BASE}/{name}/open`, `${BASE}/{name}/close`, `${BASE}/{name}/reset`]),
    );
    expect(spec.paths[`${BASE}/{name}/open`].post.requestBody.content['application/json'].schema.required).toEqual(['reason']);
  });
});
