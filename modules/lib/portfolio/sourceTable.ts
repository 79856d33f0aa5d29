/**
 * A per-source number looked up by exact name or by a pattern with `*`
 * wildcards, e.g. `{ "ml:*": 2, "sma-cross": 1, "*": 1 }`. An exact key wins;
 * otherwise the most specific matching pattern (most literal characters,
 * then alphabetical, so the choice never depends on key order).
 */
export class SourceTable {
  readonly #exact = new Map<string, number>();
  readonly #patterns: { re: RegExp; literal: number; key: string; value: number }[] = [];
  readonly #fallback: number;
  readonly #cache = new Map<string, number>();

  constructor(table: Readonly<Record<string, number>>, fallback: number) {
    this.#fallback = fallback;
    for (const [key, value] of Object.entries(table)) {
      if (!Number.isFinite(value)) throw new Error(`source table: ${key} must map to a finite number`);
      if (!key.includes('*')) {
        this.#exact.set(key, value);
        continue;
      }
      const re = new RegExp(`^${key.split('*').map(escape).join('.*')}$`);
      this.#patterns.push({ re, literal: key.replaceAll('*', '').length, key, value });
    }
    this.#patterns.sort((a, b) => b.literal - a.literal || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get(source: string): number {
    const hit = this.#cache.get(source);
    if (hit !== undefined) return hit;
    const v = this.#exact.get(source) ?? this.#patterns.find((p) => p.re.test(source))?.value ?? this.#fallback;
    this.#cache.set(source, v);
    return v;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
