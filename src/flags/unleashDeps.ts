/**
 * The parsing libraries unleash-client itself uses for SEMVER_*, REGEX, IN_CIDR and the
 * remoteAddress strategy. They are resolved *through* unleash-client, so Helios always gets
 * the exact versions the client pins: semver strictness, RE2 syntax and IPv6 forms have too
 * many corners to re-implement and still agree bucket for bucket. They are only touched at
 * compile time and on those (rare) constraint kinds, never on the rollout hot path.
 */
import { createRequire } from 'node:module';
import type * as IpAddress from 'ip-address';
import type * as Re2 from 're2js';

/** The slice of semver's `SemVer` that the SEMVER_* operators need. */
export interface SemVerLike {
  readonly version: string;
  compare(other: SemVerLike): -1 | 0 | 1;
}

interface SemverModule {
  parse(version: string): SemVerLike | null;
  SemVer: new (version: string) => SemVerLike;
}

const requireHere = createRequire(import.meta.url);
const requireAsUnleash = createRequire(requireHere.resolve('unleash-client'));

/** semver, as unleash-client loads it. */
export const semver = requireAsUnleash('semver') as SemverModule;
/** ip-address, as unleash-client loads it. */
export const { Address4, Address6 } = requireAsUnleash('ip-address') as typeof IpAddress;
/** re2js, as unleash-client loads it. */
export const { RE2JS } = requireAsUnleash('re2js') as typeof Re2;

export type Address4 = IpAddress.Address4;
export type Address6 = IpAddress.Address6;
export type RE2JS = Re2.RE2JS;
