/**
 * Every error Helios reports, in one place. A code is part of the public API:
 * operators script against it, so codes are never renamed, only added.
 * `status` is the HTTP status the control plane answers with; `retryable` says
 * whether the same call may succeed later without the caller changing anything.
 */
export const CATALOGUE = {
  HELIOS_E_MANIFEST_INVALID: { status: 400, retryable: false, summary: 'A module manifest failed validation.' },
  HELIOS_E_MODULE_NOT_FOUND: { status: 404, retryable: false, summary: 'No module folder or registered version by that name.' },
  HELIOS_E_MODULE_EXISTS: { status: 409, retryable: false, summary: 'That name@version is already registered with different content.' },
  HELIOS_E_MODULE_LOAD_FAILED: { status: 422, retryable: false, summary: 'The module code could not be loaded or its factory failed.' },
  HELIOS_E_OUTPUT_INVALID: { status: 502, retryable: false, summary: 'A module produced output that violates its tier contract.' },
  HELIOS_E_INPUT_INVALID: { status: 400, retryable: false, summary: 'Input to a tier violates its contract.' },
  HELIOS_E_MODULE_THREW: { status: 502, retryable: true, summary: 'A module threw while handling a batch.' },
  HELIOS_E_DEADLINE: { status: 504, retryable: true, summary: 'A module missed its batch deadline and was cancelled.' },
  HELIOS_E_WORKER_CRASHED: { status: 502, retryable: true, summary: 'A module worker exited or crashed.' },
  HELIOS_E_WORKER_OOM: { status: 502, retryable: true, summary: 'A module worker hit its memory limit.' },
  HELIOS_E_SANDBOX_CLOSED: { status: 409, retryable: false, summary: 'The module version has been retired.' },
  HELIOS_E_BREAKER_OPEN: { status: 503, retryable: true, summary: 'The circuit breaker is open; the call was refused.' },
  HELIOS_E_BREAKER_SATURATED: { status: 503, retryable: true, summary: 'Too many calls queued behind the circuit breaker.' },
  HELIOS_E_FLAG_INVALID: { status: 400, retryable: false, summary: 'A feature flag definition is not valid Unleash JSON.' },
  HELIOS_E_FLAG_UNKNOWN: { status: 404, retryable: false, summary: 'No feature flag by that name.' },
  HELIOS_E_FLAG_EXISTS: { status: 409, retryable: false, summary: 'A feature flag by that name already exists.' },
  HELIOS_E_FLAG_LOCKED: { status: 409, retryable: false, summary: "The flag is locked off by its kill switch until an explicit reset with a reason." },
  HELIOS_E_TIER_UNKNOWN: { status: 404, retryable: false, summary: 'No tier by that name.' },
  HELIOS_E_VERSION_UNKNOWN: { status: 404, retryable: false, summary: 'That module version is not registered.' },
  HELIOS_E_TEST_REQUIRED: { status: 409, retryable: false, summary: 'Promotion needs a passing harness run for this exact artifact hash.' },
  HELIOS_E_ROLLOUT_CONFLICT: { status: 409, retryable: false, summary: 'A rollout is already in progress for this tier, or the action does not fit its state.' },
  HELIOS_E_ROLLOUT_NOT_FOUND: { status: 404, retryable: false, summary: 'No rollout by that id.' },
  HELIOS_E_NO_PREVIOUS: { status: 409, retryable: false, summary: 'There is no warm previous version to roll back to.' },
  HELIOS_E_STATE_MIGRATION: { status: 422, retryable: false, summary: "A module's restore() rejected the state handed to it." },
  HELIOS_E_SHADOW_DIVERGED: { status: 409, retryable: false, summary: 'The shadow candidate diverged from the incumbent.' },
  HELIOS_E_CANARY_FAILED: { status: 409, retryable: false, summary: 'Canary analysis failed and the rollout was rolled back.' },
  HELIOS_E_TRADING_HALTED: { status: 409, retryable: false, summary: 'Trading is HALTED; no order may leave Helios.' },
  HELIOS_E_TRADING_REDUCING: { status: 409, retryable: false, summary: 'Trading is REDUCING; only orders that shrink exposure may leave.' },
  HELIOS_E_BOOK_UNAVAILABLE: { status: 503, retryable: false, summary: 'This kernel runs without a trading book, so it has no positions, orders or fills.' },
  HELIOS_E_STORE_UNAVAILABLE: { status: 503, retryable: true, summary: 'The database could not be reached or migrated.' },
  HELIOS_E_ROUTE_NOT_FOUND: { status: 404, retryable: false, summary: 'No API route by that method and path.' },
  HELIOS_E_UNAUTHORIZED: { status: 401, retryable: false, summary: 'A mutating route was called without the right bearer token.' },
  HELIOS_E_PAYLOAD_TOO_LARGE: { status: 413, retryable: false, summary: 'The request body is larger than the API accepts.' },
  HELIOS_E_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, summary: 'The request body is not JSON.' },
  HELIOS_E_LLM_PROVIDER: { status: 502, retryable: true, summary: 'The LLM provider failed (unreachable, rate-limited or a 5xx); the reviewer fell back to its rules.' },
  HELIOS_E_INTERNAL: { status: 500, retryable: true, summary: 'A fault inside Helios (never bad input); logged with its cause.' },
  HELIOS_E_KERNEL_STOPPED: { status: 503, retryable: false, summary: 'The kernel is stopped.' },
} as const satisfies Record<string, { status: number; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof CATALOGUE;
