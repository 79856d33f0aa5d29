import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { TIERS, TierSchema, isTier, type Tier } from '../../contracts/tiers.ts';
import { HeliosError } from '../../errors/HeliosError.ts';
import type { ModuleVersion } from '../../registry/ModuleVersion.ts';
import type { HarnessResult } from '../../swap/Harness.ts';
import type { Rollout } from '../../swap/Rollout.ts';
import type { ApiContext } from '../ApiContext.ts';
import { doc, ErrorBody } from '../schema.ts';

// ---- request schemas ----------------------------------------------------

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const Name = z.string().regex(NAME, 'a module name: lower-case letters, digits and dashes, starting with a letter');
const Version = z.string().max(200).regex(SEMVER, 'a semver version such as 1.2.0');
const Key = z
  .string()
  .max(270)
  .refine((s) => {
    const at = s.indexOf('@');
    return at > 0 && NAME.test(s.slice(0, at)) && SEMVER.test(s.slice(at + 1));
  }, 'a module version as <name>@<semver>');

const RegisterBody = z
  .object({
    // Printable characters only (a NUL byte would reach the file system as such).
    path: z.string().min(1).max(1000).regex(/^[^\u0000-\u001f\u007f]+$/, 'no control characters'),
  })
  .strict();
// No body at all (Fastify hands the validator null) means the latest version.
const VersionBody = z.object({ version: Version.optional() }).strict().nullish();
const SwapBody = z
  .object({
    tier: TierSchema,
    version: Key,
    strategy: z.enum(['immediate', 'shadow', 'canary']),
    steps: z.array(z.number().gt(0).max(100)).min(1).max(20).optional(),
    stepItems: z.number().int().positive().max(10_000_000).optional(),
    shadowItems: z.number().int().nonnegative().max(100_000_000).optional(),
    autoPromote: z.boolean().optional(),
    warmupItems: z.number().int().nonnegative().max(10_000_000).optional(),
    warmupMs: z.number().nonnegative().max(60_000).optional(),
    analysis: z
      .object({
        maxErrorRate: z.number().min(0).max(1).optional(),
        maxLatencyRatio: z.number().positive().max(1000).optional(),
        latencySlackMs: z.number().nonnegative().max(60_000).optional(),
        minAgreement: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const NameParams = z.object({ name: Name }).strict();
const TierParams = z.object({ tier: z.string().min(1).max(100) }).strict();
const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();

// ---- response schemas ---------------------------------------------------

const Obj = z.record(z.string(), z.unknown());
const VersionView = z.object({
  key: z.string(),
  name: z.string(),
  version: z.string(),
  tier: z.string(),
  sha256: z.string(),
  isolation: z.string(),
  manifest: Obj,
});
const CaseView = z.object({ name: z.string(), passed: z.boolean(), ms: z.number(), failures: z.array(z.string()) });
const TestView = z.object({ key: z.string(), sha256: z.string(), passed: z.boolean(), at: z.number(), cases: z.array(CaseView) });
const RolloutView = z.object({
  id: z.string(),
  tier: z.string(),
  state: z.string(),
  step: z.number(),
  percent: z.number(),
  from: z.string(),
  to: z.string(),
  plan: Obj,
  steps: z.array(Obj),
  report: Obj.nullable(),
  reason: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
const Running = z.object({
  tier: z.string(),
  role: z.string(),
  breaker: z.string(),
  calls: z.number(),
  failures: z.number(),
  latencyMs: Obj,
});
const Summary = z.object({
  key: z.string(),
  name: z.string(),
  version: z.string(),
  tier: z.string(),
  sha256: z.string(),
  isolation: z.string(),
  registered: z.string(),
  lastTest: z.object({ passed: z.boolean(), at: z.string() }).nullable(),
  running: z.array(Running),
});
const Deployed = z.object({ tier: z.string(), key: z.string(), role: z.string() });
const Unloaded = z.object({ tier: z.string(), unloaded: z.array(z.string()) });
const RolledBack = z.object({ tier: z.string(), from: z.string(), to: z.string() });

const e4 = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, doc(ErrorBody)]));
const MUT = [400, 401, 404, 409, 413, 415];
const tags = ['modularity'];
const security = [{ bearer: [] }];

// ---- helpers ------------------------------------------------------------

type Role = 'incumbent' | 'candidate' | 'previous';

function rolesOf(ctx: ApiContext, tier: Tier): { role: Role; key: string }[] {
  const slot = ctx.kernel.stage(tier).slot;
  const out: { role: Role; key: string }[] = [];
  if (slot.incumbent) out.push({ role: 'incumbent', key: slot.incumbent.key });
  if (slot.candidate) out.push({ role: 'candidate', key: slot.candidate.key });
  if (slot.previous) out.push({ role: 'previous', key: slot.previous.key });
  return out;
}

/** Semver 2.0.0 precedence (build metadata ignored). */
export function compareSemver(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('+')[0]!.split(/-(.*)/s, 2) as [string, string | undefined];
    return { nums: core.split('.').map(Number), pre: pre === undefined || pre === '' ? [] : pre.split('.') };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn) return -1;
    if (qn) return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

function versionView(v: ModuleVersion): z.infer<typeof VersionView> {
  return { key: v.key, name: v.manifest.name, version: v.manifest.version, tier: v.manifest.tier, sha256: v.sha256, isolation: v.manifest.isolation, manifest: v.manifest as unknown as Record<string, unknown> };
}

function rolloutView(r: Rollout): z.infer<typeof RolloutView> {
  return {
    id: r.id,
    tier: r.tier,
    state: r.state,
    step: r.step,
    percent: r.percent,
    from: r.from,
    to: r.to,
    plan: r.plan as unknown as Record<string, unknown>,
    steps: r.steps as unknown as Record<string, unknown>[],
    report: r.report === undefined ? null : (r.report.toJSON() as Record<string, unknown>),
    reason: r.reason ?? null,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: r.endedAt === undefined ? null : new Date(r.endedAt).toISOString(),
  };
}

/** Newest first: ids are r1, r2, ... in order of creation. */
function newestFirst(a: Rollout, b: Rollout): number {
  return b.startedAt - a.startedAt || Number(b.id.slice(1)) - Number(a.id.slice(1));
}

/** Every registered version of `name`, newest semver first; 404 if there is none. */
function versionsOf(ctx: ApiContext, name: string): ModuleVersion[] {
  const list = ctx.kernel.registry.list({ name }).sort((a, b) => compareSemver(b.manifest.version, a.manifest.version));
  if (list.length === 0) throw new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `no registered version of ${name}`, { name });
  return list;
}

/** `name@version`, or the latest registered version of `name` by semver. */
function pick(ctx: ApiContext, name: string, version: string | undefined): ModuleVersion {
  if (version === undefined) return versionsOf(ctx, name)[0]!;
  return ctx.kernel.registry.get(`${name}@${version}`);
}

interface DeployedStatus {
  key: string;
  role: string;
  breaker: string;
  calls: number;
  failures: number;
  latencyMs: Record<string, unknown>;
}

function summaries(ctx: ApiContext, versions: ModuleVersion[]): z.infer<typeof Summary>[] {
  const status = ctx.kernel.status() as Record<Tier, { versions: DeployedStatus[] }>;
  return versions.map((v) => {
    const test = ctx.kernel.swaps.testResult(v.sha256);
    const running = [];
    for (const t of TIERS) {
      for (const d of status[t].versions) {
        if (d.key === v.key) running.push({ tier: t, role: d.role, breaker: d.breaker, calls: d.calls, failures: d.failures, latencyMs: d.latencyMs });
      }
    }
    return {
      key: v.key,
      name: v.manifest.name,
      version: v.manifest.version,
      tier: v.manifest.tier,
      sha256: v.sha256,
      isolation: v.manifest.isolation,
      registered: new Date(v.registeredAt).toISOString(),
      lastTest: test === undefined ? null : { passed: test.passed, at: new Date(test.at).toISOString() },
      running,
    };
  });
}

/** Resolves `rel` under `root`, refusing anything that would leave it (.., absolute paths, symlinks out). */
async function resolveModuleDir(root: string, rel: string): Promise<string> {
  const bad = (why: string) => new HeliosError('HELIOS_E_INPUT_INVALID', `path ${JSON.stringify(rel)} ${why}`, { path: rel });
  if (isAbsolute(rel) || rel.startsWith('/') || rel.startsWith('\\') || /^[a-zA-Z]:/.test(rel)) throw bad('must be relative to the modules folder');
  if (rel.split(/[\\/]/).includes('..')) throw bad('must not contain ..');
  const base = resolve(root);
  const dir = resolve(base, rel);
  const inside = (b: string, p: string) => {
    const r = relative(b, p);
    return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
  };
  if (!inside(base, dir)) throw bad('must name a folder inside the modules folder');
  const notFound = () => new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `no module folder ${rel} under the modules folder`, { path: rel });
  let real: string;
  try {
    real = await realpath(dir);
    if (!(await stat(real)).isDirectory()) throw notFound();
  } catch (e) {
    if (e instanceof HeliosError) throw e;
    throw notFound();
  }
  if (!inside(await realpath(base), real)) throw bad('leads outside the modules folder');
  return real;
}

// ---- routes -------------------------------------------------------------

/** The modularity API: register, test, load, swap, promote, abort, roll back; every change recorded before it is acknowledged. */
export function moduleRoutes(ctx: ApiContext): FastifyPluginAsync {
  const swaps = ctx.kernel.swaps;
  const recordTier = (tier: Tier) => ctx.records.deployments(tier, rolesOf(ctx, tier));

  return async (app) => {
    app.post<{ Body: z.infer<typeof RegisterBody> }>(
      '/api/modularity/modules/register',
      { schema: { tags, security, body: doc(RegisterBody), response: { 200: doc(VersionView), ...e4(...MUT) } } },
      async (req) => {
        const dir = await resolveModuleDir(ctx.modulesDir, req.body.path);
        const v = await ctx.kernel.registry.register(dir);
        await ctx.records.moduleRegistered(v, req.actor);
        return versionView(v);
      },
    );

    app.post<{ Params: z.infer<typeof NameParams>; Body: z.infer<typeof VersionBody> }>(
      '/api/modularity/modules/:name/load',
      { schema: { tags, security, params: doc(NameParams), body: doc(VersionBody), response: { 200: doc(Deployed), ...e4(...MUT, 422) } } },
      async (req) => {
        const v = pick(ctx, req.params.name, req.body?.version);
        await swaps.load(v.key, req.actor);
        await recordTier(v.manifest.tier);
        return { tier: v.manifest.tier, key: v.key, role: 'incumbent' };
      },
    );

    app.post<{ Params: z.infer<typeof NameParams> }>(
      '/api/modularity/modules/:name/unload',
      { schema: { tags, security, params: doc(NameParams), response: { 200: doc(Unloaded), ...e4(...MUT) } } },
      async (req) => {
        const tier = TIERS.find((t) => ctx.kernel.stage(t).slot.incumbent?.version.manifest.name === req.params.name);
        if (tier === undefined) throw new HeliosError('HELIOS_E_MODULE_NOT_FOUND', `${req.params.name} is not loaded in any tier`, { name: req.params.name });
        const gone = ctx.kernel.stage(tier).slot.deployed.map((d) => d.key);
        await swaps.unload(tier, req.actor);
        await recordTier(tier);
        return { tier, unloaded: gone };
      },
    );

    app.post<{ Body: z.infer<typeof SwapBody> }>(
      '/api/modularity/modules/swap',
      { schema: { tags, security, body: doc(SwapBody), response: { 200: doc(RolloutView), ...e4(...MUT, 422) } } },
      async (req) => {
        const { tier, version, ...plan } = req.body;
        const v = ctx.kernel.registry.get(version);
        if (v.manifest.tier !== tier) throw new HeliosError('HELIOS_E_INPUT_INVALID', `${version} is a ${v.manifest.tier} module, not ${tier}`, { tier, versionTier: v.manifest.tier });
        const before = new Set(swaps.rollouts().map((r) => r.id));
        let r: Rollout;
        try {
          r = await swaps.swap(v.key, plan, req.actor);
        } catch (e) {
          // A rollout that started and then failed in prepare is still a fact worth keeping.
          const failed = swaps.rollouts().find((x) => !before.has(x.id));
          if (failed !== undefined) await ctx.records.rollout(failed);
          throw e;
        }
        await ctx.records.rollout(r);
        await recordTier(tier);
        return rolloutView(r);
      },
    );

    app.post<{ Params: z.infer<typeof TierParams> }>(
      '/api/modularity/modules/:tier/rollback',
      { schema: { tags, security, params: doc(TierParams), response: { 200: doc(RolledBack), ...e4(...MUT) } } },
      async (req) => {
        const tier = req.params.tier;
        if (!isTier(tier)) throw new HeliosError('HELIOS_E_TIER_UNKNOWN', `no tier ${tier}; tiers are ${TIERS.join(', ')}`, { tier });
        const active = swaps.active(tier);
        const r = swaps.rollback(tier, req.actor);
        if (active !== undefined) await ctx.records.rollout(active);
        await recordTier(tier);
        return { tier, from: r.from, to: r.to };
      },
    );

    app.post<{ Params: z.infer<typeof NameParams>; Body: z.infer<typeof VersionBody> }>(
      '/api/modularity/modules/:name/test',
      { schema: { tags, security, params: doc(NameParams), body: doc(VersionBody), response: { 200: doc(TestView), ...e4(...MUT) } } },
      async (req) => {
        const v = pick(ctx, req.params.name, req.body?.version);
        const r = await swaps.test(v.key, req.actor);
        await ctx.records.testRun(r, req.actor);
        return r;
      },
    );

    app.get<{ Params: z.infer<typeof NameParams> }>(
      '/api/modularity/modules/:name/tests',
      { schema: { tags, params: doc(NameParams), response: { 200: doc(z.array(TestView)), ...e4(400, 404) } } },
      async (req) => {
        const rows = await ctx.db.query<{ result: HarnessResult | string }>(
          `SELECT t.result FROM test_runs t JOIN module_versions m ON m.key = t.key WHERE m.name = $1 ORDER BY t.id DESC LIMIT 500`,
          [req.params.name],
        );
        if (rows.length === 0) versionsOf(ctx, req.params.name); // 404 for a name nobody registered
        return rows.map((r) => (typeof r.result === 'string' ? (JSON.parse(r.result) as HarnessResult) : r.result));
      },
    );

    app.get<{ Params: z.infer<typeof NameParams> }>(
      '/api/modularity/modules/:name/status',
      { schema: { tags, params: doc(NameParams), response: { 200: doc(z.array(Summary)), ...e4(400, 404) } } },
      async (req) => summaries(ctx, versionsOf(ctx, req.params.name)),
    );

    app.get('/api/modularity/modules', { schema: { tags, response: { 200: doc(z.array(Summary)) } } }, async () =>
      summaries(
        ctx,
        ctx.kernel.registry.list().sort((a, b) => (a.manifest.name === b.manifest.name ? compareSemver(b.manifest.version, a.manifest.version) : a.manifest.name < b.manifest.name ? -1 : 1)),
      ),
    );

    app.get('/api/modularity/rollouts', { schema: { tags, response: { 200: doc(z.array(RolloutView)) } } }, async () => swaps.rollouts().sort(newestFirst).map(rolloutView));

    const decide = (action: 'promote' | 'abort') =>
      app.post<{ Params: z.infer<typeof IdParams> }>(
        `/api/modularity/rollouts/:id/${action}`,
        { schema: { tags, security, params: doc(IdParams), response: { 200: doc(RolloutView), ...e4(...MUT) } } },
        async (req) => {
          const r = swaps.rollout(req.params.id);
          if (swaps.active(r.tier) !== r) throw new HeliosError('HELIOS_E_ROLLOUT_CONFLICT', `rollout ${r.id} is ${r.state}, not the active rollout of ${r.tier}`, { id: r.id, state: r.state });
          if (action === 'promote') swaps.promote(r.tier, req.actor);
          else swaps.abort(r.tier, req.actor);
          await ctx.records.rollout(r);
          await recordTier(r.tier);
          return rolloutView(r);
        },
      );
    decide('promote');
    decide('abort');
  };
}
