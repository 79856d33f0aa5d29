import { rm } from 'node:fs/promises';
import { TIERS, type Envelope, type OrderIntent, type Tier } from '../../src/contracts/tiers.ts';
import { Kernel, type KernelOptions } from '../../src/kernel/Kernel.ts';
import { PASS_THROUGH, tempDir, writeModule, type FixtureSpec } from '../helpers/moduleFixtures.ts';

/** A kernel on a temp data dir, with a recording gateway and helpers to load fixture modules. */
export async function startKernel(opts: Partial<KernelOptions> = {}) {
  const dataDir = await tempDir();
  const sent: OrderIntent[] = [];
  const kernel = new Kernel({ dataDir, gateway: { submit: (o) => void sent.push(...o) }, ...opts });
  const outputs = new Map<Tier, Envelope[]>();
  for (const t of TIERS) {
    outputs.set(t, []);
    kernel.tap(t, (items) => void outputs.get(t)!.push(...items));
  }
  return {
    kernel,
    dataDir,
    sent,
    outputs,
    /** Registers, tests and optionally loads a fixture module; returns its key. */
    async add(spec: FixtureSpec, load = true): Promise<string> {
      const dir = await writeModule(dataDir + '/src', spec);
      const v = await kernel.registry.register(dir);
      const r = await kernel.swaps.test(v.key, 'test');
      if (!r.passed) throw new Error(`harness failed for ${v.key}: ${JSON.stringify(r.cases)}`);
      if (load) await kernel.swaps.load(v.key, 'test');
      return v.key;
    },
    /** Loads the pass-through module into every tier not in `except`. */
    async loadAll(except: Tier[] = [], isolation: 'worker' | 'inline' = 'worker'): Promise<void> {
      await Promise.all(
        TIERS.filter((t) => !except.includes(t)).map((t) => this.add({ name: `pass-${t}`, tier: t, version: '1.0.0', code: PASS_THROUGH[t], isolation })),
      );
    },
    async close(): Promise<void> {
      await kernel.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Seqs seen at a tier's output, with their multiplicity. */
export function seqCounts(items: readonly Envelope[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const i of items) m.set(i.seq, (m.get(i.seq) ?? 0) + 1);
  return m;
}

/** Asserts every seq in [from, to] appears exactly once; returns what is missing and duplicated. */
export function exactlyOnce(items: readonly Envelope[], from: number, to: number): { missing: number[]; duplicated: number[] } {
  const c = seqCounts(items);
  const missing: number[] = [];
  const duplicated: number[] = [];
  for (let s = from; s <= to; s++) {
    const n = c.get(s) ?? 0;
    if (n === 0) missing.push(s);
    else if (n > 1) duplicated.push(s);
  }
  return { missing, duplicated };
}
