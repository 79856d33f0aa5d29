import { bollingerReversion } from './bollingerReversion.ts';
import { momentumBreakout } from './momentumBreakout.ts';
import { smaCross } from './smaCross.ts';
import type { Strategy } from './Strategy.ts';

/** Every classic strategy by the name an operator configures (also its signal source). */
export const STRATEGIES: Readonly<Record<string, (params?: Record<string, number>) => Strategy>> = Object.freeze({
  'sma-cross': smaCross,
  'bollinger-reversion': bollingerReversion,
  'momentum-breakout': momentumBreakout,
});

export const DEFAULT_STRATEGIES: readonly string[] = Object.freeze(['sma-cross', 'bollinger-reversion', 'momentum-breakout']);

/**
 * Builds the configured strategies, each with its optional parameter
 * overrides. An unknown name is a configuration error and throws at create(),
 * before any item is handled.
 */
export function buildStrategies(names: unknown, params: unknown): Strategy[] {
  const list = names === undefined ? DEFAULT_STRATEGIES : names;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) throw new Error(`strategies must be a list of names, got ${JSON.stringify(names)}`);
  const overrides = (params ?? {}) as Record<string, Record<string, number> | undefined>;
  return list.map((name) => {
    const make = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name] : undefined;
    if (make === undefined) throw new Error(`unknown strategy "${name}"; known: ${Object.keys(STRATEGIES).join(', ')}`);
    return make(overrides[name]);
  });
}
