import type { z } from 'zod';
import { HeliosError } from '../errors/HeliosError.ts';
import type { ErrorCode } from '../errors/catalogue.ts';
import { compileValidator, type Check } from './compileValidator.ts';

/** One zod issue, flattened for logs, the REST API and the worker protocol (structured-clone safe). */
export interface ContractIssue {
  /** Where in the item, e.g. `price`, `features.vol`, `[2].qty`; empty for the item itself. */
  path: string;
  message: string;
}

/** The first item of a batch that violates its schema, as zod describes it. */
export interface BatchViolation {
  index: number;
  issues: ContractIssue[];
}

/** Issues kept per report; an item of garbage can yield thousands, and the first few say enough. */
export const MAX_REPORTED_ISSUES = 20;

const checks = new WeakMap<z.ZodType, Check>();

/** The compiled check for `schema`, built on first use and cached for the schema's lifetime. */
export function checkFor(schema: z.ZodType): Check {
  let check = checks.get(schema);
  if (check === undefined) {
    check = compileValidator(schema);
    checks.set(schema, check);
  }
  return check;
}

/**
 * `null` when every item satisfies `schema`; otherwise the first failing item's
 * index and zod's issues for it. The fast check answers valid/invalid; zod runs
 * only on the item that failed, so a clean batch never pays for it.
 */
export function validateBatch(schema: z.ZodType, items: readonly unknown[]): BatchViolation | null {
  const check = checkFor(schema);
  for (let i = 0; i < items.length; i++) {
    if (check(items[i])) continue;
    const result = schema.safeParse(items[i]);
    // zod is the source of truth: should the fast check ever disagree, zod's acceptance stands.
    if (result.success) continue;
    return { index: i, issues: result.error.issues.slice(0, MAX_REPORTED_ISSUES).map(toContractIssue) };
  }
  return null;
}

/**
 * Throws `HeliosError(code)` describing the first invalid item, e.g. with
 * `HELIOS_E_OUTPUT_INVALID` for what a module returned or
 * `HELIOS_E_INPUT_INVALID` for what a caller sent. `what` names the batch in
 * the message ("ml output", "ingestion input").
 */
export function assertValidBatch(schema: z.ZodType, items: readonly unknown[], code: ErrorCode, what = 'batch'): void {
  const violation = validateBatch(schema, items);
  if (violation === null) return;
  throw new HeliosError(code, `${what} item ${violation.index} violates its contract: ${formatIssues(violation.issues)}`, {
    index: violation.index,
    issues: violation.issues,
  });
}

/** `price: Too small...; [2].qty: Invalid input...`, for one-line messages. */
export function formatIssues(issues: readonly ContractIssue[]): string {
  return issues.map((i) => `${i.path || '(item)'}: ${i.message}`).join('; ');
}

function toContractIssue(issue: z.core.$ZodIssue): ContractIssue {
  return { path: formatPath(issue.path), message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
