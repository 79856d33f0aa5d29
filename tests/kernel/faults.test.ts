/**
 * A module that misbehaves must cost the kernel one tier's output for the
 * affected items and nothing else: the failure is counted with its code, a
 * dead or hung worker is replaced, the breaker opens after repeated failures
 * and the tier's fail-safe answers meanwhile, and every seq is accounted for
 * exactly once. Everything here goes through the kernel's public API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TIERS, type Envelope, type Tier } from '../../src/contracts/tiers.ts';
import type { ErrorCode } from '../../src/errors/catalogue.ts';
import type { Deployment } from '../../src/kernel/Deployment.ts';
import { marketEvents, PASS_THROUGH } from '../helpers/moduleFixtures.ts';
import { exactlyOnce, seqCounts, startKernel } from './kernelHarness.ts';

type Harness = Awaited<ReturnType<typeof startKernel>>;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Small thresholds: two failures in a row open the breaker; it half-opens one second later. */
const BREAKER = { volumeThreshold: 2, consecutiveFailures: 2, resetTimeoutMs: 1000 };

type FaultKind = 'throw' | 'hang' | 'stall' | 'exit' | 'oom';

const FAULT_CODE: Record<FaultKind, string> = {
  throw: `throw new Error('induced fault');`,
  hang: `while (true) {}`,
  // Not busy, just never answering: the same deadline, grace and replacement apply.
  stall: `return new Promise(() => {});`,
  exit: `process.exit(1);`,
  // Plain JS arrays live on the worker's own heap (typed arrays would not count against it).
  oom: `const keep = (globalThis.__keep ??= []); for (;;) keep.push(new Array(1 << 16).fill(Math.random()));`,
};

/**
 * The tier's pass-through module, except that a batch holding any symbol that
 * starts with "X" triggers the fault. The harness sample (symbol AAA) passes,
 * so the version is tested and loadable like any other.
 */
function faultyModule(tier: Tier, kind: FaultKind): string {
  const inner = PASS_THROUGH[tier].replace('export function create()', 'function inner()');
  return `${inner}
export function create(ctx) {
  const m = inner(ctx);
  return {
    handle(items) {
      if (items.some((e) => String(e.symbol).startsWith('X'))) { ${FAULT_CODE[kind]} }
      return m.handle(items);
    },
    snapshot() { return m.snapshot(); },
    restore(s, from) { return m.restore(s, from); },
    dispose() { return m.dispose(); },
  };
}`;
}

/** Healthy market data (symbols S0..S3). */
function good(n = 20): ReturnType<typeof marketEvents> {
  return marketEvents(n, 4);
}
/** The same with one X symbol in it, so the faulty tier's whole batch triggers. */
function bad(n = 20): ReturnType<typeof marketEvents> {
  const e = marketEvents(n, 4);
  e[Math.floor(n / 2)]!.symbol = 'X1';
  return e;
}
/** Only X symbols: every lane of a multi-lane tier triggers. */
function allBad(n = 20): ReturnType<typeof marketEvents> {
  return marketEvents(n, 4).map((e, i) => ({ ...e, symbol: `X${i % 4}` }));
}

interface Phase {
  from: number;
  to: number;
  seqs: number[];
}

/** One batch in, everything settled; returns the seqs it was given. */
async function phase(k: Harness, events: ReturnType<typeof marketEvents>): Promise<Phase> {
  const from = k.kernel.sequencer.next;
  await k.kernel.ingest(events);
  await k.kernel.drain();
  const to = k.kernel.sequencer.next - 1;
  expect(to - from + 1).toBe(events.length);
  return { from, to, seqs: Array.from({ length: to - from + 1 }, (_, i) => from + i) };
}

/** Bounded poll for a condition (no timing assertion: only "eventually, within the bound"). */
async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function dep(k: Harness, tier: Tier): Deployment {
  const d = k.kernel.stage(tier).slot.incumbent;
  if (d === undefined) throw new Error(`no incumbent in ${tier}`);
  return d;
}

