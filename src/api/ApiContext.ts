import type { KillSwitch } from '../control/KillSwitch.ts';
import type { FlagFiles } from '../flags/FlagFiles.ts';
import type { PlatformRecords } from '../control/PlatformRecords.ts';
import type { Kernel } from '../kernel/Kernel.ts';
import type { Database } from '../store/Database.ts';
import type { TradingBook } from '../trading/TradingBook.ts';

/** What the routes may use: the kernel and the control services around it, nothing global. */
export interface ApiContext {
  kernel: Kernel;
  killSwitch: KillSwitch;
  db: Database;
  records: PlatformRecords;
  /** Where API flag changes are written back (flags/<name>.json); undefined: memory only. */
  flagFiles: FlagFiles | undefined;
  /** Folder that `POST /api/modularity/modules/register` resolves module paths against. */
  modulesDir: string;
  startedAt: number;
  version: string;
  /** Positions, orders and fills; undefined when this kernel runs without one (the trading routes answer 503). */
  book?: TradingBook;
  /** Quarantined market data by reason, when a session counts it. */
  quarantine?: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
}
