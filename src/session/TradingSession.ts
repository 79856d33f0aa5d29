import type { RawMarketEvent } from '../contracts/tiers.ts';
import { ControlPlane } from '../control/ControlPlane.ts';
import type { SandboxLogger } from '../isolation/Sandbox.ts';
import type { EffectFn } from '../kernel/Kernel.ts';
import { createLlmReviewEffect, type LlmConfig } from '../llm/index.ts';
import { openDatabase } from '../store/openDatabase.ts';
import { TradingBook, type TradingBookOptions } from '../trading/TradingBook.ts';
import { deployModules, type DeployReport } from './deployModules.ts';
import { QuarantineCounts, sessionEffects } from './effects.ts';

export interface SessionOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  flagsDir: string;
  modulesDir: string;
  apiToken?: string | undefined;
  /** Where the API listens; undefined: no socket (backtests, tests using inject). */
  listen?: { host: string; port: number } | undefined;
  capital: number;
  llm: LlmConfig;
  broker?: Omit<TradingBookOptions, 'initialCash' | 'mode'>;
  logger?: SandboxLogger;
}

/**
 * One trading session: the database, the trading book (paper broker behind
 * it), the control plane with its kernel and API, the real side effects, and
 * the seven tiers deployed. The same object runs live paper trading
 * (`npm start`) and the backtest, so a backtest exercises the code path that
 * trades.
 *
 * Construction order matters: the book must exist before the kernel that
 * sends it orders, and must have seen every fill before any new order is
 * decided, so the database is opened first and handed to both.
 */
export class TradingSession {
  readonly cp: ControlPlane;
  readonly book: TradingBook;
  readonly quarantine: QuarantineCounts;
  readonly deployed: DeployReport;
  /** The side effects the kernel runs for modules, by name (src/contracts/effects.ts). */
  readonly effects: Readonly<Record<string, EffectFn>>;

  private constructor(cp: ControlPlane, book: TradingBook, quarantine: QuarantineCounts, deployed: DeployReport, effects: Record<string, EffectFn>) {
    this.cp = cp;
    this.book = book;
    this.quarantine = quarantine;
    this.deployed = deployed;
    this.effects = effects;
  }

  static async start(o: SessionOptions): Promise<TradingSession> {
    const db = await openDatabase({ url: o.databaseUrl, dataDir: o.dataDir });
    let cp: ControlPlane | undefined;
    const book = await TradingBook.open(db, { ...o.broker, initialCash: o.capital, mode: () => cp?.kernel.trading.mode ?? 'ACTIVE' });
    const quarantine = new QuarantineCounts();
    const effects = sessionEffects({
      kernel: () => cp!.kernel,
      killSwitch: () => cp!.killSwitch,
      book,
      llmReview: createLlmReviewEffect(o.llm),
      quarantine,
    });
    cp = await ControlPlane.start({
      dataDir: o.dataDir,
      db,
      flagsDir: o.flagsDir,
      modulesDir: o.modulesDir,
      apiToken: o.apiToken,
      listen: o.listen,
      logger: o.logger,
      api: { book, quarantine },
      kernel: { gateway: book, exposure: (s) => book.exposure(s), symbols: () => book.symbols(), effects },
    });
    // Every validated market event marks prices and drives the paper venue, in event time.
    cp.kernel.tap('ingestion', (items) => book.onMarket(items as never));
    const deployed = await deployModules(cp, o.modulesDir);
    return new TradingSession(cp, book, quarantine, deployed, effects);
  }

  get kernel(): ControlPlane['kernel'] {
    return this.cp.kernel;
  }

  ingest(events: Omit<RawMarketEvent, 'seq'>[]): Promise<void> | undefined {
    return this.cp.kernel.ingest(events);
  }

  /** Until everything ingested so far has passed every tier and every fill it caused is persisted. */
  async settle(): Promise<void> {
    await this.cp.kernel.drain();
    await this.book.flush();
  }

  /** Drains in-flight batches, persists what is pending, stops the API and closes the database. */
  async stop(): Promise<void> {
    await this.settle();
    await this.cp.stop();
  }
}