function versionStatus(k: Harness, tier: Tier): { breaker: string; failures: number; restarts: number; calls: number; lastError: { code: ErrorCode } | null } {
  return (k.kernel.status()[tier] as { versions: { breaker: string; failures: number; restarts: number; calls: number; lastError: { code: ErrorCode } | null }[] }).versions[0]!;
}

/** Count of `seqs` present in a tier's outputs. */
function present(items: readonly Envelope[], seqs: readonly number[]): number {
  const c = seqCounts(items);
  return seqs.filter((s) => c.has(s)).length;
}

/** Waits for a replaced worker to be up, so the next batch meets the replacement rather than its boot. */
async function replacementReady(k: Harness, tier: Tier, restarts: number): Promise<void> {
  await until(`${tier} restart #${restarts}`, () => dep(k, tier).sandbox.restarts >= restarts);
  await dep(k, tier).sandbox.start();
}

/**
 * Ledger and outputs after a run in which `faulty` failed (or held) the
 * `lost` seqs and handled the `ok` seqs: nothing missing, nothing twice.
 */
function assertAccounted(k: Harness, faulty: Tier, ok: number[], lost: number[]): void {
  const all = [...ok, ...lost];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  expect(k.kernel.entry.duplicates).toBe(0);
  expect(k.kernel.entry.missing).toBe(0);
  const fi = TIERS.indexOf(faulty);
  for (const tier of TIERS) {
    const ledger = k.kernel.stage(tier).ledger;
    expect({ tier, regressions: ledger.regressions, inFlight: ledger.inFlight }).toEqual({ tier, regressions: 0, inFlight: 0 });
    expect(ledger.handled + ledger.failsafe).toBe(ledger.entered);
    const out = k.outputs.get(tier)!;
    // At most once everywhere.
    const dup = [...seqCounts(out)].filter(([, n]) => n > 1).map(([s]) => s);
    expect({ tier, duplicated: dup }).toEqual({ tier, duplicated: [] });
    const ti = TIERS.indexOf(tier);
    if (ti < fi) {
      // Upstream of the fault: every seq exactly once.
      const r = exactlyOnce(out, lo, hi);
      expect({ tier, missing: r.missing.length }).toEqual({ tier, missing: 0 });
    } else {
      // The faulty tier and everything after it: the healthy seqs exactly once, the failed ones nowhere.
      expect({ tier, ok: present(out, ok) }).toEqual({ tier, ok: ok.length });
      expect({ tier, lost: present(out, lost) }).toEqual({ tier, lost: 0 });
    }
  }
  const faultyLedger = k.kernel.stage(faulty).ledger;
  expect(faultyLedger.entered).toBe(all.length);
  expect(faultyLedger.handled).toBe(ok.length);
  expect(faultyLedger.failsafe).toBe(lost.length);
  // Orders went out for the healthy seqs only, once each.
  expect(present(k.sent, lost)).toBe(0);
  const orders = seqCounts(k.sent);
  expect(ok.filter((s) => orders.get(s) !== 1)).toEqual([]);
  expect(k.sent).toHaveLength(ok.length);
}

/** The tiers that did nothing wrong saw no failure, no restart, and kept a closed breaker. */
function assertOthersUnaffected(k: Harness, faulty: Tier): void {
  for (const tier of TIERS) {
    if (tier === faulty) continue;
    const v = versionStatus(k, tier);
    expect({ tier, breaker: v.breaker, failures: v.failures, restarts: v.restarts, lastError: v.lastError }).toEqual({
      tier,
      breaker: 'closed',
      failures: 0,
      restarts: 0,
      lastError: null,
    });
  }
}

const CASES: { kind: FaultKind; code: ErrorCode; replaces: boolean; deadlineMs: number; resources?: { maxOldGenerationSizeMb: number } }[] = [
  { kind: 'throw', code: 'HELIOS_E_MODULE_THREW', replaces: false, deadlineMs: 200 },
  { kind: 'hang', code: 'HELIOS_E_DEADLINE', replaces: true, deadlineMs: 200 },
  { kind: 'stall', code: 'HELIOS_E_DEADLINE', replaces: true, deadlineMs: 200 },
  { kind: 'exit', code: 'HELIOS_E_WORKER_CRASHED', replaces: true, deadlineMs: 200 },
  // Allocating to the limit takes a while under GC pressure: a deadline that cannot fire first.
  { kind: 'oom', code: 'HELIOS_E_WORKER_OOM', replaces: true, deadlineMs: 5000, resources: { maxOldGenerationSizeMb: 16 } },
];

