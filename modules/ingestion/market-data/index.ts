import type { EffectName, QuarantineReport } from '../../../src/contracts/effects.ts';
import type { Cloneable, ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { Candle, MarketEvent, RawMarketEvent } from '../../../src/contracts/tiers.ts';
import { CandleBuilder } from '../../lib/candles/CandleBuilder.ts';
import type { CandleSeries } from '../../lib/candles/CandleSeries.ts';
import { checkValues } from './checkValues.ts';
import { DUPLICATE, OK, OUT_OF_ORDER, REASONS } from './reasons.ts';

const QUARANTINE_EFFECT: EffectName = 'ingestion.quarantine';
const DEFAULT_TIMEFRAMES = ['1m', '5m', '15m'];

/** Mutable per-instrument holder: one Map lookup per event finds everything the event needs. */
interface Instrument {
  /** Last accepted ts per kind; -Infinity before the first. */
  trade: number;
  quote: number;
  bar: number;
  series: CandleSeries;
}

/** What snapshot() returns (stateVersion 1): plain objects only. */
export interface MarketDataState {
  [key: string]: Cloneable;
  instruments: { [symbol: string]: { trade: number | null; quote: number | null; bar: number | null; candles: Candle[] } };
  totals: { events: number; passed: number; candles: number; quarantined: { [reason: string]: number } };
}

/**
 * The one door market data comes in by. Bad data is counted by reason and
 * dropped, so no later tier has to second-guess a price; good data leaves in
 * one shape per kind (price and size always set) and carries, on the event
 * that proves it, every candle that event closed.
 */
export function create(ctx: ModuleContext): ModuleInstance<'ingestion'> {
  const candles = new CandleBuilder(timeframesOf(ctx.config.timeframes));
  const instruments = new Map<string, Instrument>();
  const quarantined = new Array<number>(REASONS.length).fill(0);
  const perBatch = new Array<number>(REASONS.length).fill(0);
  const totals = { events: 0, passed: 0, candles: 0 };
  let reportFailed = false;

  const instrument = (symbol: string): Instrument => {
    let inst = instruments.get(symbol);
    if (inst === undefined) {
      inst = { trade: -Infinity, quote: -Infinity, bar: -Infinity, series: candles.series(symbol) };
      instruments.set(symbol, inst);
    }
    return inst;
  };

  // Fire and forget: counting bad data must never hold up good data.
  const report = (): void => {
    const reasons: Record<string, number> = {};
    for (let r = 0; r < REASONS.length; r++) if (perBatch[r]! > 0) reasons[REASONS[r]!] = perBatch[r]!;
    const payload = { reasons } satisfies QuarantineReport;
    const warn = (e: unknown): void => {
      if (reportFailed) return;
      reportFailed = true;
      ctx.log.warn('quarantine report failed; counting locally only', { error: String(e) });
    };
    try {
      ctx.effects.call(QUARANTINE_EFFECT, payload).catch(warn);
    } catch (e) {
      warn(e);
    }
  };

  return {
    handle(items: RawMarketEvent[]): MarketEvent[] {
      const out: MarketEvent[] = [];
      let bad = 0;
      perBatch.fill(0);
      for (let i = 0; i < items.length; i++) {
        const e = items[i]!;
        let r = checkValues(e);
        const inst = r === OK ? instrument(e.symbol) : undefined;
        if (inst !== undefined) {
          const last = e.kind === 'trade' ? inst.trade : e.kind === 'quote' ? inst.quote : inst.bar;
          if (e.ts <= last) r = e.ts === last ? DUPLICATE : OUT_OF_ORDER;
        }
        if (inst === undefined || r !== OK) {
          perBatch[r]!++;
          bad++;
          continue;
        }
        let m: MarketEvent;
        let closed: Candle[] | undefined;
        if (e.kind === 'trade') {
          inst.trade = e.ts;
          const price = e.price as number;
          const size = e.size ?? 0;
          m = { seq: e.seq, symbol: e.symbol, ts: e.ts, kind: 'trade', price, size };
          closed = inst.series.push(e.ts, price, price, price, price, size);
        } else if (e.kind === 'quote') {
          inst.quote = e.ts;
          const bid = e.bid as number;
          const ask = e.ask as number;
          m = { seq: e.seq, symbol: e.symbol, ts: e.ts, kind: 'quote', price: (bid + ask) / 2, size: ((e.bidSize ?? 0) + (e.askSize ?? 0)) / 2, bid, ask };
        } else {
          inst.bar = e.ts;
          const open = e.open as number;
          const high = e.high as number;
          const low = e.low as number;
          const close = e.close as number;
          const volume = e.volume ?? 0;
          m = { seq: e.seq, symbol: e.symbol, ts: e.ts, kind: 'bar', price: close, size: volume, open, high, low, close, volume };
          closed = inst.series.push(e.ts, open, high, low, close, volume);
        }
        if (closed !== undefined) {
          m.candles = closed;
          totals.candles += closed.length;
        }
        out.push(m);
      }
      totals.events += items.length;
      totals.passed += out.length;
      if (bad > 0) {
        for (let r = 0; r < REASONS.length; r++) quarantined[r]! += perBatch[r]!;
        report();
      }
      return out;
    },

    snapshot(): MarketDataState {
      const state: MarketDataState = { instruments: {}, totals: { ...totals, quarantined: {} } };
      for (const [symbol, inst] of instruments) {
        state.instruments[symbol] = { trade: finiteOrNull(inst.trade), quote: finiteOrNull(inst.quote), bar: finiteOrNull(inst.bar), candles: inst.series.open() };
      }
      for (let r = 0; r < REASONS.length; r++) state.totals.quarantined[REASONS[r]!] = quarantined[r]!;
      return state;
    },

    restore(raw: Cloneable, fromStateVersion: number): void {
      if (fromStateVersion !== 1) throw new Error(`market-data: cannot adopt state version ${fromStateVersion}`);
      const s = raw as MarketDataState;
      if (typeof s !== 'object' || s === null || typeof s.instruments !== 'object' || typeof s.totals !== 'object') throw new Error('market-data: state is not a market-data snapshot');
      instruments.clear();
      candles.restore({});
      for (const symbol of Object.keys(s.instruments)) {
        const saved = s.instruments[symbol]!;
        const inst = instrument(symbol);
        inst.trade = saved.trade ?? -Infinity;
        inst.quote = saved.quote ?? -Infinity;
        inst.bar = saved.bar ?? -Infinity;
        inst.series.load(saved.candles);
      }
      totals.events = s.totals.events;
      totals.passed = s.totals.passed;
      totals.candles = s.totals.candles;
      for (let r = 0; r < REASONS.length; r++) quarantined[r] = s.totals.quarantined[REASONS[r]!] ?? 0;
    },

    dispose(): void {
      const q = quarantined.reduce((a, b) => a + b, 0);
      ctx.log.info('market-data totals', { ...totals, quarantined: q });
    },
  };
}

function timeframesOf(v: unknown): string[] {
  if (v === undefined) return DEFAULT_TIMEFRAMES;
  if (!Array.isArray(v) || v.length === 0 || v.length > 16 || !v.every((tf) => typeof tf === 'string')) {
    throw new Error('market-data: config.timeframes must be 1 to 16 timeframe names such as "1m"');
  }
  return v;
}

function finiteOrNull(ts: number): number | null {
  return ts === -Infinity ? null : ts;
}
