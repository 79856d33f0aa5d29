import { HeliosError } from '../errors/HeliosError.ts';
import type { Kernel } from '../kernel/Kernel.ts';
import type { TradingTransition } from '../kernel/TradingState.ts';
import type { PlatformRecords } from './PlatformRecords.ts';

export type KillMode = 'halt' | 'reduce' | 'flatten';

/**
 * The emergency control. It acts in memory first (the order gate reads the
 * mode synchronously, so nothing further leaves from that instant), then
 * makes the change durable, and only then answers: a kill switch that
 * answered before it was persisted could be forgotten by a crash.
 */
export class KillSwitch {
  #kernel: Kernel;
  #records: PlatformRecords;

  constructor(kernel: Kernel, records: PlatformRecords) {
    this.#kernel = kernel;
    this.#records = records;
  }

  async engage(mode: KillMode, reason: string, actor: string): Promise<TradingTransition> {
    const trading = this.#kernel.trading;
    let t: TradingTransition;
    if (mode === 'reduce') {
      if (trading.mode === 'HALTED') throw new HeliosError('HELIOS_E_TRADING_HALTED', 'trading is HALTED; reset it before reducing');
      t = trading.tighten('REDUCING', reason, actor);
    } else if (mode === 'halt') {
      t = trading.tighten('HALTED', reason, actor);
    } else {
      // Flatten: only reductions may leave while the closing orders go out, then nothing at all.
      if (trading.mode === 'ACTIVE') await this.#records.trading(trading.tighten('REDUCING', `flatten: ${reason}`, actor));
      if (trading.mode !== 'HALTED') await this.#kernel.sendOrders(this.#kernel.flattenOrders());
      t = trading.tighten('HALTED', `flatten: ${reason}`, actor);
    }
    await this.#records.trading(t);
    return t;
  }

  async reset(reason: string, actor: string): Promise<TradingTransition> {
    const t = this.#kernel.trading.reset(reason, actor);
    await this.#records.trading(t);
    return t;
  }

  state(): { mode: string; reason: string | null; actor: string | null; at: string | null; seq: number | null } {
    const tr = this.#kernel.trading;
    const last = tr.last;
    return { mode: tr.mode, reason: last?.reason ?? null, actor: last?.actor ?? null, at: last ? new Date(last.at).toISOString() : null, seq: last?.seq ?? null };
  }
}
