/**
 * Bad input from operators and modules: each is refused with a coded
 * HeliosError and changes nothing (registry, artifact store, slots, flags),
 * and an invalid module output never reaches the next tier.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateBatch } from '../../src/contracts/BatchValidator.ts';
import { TIER_CONTRACTS, TIERS, type Envelope, type Tier } from '../../src/contracts/tiers.ts';
import type { ErrorCode } from '../../src/errors/catalogue.ts';
import { isHeliosError } from '../../src/errors/HeliosError.ts';
import { marketEvents, PASS_THROUGH, writeModule, type FixtureSpec } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, seqCounts, startKernel } from './kernelHarness.ts';

type Harness = Awaited<ReturnType<typeof startKernel>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The error a call throws or rejects with (fails the test if it succeeds). */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a HeliosError, but the call succeeded');
}

async function expectCode(fn: () => unknown, code: ErrorCode): Promise<Record<string, unknown>> {
  const e = await caught(fn);
  expect(isHeliosError(e) ? e.code : e).toBe(code);
  return e as unknown as Record<string, unknown>;
}

/** Everything a refused call must leave as it was. */
async function registryState(k: Harness): Promise<{ keys: string[]; artifacts: string[] }> {
  let artifacts: string[] = [];
  try {
    artifacts = (await readdir(join(k.dataDir, 'artifacts'))).sort();
  } catch {
    // no store yet
  }
  return { keys: k.kernel.registry.list().map((v) => `${v.key} ${v.sha256}`).sort(), artifacts };
}

function slotState(k: Harness): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of TIERS) {
    const s = k.kernel.stage(t).slot;
    out[t] = { incumbent: s.incumbent?.key, candidate: s.candidate?.key, previous: s.previous?.key, rollout: k.kernel.swaps.active(t)?.id };
  }
  return out;
}

const VALID_MANIFEST = {
  name: 'bad-input',
  tier: 'features',
  version: '1.0.0',
  stateVersion: 1,
  isolation: 'worker',
  entry: 'index.ts',
  deadlineMs: 200,
};