describe('a faulty features module (worker isolation)', () => {
  for (const c of CASES) {
    it(`${c.kind}: counted as ${c.code}, ${c.replaces ? 'worker replaced, ' : ''}breaker opens, features holds, nothing lost or doubled`, async () => {
      h = await startKernel({ breaker: BREAKER });
      await h.loadAll(['features']);
      const key = await h.add({
        name: `faulty-${c.kind}`,
        tier: 'features',
        version: '1.0.0',
        code: faultyModule('features', c.kind),
        deadlineMs: c.deadlineMs,
        ...(c.resources ? { resources: c.resources } : {}),
      });
      const d = dep(h, 'features');
      expect(d.key).toBe(key);
      expect(d.sandbox.isolation).toBe('worker');
      const ok: number[] = [];
      const lost: number[] = [];
      let restarts = 0;

      // Healthy traffic first.
      for (let i = 0; i < 2; i++) ok.push(...(await phase(h, good())).seqs);
      expect(versionStatus(h, 'features')).toMatchObject({ breaker: 'closed', failures: 0 });

      // One faulty batch: counted with its code, fail-safe for its items, breaker still closed.
      lost.push(...(await phase(h, bad())).seqs);
      expect(d.failures).toBe(1);
      expect(d.lastError?.code).toBe(c.code);
      expect(h.kernel.stage('features').slot.failures.at(-1)).toMatchObject({ key, error: { code: c.code } });
      expect(versionStatus(h, 'features')).toMatchObject({ breaker: 'closed', failures: 1, lastError: { code: c.code } });
      if (c.replaces) await replacementReady(h, 'features', ++restarts);
      expect(d.sandbox.restarts).toBe(restarts);

      // The (replacement) worker answers again.
      ok.push(...(await phase(h, good())).seqs);
      expect(d.failures).toBe(1);
      expect(versionStatus(h, 'features').breaker).toBe('closed');

      // Two faulty batches in a row open the breaker.
      lost.push(...(await phase(h, bad())).seqs);
      if (c.replaces) await replacementReady(h, 'features', ++restarts);
      lost.push(...(await phase(h, bad())).seqs);
      expect(d.failures).toBe(3);
      expect(d.lastError?.code).toBe(c.code);
      expect(versionStatus(h, 'features').breaker).toBe('open');
      if (c.replaces) await replacementReady(h, 'features', ++restarts);

      // While it is open, even healthy items get the fail-safe: features emits nothing for them.
      expect(versionStatus(h, 'features').breaker).toBe('open');
      const held = await phase(h, good());
      lost.push(...held.seqs);
      expect(d.lastError?.code).toBe('HELIOS_E_BREAKER_OPEN');
      expect(d.failures).toBe(4);
      expect(present(h.outputs.get('features')!, held.seqs)).toBe(0);
      expect(present(h.outputs.get('ingestion')!, held.seqs)).toBe(held.seqs.length);

      // After the reset timeout a healthy batch is the probe; it passes and the breaker closes.
      await until('features breaker half-open', () => versionStatus(h!, 'features').breaker === 'half-open');
      ok.push(...(await phase(h, good())).seqs);
      expect(versionStatus(h, 'features').breaker).toBe('closed');
      ok.push(...(await phase(h, good())).seqs);

      // The worker was replaced once per crash or hang, never for a plain throw.
      expect(d.sandbox.restarts).toBe(restarts);
      expect(versionStatus(h, 'features')).toMatchObject({ failures: 4, restarts });
      expect(h.kernel.stage('features').slot.failures.map((f) => f.error.code)).toEqual([c.code, c.code, c.code, 'HELIOS_E_BREAKER_OPEN']);

      assertAccounted(h, 'features', ok, lost);
      assertOthersUnaffected(h, 'features');
    });
  }

  it('hang: the caller is answered at the deadline, the stuck worker is terminated and replaced, and the replacement serves the next batch', async () => {
    h = await startKernel({ breaker: BREAKER });
    await h.loadAll(['features']);
    await h.add({ name: 'faulty-hang', tier: 'features', version: '1.0.0', code: faultyModule('features', 'hang'), deadlineMs: 200 });
    const d = dep(h, 'features');
    // Two healthy batches first, so one failure stays under the breaker's error-rate threshold.
    const first = [...(await phase(h, good())).seqs, ...(await phase(h, good())).seqs];
    expect(d.sandbox.restarts).toBe(0);
    // drain() resolving at all shows the pipeline did not wait for the spinning worker.
    const stuck = await phase(h, bad());
    expect(d.lastError?.code).toBe('HELIOS_E_DEADLINE');
    expect(d.failures).toBe(1);
    // Past the grace period the worker is terminated and a replacement is started.
    await until('hung worker replaced', () => d.sandbox.restarts === 1);
    await d.sandbox.start();
    // Meanwhile market data kept flowing through ingestion, and the replacement answers.
    const after = await phase(h, good());
    expect(d.failures).toBe(1);
    expect(versionStatus(h, 'features')).toMatchObject({ breaker: 'closed', restarts: 1, failures: 1 });
    expect(present(h.outputs.get('execution')!, after.seqs)).toBe(after.seqs.length);
    assertAccounted(h, 'features', [...first, ...after.seqs], stuck.seqs);
    assertOthersUnaffected(h, 'features');
  });
});

