import type { Cloneable, ModuleContext, ModuleInstance } from '../../../src/contracts/module.ts';
import type { FeatureVector, MarketEvent } from '../../../src/contracts/tiers.ts';
import { FeatureEngine } from './FeatureEngine.ts';
import { object } from './state.ts';

export interface IndicatorsVersion {
  /** The v1.1 feature set. */
  extended: boolean;
  /** This version's manifest stateVersion. */
  stateVersion: number;
  /** Older stateVersions whose snapshots it adopts (their engines gain the extended set on the way). */
  migratesFrom: readonly number[];
}

/** One engine per configured timeframe, in config order (index 0 is the primary). */
type Engines = FeatureEngine[];

const TIMEFRAME = /^[0-9]+[smhd]$/;

/**
 * The `indicators` features module, shared by its versions (which differ only
 * in the feature set and state version). Every MarketEvent reaches it, but
 * only the rare ones carrying candles do any work: the common path is one
 * field check. A FeatureVector goes out when a candle of the primary
 * timeframe closes and that timeframe's engine has seen `warmup` candles; it
 * holds every timeframe's current values under `<tf>.<name>`.
 */
export function createIndicatorsModule(ctx: ModuleContext, version: IndicatorsVersion): ModuleInstance<'features'> {
  const timeframes = readTimeframes(ctx.config.timeframes);
  const warmup = readWarmup(ctx.config.warmup);
  const primary = timeframes[0]!;
  const prefixes = timeframes.map((tf) => `${tf}.`);
  let bySymbol = new Map<string, Engines>();

  const enginesOf = (symbol: string): Engines => {
    let e = bySymbol.get(symbol);
    if (e === undefined) {
      e = timeframes.map(() => new FeatureEngine({ extended: version.extended }));
      bySymbol.set(symbol, e);
    }
    return e;
  };

  return {
    handle(items: MarketEvent[]): FeatureVector[] {
      const out: FeatureVector[] = [];
      for (let i = 0; i < items.length; i++) {
        const e = items[i]!;
        const candles = e.candles;
        if (candles === undefined) continue;
        const engines = enginesOf(e.symbol);
        let primaryClosed = false;
        let price = 0;
        for (let j = 0; j < candles.length; j++) {
          const c = candles[j]!;
          const k = timeframes.indexOf(c.tf);
          if (k < 0) continue;
          engines[k]!.update(c);
          if (k === 0) {
            primaryClosed = true;
            price = c.close;
          }
        }
        if (!primaryClosed || engines[0]!.count < warmup) continue;
        const features: Record<string, number> = {};
        for (let k = 0; k < engines.length; k++) engines[k]!.values(features, prefixes[k]);
        out.push({ seq: e.seq, symbol: e.symbol, ts: e.ts, price, tf: primary, features });
      }
      return out;
    },

    snapshot(): Cloneable {
      const symbols: Record<string, Record<string, Cloneable>> = {};
      for (const [symbol, engines] of bySymbol) {
        const perTf: Record<string, Cloneable> = {};
        engines.forEach((engine, k) => (perTf[timeframes[k]!] = engine.toState() as Cloneable));
        symbols[symbol] = perTf;
      }
      return { symbols };
    },

    restore(state: Cloneable, fromStateVersion: number): void {
      if (fromStateVersion !== version.stateVersion && !version.migratesFrom.includes(fromStateVersion)) {
        throw new Error(`indicators: cannot adopt state version ${fromStateVersion} (this is ${version.stateVersion})`);
      }
      const s = object(state, 'snapshot');
      const symbols = object(s.symbols, 'snapshot.symbols');
      const next = new Map<string, Engines>();
      for (const symbol of Object.keys(symbols)) {
        const perTf = object(symbols[symbol], `snapshot.symbols.${symbol}`);
        // A timeframe the snapshot lacks (the config grew) starts fresh; one it has that the config dropped is left behind.
        next.set(
          symbol,
          timeframes.map((tf) => {
            const st = perTf[tf];
            if (st === undefined) return new FeatureEngine({ extended: version.extended });
            const engine = FeatureEngine.fromState(object(st, `${symbol}.${tf}`), { extended: version.extended });
            if (engine.extended !== version.extended) throw new Error(`indicators: ${symbol}.${tf} carries the extended set, which this version does not compute`);
            return engine;
          }),
        );
      }
      bySymbol = next;
    },

    dispose() {
      bySymbol.clear();
    },
  };
}

function readTimeframes(x: unknown): string[] {
  const tfs = x === undefined ? ['1m', '5m', '15m'] : x;
  if (!Array.isArray(tfs) || tfs.length === 0 || !tfs.every((t) => typeof t === 'string' && TIMEFRAME.test(t)) || new Set(tfs).size !== tfs.length) {
    throw new Error(`indicators: config.timeframes must be distinct timeframes such as "1m", got ${JSON.stringify(x)}`);
  }
  return tfs as string[];
}

function readWarmup(x: unknown): number {
  if (x === undefined) return 30;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new Error(`indicators: config.warmup must be a positive integer, got ${JSON.stringify(x)}`);
  return x;
}
