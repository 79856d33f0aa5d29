import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, spdInverse } from '../../modules/lib/portfolio/cholesky.ts';
import { inverse, solve } from '../../modules/lib/portfolio/lu.ts';
import { identity, matMul, matVec, transpose } from '../../modules/lib/portfolio/matrix.ts';
import { maxAbs, spd, squareMatrix, vector } from './arbitraries.ts';

const sizes = fc.integer({ min: 1, max: 12 });
const runs = { seed: 20240611, numRuns: 60 };

describe('Cholesky', () => {
  it('factors a known matrix exactly', () => {
    // The classic example: [[4,12,-16],[12,37,-43],[-16,-43,98]] = L L' with L = [[2,0,0],[6,1,0],[-8,5,3]].
    expect(cholesky([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])).toEqual([[2, 0, 0], [6, 1, 0], [-8, 5, 3]]);
  });

  it('L L\' reproduces random SPD matrices, and solves them with small residuals', () => {
    fc.assert(
      fc.property(sizes.chain((n) => fc.tuple(spd(n), vector(n))), ([a, b]) => {
        const l = cholesky(a)!;
        expect(l).not.toBeNull();
        for (let i = 0; i < l.length; i++) for (let j = i + 1; j < l.length; j++) expect(l[i]![j]).toBe(0);
        const llt = matMul(l, transpose(l));
        const scale = maxAbs(a.flat());
        expect(maxAbs(llt.flat().map((v, k) => v - a.flat()[k]!))).toBeLessThan(1e-12 * scale * a.length);
        const x = choleskySolve(l, b);
        expect(maxAbs(matVec(a, x).map((v, i) => v - b[i]!))).toBeLessThan(1e-9 * (1 + maxAbs(b)));
      }),
      runs,
    );
  });

  it('refuses matrices that are not positive definite', () => {
    expect(cholesky([[1, 2], [2, 1]])).toBeNull();
    expect(cholesky([[1, 1], [1, 1]])).toBeNull();
    expect(cholesky([[0]])).toBeNull();
    expect(spdInverse([[-1]])).toBeNull();
  });

  it('inverts SPD matrices: A A^-1 = I, and the inverse is symmetric', () => {
    fc.assert(
      fc.property(sizes.chain((n) => spd(n)), (a) => {
        const inv = spdInverse(a)!;
        const prod = matMul(a, inv);
        const id = identity(a.length);
        expect(maxAbs(prod.flat().map((v, k) => v - id.flat()[k]!))).toBeLessThan(1e-8);
        for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) expect(inv[i]![j]).toBe(inv[j]![i]);
      }),
      runs,
    );
  });

  it('handles the largest size the allocator uses (64) with a small residual', () => {
    const [a] = fc.sample(spd(64, 1), { seed: 3, numRuns: 1 });
    const b = Array.from({ length: 64 }, (_, i) => Math.sin(i));
    const x = choleskySolve(cholesky(a!)!, b);
    expect(maxAbs(matVec(a!, x).map((v, i) => v - b[i]!))).toBeLessThan(1e-9);
  });
});

describe('LU with partial pivoting', () => {
  it('solves a system that needs pivoting (zero leading entry)', () => {
    // [[0,1],[1,0]] x = [2,3] -> x = [3,2]
    expect(solve([[0, 1], [1, 0]], [2, 3])).toEqual([3, 2]);
    expect(inverse([[2, 1], [1, 1]])).toEqual([[1, -1], [-1, 2]]);
  });

  it('solves and inverts random well-conditioned general matrices', () => {
    fc.assert(
      fc.property(sizes.chain((n) => fc.tuple(squareMatrix(n), vector(n))), ([m, b]) => {
        // Diagonal dominance keeps the condition number bounded, so a residual bound is meaningful.
        const a = m.map((row, i) => row.map((v, j) => (i === j ? v + row.length + 1 : v)));
        const x = solve(a, b)!;
        expect(maxAbs(matVec(a, x).map((v, i) => v - b[i]!))).toBeLessThan(1e-12 * a.length * (1 + maxAbs(b)));
        const inv = inverse(a)!;
        const id = identity(a.length);
        expect(maxAbs(matMul(inv, a).flat().map((v, k) => v - id.flat()[k]!))).toBeLessThan(1e-12 * a.length);
      }),
      runs,
    );
  });

  it('reports singular matrices as null', () => {
    expect(solve([[1, 2], [2, 4]], [1, 2])).toBeNull();
    expect(inverse([[0, 0], [0, 0]])).toBeNull();
  });
});
