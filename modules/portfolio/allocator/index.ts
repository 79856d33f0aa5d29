import type { AccountSnapshot } from '../../../src/contracts/effects.ts';
import type { ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { Review, TargetPosition } from '../../../src/contracts/tiers.ts';
import { applyReview, Book, expire } from './Book.ts';
import { parseConfig } from './config.ts';
import type { CovarianceCache } from './covarianceOf.ts';
import { emitTargets } from './emit.ts';
import { compileTables, rawTargets } from './targets.ts';

const STATE_VERSION = 1;

/**
 * The portfolio tier: merges the reviewed views of several strategies into
 * one target position per symbol, by weighted merge, long-only mean-variance
 * or Black-Litterman (config.ts documents every setting), then applies the
 * REJECT guard, exposure limits and rebalancing bands (emit.ts).
 *
 * Outputs: one TargetPosition per symbol whose target changed, carrying the
 * seq of that symbol's latest item in the batch, or of the batch's latest
 * item when only the optimiser or an expiry moved it, so per-symbol seq order
 * holds. Everything is a function of the items, the event clock and the
 * account's equity, so a shadow copy computes the same targets.
 */
export function create(ctx: ModuleContext): ModuleInstance<'portfolio'> {
  const cfg = parseConfig(ctx.config);
  const tables = compileTables(cfg);
  let book = new Book(cfg.window);

  async function equity(): Promise<number> {
    if (cfg.method === 'merge') return cfg.capital;
    let answer: unknown = null;
    try {
      answer = await ctx.effects.call('account.snapshot', null);
    } catch (e) {
      ctx.log.warn('account.snapshot failed; sizing on configured capital', { error: String(e) });
    }
    const eq = (answer as Partial<AccountSnapshot> | null)?.equity;
    return typeof eq === 'number' && Number.isFinite(eq) && eq > 0 ? eq : cfg.capital;
  }

  return {
    async handle(items: Review[]): Promise<TargetPosition[]> {
      if (items.length === 0) return [];
      let now = ctx.clock.now();
      let latest = items[0]!;
      const bySymbol = new Map<string, Review>();
      for (const r of items) {
        if (r.ts > now) now = r.ts;
        if (r.seq >= latest.seq) latest = r;
        const prev = bySymbol.get(r.symbol);
        if (prev === undefined || r.seq >= prev.seq) bySymbol.set(r.symbol, r);
      }
      // The baseline for the REJECT guard: the same batch as if its rejections had never arrived.
      const without = items.some((r) => r.verdict === 'REJECT') ? book.copy() : null;
      const approved = new Set<string>();
      for (const r of items) {
        book.observe(r);
        applyReview(book.views, r);
        if (r.verdict === 'REJECT') continue;
        approved.add(r.symbol);
        if (without !== null) {
          without.observe(r);
          applyReview(without.views, r);
        }
      }
      expire(book.views, now, cfg.maxViewAgeMs);
      if (without !== null) expire(without.views, now, cfg.maxViewAgeMs);

      const eq = await equity();
      const cache: CovarianceCache = { inputs: null, value: null };
      const full = rawTargets({ book, views: book.views, cfg, tables, equity: eq, cache });
      const base = without === null ? null : rawTargets({ book: without, views: without.views, cfg, tables, equity: eq, cache });
      return emitTargets(book, cfg, full, base, approved, (symbol) => {
        const r = bySymbol.get(symbol) ?? latest;
        return { seq: r.seq, ts: r.ts };
      });
    },
    snapshot: () => book.snapshot(),
    restore(state, fromStateVersion) {
      if (fromStateVersion !== STATE_VERSION) throw new Error(`allocator: cannot migrate state version ${fromStateVersion}`);
      book = Book.restore(state, cfg.window);
    },
    dispose() {},
  };
}
