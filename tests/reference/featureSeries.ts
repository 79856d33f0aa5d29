import { readFileSync } from 'node:fs';
import type { RefBar } from './indicatorsReference.ts';

/** Test inputs for the indicators tests: real daily bars and a hostile synthetic series. */

export function sp500Bars(count: number): RefBar[] {
  const text = readFileSync(new URL('../../data/sp500-2000.csv', import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1, count + 1)
    .map((line) => {
      const [, open, high, low, close, , volume] = line.split(',').map(Number);
      return { open: open!, high: high!, low: low!, close: close!, volume: volume! };
    });
}

function mulberry32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded random walk built to hit every degenerate branch: opening gaps
 * (true range beyond the bar), single-print bars (H = L = O = C), zero
 * volume, a 45-bar halt (identical bars, no volume: every window flat), a
 * jump of three orders of magnitude in price level and fractional volumes.
 */
export function hostileWalk(count: number, seed: number): RefBar[] {
  const rnd = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const bars: RefBar[] = [];
  let close = 100;
  for (let t = 0; t < count; t++) {
    if (t === Math.floor(count / 2)) close *= 1000;
    const haltStart = Math.floor(count / 3);
    if (t >= haltStart && t < haltStart + 45) {
      bars.push({ open: close, high: close, low: close, close, volume: 0 });
      continue;
    }
    const u = rnd();
    const open = u < 0.1 ? close * Math.exp(0.03 * gauss()) : close;
    if (u > 0.95) {
      bars.push({ open, high: open, low: open, close: open, volume: Math.round(rnd() * 10) });
      close = open;
      continue;
    }
    const next = open * Math.exp(0.01 * gauss());
    const high = Math.max(open, next) * Math.exp(Math.abs(0.004 * gauss()));
    const low = Math.min(open, next) * Math.exp(-Math.abs(0.004 * gauss()));
    const volume = rnd() < 0.05 ? 0 : rnd() < 0.5 ? Math.round(rnd() * 1e6) : rnd() * 5000;
    bars.push({ open, high, low, close: next, volume });
    close = next;
  }
  return bars;
}

/** Largest disagreement between two feature maps, as min(absolute, relative); Infinity if their keys differ. */
export function maxDeviation(a: Record<string, number>, b: Record<string, number>): { dev: number; key: string } {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join() !== kb.join()) return { dev: Number.POSITIVE_INFINITY, key: `keys: ${ka.filter((k) => !(k in b)).join()} | ${kb.filter((k) => !(k in a)).join()}` };
  let worst = { dev: 0, key: '' };
  for (const k of ka) {
    const x = a[k]!;
    const y = b[k]!;
    const d = Math.abs(x - y);
    const dev = d === 0 ? 0 : Math.min(d, d / Math.max(Math.abs(x), Math.abs(y)));
    if (!(dev <= worst.dev)) worst = { dev, key: k };
  }
  return worst;
}
