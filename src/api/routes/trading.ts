import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { HeliosError } from '../../errors/HeliosError.ts';
import { ORDER_STATUSES } from '../../paper/Venue.ts';
import type { TradingBook } from '../../trading/TradingBook.ts';
import type { ApiContext } from '../ApiContext.ts';
import { doc, ErrorBody } from '../schema.ts';

const Limit = z
  .string()
  .regex(/^[1-9][0-9]{0,3}$/, 'a whole number from 1 to 1000')
  .transform(Number)
  .pipe(z.number().max(1000, 'at most 1000'))
  .optional()
  .describe('Rows at most, newest first (default 100, at most 1000).');
const SymbolQuery = z.string().min(1).max(64).optional();
const OrdersQuery = z.object({ status: z.enum([...ORDER_STATUSES, 'open']).optional().describe("A status, or 'open' for accepted and partially filled."), symbol: SymbolQuery, limit: Limit }).strict();
const FillsQuery = z.object({ symbol: SymbolQuery, limit: Limit }).strict();

const Account = z.object({
  asOf: z.number().describe('Event time of the last market event seen, epoch ms.'),
  initialCash: z.number(),
  cash: z.number(),
  equity: z.number(),
  dayStartEquity: z.number(),
  dailyPnl: z.number(),
  peakEquity: z.number(),
  drawdown: z.number(),
  grossExposure: z.number(),
  fees: z.number(),
});
const Position = z.object({ symbol: z.string(), quantity: z.number(), avgPrice: z.number(), markPrice: z.number(), unrealizedPnl: z.number(), realizedPnl: z.number() });
const Positions = z.object({ positions: z.array(Position), account: Account });
const Order = z.object({
  clientOrderId: z.string(),
  seq: z.number(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  quantity: z.number(),
  type: z.enum(['market', 'limit']),
  limitPrice: z.number().nullable(),
  status: z.string(),
  filledQuantity: z.number(),
  ts: z.number().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const Fill = z.object({ fillId: z.string(), clientOrderId: z.string(), symbol: z.string(), side: z.enum(['buy', 'sell']), quantity: z.number(), price: z.number(), fee: z.number(), ts: z.number(), at: z.string() });
const State = z.object({
  mode: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  reason: z.string().nullable(),
  actor: z.string().nullable(),
  since: z.string().nullable().describe('When the mode last changed (wall clock, ISO 8601); null if never.'),
  seq: z.number().nullable().describe('Next sequence number at the moment it changed.'),
  account: Account.nullable().describe('Null when this kernel runs without a trading book.'),
  limits: z.record(z.string(), z.number()).nullable(),
});

const tags = ['trading'];
const readErrors = { 400: doc(ErrorBody), 503: doc(ErrorBody) };

/**
 * Read-only views of the trading book: positions with P&L, the order and
 * fill history, and the trading state beside the account's day. Reads are
 * open like every other GET; trading itself is moved by the kill switch.
 */
export function tradingRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/portfolio/positions', { schema: { tags, response: { 200: doc(Positions), ...readErrors } } }, async () => {
      const b = book(ctx);
      return { positions: b.positions(), account: account(b) };
    });

    app.get<{ Querystring: z.infer<typeof OrdersQuery> }>(
      '/api/orders',
      { schema: { tags, querystring: doc(OrdersQuery), response: { 200: doc(z.object({ orders: z.array(Order) })), ...readErrors } } },
      async (req) => ({ orders: await book(ctx).orders(req.query) }),
    );

    app.get<{ Querystring: z.infer<typeof FillsQuery> }>(
      '/api/fills',
      { schema: { tags, querystring: doc(FillsQuery), response: { 200: doc(z.object({ fills: z.array(Fill) })), ...readErrors } } },
      async (req) => ({ fills: await book(ctx).fills(req.query) }),
    );

    app.get('/api/trading/state', { schema: { tags, response: { 200: doc(State) } } }, async () => {
      const s = ctx.killSwitch.state();
      return {
        mode: ctx.kernel.trading.mode,
        reason: s.reason,
        actor: s.actor,
        since: s.at,
        seq: s.seq,
        account: ctx.book === undefined ? null : account(ctx.book),
        limits: ctx.book?.limits ?? null,
      };
    });
  };
}

function book(ctx: ApiContext): TradingBook {
  if (ctx.book === undefined) throw new HeliosError('HELIOS_E_BOOK_UNAVAILABLE', 'this kernel runs without a trading book: no positions, orders or fills to show');
  return ctx.book;
}

function account(b: TradingBook): z.infer<typeof Account> {
  const a = b.snapshot();
  return {
    asOf: a.asOf,
    initialCash: b.initialCash,
    cash: a.cash,
    equity: a.equity,
    dayStartEquity: a.dayStartEquity,
    dailyPnl: a.dailyPnl,
    peakEquity: a.peakEquity,
    drawdown: a.drawdown,
    grossExposure: a.grossExposure,
    fees: a.fees,
  };
}
