import { describe, it, expect } from 'vitest';
describe('toolchain', () => {
  it('runs on Node >= 22.12 with type stripping', () => {
    const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
    expect(maj > 22 || (maj === 22 && min >= 12)).toBe(true);
  });
});