describe('a crash outside any call', () => {
  it('an uncaught asynchronous throw after answering: the worker is replaced and nothing is lost or doubled', async () => {
    h = await startKernel({ breaker: BREAKER });
    await h.loadAll(['features']);
    // Answers the batch correctly, then throws from a timer: an uncaught exception kills the worker between calls.
    const code = faultyModule('features', 'throw').replace(
      "if (items.some((e) => String(e.symbol).startsWith('X'))) { throw new Error('induced fault'); }",
      "if (items.some((e) => String(e.symbol).startsWith('X'))) setTimeout(() => { throw new Error('late fault'); }, 0);",
    );
    expect(code).toContain('late fault');
    await h.add({ name: 'late-crash', tier: 'features', version: '1.0.0', code, deadlineMs: 200 });
    const d = dep(h, 'features');
    const first = [...(await phase(h, good())).seqs, ...(await phase(h, good())).seqs];
    // The X batch itself is answered in full before the worker dies.
    const answered = await phase(h, bad());
    expect(present(h.outputs.get('execution')!, answered.seqs)).toBe(answered.seqs.length);
    await replacementReady(h, 'features', 1);
    const after = await phase(h, good());
    expect(present(h.outputs.get('execution')!, after.seqs)).toBe(after.seqs.length);
    expect(d.sandbox.restarts).toBe(1);
    // No call failed: the breaker stays closed and the restart is what shows the crash.
    expect(versionStatus(h, 'features')).toMatchObject({ breaker: 'closed', restarts: 1 });
    assertAccounted(h, 'features', [...first, ...answered.seqs, ...after.seqs], []);
    assertOthersUnaffected(h, 'features');
  });
});

