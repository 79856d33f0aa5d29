/**
 * Flag evaluation: Helios's compiled FlagSnapshot against unleash-client 6.12.1, same flag,
 * same contexts, same process.
 *
 * flags.unleash_client_rollout_ns / flags.helios_rollout_ns: ns per `isEnabled` call on a 37 %
 * flexibleRollout sticky on userId, cycling through 10,000 distinct pre-built contexts
 * (`{ userId }`). unleash-client is measured through its public `Unleash#isEnabled` (bootstrapped
 * offline: refreshInterval 0, metrics off, in-memory storage), which is what an application calls.
 * Both are warmed up first; each figure is the median of several timed rounds.
 *
 * flags.agreement: fraction of 100,000 random contexts on which Helios and unleash-client give
 * the same isEnabled and the same (deep-equal) getVariant, on the rollout flag and on a flag
 * with constraints, strategy variants, feature variants and overrides. Math.random is replaced
 * by the same seeded sequence for both sides of each comparison, so even random stickiness
 * must agree.
 */
import { seededRandom } from '../../src/util/seededRandom.ts';
import { seeded } from '../../tests/flags/oracle.ts';
import { offlineUnleash } from '../../tests/helpers/offlineUnleash.ts';
import { isDeepStrictEqual } from 'node:util';
import type { Unleash } from 'unleash-client';
import type { FlagContext } from '../../src/flags/context.ts';
import { FlagSnapshot } from '../../src/flags/FlagSnapshot.ts';
import { emit, log, quick } from '../lib/suite.ts';
import { median, round } from '../lib/time.ts';

const DISTINCT_USERS = 10_000;
const CALLS = quick ? 300_000 : 1_000_000;
const WARMUP = quick ? 200_000 : 1_000_000;
const ROUNDS = quick ? 5 : 9;
const AGREEMENT_CONTEXTS = 100_000;

const ROLLOUT = 'bench.rollout37';
const ROUTED = 'bench.routed';
const features = [
  {
    name: ROLLOUT,
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: '37', stickiness: 'userId', groupId: ROLLOUT }, constraints: [] }],
  },
  {
    name: ROUTED,
    enabled: true,
    strategies: [
      {
        name: 'flexibleRollout',
        parameters: { rollout: '60', stickiness: 'default', groupId: ROUTED },
        constraints: [{ contextName: 'tier', operator: 'IN', values: ['gold', 'silver'] }],
        variants: [
          { name: 'canary', weight: 100, weightType: 'fix', stickiness: 'symbol' },
          { name: 'stable', weight: 900, weightType: 'variable', stickiness: 'symbol' },
        ],
      },
      { name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'sessionId', groupId: ROUTED }, constraints: [] },
    ],
    variants: [
      { name: 'v1', weight: 334, weightType: 'variable', stickiness: 'default', payload: { type: 'string', value: 'one' } },
      { name: 'v2', weight: 333, weightType: 'variable', stickiness: 'default', overrides: [{ contextName: 'userId', values: ['user-7'] }] },
      { name: 'v3', weight: 333, weightType: 'variable', stickiness: 'default' },
    ],
  },
];

function startUnleash(): Promise<Unleash> {
  return offlineUnleash(features, 'helios-bench');
}

interface Cost {
  ns: number;
  wallNs: number;
  hits: number;
}

/**
 * ns per call of each checker over `contexts` cycled: all are warmed up, then timed in
 * interleaved rounds (so a noisy neighbour hurts them alike) and each figure is its median
 * round. Cost is process CPU time (`process.cpuUsage`), not wall time: on a shared box wall
 * time mostly measures the scheduler. Wall time is logged alongside.
 */
function nsPerCall(checks: readonly ((ctx: FlagContext) => boolean)[], contexts: readonly FlagContext[]): Cost[] {
  const n = contexts.length;
  const hits = checks.map(() => 0);
  const cpu: number[][] = checks.map(() => []);
  const wall: number[][] = checks.map(() => []);
  checks.forEach((check, k) => {
    for (let i = 0; i < WARMUP; i++) if (check(contexts[i % n]!)) hits[k]!++;
  });
  for (let r = 0; r < ROUNDS; r++) {
    checks.forEach((check, k) => {
      let h = 0;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < CALLS; i++) if (check(contexts[i % n]!)) h++;
      wall[k]!.push(Number(process.hrtime.bigint() - t0) / CALLS);
      const used = process.cpuUsage(c0);
      cpu[k]!.push(((used.user + used.system) * 1000) / CALLS);
      hits[k]! += h;
    });
  }
  return checks.map((_, k) => ({ ns: median(cpu[k]!), wallNs: median(wall[k]!), hits: hits[k]! }));
}

function randomContext(rnd: () => number): FlagContext {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ctx: FlagContext = { properties: { tier: pick(['gold', 'silver', 'bronze', '']), symbol: pick(['AAPL', 'MSFT', 'BTC', '']) } };
  if (rnd() < 0.9) ctx.userId = `user-${Math.floor(rnd() * 1e6)}`;
  if (rnd() < 0.5) ctx.sessionId = `s-${Math.floor(rnd() * 1e6)}`;
  if (rnd() < 0.2) ctx.remoteAddress = `10.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
  return ctx;
}

function agreement(unleash: Unleash, snapshot: FlagSnapshot): number {
  // Seeded, so the agreement set is the same on every run.
  const rnd = seededRandom(20250601);
  let agree = 0;
  for (let i = 0; i < AGREEMENT_CONTEXTS; i++) {
    const ctx = randomContext(rnd);
    // Unleash#isEnabled adds its static context; give Helios the same fields.
    const full: FlagContext = { appName: 'helios-bench', environment: 'default', ...ctx };
    let same = true;
    for (const name of [ROLLOUT, ROUTED]) {
      same &&= seeded(i, () => unleash.isEnabled(name, ctx)) === seeded(i, () => snapshot.isEnabled(name, full));
      same &&= isDeepStrictEqual(seeded(i, () => unleash.getVariant(name, ctx)), seeded(i, () => ({ ...snapshot.getVariant(name, full) })));
    }
    if (same) agree++;
  }
  return agree / AGREEMENT_CONTEXTS;
}

const unleash = await startUnleash();
const snapshot = FlagSnapshot.compile(features);
const contexts: FlagContext[] = Array.from({ length: DISTINCT_USERS }, (_, i) => ({ userId: `user-${i}` }));

const [client, helios] = nsPerCall(
  [(ctx) => unleash.isEnabled(ROLLOUT, ctx), (ctx) => snapshot.isEnabled(ROLLOUT, ctx)],
  contexts,
) as [Cost, Cost];
log(`unleash-client Unleash#isEnabled  ${client.ns.toFixed(1)} ns/call cpu, ${client.wallNs.toFixed(1)} wall (37 % flexibleRollout on userId, ${DISTINCT_USERS} users)`);
log(`Helios FlagSnapshot#isEnabled     ${helios.ns.toFixed(1)} ns/call cpu, ${helios.wallNs.toFixed(1)} wall (${(helios.ns / client.ns).toFixed(3)} x unleash-client)`);
if (client.hits !== helios.hits) throw new Error(`rollout disagrees: ${client.hits} vs ${helios.hits} hits`);

const agreed = agreement(unleash, snapshot);
log(`agreement on ${AGREEMENT_CONTEXTS} random contexts (isEnabled + getVariant, 2 flags): ${agreed}`);
unleash.destroy();

emit({
  'flags.unleash_client_rollout_ns': round(client.ns, 1),
  'flags.helios_rollout_ns': round(helios.ns, 1),
  'flags.agreement': agreed,
});
