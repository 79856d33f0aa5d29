import type { KillSwitch } from '../control/KillSwitch.ts';
import type { Kernel } from '../kernel/Kernel.ts';
import type { Database } from '../store/Database.ts';

/** What the routes may use: the kernel and the control services around it, nothing global. */
export interface ApiContext {
  kernel: Kernel;
  killSwitch: KillSwitch;
  db: Database;
  startedAt: number;
  version: string;
}
