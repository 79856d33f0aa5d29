/**
 * Contract validation cost per item at a tier boundary: zod `safeParse` against the check
 * `compileValidator` generates from the same schema.
 *
 * validate.*_ns: ns per item over batches of 512 valid `MarketEvent`s (a mix of trades, quotes
 * and bars, as ingestion emits them), each figure the median of timed rounds after a warm-up.
 * Both run in every round, one after the other, so they see the same machine. A round repeats
 * the batch until it has run for ROUND_MS.
 *   - zod:      `MarketEvent.safeParse(item).success` per item.
 *   - compiled: `compileValidator(MarketEvent)(item)` per item.
 * Also printed, not emitted: `validateBatch` (the kernel's entry point: cached check + loop) and
 * zod 4.6's own `z.compile(schema).validate(item)`, for reference.
 */
import { z } from 'zod';
import { validateBatch } from '../../src/contracts/BatchValidator.ts';
import { compileValidator, isCompiled } from '../../src/contracts/compileValidator.ts';
import { MarketEvent } from '../../src/contracts/tiers.ts';
import { emit, log, quick } from '../lib/suite.ts';
import { median, nowNs, round } from '../lib/time.ts';

const BATCH = 512;
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 120 : 400;
const WARMUP_MS = quick ? 200 : 600;

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'ES=F', 'BTC-USD', 'EURUSD', 'TSLA', 'SPY'];

/** Deterministic batch: a fixed LCG, so every run validates the same items. */
function marketEvents(n: number): MarketEvent[] {
  let s = 0x2545f491;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out: MarketEvent[] = [];
  for (let i = 0; i < n; i++) {
    const price = 10 + rand() * 490;
    const base = { seq: i + 1, symbol: SYMBOLS[i % SYMBOLS.length]!, ts: 1_700_000_000_000 + i * 7, price, size: Math.floor(rand() * 1000) };
    switch (i % 3) {
      case 0:
        out.push({ ...base, kind: 'trade' });
        break;
      case 1:
        out.push({ ...base, kind: 'quote', bid: price - 0.01, ask: price + 0.01 });
        break;
      default:
        out.push({ ...base, kind: 'bar', open: price, high: price * 1.01, low: price * 0.99, close: price, volume: Math.floor(rand() * 1e6) });
    }
  }
  return out;
}

const items = marketEvents(BATCH);
const compiled = compileValidator(MarketEvent);
const zodCompiled = z.compile(MarketEvent);

// Each measured loop is its own function, so no call site sees more than one validator.
function zodBatch(): number {
  let ok = 0;
  for (let i = 0; i < items.length; i++) if (MarketEvent.safeParse(items[i]).success) ok++;
  return ok;
}
function compiledBatch(): number {
  let ok = 0;
  for (let i = 0; i < items.length; i++) if (compiled(items[i])) ok++;
  return ok;
}
function validateBatchBatch(): number {
  return validateBatch(MarketEvent, items) === null ? items.length : 0;
}
function zodCompileBatch(): number {
  let ok = 0;
  for (let i = 0; i < items.length; i++) if (zodCompiled.validate(items[i])) ok++;
  return ok;
}

/** ns per item over whole batches run for at least `ms`; throws if any item was judged invalid. */
function nsPerItem(batch: () => number, ms: number): number {
  const budget = BigInt(Math.round(ms * 1e6));
  let batches = 0;
  let ok = 0;
  const t0 = nowNs();
  let elapsed = 0n;
  do {
    ok += batch();
    batches++;
    elapsed = nowNs() - t0;
  } while (elapsed < budget);
  if (ok !== batches * BATCH) throw new Error(`${batch.name}: ${batches * BATCH - ok} valid items judged invalid`);
  return Number(elapsed) / (batches * BATCH);
}

const methods = { zod: zodBatch, compiled: compiledBatch, validateBatch: validateBatchBatch, 'z.compile': zodCompileBatch };
type Method = keyof typeof methods;

if (!isCompiled(compiled)) throw new Error('MarketEvent did not compile; the figure would measure the fallback');
for (const batch of Object.values(methods)) nsPerItem(batch, WARMUP_MS);

const samples: Record<Method, number[]> = { zod: [], compiled: [], validateBatch: [], 'z.compile': [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, batch] of Object.entries(methods) as [Method, () => number][]) samples[name].push(nsPerItem(batch, ROUND_MS));
}

const ns = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<Method, number>;
log(`batches of ${BATCH} valid MarketEvent, median of ${ROUNDS} rounds x ${ROUND_MS} ms`);
for (const name of Object.keys(methods) as Method[]) {
  const spread = `[${round(Math.min(...samples[name]), 1)} .. ${round(Math.max(...samples[name]), 1)}]`;
  const vsZod = name === 'zod' ? '' : `${(ns.zod / ns[name]).toFixed(1)} x faster than zod`;
  log(`${name.padEnd(14)} ${round(ns[name], 1).toString().padStart(7)} ns/item  ${spread.padEnd(18)} ${vsZod}`);
}
emit({ 'validate.zod_ns': round(ns.zod, 1), 'validate.compiled_ns': round(ns.compiled, 1) });
