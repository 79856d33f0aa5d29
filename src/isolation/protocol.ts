import type { Manifest } from '../contracts/manifest.ts';
import type { Cloneable } from '../contracts/module.ts';
import type { ErrorCode } from '../errors/catalogue.ts';
import type { WireBatch } from './BatchCodec.ts';

/**
 * Messages between the kernel and a module worker. Batches cross as one message
 * each (never one per event: a round trip costs ~25 µs, pipelined ~5 µs), and
 * in the compact form of BatchCodec.ts whenever it is lossless (`batch`, its
 * buffer transferred and handed back with the answer for reuse), else as they
 * are (`items`, `value`: structured clone).
 */
export interface WorkerBoot {
  moduleUrl: string;
  manifest: Manifest;
}

export type CallOp =
  | { op: 'handle'; items: unknown[]; now: number; live: boolean }
  | { op: 'snapshot' }
  | { op: 'restore'; state: Cloneable; fromStateVersion: number }
  | { op: 'dispose' };

export type ToWorker =
  | ({ t: 'call'; id: number } & CallOp)
  | { t: 'call'; id: number; op: 'handle'; batch: WireBatch; now: number; live: boolean }
  | { t: 'effectResult'; id: number; ok: true; value: Cloneable }
  | { t: 'effectResult'; id: number; ok: false; error: WireError };

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type FromWorker =
  | { t: 'ready' }
  | { t: 'bootError'; error: WireError }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: true; batch: WireBatch }
  | { t: 'result'; id: number; ok: false; error: WireError }
  | { t: 'effect'; id: number; name: string; payload: Cloneable; live: boolean }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; data?: Record<string, unknown> };