describe('faults under continuous traffic (no drain between batches)', () => {
  for (const c of CASES) {
    it(`${c.kind}: every seq ends handled or fail-safe exactly once, and what features emitted reaches every later tier once`, async () => {
      h = await startKernel({ breaker: BREAKER });
      await h.loadAll(['features']);
      await h.add({
        name: `faulty-${c.kind}`,
        tier: 'features',
        version: '1.0.0',
        code: faultyModule('features', c.kind),
        deadlineMs: c.deadlineMs,
        ...(c.resources ? { resources: c.resources } : {}),
      });
      const d = dep(h, 'features');
      const first = h.kernel.sequencer.next;
      const badSeqs: number[] = [];
      // 30 batches of 10, three of them faulty, with only backpressure between them: batches
      // queue behind a failing call and coalesce, so the faulty tier sees whatever mix arrives.
      for (let b = 0; b < 30; b++) {
        const faulty = b === 3 || b === 12 || b === 13;
        const from = h.kernel.sequencer.next;
        if (faulty) for (let i = 0; i < 10; i++) badSeqs.push(from + i);
        await h.kernel.ingest(faulty ? bad(10) : good(10));
        await new Promise((r) => setTimeout(r, b % 3 === 0 ? 15 : 0));
      }
      await h.kernel.drain();
      const last = h.kernel.sequencer.next - 1;
      expect(last - first + 1).toBe(300);

      expect(d.failures).toBeGreaterThanOrEqual(1);
      expect(h.kernel.stage('features').slot.failures.map((f) => f.error.code)).toContain(c.code);
      if (c.replaces) expect(d.sandbox.restarts).toBeGreaterThanOrEqual(1);
      else expect(d.sandbox.restarts).toBe(0);

      // Ingestion saw everything once; features accounted for every item once.
      expect(exactlyOnce(h.outputs.get('ingestion')!, first, last)).toEqual({ missing: [], duplicated: [] });
      const ledger = h.kernel.stage('features').ledger;
      expect(ledger).toMatchObject({ entered: 300, regressions: 0, inFlight: 0 });
      expect(ledger.handled + ledger.failsafe).toBe(300);
      expect(ledger.failsafe).toBeGreaterThanOrEqual(badSeqs.length);
      const emitted = [...seqCounts(h.outputs.get('features')!)];
      expect(emitted.filter(([, n]) => n > 1)).toEqual([]);
      expect(emitted).toHaveLength(ledger.handled);
      const emittedSeqs = emitted.map(([s]) => s).sort((a, b) => a - b);
      expect(present(h.outputs.get('features')!, badSeqs)).toBe(0);
      // Every later tier carries exactly what features emitted: each once, nothing else.
      for (const t of ['ml', 'risk', 'llm', 'portfolio', 'execution'] as const) {
        const seen = [...seqCounts(h.outputs.get(t)!)];
        expect({ t, dup: seen.filter(([, n]) => n > 1).length }).toEqual({ t, dup: 0 });
        expect({ t, seqs: seen.map(([s]) => s).sort((a, b) => a - b) }).toEqual({ t, seqs: emittedSeqs });
        expect(h.kernel.stage(t).ledger).toMatchObject({ entered: emittedSeqs.length, regressions: 0, inFlight: 0 });
      }
      expect(h.sent.map((o) => o.seq).sort((a, b) => a - b)).toEqual(emittedSeqs);
      assertOthersUnaffected(h, 'features');

      // And the kernel is still in business: once the breaker lets a probe through, a healthy batch flows.
      await until('features breaker not open', () => versionStatus(h!, 'features').breaker !== 'open');
      await d.sandbox.start();
      const after = await phase(h, good());
      expect(present(h.outputs.get('execution')!, after.seqs)).toBe(after.seqs.length);
      expect(versionStatus(h, 'features').breaker).toBe('closed');
    });
  }
});

