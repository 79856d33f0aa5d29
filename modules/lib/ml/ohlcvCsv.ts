/** One daily bar of a `date,open,high,low,close,adjclose,volume` file. */
export interface DailyBar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Parses the Yahoo-style daily CSV shipped in `data/`. Columns are found by
 * header name, so their order may change; a row with a non-finite or
 * non-positive price is an error rather than a silent gap in training data.
 */
export function parseOhlcvCsv(text: string): DailyBar[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`CSV has no "${name}" column (header: ${header.join(',')})`);
    return i;
  };
  const [iDate, iOpen, iHigh, iLow, iClose, iVolume] = ['date', 'open', 'high', 'low', 'close', 'volume'].map(col) as [number, number, number, number, number, number];
  const bars: DailyBar[] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    const bar = {
      date: cells[iDate]!.trim(),
      open: Number(cells[iOpen]),
      high: Number(cells[iHigh]),
      low: Number(cells[iLow]),
      close: Number(cells[iClose]),
      volume: Number(cells[iVolume]),
    };
    if (![bar.open, bar.high, bar.low, bar.close].every((v) => Number.isFinite(v) && v > 0) || !(bar.volume >= 0)) {
      throw new Error(`CSV line ${r + 1}: bad bar ${lines[r]}`);
    }
    if (bars.length > 0 && bar.date <= bars[bars.length - 1]!.date) throw new Error(`CSV line ${r + 1}: dates must increase`);
    bars.push(bar);
  }
  return bars;
}
