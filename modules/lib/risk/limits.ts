/** Hard exposure limits, in account currency and multiples of equity. */
export interface ExposureLimits {
  /** Largest |position| notional in one symbol. */
  maxPositionNotional: number;
  /** Largest sum of |position notional| over all symbols, as a multiple of equity. */
  maxGrossLeverage: number;
  /** Largest notional of the single order that would take the position to its target. */
  maxOrderNotional: number;
}

export interface ExposureView {
  equity: number;
  /** Sum of |quantity * mark| over every position, this symbol's included. */
  grossExposure: number;
  /** This symbol's position notional now, signed (short negative). */
  positionNotional: number;
  /** This symbol's position plus working orders, signed notional: where the position is heading. */
  heldNotional: number;
}

/** The largest target notional each limit allows for a position in direction `dir`. */
export interface LimitCaps {
  symbol: number;
  leverage: number;
  order: number;
}

/**
 * A risk decision sets a target position, not an increment, so each limit is
 * turned into a cap on the target's notional in direction `dir` (+1 or -1):
 *
 * - symbol: maxPositionNotional.
 * - leverage: the target replaces this symbol's current position, so the room
 *   is maxGrossLeverage * equity less the gross exposure of the other symbols.
 * - order: the order to reach the target is |target - held|. Growing a
 *   position in direction dir may go at most maxOrderNotional past the
 *   same-side holding (a holding on the other side counts against it).
 *   Shrinking is never capped: it only takes risk off.
 */
export function limitCaps(limits: ExposureLimits, view: ExposureView, dir: 1 | -1): LimitCaps {
  const others = Math.max(0, view.grossExposure - Math.abs(view.positionNotional));
  return {
    symbol: Math.max(0, limits.maxPositionNotional),
    leverage: Math.max(0, limits.maxGrossLeverage * Math.max(view.equity, 0) - others),
    order: Math.max(0, dir * view.heldNotional + limits.maxOrderNotional),
  };
}