describe('fail-safes of the other tiers', () => {
  it('risk fails closed: with a failing risk module every signal is denied as a RiskDecision', async () => {
    h = await startKernel({ breaker: BREAKER });
    await h.loadAll(['risk']);
    const key = await h.add({ name: 'faulty-risk', tier: 'risk', version: '1.0.0', code: faultyModule('risk', 'throw'), deadlineMs: 200 });
    const d = dep(h, 'risk');
    const ok = (await phase(h, good())).seqs;
    const failed: number[] = [];
    failed.push(...(await phase(h, bad())).seqs);
    expect(d.lastError?.code).toBe('HELIOS_E_MODULE_THREW');
    failed.push(...(await phase(h, bad())).seqs);
    expect(versionStatus(h, 'risk').breaker).toBe('open');
    // Open breaker: healthy signals are denied too.
    const held = (await phase(h, good())).seqs;
    expect(d.lastError?.code).toBe('HELIOS_E_BREAKER_OPEN');
    const denied = [...failed, ...held];

    const risk = h.outputs.get('risk')!;
    expect(exactlyOnce(risk, ok[0]!, denied.at(-1)!)).toEqual({ missing: [], duplicated: [] });
    for (const r of risk) {
      if (ok.includes(r.seq)) expect(r).toMatchObject({ approved: true, reason: 'within limits' });
      else expect(r).toMatchObject({ approved: false, quantity: 0, reason: 'fail-safe: risk tier unavailable' });
    }
    // The denial travels on as an auditable decision: reviewed as a rejection, zero target, no order.
    const byseq = (t: Tier) => new Map(h!.outputs.get(t)!.map((o) => [o.seq, o as unknown as Record<string, unknown>]));
    const llm = byseq('llm');
    const portfolio = byseq('portfolio');
    for (const s of denied) {
      expect(llm.get(s)).toMatchObject({ verdict: 'REJECT', quantity: 0 });
      expect(portfolio.get(s)).toMatchObject({ targetQuantity: 0 });
    }
    expect(present(h.outputs.get('execution')!, denied)).toBe(0);
    expect(present(h.sent, denied)).toBe(0);
    expect(h.sent.map((o) => o.seq).sort((a, b) => a - b)).toEqual(ok);
    const ledger = h.kernel.stage('risk').ledger;
    expect(ledger).toMatchObject({ entered: ok.length + denied.length, handled: ok.length, failsafe: denied.length, regressions: 0 });
    for (const t of ['llm', 'portfolio'] as const) expect(exactlyOnce(h.outputs.get(t)!, ok[0]!, denied.at(-1)!)).toEqual({ missing: [], duplicated: [] });
    expect(h.kernel.stage('risk').slot.failures.every((f) => f.key === key)).toBe(true);
    assertOthersUnaffected(h, 'risk');
  });

  it('llm falls back to the rule-based reviewer: every decision still gets exactly one Review', async () => {
    h = await startKernel({ breaker: BREAKER });
    await h.loadAll(['llm']);
    await h.add({ name: 'faulty-llm', tier: 'llm', version: '1.0.0', code: faultyModule('llm', 'throw'), deadlineMs: 200 });
    const d = dep(h, 'llm');
    const ok = (await phase(h, good())).seqs;
    // Only X symbols, so every one of the llm tier's lanes fails.
    const fallback: number[] = [];
    fallback.push(...(await phase(h, allBad())).seqs);
    expect(d.lastError?.code).toBe('HELIOS_E_MODULE_THREW');
    fallback.push(...(await phase(h, allBad())).seqs);
    expect(versionStatus(h, 'llm').breaker).toBe('open');
    const held = (await phase(h, good())).seqs;
    fallback.push(...held);
    expect(d.lastError?.code).toBe('HELIOS_E_BREAKER_OPEN');

    const llm = h.outputs.get('llm')!;
    const all = [...ok, ...fallback];
    expect(exactlyOnce(llm, Math.min(...all), Math.max(...all))).toEqual({ missing: [], duplicated: [] });
    for (const r of llm as unknown as { seq: number; reviewer: string; verdict: string; quantity: number }[]) {
      if (ok.includes(r.seq)) expect(r.reviewer).toBe('echo');
      else expect(r).toMatchObject({ reviewer: 'rule-based-fallback', verdict: 'APPROVE', quantity: 1 });
    }
    // The fallback approves what risk approved, so those trades still go out, once each.
    for (const t of ['portfolio', 'execution'] as const) expect(exactlyOnce(h.outputs.get(t)!, Math.min(...all), Math.max(...all))).toEqual({ missing: [], duplicated: [] });
    expect(exactlyOnce(h.sent, Math.min(...all), Math.max(...all))).toEqual({ missing: [], duplicated: [] });
    const ledger = h.kernel.stage('llm').ledger;
    expect(ledger).toMatchObject({ entered: all.length, handled: ok.length, failsafe: fallback.length, regressions: 0, inFlight: 0 });
    assertOthersUnaffected(h, 'llm');
  });
});
