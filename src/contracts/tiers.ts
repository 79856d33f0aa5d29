import { z } from 'zod';

/**
 * The seven tiers, in pipeline order. The order is the data flow: each tier's
 * output schema is the next tier's input schema, so a module can be tested
 * alone against two schemas and nothing else.
 */
export const TIERS = ['ingestion', 'features', 'ml', 'risk', 'llm', 'portfolio', 'execution'] as const;
export type Tier = (typeof TIERS)[number];
export const TierSchema = z.enum(TIERS);

export function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}

/**
 * Fields every item carries across every boundary. `seq` is assigned once at
 * entry and copied onto every output an input causes, which is what lets loss,
 * duplication and reordering be checked at any tier. `symbol` is the routing
 * and stickiness key; `ts` is event time in epoch milliseconds.
 */
const envelope = {
  seq: z.number().int().positive(),
  symbol: z.string().min(1).max(64),
  ts: z.number().finite(),
};

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();
const side = z.enum(['buy', 'sell']);

/** What a feed hands to ingestion. Numbers may be wrong (ingestion quarantines them) but must be numbers. */
export const RawMarketEvent = z.object({
  ...envelope,
  kind: z.enum(['trade', 'quote', 'bar']),
  price: z.number().optional(),
  size: z.number().optional(),
  bid: z.number().optional(),
  ask: z.number().optional(),
  bidSize: z.number().optional(),
  askSize: z.number().optional(),
  open: z.number().optional(),
  high: z.number().optional(),
  low: z.number().optional(),
  close: z.number().optional(),
  volume: z.number().optional(),
});

/**
 * One finished OHLCV bar. Ingestion builds them per configured timeframe
 * (`1m`, `5m`, `15m`, ... or `1d`) and attaches each to the first event of a
 * later bucket, which is the event that proves the bar closed: so a candle
 * travels with the seq of the event that closed it and needs no seq of its own.
 */
export const Candle = z.object({
  tf: z.string().regex(/^[0-9]+[smhd]$/),
  /** Bucket start, epoch ms. */
  start: z.number().finite(),
  open: z.number().finite().positive(),
  high: z.number().finite().positive(),
  low: z.number().finite().positive(),
  close: z.number().finite().positive(),
  volume: z.number().finite().nonnegative(),
  /** Events aggregated into the bar. */
  count: z.number().int().nonnegative(),
});

/** A validated market event: ingestion guarantees a positive price and uncrossed quotes. */
export const MarketEvent = z.object({
  ...envelope,
  kind: z.enum(['trade', 'quote', 'bar']),
  price: positive,
  size: nonNegative,
  bid: positive.optional(),
  ask: positive.optional(),
  open: positive.optional(),
  high: positive.optional(),
  low: positive.optional(),
  close: positive.optional(),
  volume: nonNegative.optional(),
  /** Bars this event closed, oldest timeframe first; absent on most events. */
  candles: z.array(Candle).max(16).optional(),
});

/**
 * Features keyed `<timeframe>.<name>` (e.g. `1m.rsi14`, `15m.atr14`). `tf` is
 * the timeframe whose bar close produced the vector: the period whose next
 * return ml predicts.
 */
export const FeatureVector = z.object({
  ...envelope,
  price: positive,
  tf: z.string().regex(/^[0-9]+[smhd]$/).optional(),
  features: z.record(z.string(), z.number().finite()),
});

export const Signal = z.object({
  ...envelope,
  price: positive,
  source: z.string().min(1),
  direction: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  confidence: z.number().min(0).max(1),
});

/** Risk's verdict on a signal. A denial is an item, not an exception, so it can be audited downstream. */
export const RiskDecision = z.object({
  ...envelope,
  price: positive,
  source: z.string().min(1),
  side,
  quantity: nonNegative,
  approved: z.boolean(),
  reason: z.string(),
  /** The signal's confidence, carried so later tiers can weigh strategies and form views. */
  confidence: z.number().min(0).max(1).optional(),
  /** Risk's forecast of per-period return volatility (a fraction, e.g. 0.012), for sizing and views downstream. */
  volatility: nonNegative.optional(),
});

export const Review = z.object({
  ...envelope,
  price: positive,
  side,
  quantity: nonNegative,
  verdict: z.enum(['APPROVE', 'REJECT', 'MODIFY']),
  reviewer: z.string().min(1),
  rationale: z.string(),
  /** Carried from the risk decision, so the portfolio can merge strategies by source. */
  source: z.string().min(1).optional(),
  confidence: z.number().min(0).max(1).optional(),
  volatility: nonNegative.optional(),
});

export const TargetPosition = z.object({
  ...envelope,
  price: positive,
  targetQuantity: z.number().finite(),
  reason: z.string(),
});

/** An order the execution tier wants sent. The kernel, not the module, decides whether it leaves. */
export const OrderIntent = z.object({
  ...envelope,
  clientOrderId: z.string().min(1).max(128),
  side,
  quantity: positive,
  type: z.enum(['market', 'limit']),
  limitPrice: positive.optional(),
});

export type Candle = z.infer<typeof Candle>;
export type RawMarketEvent = z.infer<typeof RawMarketEvent>;
export type MarketEvent = z.infer<typeof MarketEvent>;
export type FeatureVector = z.infer<typeof FeatureVector>;
export type Signal = z.infer<typeof Signal>;
export type RiskDecision = z.infer<typeof RiskDecision>;
export type Review = z.infer<typeof Review>;
export type TargetPosition = z.infer<typeof TargetPosition>;
export type OrderIntent = z.infer<typeof OrderIntent>;

/** Input and output item schema per tier: the one shared contract. */
export const TIER_CONTRACTS = {
  ingestion: { input: RawMarketEvent, output: MarketEvent },
  features: { input: MarketEvent, output: FeatureVector },
  ml: { input: FeatureVector, output: Signal },
  risk: { input: Signal, output: RiskDecision },
  llm: { input: RiskDecision, output: Review },
  portfolio: { input: Review, output: TargetPosition },
  execution: { input: TargetPosition, output: OrderIntent },
} as const satisfies Record<Tier, { input: z.ZodType; output: z.ZodType }>;

export type TierInput<T extends Tier> = z.infer<(typeof TIER_CONTRACTS)[T]['input']>;
export type TierOutput<T extends Tier> = z.infer<(typeof TIER_CONTRACTS)[T]['output']>;

/** Every item has at least the envelope; the kernel relies on nothing else. */
export interface Envelope {
  seq: number;
  symbol: string;
  ts: number;
}
