import { readFile } from 'node:fs/promises';
import { HeliosError } from '../errors/HeliosError.ts';
import type { FeedEvent } from './SyntheticFeed.ts';

export interface CsvBarFeedOptions {
  /** Symbol the bars are for (default 'SPX'). */
  symbol?: string;
}

const HEADER = 'date,open,high,low,close,adjclose,volume';
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Daily bars from a `date,open,high,low,close,adjclose,volume` CSV (the
 * layout of data/sp500-2000.csv and of most free daily-price downloads), as
 * `bar` events stamped at 00:00 UTC of their date. The file is parsed whole
 * on open: any malformed line is an error naming the line, because a bar
 * silently skipped would shift every indicator after it. Values that parse
 * but make no sense (a high below the close) are passed on as they are:
 * judging them is ingestion's job, which quarantines and counts them.
 * `adjclose` is read and checked but not passed on (bars carry one close).
 */
export class CsvBarFeed {
  readonly symbol: string;
  readonly #bars: FeedEvent[];
  #pos = 0;

  private constructor(symbol: string, bars: FeedEvent[]) {
    this.symbol = symbol;
    this.#bars = bars;
  }

  static async fromFile(path: string, opts: CsvBarFeedOptions = {}): Promise<CsvBarFeed> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `${path}: cannot read the bar file (${code ?? String(e)})`, { path, code }, { cause: e });
    }
    return CsvBarFeed.parse(text, { ...opts, source: path });
  }

  /** Parses CSV text; `source` names it in errors (default 'csv'). */
  static parse(text: string, opts: CsvBarFeedOptions & { source?: string } = {}): CsvBarFeed {
    const symbol = opts.symbol ?? 'SPX';
    const source = opts.source ?? 'csv';
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const fail = (line: number, why: string): never => {
      throw new HeliosError('HELIOS_E_INPUT_INVALID', `${source} line ${line}: ${why}`, { source, line });
    };
    if (lines[0]!.trim() !== HEADER) fail(1, `header must be "${HEADER}", found "${lines[0]!.trim().slice(0, 80)}"`);
    const bars: FeedEvent[] = [];
    for (let n = 1; n < lines.length; n++) {
      const line = lines[n]!.trim();
      if (line === '') continue;
      const f = line.split(',');
      if (f.length !== 7) fail(n + 1, `expected 7 fields, found ${f.length}`);
      const ts = dateMs(f[0]!);
      if (ts === undefined) fail(n + 1, `date "${f[0]}" is not a YYYY-MM-DD calendar date`);
      const v = new Array<number>(6);
      for (let k = 1; k <= 6; k++) {
        const x = f[k]!.trim() === '' ? Number.NaN : Number(f[k]);
        if (!Number.isFinite(x)) fail(n + 1, `${HEADER.split(',')[k]} "${f[k]}" is not a finite number`);
        v[k - 1] = x;
      }
      bars.push({ symbol, ts: ts!, kind: 'bar', open: v[0]!, high: v[1]!, low: v[2]!, close: v[3]!, volume: v[5]! });
    }
    return new CsvBarFeed(symbol, bars);
  }

  /** Bars in the file. */
  get size(): number {
    return this.#bars.length;
  }

  /** Bars not yet returned by next(). */
  get remaining(): number {
    return this.#bars.length - this.#pos;
  }

  /** The next `n` bars in file order (fewer at the end, none once done); each is a fresh object. */
  next(n: number): FeedEvent[] {
    const end = Math.min(this.#bars.length, this.#pos + Math.max(0, n));
    const out = this.#bars.slice(this.#pos, end).map((b) => ({ ...b }));
    this.#pos = end;
    return out;
  }
}

function dateMs(s: string): number | undefined {
  const m = DATE.exec(s.trim());
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ts = Date.UTC(y, mo - 1, d);
  const back = new Date(ts);
  // Date.UTC rolls 2020-02-30 over to March: a date that does not round-trip is not a date.
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ts : undefined;
}
