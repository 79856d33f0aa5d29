/**
 * `npm run backtest -- [--csv <file>] [--symbol SPX] [--capital 1000000] [--json]`:
 * replays daily bars (default: the bundled S&P 500 series, data/README.md)
 * through the seven tiers exactly as live trading runs them, and prints total
 * return, annualised Sharpe, maximum drawdown, trades and fees.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBacktest } from '../backtest/runBacktest.ts';
import { isHeliosError } from '../errors/HeliosError.ts';
import { CsvBarFeed } from '../feed/CsvBarFeed.ts';
import { llmConfigFromEnv } from '../llm/index.ts';

const { values } = parseArgs({
  options: {
    csv: { type: 'string', default: 'data/sp500-2000.csv' },
    symbol: { type: 'string', default: 'SPX' },
    capital: { type: 'string', default: '1000000' },
    json: { type: 'boolean', default: false },
  },
});
try {
  const capital = Number(values.capital);
  if (!(capital > 0)) throw new Error(`--capital must be a positive number, got ${values.capital}`);
  const feed = await CsvBarFeed.fromFile(resolve(values.csv), { symbol: values.symbol });
  const bars = feed.next(Number.MAX_SAFE_INTEGER);
  const r = await runBacktest({ bars, modulesDir: resolve('modules'), capital, llm: llmConfigFromEnv(process.env) });
  if (values.json) console.log(JSON.stringify(r, null, 2));
  else {
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    console.log(`backtest ${values.csv}: ${r.bars} bars of ${values.symbol} through ${Object.values(r.modules).join(', ')}`);
    console.log(`total return      ${pct(r.totalReturn)}  (${r.startEquity.toFixed(2)} -> ${r.endEquity.toFixed(2)})`);
    console.log(`annualised Sharpe ${r.sharpe.toFixed(3)}`);
    console.log(`max drawdown      ${pct(r.maxDrawdown)}`);
    console.log(`trades (fills)    ${r.trades}  from ${r.orders} orders`);
    console.log(`fees              ${r.fees.toFixed(2)}`);
    console.log(`sequence check    ${r.sequence.gaps} gaps, ${r.sequence.duplicates} duplicates`);
    console.log(`took              ${r.seconds.toFixed(1)} s`);
  }
} catch (e) {
  console.error(isHeliosError(e) ? `${e.code}: ${e.message}` : String(e instanceof Error ? e.message : e));
  process.exit(1);
}
