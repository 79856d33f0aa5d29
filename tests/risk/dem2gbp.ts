import { readFileSync } from 'node:fs';

/** The Bollerslev-Ghysels DEM/GBP daily percentage log-returns bundled in data/ (header line, then one number a line). */
export function loadDem2gbp(): number[] {
  const text = readFileSync(new URL('../../data/dem2gbp.csv', import.meta.url), 'utf8');
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map(Number);
}

/** fGarch / rugarch / Fiorentini-Calzolari-Panattoni estimates (data/README.md). */
export const DEM2GBP_REFERENCE = { mu: -0.00619, omega: 0.010761, alpha: 0.153134, beta: 0.805974 } as const;
