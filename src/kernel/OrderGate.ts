import type { OrderIntent } from '../contracts/tiers.ts';
import type { TradingState } from './TradingState.ts';

export interface OrderGateway {
  /** Sends orders that passed the gate. Must be idempotent on clientOrderId. */
  submit(orders: OrderIntent[]): void | Promise<void>;
  /** Cancels every open order; called the moment trading is HALTED. */
  cancelAll?(): void | Promise<void>;
  /**
   * Writes still in progress. When given, the execution tier waits for a
   * submission only while this is above a small bound (backpressure), instead
   * of after every batch: the gateway keeps its own order, so waiting for each
   * write would only queue the next instrument's order behind a database
   * round trip.
   */
  backlog?(): number;
}

export interface GateDecision {
  sent: OrderIntent[];
  denied: { order: OrderIntent; reason: 'HALTED' | 'REDUCING' }[];
}

/**
 * The last thing between the execution tier and the outside world. It reads
 * the trading mode synchronously for every batch, so a halt takes effect
 * before the next batch leaves, whatever any module is doing.
 */
export class OrderGate {
  #state: TradingState;
  #exposure: (symbol: string) => number;

  constructor(state: TradingState, exposure: (symbol: string) => number) {
    this.#state = state;
    this.#exposure = exposure;
  }

  filter(orders: readonly OrderIntent[]): GateDecision {
    const mode = this.#state.mode;
    if (mode === 'ACTIVE') return { sent: orders.slice(), denied: [] };
    if (mode === 'HALTED') return { sent: [], denied: orders.map((order) => ({ order, reason: 'HALTED' as const })) };
    const sent: OrderIntent[] = [];
    const denied: GateDecision['denied'] = [];
    // Projected exposure within the batch, so two orders that each shrink a
    // position cannot together flip it.
    const projected = new Map<string, number>();
    for (const order of orders) {
      const pos = projected.get(order.symbol) ?? this.#exposure(order.symbol);
      const signed = order.side === 'buy' ? order.quantity : -order.quantity;
      if (pos !== 0 && Math.sign(signed) === -Math.sign(pos) && Math.abs(signed) <= Math.abs(pos)) {
        sent.push(order);
        projected.set(order.symbol, pos + signed);
      } else {
        denied.push({ order, reason: 'REDUCING' });
      }
    }
    return { sent, denied };
  }
}
