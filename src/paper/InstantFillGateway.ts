import type { OrderIntent } from '../contracts/tiers.ts';
import type { OrderGateway } from '../kernel/OrderGate.ts';

/**
 * The simplest honest paper broker: every market order fills at once at the
 * last traded price of its symbol. Idempotent on clientOrderId, as a real
 * gateway must be, so a replayed order never fills twice.
 */
export class InstantFillGateway implements OrderGateway {
  readonly positions = new Map<string, number>();
  readonly cash = { value: 0 };
  #last = new Map<string, number>();
  #seen = new Set<string>();
  filled = 0;
  duplicates = 0;

  /** Marks a symbol's price; fills and P&L use the latest mark. */
  mark(symbol: string, price: number): void {
    this.#last.set(symbol, price);
  }

  submit(orders: OrderIntent[]): void {
    for (const o of orders) {
      if (this.#seen.has(o.clientOrderId)) {
        this.duplicates++;
        continue;
      }
      this.#seen.add(o.clientOrderId);
      const px = this.#last.get(o.symbol);
      if (px === undefined) continue;
      const signed = o.side === 'buy' ? o.quantity : -o.quantity;
      this.positions.set(o.symbol, (this.positions.get(o.symbol) ?? 0) + signed);
      this.cash.value -= signed * px;
      this.filled++;
    }
  }

  exposure(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }

  /** Cash plus positions marked to the last price. */
  pnl(): number {
    let v = this.cash.value;
    for (const [s, q] of this.positions) v += q * (this.#last.get(s) ?? 0);
    return v;
  }

  openPositions(): number {
    let n = 0;
    for (const q of this.positions.values()) if (q !== 0) n++;
    return n;
  }
}
