import type { Tier } from '../contracts/tiers.ts';

export const ROUTE_FLAG_PREFIX = 'helios.route.';

export function routeFlagName(tier: Tier): string {
  return `${ROUTE_FLAG_PREFIX}${tier}`;
}

/**
 * The routing flag of a tier, in Unleash's own feature JSON: variants name
 * module versions, weights (out of 1000) are the canary split, and stickiness
 * on the `symbol` context property keeps an instrument on one version.
 */
export function routeFlag(tier: Tier, weights: readonly { key: string; weight: number }[]): Record<string, unknown> {
  return {
    name: routeFlagName(tier),
    description: `Module routing for the ${tier} tier (written by Helios)`,
    type: 'release',
    project: 'helios',
    enabled: true,
    stale: false,
    impressionData: false,
    strategies: [{ name: 'default', parameters: {}, constraints: [] }],
    variants: weights
      .filter((w) => w.weight > 0)
      .map((w) => ({ name: w.key, weight: w.weight, weightType: 'fix', stickiness: 'symbol', overrides: [] })),
  };
}
