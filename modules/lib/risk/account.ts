import type { AccountSnapshot } from '../../../src/contracts/effects.ts';
import type { ExposureView } from './limits.ts';

const MODES = new Set(['ACTIVE', 'REDUCING', 'HALTED']);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * The `account.snapshot` answer if it is usable, else null. The kernel's
 * answer passes its own schema, but a shadow's stub or a harness case may
 * answer anything, and sizing on a half-read account is worse than sizing on
 * the configured capital.
 */
export function readAccount(answer: unknown): AccountSnapshot | null {
  if (typeof answer !== 'object' || answer === null) return null;
  const a = answer as Record<string, unknown>;
  if (!MODES.has(a.mode as string)) return null;
  for (const k of ['equity', 'dayStartEquity', 'dailyPnl', 'drawdown', 'grossExposure']) if (!finite(a[k])) return null;
  if (a.positions !== undefined && (typeof a.positions !== 'object' || a.positions === null)) return null;
  if (a.pending !== undefined && (typeof a.pending !== 'object' || a.pending === null)) return null;
  return { positions: {}, pending: {}, ...a } as AccountSnapshot;
}

/**
 * What the limits need to know about one symbol. Without an account (the
 * effect answered null) the book is empty and equity is the configured capital.
 */
export function exposureFor(account: AccountSnapshot | null, symbol: string, price: number, capital: number): ExposureView {
  if (!account) return { equity: capital, grossExposure: 0, positionNotional: 0, heldNotional: 0 };
  const pos = Object.hasOwn(account.positions, symbol) ? account.positions[symbol] : undefined;
  const qty = finite(pos?.quantity) ? pos.quantity : 0;
  const mark = finite(pos?.markPrice) && pos.markPrice > 0 ? pos.markPrice : price;
  const pendingRaw = Object.hasOwn(account.pending, symbol) ? account.pending[symbol] : 0;
  const pending = finite(pendingRaw) ? pendingRaw : 0;
  return { equity: account.equity, grossExposure: Math.max(0, account.grossExposure), positionNotional: qty * mark, heldNotional: (qty + pending) * price };
}
