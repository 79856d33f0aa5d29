import type { GarchParams } from '../../modules/lib/risk/garch.ts';

/** mulberry32: a small seeded generator, so simulated series are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
