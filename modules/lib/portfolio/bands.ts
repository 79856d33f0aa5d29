export interface Band {
  /** A change smaller than this fraction of the current position is not worth trading (e.g. 0.1). */
  relative: number;
  /** ...nor one whose notional is below this (account currency). */
  minNotional: number;
}

/**
 * Whether a new target is far enough from the last emitted one to be worth a
 * trade. Closing a position and flipping its side always pass: a band exists
 * to save small adjustments, and must never leave the book holding a
 * position, or a side, that the sources no longer want.
 */
export function outsideBand(last: number, next: number, price: number, band: Band): boolean {
  if (next === last) return false;
  if (next === 0 || last * next < 0) return true;
  const change = Math.abs(next - last);
  return change > band.relative * Math.abs(last) && change * price >= band.minNotional;
}