let dirCount = 0;
/** A module folder with exactly the given manifest text (or none) and files. */
async function rawModule(root: string, manifest: unknown, files: Record<string, string> = { 'index.ts': PASS_THROUGH.features }): Promise<string> {
  const dir = join(root, 'raw', `m${++dirCount}`);
  await mkdir(join(dir, 'harness'), { recursive: true });
  if (manifest !== undefined) await writeFile(join(dir, 'manifest.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const { deadlineMs: _d, ...withoutDeadline } = VALID_MANIFEST;

const MANIFEST_CASES: { what: string; manifest: unknown; code: ErrorCode; issue?: string; files?: Record<string, string> }[] = [
  { what: 'missing fields', manifest: { name: 'bad-input', tier: 'features' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'version' },
  { what: 'missing deadline', manifest: withoutDeadline, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'deadlineMs' },
  { what: 'bad semver (1.0)', manifest: { ...VALID_MANIFEST, version: '1.0' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'version' },
  { what: 'bad semver (v1.0.0)', manifest: { ...VALID_MANIFEST, version: 'v1.0.0' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'version' },
  { what: 'bad semver (leading zero)', manifest: { ...VALID_MANIFEST, version: '01.0.0' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'version' },
  { what: 'unknown tier', manifest: { ...VALID_MANIFEST, tier: 'alpha' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'tier' },
  { what: 'unknown key (a typo of a limit)', manifest: { ...VALID_MANIFEST, deadline: 100 }, code: 'HELIOS_E_MANIFEST_INVALID' },
  { what: 'unknown key inside resources', manifest: { ...VALID_MANIFEST, resources: { maxOldGenMb: 8 } }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'resources' },
  { what: 'bad isolation', manifest: { ...VALID_MANIFEST, isolation: 'process' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'isolation' },
  { what: 'negative deadline', manifest: { ...VALID_MANIFEST, deadlineMs: -5 }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'deadlineMs' },
  { what: 'zero deadline', manifest: { ...VALID_MANIFEST, deadlineMs: 0 }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'deadlineMs' },
  { what: 'deadline as a string', manifest: { ...VALID_MANIFEST, deadlineMs: '200' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'deadlineMs' },
  { what: 'negative state version', manifest: { ...VALID_MANIFEST, stateVersion: -1 }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'stateVersion' },
  { what: 'heap limit below the floor', manifest: { ...VALID_MANIFEST, resources: { maxOldGenerationSizeMb: 1 } }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'resources' },
  { what: 'upper-case name', manifest: { ...VALID_MANIFEST, name: 'BadInput' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'name' },
  { what: 'entry escaping the folder (..)', manifest: { ...VALID_MANIFEST, entry: '../escape.ts' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'entry' },
  { what: 'entry escaping the folder (nested ..)', manifest: { ...VALID_MANIFEST, entry: 'lib/../../escape.ts' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'entry' },
  { what: 'entry that is not a module file', manifest: { ...VALID_MANIFEST, entry: 'index.json' }, code: 'HELIOS_E_MANIFEST_INVALID', issue: 'entry' },
  { what: 'manifest not JSON', manifest: '{ name: "bad-input", ', code: 'HELIOS_E_MANIFEST_INVALID' },
  { what: 'manifest is a JSON array', manifest: '[]', code: 'HELIOS_E_MANIFEST_INVALID' },
  { what: 'manifest is JSON null', manifest: 'null', code: 'HELIOS_E_MANIFEST_INVALID' },
  { what: 'no manifest', manifest: undefined, code: 'HELIOS_E_MODULE_NOT_FOUND' },
  { what: 'entry file missing', manifest: { ...VALID_MANIFEST, entry: 'main.ts' }, code: 'HELIOS_E_MANIFEST_INVALID' },
  { what: 'entry is a directory', manifest: { ...VALID_MANIFEST, entry: 'dir.ts' }, code: 'HELIOS_E_MANIFEST_INVALID', files: { 'index.ts': PASS_THROUGH.features, 'dir.ts/x.ts': '' } },
];

describe('malformed manifests through registry.register', () => {
  it('a valid folder registers (control case)', async () => {
    h = await startKernel();
    const dir = await rawModule(h.dataDir, VALID_MANIFEST);
    const v = await h.kernel.registry.register(dir);
    expect(v.key).toBe('bad-input@1.0.0');
  });

  // One kernel for every case: each must leave it exactly as it found it.
  let k: Harness;
  beforeAll(async () => {
    k = await startKernel();
    // Something already registered, so "unchanged" is not trivially empty.
    await k.add({ name: 'existing', tier: 'ml', version: '1.0.0', code: PASS_THROUGH.ml }, false);
    // A file just outside the module folders, so an escaping entry would find something.
    await mkdir(join(k.dataDir, 'raw'), { recursive: true });
    await writeFile(join(k.dataDir, 'raw', 'escape.ts'), PASS_THROUGH.features);
  });
  afterAll(async () => {
    await k.close();
  });

  it.each(MANIFEST_CASES)('$what: $code, registry and store unchanged', async ({ manifest, code, issue, files }) => {
    const before = await registryState(k);
    expect(before.keys).toHaveLength(1);
    const dir = await rawModule(k.dataDir, manifest, files);
    const e = await expectCode(() => k.kernel.registry.register(dir), code);
    if (issue !== undefined) {
      const issues = (e.details as { issues: { path: string }[] }).issues.map((i) => i.path);
      expect(issues.some((p) => p === issue || p.startsWith(`${issue}.`))).toBe(true);
    }
    expect(await registryState(k)).toEqual(before);
    expect(k.kernel.registry.has('bad-input@1.0.0')).toBe(false);
  });

  it('a folder that does not exist: HELIOS_E_MODULE_NOT_FOUND', async () => {
    h = await startKernel();
    const before = await registryState(h);
    await expectCode(() => h!.kernel.registry.register(join(h!.dataDir, 'nowhere')), 'HELIOS_E_MODULE_NOT_FOUND');
    expect(await registryState(h)).toEqual(before);
  });
});

describe('registering the same name@version twice', () => {
  const spec: FixtureSpec = { name: 'twice', tier: 'features', version: '1.2.0', code: PASS_THROUGH.features };

  it('with different code: HELIOS_E_MODULE_EXISTS, the registered version keeps its bytes', async () => {
    h = await startKernel();
    const first = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'a'), spec));
    const before = await registryState(h);
    const other = await writeModule(join(h.dataDir, 'b'), { ...spec, code: PASS_THROUGH.features.replace('count:', 'n:') });
    const e = await expectCode(() => h!.kernel.registry.register(other), 'HELIOS_E_MODULE_EXISTS');
    expect(e.details).toMatchObject({ key: 'twice@1.2.0', registered: first.sha256 });
    expect(await registryState(h)).toEqual(before);
    expect(h.kernel.registry.get('twice@1.2.0')).toBe(first);
  });

  it('with identical content (even from another folder): idempotent, the same version back', async () => {
    h = await startKernel();
    const first = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'a'), spec));
    const before = await registryState(h);
    expect(await h.kernel.registry.register(await writeModule(join(h.dataDir, 'a'), spec))).toBe(first);
    expect(await h.kernel.registry.register(await writeModule(join(h.dataDir, 'b'), spec))).toBe(first);
    expect(await registryState(h)).toEqual(before);
    expect(h.kernel.registry.list()).toHaveLength(1);
  });
});

/**
 * The features pass-through, except that on a batch holding an X symbol it
 * returns `bad` instead (a JS expression over `items` and `good`, the valid output).
 */
function badOutputModule(tier: Tier, bad: string): string {
  const inner = PASS_THROUGH[tier].replace('export function create()', 'function inner()');
  return `${inner}
export function create(ctx) {
  const m = inner(ctx);
  return {
    handle(items) {
      const good = m.handle(items);
      if (!items.some((e) => String(e.symbol).startsWith('X'))) return good;
      return ${bad};
    },
    snapshot() { return m.snapshot(); },
    restore(s, from) { return m.restore(s, from); },
    dispose() { return m.dispose(); },
  };
}`;
}

const OUTPUT_CASES: { what: string; tier: Tier; bad: string }[] = [
  { what: 'negative price', tier: 'features', bad: `good.map((o) => ({ ...o, price: -1 }))` },
  { what: 'missing seq', tier: 'features', bad: `good.map(({ seq, ...o }) => o)` },
  { what: 'seq not in its input batch', tier: 'features', bad: `good.map((o, i) => (i === 3 ? { ...o, seq: o.seq + 1000000 } : o))` },
  { what: 'seq of zero', tier: 'features', bad: `good.map((o) => ({ ...o, seq: 0 }))` },
  { what: 'not an array', tier: 'features', bad: `({ items: good })` },
  { what: 'null', tier: 'features', bad: `null` },
  { what: 'a function in the output', tier: 'features', bad: `good.map((o) => ({ ...o, features: { ...o.features, f: () => 1 } }))` },
  { what: 'a non-finite feature', tier: 'features', bad: `good.map((o) => ({ ...o, features: { x: Infinity } }))` },
  { what: 'one bad item among good ones', tier: 'features', bad: `good.map((o, i) => (i === good.length - 1 ? { ...o, symbol: '' } : o))` },
  { what: 'risk: approval that is not a boolean', tier: 'risk', bad: `good.map((o) => ({ ...o, approved: 'yes' }))` },
];

function badEvents(n = 20): ReturnType<typeof marketEvents> {
  const e = marketEvents(n, 4);
  e[5]!.symbol = 'X1';
  return e;
}

async function phase(k: Harness, events: ReturnType<typeof marketEvents>): Promise<number[]> {
  const from = k.kernel.sequencer.next;
  await k.kernel.ingest(events);
  await k.kernel.drain();
  return Array.from({ length: k.kernel.sequencer.next - from }, (_, i) => from + i);
}

function present(items: readonly Envelope[], seqs: readonly number[]): number {
  const c = seqCounts(items);
  return seqs.filter((s) => c.has(s)).length;
}

describe('module output that violates its tier contract', () => {
  it.each(OUTPUT_CASES)('$what: HELIOS_E_OUTPUT_INVALID, fail-safe applied, nothing invalid reaches the next tier', async ({ tier, bad }) => {
    h = await startKernel();
    await h.loadAll([tier]);
    const key = await h.add({ name: 'bad-output', tier, version: '1.0.0', code: badOutputModule(tier, bad), deadlineMs: 1000 });
    const d = h.kernel.stage(tier).slot.incumbent!;
    const ok1 = await phase(h, marketEvents(20, 4));
    const broken = await phase(h, badEvents());
    expect(d.lastError?.code).toBe('HELIOS_E_OUTPUT_INVALID');
    expect(d.failures).toBe(1);
    expect(h.kernel.stage(tier).slot.failures).toMatchObject([{ key, error: { code: 'HELIOS_E_OUTPUT_INVALID' } }]);
    const ok2 = await phase(h, marketEvents(20, 4));
    expect(d.failures).toBe(1);

    // Every item any tier emitted satisfies that tier's output contract.
    for (const t of TIERS) {
      const out = h.outputs.get(t)!;
      expect({ t, bad: validateBatch(TIER_CONTRACTS[t].output, out) }).toEqual({ t, bad: null });
    }
    const ledger = h.kernel.stage(tier).ledger;
    expect(ledger).toMatchObject({ entered: 60, handled: 40, failsafe: 20, regressions: 0, inFlight: 0 });
    const next = TIERS[TIERS.indexOf(tier) + 1]!;
    const nextOut = h.outputs.get(next)!;
    if (tier === 'risk') {
      // Risk's fail-safe is a denial per signal, so the next tier sees valid decisions: all denied.
      const decisions = h.outputs.get('risk')! as unknown as { seq: number; approved: boolean; reason: string }[];
      for (const s of broken) expect(decisions.find((x) => x.seq === s)).toMatchObject({ approved: false, reason: 'fail-safe: risk tier unavailable' });
      expect(exactlyOnce(nextOut, ok1[0]!, ok2.at(-1)!)).toEqual({ missing: [], duplicated: [] });
      expect(present(h.sent, broken)).toBe(0);
    } else {
      // Features holds: neither it nor anything after it says anything about the broken batch.
      expect(h.kernel.stage(next).ledger.entered).toBe(40);
      for (const t of TIERS.slice(TIERS.indexOf(tier))) expect({ t, n: present(h.outputs.get(t)!, broken) }).toEqual({ t, n: 0 });
    }
    for (const t of TIERS.slice(TIERS.indexOf(tier))) {
      expect({ t, n: present(h.outputs.get(t)!, [...ok1, ...ok2]) }).toEqual({ t, n: 40 });
    }
    expect(h.sent.map((o) => o.seq).sort((a, b) => a - b)).toEqual([...ok1, ...ok2]);
  });
});

describe('lifecycle calls with bad arguments', () => {
  it('unknown version key to test/load/swap: HELIOS_E_VERSION_UNKNOWN, nothing changes', async () => {
    h = await startKernel();
    await h.add({ name: 'pass-features', tier: 'features', version: '1.0.0', code: PASS_THROUGH.features });
    const slots = slotState(h);
    const regs = await registryState(h);
    const audit = h.kernel.audit.entries().length;
    await expectCode(() => h!.kernel.swaps.test('ghost@1.0.0', 't'), 'HELIOS_E_VERSION_UNKNOWN');
    await expectCode(() => h!.kernel.swaps.load('ghost@1.0.0', 't'), 'HELIOS_E_VERSION_UNKNOWN');
    await expectCode(() => h!.kernel.swaps.swap('ghost@1.0.0', {}, 't'), 'HELIOS_E_VERSION_UNKNOWN');
    await expectCode(() => h!.kernel.swaps.swap('pass-features@9.9.9', { strategy: 'immediate' }, 't'), 'HELIOS_E_VERSION_UNKNOWN');
    await expectCode(() => h!.kernel.registry.get('not a key'), 'HELIOS_E_VERSION_UNKNOWN');
    expect(slotState(h)).toEqual(slots);
    expect(await registryState(h)).toEqual(regs);
    expect(h.kernel.swaps.rollouts()).toEqual([]);
    expect(h.kernel.audit.entries().length).toBe(audit);
  });

  it('load or swap without a passing harness run for that exact hash: HELIOS_E_TEST_REQUIRED', async () => {
    h = await startKernel();
    const untested = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'src'), { name: 'untested', tier: 'ml', version: '1.0.0', code: PASS_THROUGH.ml }));
    await expectCode(() => h!.kernel.swaps.load(untested.key, 't'), 'HELIOS_E_TEST_REQUIRED');
    expect(h.kernel.stage('ml').slot.incumbent).toBeUndefined();

    // A harness that fails (its output breaks the contract) does not count either.
    const failing = await h.kernel.registry.register(
      await writeModule(join(h.dataDir, 'src'), { name: 'failing', tier: 'ml', version: '1.0.0', code: PASS_THROUGH.ml.replace("confidence: 0.6", 'confidence: 7') }),
    );
    const r = await h.kernel.swaps.test(failing.key, 't');
    expect(r.passed).toBe(false);
    await expectCode(() => h!.kernel.swaps.load(failing.key, 't'), 'HELIOS_E_TEST_REQUIRED');

    // Swapping onto an untested version leaves the incumbent and starts no rollout.
    await h.add({ name: 'pass-ml', tier: 'ml', version: '1.0.0', code: PASS_THROUGH.ml });
    const slots = slotState(h);
    await expectCode(() => h!.kernel.swaps.swap(untested.key, { strategy: 'immediate' }, 't'), 'HELIOS_E_TEST_REQUIRED');
    await expectCode(() => h!.kernel.swaps.swap(failing.key, { strategy: 'shadow' }, 't'), 'HELIOS_E_TEST_REQUIRED');
    expect(slotState(h)).toEqual(slots);
    expect(h.kernel.swaps.rollouts()).toEqual([]);
  });

  const THROWING_FACTORY = `export function create() { throw new Error('factory refuses'); }`;
  const NO_FACTORY = `export const nothing = 1;`;
  const SYNTAX_ERROR = `export function create( { return`;
  const INCOMPLETE = `export function create() { return { handle(items) { return items; } }; }`;

  it.each([
    ['a factory that throws', THROWING_FACTORY],
    ['no create export', NO_FACTORY],
    ['a syntax error', SYNTAX_ERROR],
    ['an instance without snapshot/restore/dispose', INCOMPLETE],
  ])('%s: the harness fails, load says HELIOS_E_TEST_REQUIRED; without the test gate, HELIOS_E_MODULE_LOAD_FAILED', async (_what, code) => {
    h = await startKernel();
    const v = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'src'), { name: 'broken', tier: 'features', version: '1.0.0', code }));
    const r = await h.kernel.swaps.test(v.key, 't');
    expect(r.passed).toBe(false);
    expect(r.cases[0]!.failures.join('\n')).toContain('HELIOS_E_MODULE_LOAD_FAILED');
    await expectCode(() => h!.kernel.swaps.load(v.key, 't'), 'HELIOS_E_TEST_REQUIRED');
    await h.close();

    h = await startKernel({ requireTests: false });
    const v2 = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'src'), { name: 'broken', tier: 'features', version: '1.0.0', code }));
    await expectCode(() => h!.kernel.swaps.load(v2.key, 't'), 'HELIOS_E_MODULE_LOAD_FAILED');
    expect(h.kernel.stage('features').slot.deployed).toHaveLength(0);
    expect(h.kernel.audit.entries({ action: 'load' })).toEqual([]);
  });

  it('swapping onto a version whose factory throws: HELIOS_E_MODULE_LOAD_FAILED, the incumbent keeps serving', async () => {
    h = await startKernel({ requireTests: false });
    await h.loadAll();
    const v = await h.kernel.registry.register(await writeModule(join(h.dataDir, 'src'), { name: 'pass-features', tier: 'features', version: '2.0.0', code: THROWING_FACTORY }));
    const slots = slotState(h);
    await expectCode(() => h!.kernel.swaps.swap(v.key, { strategy: 'immediate' }, 't'), 'HELIOS_E_MODULE_LOAD_FAILED');
    expect(slotState(h)).toEqual(slots);
    expect(h.kernel.swaps.active('features')).toBeUndefined();
    expect(h.kernel.swaps.rollouts()).toMatchObject([{ to: v.key, state: 'aborted' }]);
    const seqs = await phase(h, marketEvents(50, 5));
    expect(exactlyOnce(h.outputs.get('execution')!, seqs[0]!, seqs.at(-1)!)).toEqual({ missing: [], duplicated: [] });
    expect(h.kernel.stage('features').slot.incumbent!.key).toBe('pass-features@1.0.0');
  });
});

