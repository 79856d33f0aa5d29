import type { OrderIntent } from '../contracts/tiers.ts';
import type { TradingMode } from '../kernel/TradingState.ts';
import type { PaperBrokerOptions } from '../paper/PaperBroker.ts';
import type { Fill, Venue } from '../paper/Venue.ts';

/** What the trading book is configured with, and what it shows: its public shapes, and its per-symbol and per-order state. */

export interface TradingBookOptions {
  /** Starting cash; used only when the database holds no account yet (the stored one wins after that). Default 1,000,000. */
  initialCash?: number;
  /** The kernel's trading mode, read at every submit and in every snapshot. Default: always ACTIVE. */
  mode?: () => TradingMode;
  /** Settings of the paper venue built when no `venue` is given. */
  broker?: PaperBrokerOptions;
  /** A venue to send orders to instead of a new PaperBroker. */
  venue?: Venue;
  /** Risk limits to show beside the account (GET /api/trading/state); the book does not enforce them. */
  limits?: Record<string, number>;
  /**
   * Event time between persisted marks: the last price of every position and
   * the account's event time are written this often, so a restart after a
   * crash resumes the market from near where it stood rather than from each
   * position's last fill. Default 60,000 (a minute), and never more often than
   * once per 1,000 market events; 0: only with fills.
   */
  markEveryMs?: number;
  /** Each fill once it is durable. */
  onFill?: (fill: Fill) => void;
  /** A write that failed (the database); the book keeps going with what it has committed. */
  onError?: (e: unknown) => void;
}

export interface PositionRecord {
  symbol: string;
  quantity: number;
  avgPrice: number;
  markPrice: number;
  unrealizedPnl: number;
  realizedPnl: number;
}

export interface WorkingOrderView {
  clientOrderId: string;
  seq: number;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  quantity: number;
  limitPrice: number | null;
  filledQuantity: number;
  ts: number;
  /** False while its row is being written: it has not reached the venue yet. */
  atVenue: boolean;
}

export interface SymbolState {
  quantity: number;
  avgPrice: number;
  realizedPnl: number;
  /** Last price seen; NaN before the first. */
  mark: number;
  /** Has a position row (has been traded). */
  traded: boolean;
}

export interface BookOrder {
  order: OrderIntent;
  /** Filled quantity that is committed (position and cash include it). */
  filled: number;
  atVenue: boolean;
  cancelRequested: boolean;
}
