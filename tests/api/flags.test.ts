import { offlineUnleash } from '../helpers/offlineUnleash.ts';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/buildApp.ts';
import type { FlagContext } from '../../src/flags/context.ts';
import { FlagFiles } from '../../src/flags/FlagFiles.ts';
import { FlagStore } from '../../src/flags/FlagStore.ts';
import { tempDir } from '../helpers/moduleFixtures.ts';
import { DATABASES } from '../helpers/databases.ts';
import { startApi, TOKEN } from './apiHarness.ts';

let h: Awaited<ReturnType<typeof startApi>> | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const BASE = '/api/modularity/feature-flags';
const send = (method: 'POST' | 'PUT', url: string, body: unknown, headers: Record<string, string> = {}) =>
  h!.app.inject({ method, url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const post = (url: string, body: unknown, headers: Record<string, string> = h!.auth) => send('POST', url, body, headers);
const get = (url: string) => h!.app.inject({ method: 'GET', url });

const ROLLOUT = {
  name: 'rollout',
  enabled: true,
  description: 'kept as is',
  strategies: [{ name: 'flexibleRollout', parameters: { rollout: '37', stickiness: 'userId', groupId: 'rollout' }, constraints: [] }],
  variants: [
    { name: 'a', weight: 500, weightType: 'variable', stickiness: 'default' },
    { name: 'b', weight: 500, weightType: 'variable', stickiness: 'default', payload: { type: 'string', value: 'B' } },
  ],
};
const PLAIN = { name: 'plain', enabled: false, strategies: [] as unknown[] };

// Every case runs on PGlite, and on the PostgreSQL server when DATABASE_URL is set (history, locks and transactions are SQL).
for (const database of DATABASES) {
describe.skipIf(database.skip !== undefined)(`feature flag API on ${database.name}${database.skip ? ` (skipped: ${database.skip})` : ''}`, () => {
  it('creates, lists, reads and replaces Unleash features', async () => {
    h = await startApi({ database });
    const c = await post(BASE, { ...ROLLOUT, reason: 'launch' });
    expect(c.statusCode).toBe(201);
    expect(c.json()).toEqual({ feature: { ...ROLLOUT }, lock: null });
    expect(h.kernel.flags.current().feature('rollout')).toEqual(ROLLOUT);
    expect((await post(BASE, ROLLOUT)).json().error.code).toBe('HELIOS_E_FLAG_EXISTS');
    expect((await post(BASE, ROLLOUT)).statusCode).toBe(409);
    expect((await post(BASE, PLAIN)).statusCode).toBe(201);
    const list = await get(BASE);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ features: [ROLLOUT, PLAIN], locked: [] });
    expect((await get(`${BASE}/plain`)).json()).toEqual({ feature: PLAIN, lock: null });
    const nf = await get(`${BASE}/nope`);
    expect([nf.statusCode, nf.json().error.code]).toEqual([404, 'HELIOS_E_FLAG_UNKNOWN']);

    const replaced = { ...PLAIN, enabled: true, strategies: [{ name: 'default', parameters: {}, constraints: [] }] };
    const p = await send('PUT', `${BASE}/plain`, { ...replaced, reason: 'switch on' }, h.auth);
    expect(p.statusCode).toBe(200);
    expect(h.kernel.flags.current().feature('plain')).toEqual(replaced);
    const mismatch = await send('PUT', `${BASE}/plain`, { ...replaced, name: 'other' }, h.auth);
    expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([400, 'HELIOS_E_FLAG_INVALID']);
    const unknown = await send('PUT', `${BASE}/ghost`, { ...replaced, name: 'ghost' }, h.auth);
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'HELIOS_E_FLAG_UNKNOWN']);
    expect(h.kernel.flags.current().names()).toEqual(['rollout', 'plain']);
  });

  it('enables, disables, sets the rollout percentage and edits the user whitelist', async () => {
    h = await startApi({ database });
    await post(BASE, PLAIN);
    expect((await post(`${BASE}/plain/enable`, { reason: 'go' })).json().feature.enabled).toBe(true);
    // enable/disable need no body at all
    const noBody = await h.app.inject({ method: 'POST', url: `${BASE}/plain/disable`, headers: h.auth });
    expect(noBody.statusCode).toBe(200);
    expect(h.kernel.flags.current().feature('plain')!.enabled).toBe(false);
    await post(`${BASE}/plain/enable`, {});

    // percentage: adds a flexibleRollout (stickiness default, groupId = name), then edits it
    let r = await post(`${BASE}/plain/percentage`, { percentage: 25 });
    expect(r.statusCode).toBe(200);
    expect(r.json().feature.strategies).toEqual([{ name: 'flexibleRollout', parameters: { rollout: '25', stickiness: 'default', groupId: 'plain' }, constraints: [] }]);
    r = await post(`${BASE}/plain/percentage`, { percentage: 100, reason: 'full' });
    expect(h.kernel.flags.current().feature('plain')!.strategies).toEqual([{ name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: 'plain' }, constraints: [] }]);
    await post(`${BASE}/plain/percentage`, { percentage: 0 });
    expect(h.kernel.flags.current().isEnabled('plain', { userId: 'u1' })).toBe(false);

    // whitelist by userId: created, deduplicated, removable down to an empty list
    r = await post(`${BASE}/plain/whitelist/add`, { values: ['u1', 'u2', 'u1'] });
    expect(r.statusCode).toBe(200);
    const withId = () => h!.kernel.flags.current().feature('plain')!.strategies.find((s) => s.name === 'userWithId');
    expect(withId()!.parameters).toEqual({ userIds: 'u1,u2' });
    await post(`${BASE}/plain/whitelist/add`, { values: ['u2', 'u3'] });
    expect(withId()!.parameters).toEqual({ userIds: 'u1,u2,u3' });
    const snap = h.kernel.flags.current();
    expect([snap.isEnabled('plain', { userId: 'u1' }), snap.isEnabled('plain', { userId: 'u3' }), snap.isEnabled('plain', { userId: 'u9' })]).toEqual([true, true, false]);
    await post(`${BASE}/plain/whitelist/remove`, { values: ['u1', 'u3', 'absent'] });
    expect(withId()!.parameters).toEqual({ userIds: 'u2' });
    await post(`${BASE}/plain/whitelist/remove`, { values: ['u2'] });
    expect(withId()!.parameters).toEqual({ userIds: '' });
    expect(h.kernel.flags.current().isEnabled('plain', { userId: 'u2' })).toBe(false);

    for (const path of ['enable', 'disable', 'percentage', 'whitelist/add', 'whitelist/remove', 'kill-switch', 'kill-switch/reset']) {
      const body = path === 'percentage' ? { percentage: 5 } : path.startsWith('whitelist') ? { values: ['x'] } : { reason: 'r' };
      const u = await post(`${BASE}/ghost/${path}`, body);
      expect({ path, status: u.statusCode, code: u.json().error.code }).toEqual({ path, status: 404, code: 'HELIOS_E_FLAG_UNKNOWN' });
    }
  });

  it('kill switch disables and locks the flag until a reset with a reason', async () => {
    h = await startApi({ database });
    await post(BASE, ROLLOUT);
    const k = await post(`${BASE}/rollout/kill-switch`, { reason: 'bad fills' });
    expect(k.statusCode).toBe(200);
    expect(k.json()).toMatchObject({ feature: { enabled: false }, lock: { reason: 'bad fills', actor: expect.stringMatching(/^tok-/) } });
    expect(h.kernel.flags.current().isEnabled('rollout', { userId: '1' })).toBe(false);
    expect((await get(BASE)).json().locked).toEqual(['rollout']);
    const before = h.kernel.flags.current().feature('rollout');
    const attempts = [
      post(`${BASE}/rollout/enable`, {}),
      post(`${BASE}/rollout/percentage`, { percentage: 50 }),
      post(`${BASE}/rollout/whitelist/add`, { values: ['u1'] }),
      post(`${BASE}/rollout/whitelist/remove`, { values: ['u1'] }),
      send('PUT', `${BASE}/rollout`, ROLLOUT, h.auth),
    ];
    for (const r of await Promise.all(attempts)) expect([r.statusCode, r.json().error.code]).toEqual([409, 'HELIOS_E_FLAG_LOCKED']);
    expect(h.kernel.flags.current().feature('rollout')).toEqual(before);
    expect((await post(`${BASE}/rollout/disable`, {})).statusCode).toBe(200); // tightening stays allowed
    expect((await post(`${BASE}/rollout/kill-switch/reset`, {})).statusCode).toBe(400);
    expect((await post(`${BASE}/rollout/kill-switch/reset`, { reason: '  ' })).statusCode).toBe(400);
    const reset = await post(`${BASE}/rollout/kill-switch/reset`, { reason: 'fixed' });
    expect(reset.json()).toMatchObject({ feature: { enabled: false }, lock: null });
    expect((await post(`${BASE}/rollout/enable`, { reason: 'back' })).json().feature.enabled).toBe(true);
    expect((await h.db.query('SELECT count(*)::int AS n FROM flag_locks'))).toEqual([{ n: 0 }]);
  });

  it('records every change with who and why, in order', async () => {
    h = await startApi({ database });
    await post(BASE, { ...PLAIN, reason: 'new flag' });
    await post(`${BASE}/plain/enable`, { reason: 'start' });
    await post(`${BASE}/plain/percentage`, { percentage: 10 });
    await post(`${BASE}/plain/kill-switch`, { reason: 'incident 42' });
    await post(`${BASE}/plain/enable`, {}); // refused: not recorded
    await post(`${BASE}/plain/kill-switch/reset`, { reason: 'resolved' });
    const r = await get(`${BASE}/plain/history`);
    expect(r.statusCode).toBe(200);
    const history = r.json().history as { action: string; actor: string; reason: string | null; before: { enabled: boolean } | null; after: { enabled: boolean } }[];
    expect(history.map((e) => [e.action, e.reason])).toEqual([
      ['create', 'new flag'],
      ['enable', 'start'],
      ['percentage', null],
      ['kill-switch', 'incident 42'],
      ['kill-switch.reset', 'resolved'],
    ]);
    expect(new Set(history.map((e) => e.actor))).toEqual(new Set([expect.stringMatching(/^tok-[0-9a-f]{8}$/)]));
    expect(history[0]!.before).toBeNull();
    expect([history[1]!.before!.enabled, history[1]!.after.enabled]).toEqual([false, true]);
    expect(history[3]!.after.enabled).toBe(false);
    expect((await get(`${BASE}/ghost/history`)).statusCode).toBe(404);
  });

  it('answers the check route exactly as unleash-client does', async () => {
    h = await startApi({ database });
    const features = [
      ROLLOUT,
      {
        name: 'ctx',
        enabled: true,
        strategies: [
          {
            name: 'default',
            parameters: {},
            constraints: [
              { contextName: 'tier', operator: 'IN', values: ['gold'] },
              { contextName: 'currentTime', operator: 'DATE_AFTER', value: '2024-01-01T00:00:00.000Z' },
            ],
          },
        ],
      },
    ];
    for (const f of features) expect((await post(BASE, f)).statusCode).toBe(201);
    const unleash = await offlineUnleash(features, 'helios-test');
    try {
      let on = 0;
      for (let i = 0; i < 200; i++) {
        const r = await get(`${BASE}/rollout/check?userId=user-${i}&appName=helios-test&environment=default`);
        expect(r.statusCode).toBe(200);
        const ctx = { userId: `user-${i}` };
        const v = unleash.getVariant('rollout', ctx);
        const want: Record<string, unknown> = { name: v.name, enabled: v.enabled };
        if (v.payload) want.payload = v.payload;
        expect(r.json()).toEqual({ enabled: unleash.isEnabled('rollout', ctx), variant: want });
        if (r.json().enabled) on++;
      }
      expect(on).toBeGreaterThan(40); // ~37 % of 200
      expect(on).toBeLessThan(110);
      const cases: [string, FlagContext][] = [
        ['properties[tier]=gold&currentTime=2025-06-01T00:00:00Z', { properties: { tier: 'gold' }, currentTime: new Date('2025-06-01T00:00:00Z') }],
        ['properties[tier]=gold&currentTime=2023-06-01T00:00:00Z', { properties: { tier: 'gold' }, currentTime: new Date('2023-06-01T00:00:00Z') }],
        ['properties[tier]=silver&currentTime=2025-06-01T00:00:00Z', { properties: { tier: 'silver' }, currentTime: new Date('2025-06-01T00:00:00Z') }],
        ['sessionId=s1&remoteAddress=10.0.0.1', { sessionId: 's1', remoteAddress: '10.0.0.1' }],
      ];
      for (const [qs, ctx] of cases) {
        const r = await get(`${BASE}/ctx/check?appName=helios-test&environment=default&${qs}`);
        expect({ qs, body: r.json() }).toEqual({ qs, body: { enabled: unleash.isEnabled('ctx', ctx), variant: { name: 'disabled', enabled: false } } });
      }
      expect((await get(`${BASE}/ctx/check?properties[tier]=gold&currentTime=2025-06-01T00:00:00Z`)).json().enabled).toBe(true);
    } finally {
      unleash.destroy();
    }
    const bad: [string, number, string][] = [
      [`${BASE}/ghost/check?userId=1`, 404, 'HELIOS_E_FLAG_UNKNOWN'],
      [`${BASE}/rollout/check?currentTime=yesterday`, 400, 'HELIOS_E_INPUT_INVALID'],
      [`${BASE}/rollout/check?currentTime=2024-13-45T00:00:00Z`, 400, 'HELIOS_E_INPUT_INVALID'],
      [`${BASE}/rollout/check?userId=1&userId=2`, 400, 'HELIOS_E_INPUT_INVALID'],
      [`${BASE}/rollout/check?tier=gold`, 400, 'HELIOS_E_INPUT_INVALID'],
    ];
    for (const [url, status, code] of bad) {
      const r = await get(url);
      expect({ url, status: r.statusCode, code: r.json().error.code }).toEqual({ url, status, code });
    }
  });

  it('answers bad input with a coded 4xx and changes nothing', async () => {
    h = await startApi({ database });
    await post(BASE, ROLLOUT);
    const before = h.kernel.flags.current();
    const cases: [string, string, string | object, Record<string, string>, number, string][] = [
      ['malformed JSON', BASE, '{"name": "x",', {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['not an object', BASE, '[1,2]', {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['missing enabled', BASE, { name: 'x', strategies: [] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['bad strategies', BASE, { name: 'x', enabled: true, strategies: [{ parameters: {} }] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['strategies not an array', BASE, { name: 'x', enabled: true, strategies: 'all' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['rollout > 100', BASE, { name: 'x', enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '140' } }] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['unknown operator', BASE, { name: 'x', enabled: true, strategies: [{ name: 'default', constraints: [{ contextName: 'a', operator: 'LIKE', values: [] }] }] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['unknown segment', BASE, { name: 'x', enabled: true, strategies: [{ name: 'default', segments: [9] }] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['bad name', BASE, { name: '../etc', enabled: true, strategies: [] }, {}, 400, 'HELIOS_E_FLAG_INVALID'],
      ['reason not a string', BASE, { name: 'x', enabled: true, strategies: [], reason: 5 }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['oversized', BASE, { name: 'x', enabled: true, strategies: [], description: 'x'.repeat(100_000) }, {}, 413, 'HELIOS_E_PAYLOAD_TOO_LARGE'],
      ['not JSON', BASE, 'name=x', { 'content-type': 'text/plain' }, 415, 'HELIOS_E_UNSUPPORTED_MEDIA_TYPE'],
      ['percentage as string', `${BASE}/rollout/percentage`, { percentage: '50' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['percentage 101', `${BASE}/rollout/percentage`, { percentage: 101 }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['percentage negative', `${BASE}/rollout/percentage`, { percentage: -1 }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['percentage missing', `${BASE}/rollout/percentage`, {}, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['values not array', `${BASE}/rollout/whitelist/add`, { values: 'u1' }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['values empty', `${BASE}/rollout/whitelist/add`, { values: [] }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['value with comma', `${BASE}/rollout/whitelist/add`, { values: ['a,b'] }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['value not string', `${BASE}/rollout/whitelist/remove`, { values: [1] }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['unknown key', `${BASE}/rollout/enable`, { reason: 'x', force: true }, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['kill without reason', `${BASE}/rollout/kill-switch`, {}, {}, 400, 'HELIOS_E_INPUT_INVALID'],
      ['oversized values', `${BASE}/rollout/whitelist/add`, { values: Array.from({ length: 20_000 }, (_, i) => `u${i}`) }, {}, 413, 'HELIOS_E_PAYLOAD_TOO_LARGE'],
    ];
    for (const [what, url, body, headers, status, code] of cases) {
      const r = await post(url, body, { ...h.auth, ...headers });
      expect({ what, status: r.statusCode, code: r.json().error?.code }).toEqual({ what, status, code });
    }
    const put = await send('PUT', `${BASE}/rollout`, { ...ROLLOUT, variants: [{ name: 'a', weight: 5000 }] }, h.auth);
    expect([put.statusCode, put.json().error.code]).toEqual([400, 'HELIOS_E_FLAG_INVALID']);
    expect(h.kernel.flags.current()).toBe(before);
    expect(await h.db.query('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 1 }]);
  });

  it('refuses missing and wrong tokens with 401 on every mutating route and changes nothing', async () => {
    h = await startApi({ database });
    await post(BASE, ROLLOUT);
    const before = h.kernel.flags.current();
    const routes: ['POST' | 'PUT', string, object][] = [
      ['POST', BASE, { ...PLAIN }],
      ['PUT', `${BASE}/rollout`, { ...ROLLOUT, enabled: false }],
      ['POST', `${BASE}/rollout/enable`, {}],
      ['POST', `${BASE}/rollout/disable`, {}],
      ['POST', `${BASE}/rollout/percentage`, { percentage: 1 }],
      ['POST', `${BASE}/rollout/whitelist/add`, { values: ['u'] }],
      ['POST', `${BASE}/rollout/whitelist/remove`, { values: ['u'] }],
      ['POST', `${BASE}/rollout/kill-switch`, { reason: 'x' }],
      ['POST', `${BASE}/rollout/kill-switch/reset`, { reason: 'x' }],
    ];
    for (const [method, url, body] of routes) {
      for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: TOKEN }] as Record<string, string>[]) {
        const r = await send(method, url, body, headers);
        expect({ url, status: r.statusCode, code: r.json().error.code }).toEqual({ url, status: 401, code: 'HELIOS_E_UNAUTHORIZED' });
      }
    }
    expect(h.kernel.flags.current()).toBe(before);
    expect(await h.db.query('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 1 }]);
    expect(await h.db.query('SELECT count(*)::int AS n FROM flag_locks')).toEqual([{ n: 0 }]);
  });

  it('documents the flag routes in OpenAPI', async () => {
    h = await startApi({ database });
    const spec = (await get('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([BASE, `${BASE}/{name}`, `${BASE}/{name}/check`, `${BASE}/{name}/history`, `${BASE}/{name}/kill-switch`, `${BASE}/{name}/kill-switch/reset`, `${BASE}/{name}/whitelist/add`]),
    );
    expect(spec.paths[`${BASE}/{name}/percentage`].post.requestBody.content['application/json'].schema.required).toEqual(['percentage']);
  });
});
}

describe('feature flag API with write-back to flag files', () => {
  it('writes changes to <dir>/<name>.json, and a fresh FlagFiles.open on that dir restores them', async () => {
    h = await startApi();
    const dir = await tempDir('helios-flags-');
    const files = await FlagFiles.open({ dir, store: h.kernel.flags });
    cleanups.push(async () => {
      await files.close();
      await rm(dir, { recursive: true, force: true });
    });
    // A second app over the same kernel and records, this time with write-back.
    const { KillSwitch } = await import('../../src/control/KillSwitch.ts');
    const app = await buildApp(
      { kernel: h.kernel, killSwitch: new KillSwitch(h.kernel, h.records), db: h.db, records: h.records, modulesDir: dir, flagFiles: files, startedAt: Date.now(), version: '0.1.0' },
      { token: TOKEN },
    );
    cleanups.unshift(() => app.close());
    const call = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...h!.auth } });
    expect((await call(BASE, { ...ROLLOUT, reason: 'persist me' })).statusCode).toBe(201);
    expect(JSON.parse(await readFile(join(dir, 'rollout.json'), 'utf8'))).toEqual(ROLLOUT);
    expect((await call(`${BASE}/rollout/percentage`, { percentage: 80 })).statusCode).toBe(200);
    expect((await call(`${BASE}/rollout/whitelist/add`, { values: ['vip'] })).statusCode).toBe(200);
    const onDisk = JSON.parse(await readFile(join(dir, 'rollout.json'), 'utf8'));
    expect(onDisk.strategies[0].parameters.rollout).toBe('80');
    expect(onDisk.strategies[1]).toEqual({ name: 'userWithId', parameters: { userIds: 'vip' }, constraints: [] });

    const fresh = new FlagStore();
    const reopened = await FlagFiles.open({ dir, store: fresh });
    try {
      expect(fresh.current().feature('rollout')).toEqual(onDisk);
      expect(fresh.current().feature('rollout')).toEqual(h.kernel.flags.current().feature('rollout'));
    } finally {
      await reopened.close();
    }
    const history = (await app.inject({ method: 'GET', url: `${BASE}/rollout/history` })).json().history;
    expect(history.map((e: { action: string; reason: string | null }) => [e.action, e.reason])).toEqual([
      ['create', 'persist me'],
      ['percentage', null],
      ['whitelist.add', null],
    ]);
  });
});
