/**
 * Checks for snapshots read back by `fromState`. A snapshot crosses a worker
 * boundary and may come from a database row, so a malformed one must be
 * refused loudly at restore time instead of producing NaN features later.
 */
export type StateObject = Record<string, unknown>;

export function object(x: unknown, what: string): StateObject {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`indicators state: ${what} is not an object`);
  return x as StateObject;
}

export function finite(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`indicators state: ${what} is not a finite number`);
  return x;
}

export function integer(x: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) throw new Error(`indicators state: ${what} is not an integer in [${min}, ${max}]`);
  return x;
}

export function finiteArray(x: unknown, what: string, length: number): number[] {
  if (!Array.isArray(x) || x.length !== length || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`indicators state: ${what} is not ${length} finite numbers`);
  }
  return x as number[];
}
