import { CATALOGUE, type ErrorCode } from './catalogue.ts';

/**
 * The only error type that crosses a Helios boundary (kernel API, control plane,
 * worker protocol). Plain `Error`s from module code are wrapped into one of these
 * so callers can always branch on `code`.
 */
export class HeliosError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HeliosError';
    this.code = code;
    this.status = CATALOGUE[code].status;
    this.retryable = CATALOGUE[code].retryable;
    this.details = details;
  }

  /** Structured-clone safe form, for the worker protocol and the REST API. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(json: { code: ErrorCode; message: string; details?: Record<string, unknown> }): HeliosError {
    return new HeliosError(json.code, json.message, json.details);
  }
}

export function isHeliosError(e: unknown, code?: ErrorCode): e is HeliosError {
  return e instanceof HeliosError && (code === undefined || e.code === code);
}

/** Wraps anything thrown by foreign code into a coded error without losing the cause. */
export function wrapError(e: unknown, code: ErrorCode, context: string): HeliosError {
  if (e instanceof HeliosError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new HeliosError(code, `${context}: ${message}`, undefined, { cause: e });
}
