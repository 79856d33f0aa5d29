/** Where a breaker stands. `half-open` admits only probes; `open` admits nothing. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Why a breaker changed state. `forced` and `reset` come from an operator; the rest from
 * traffic or time.
 */
export type TransitionReason =
  | 'error-rate'
  | 'consecutive-failures'
  | 'reset-timeout'
  | 'probe-succeeded'
  | 'probe-failed'
  | 'forced'
  | 'reset';

/** What a state-change listener receives. */
export interface BreakerStateChange {
  readonly breaker: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly reason: TransitionReason;
  /** Operator's words for a forced transition. */
  readonly detail?: string;
  /** Breaker clock time (ms) at which the change was observed. */
  readonly at: number;
}

/** A state-change listener; it runs synchronously inside the transition, so keep it short. */
export type StateChangeListener = (change: BreakerStateChange) => void;

/**
 * Every legal transition, and why it may happen. Closed never goes straight to half-open:
 * a probe is only ever sent after the breaker has rested for `resetTimeoutMs`.
 */
const TRANSITIONS: { readonly [F in BreakerState]: { readonly [T in BreakerState]?: readonly TransitionReason[] } } = {
  closed: { open: ['error-rate', 'consecutive-failures', 'forced'] },
  open: { 'half-open': ['reset-timeout'], closed: ['forced', 'reset'] },
  'half-open': { closed: ['probe-succeeded', 'forced', 'reset'], open: ['probe-failed', 'forced'] },
};

/** True when the table allows `from -> to` for `reason`. */
export function isLegalTransition(from: BreakerState, to: BreakerState, reason: TransitionReason): boolean {
  return TRANSITIONS[from][to]?.includes(reason) ?? false;
}
