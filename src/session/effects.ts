import { z } from 'zod';
import type { Cloneable } from '../contracts/module.ts';
import { EFFECTS } from '../contracts/effects.ts';
import type { KillSwitch } from '../control/KillSwitch.ts';
import { HeliosError } from '../errors/HeliosError.ts';
import type { EffectFn, Kernel } from '../kernel/Kernel.ts';
import type { TradingBook } from '../trading/TradingBook.ts';

const STRICTNESS = { ACTIVE: 0, REDUCING: 1, HALTED: 2 } as const;

const Tighten = z.object({ mode: z.enum(['REDUCING', 'HALTED']), reason: z.string().min(1).max(500) }).strict();
const Quarantine = z.object({ reasons: z.record(z.string().max(100), z.number().int().nonnegative()) }).strict();

/** Quarantined market data by reason, as ingestion reported it (live copies only). */
export class QuarantineCounts {
  readonly byReason: Record<string, number> = {};
  total = 0;

  add(reasons: Record<string, number>): void {
    for (const [r, n] of Object.entries(reasons)) {
      this.byReason[r] = (this.byReason[r] ?? 0) + n;
      this.total += n;
    }
  }
}

export interface SessionEffectDeps {
  kernel: () => Kernel;
  killSwitch: () => KillSwitch;
  book: TradingBook;
  llmReview: EffectFn;
  quarantine: QuarantineCounts;
}

/**
 * The real side effects behind `ctx.effects` (src/contracts/effects.ts).
 * Payloads come from module code, so each is validated here like any other
 * input. Effects that act do nothing for a shadow copy (`live` false): a
 * candidate under evaluation can read the account but never move trading
 * state, spend an LLM provider's tokens or inflate the quarantine counts.
 */
export function sessionEffects(d: SessionEffectDeps): Record<string, EffectFn> {
  return {
    [EFFECTS.accountSnapshot]: async () => d.book.snapshot() as unknown as Cloneable,
    [EFFECTS.tradingTighten]: async (payload, live, caller) => {
      const p = parse(Tighten, payload, EFFECTS.tradingTighten);
      const kernel = d.kernel();
      if (!live || STRICTNESS[kernel.trading.mode] >= STRICTNESS[p.mode]) return { mode: kernel.trading.mode };
      // Through the kill switch, so an automatic halt is persisted and audited exactly like an operator's.
      const t = await d.killSwitch().engage(p.mode === 'HALTED' ? 'halt' : 'reduce', p.reason, `module:${caller}`);
      return { mode: t.to };
    },
    [EFFECTS.llmReview]: d.llmReview,
    [EFFECTS.quarantine]: async (payload, live) => {
      const p = parse(Quarantine, payload, EFFECTS.quarantine);
      if (live) d.quarantine.add(p.reasons);
      return null;
    },
  };
}

function parse<T>(schema: z.ZodType<T>, payload: unknown, name: string): T {
  const r = schema.safeParse(payload);
  if (!r.success) throw new HeliosError('HELIOS_E_INPUT_INVALID', `effect ${name}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}