describe('flags', () => {
  const INVALID_FLAGS: [string, unknown][] = [
    ['not an object', 'helios.route.features'],
    ['null', null],
    ['no name', { enabled: true, strategies: [] }],
    ['enabled is a string', { name: 'x', enabled: 'yes', strategies: [] }],
    ['strategies missing', { name: 'x', enabled: true }],
    ['rollout above 100', { name: 'x', enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '150', stickiness: 'default', groupId: 'x' } }] }],
    ['unknown operator', { name: 'x', enabled: true, strategies: [{ name: 'default', constraints: [{ contextName: 'symbol', operator: 'LIKE', values: ['A'] }] }] }],
    ['variant weights over 1000', { name: 'helios.route.features', enabled: true, strategies: [{ name: 'default' }], variants: [{ name: 'a@1.0.0', weight: 800, weightType: 'fix' }, { name: 'b@1.0.0', weight: 800, weightType: 'fix' }] }],
    ['unknown segment', { name: 'x', enabled: true, strategies: [{ name: 'default', segments: [42] }] }],
  ];

  let k: Harness;
  beforeAll(async () => {
    k = await startKernel();
    await k.loadAll();
  });
  afterAll(async () => {
    await k.close();
  });

  it.each(INVALID_FLAGS)('upsert(%s): HELIOS_E_FLAG_INVALID, snapshot unchanged, routing unchanged', async (_what, json) => {
    const before = k.kernel.flags.current();
    const names = before.source.features.map((f) => f.name);
    expect(names).toContain('helios.route.features');
    let changes = 0;
    const off = k.kernel.flags.onChange(() => void changes++);
    await expectCode(() => k.kernel.flags.upsert(json), 'HELIOS_E_FLAG_INVALID');
    off();
    expect(k.kernel.flags.current()).toBe(before);
    expect(k.kernel.flags.current().source.features.map((f) => f.name)).toEqual(names);
    expect(changes).toBe(0);
    // Routing still sends every symbol to the incumbents: the pipeline runs end to end.
    const seqs = await phase(k, marketEvents(20, 4));
    expect(exactlyOnce(k.outputs.get('execution')!, seqs[0]!, seqs.at(-1)!)).toEqual({ missing: [], duplicated: [] });
  });

  it("remove('nope'): HELIOS_E_FLAG_UNKNOWN, snapshot unchanged", async () => {
    h = await startKernel();
    const before = h.kernel.flags.current();
    const e = await expectCode(() => h!.kernel.flags.remove('nope'), 'HELIOS_E_FLAG_UNKNOWN');
    expect(e.details).toEqual({ name: 'nope' });
    expect(h.kernel.flags.current()).toBe(before);
  });
});
