import type { GarchParams } from '../../modules/lib/risk/garch.ts';
import { seededRandom } from '../../src/util/seededRandom.ts';

/** The project's seeded generator, so simulated series are the same on every run. */
export const seeded = seededRandom;

/** Standard normals by Box-Muller. */
export function normals(seed: number): () => number {
  const u = seeded(seed);
  return () => {
    const u1 = Math.max(u(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u());
  };
}

/** A GARCH(1,1) path of n returns, started at the unconditional variance, after `burn` discarded steps. */
export function simulateGarch(p: GarchParams, n: number, seed: number, burn = 500): number[] {
  const z = normals(seed);
  let h = p.omega / (1 - p.alpha - p.beta);
  let e = 0;
  const out: number[] = [];
  for (let t = -burn; t < n; t++) {
    h = p.omega + p.alpha * e * e + p.beta * h;
    e = Math.sqrt(h) * z();
    if (t >= 0) out.push(p.mu + e);
  }
  return out;
}
