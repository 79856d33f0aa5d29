import { describe, expect, it } from 'vitest';
import { impliedReturn } from '../../modules/lib/portfolio/impliedReturn.ts';
import { mergeViews, type WeighedView } from '../../modules/lib/portfolio/mergeViews.ts';
import { SourceTable } from '../../modules/lib/portfolio/sourceTable.ts';

const v = (source: string, value: number, weight = 1, priority = 0): WeighedView => ({ source, value, weight, priority });

describe('mergeViews', () => {
  it('is the weighted average of the views', () => {
    expect(mergeViews([v('a', 100, 2), v('b', 40, 1), v('c', -10, 1)]).value).toBe((200 + 40 - 10) / 4);
    expect(mergeViews([]).value).toBe(0);
  });

  it('ignores zero-weight views in the average; flat views dilute it', () => {
    expect(mergeViews([v('a', 100, 1), v('guard', -500, 0)]).value).toBe(100);
    expect(mergeViews([v('a', 100, 1), v('flat', 0, 1)]).value).toBe(50);
  });

  it('vetoes to flat when a strictly senior view opposes the result', () => {
    const r = mergeViews([v('a', 100), v('b', 100), v('c', 100), v('ml', -50, 1, 1)]);
    expect(r).toEqual({ value: 0, vetoedBy: 'ml' });
  });

  it('a junior or equal-priority opposing view only dilutes', () => {
    expect(mergeViews([v('ml', 100, 2, 1), v('a', -100, 1, 0)])).toEqual({ value: 100 / 3, vetoedBy: null });
    expect(mergeViews([v('a', 100, 2, 1), v('b', -100, 1, 1)])).toEqual({ value: 100 / 3, vetoedBy: null });
  });

  it('a senior agreeing view (even weighted 0) shields the result from a veto', () => {
    expect(mergeViews([v('a', 100), v('ml', -30, 1, 1), v('guard', 5, 0, 2)]).vetoedBy).toBeNull();
    expect(mergeViews([v('a', 100), v('guard', -1, 0, 2)])).toEqual({ value: 0, vetoedBy: 'guard' });
  });

  it('a flat senior view vetoes nothing', () => {
    expect(mergeViews([v('a', 100), v('ml', 0, 1, 5)]).value).toBe(50);
  });
});

describe('SourceTable', () => {
  const t = new SourceTable({ 'ml:*': 2, 'ml:mlp': 3, '*': 1, '*-cross': 0.5, 'ml:l*': 4 }, 7);

  it('prefers the exact name, then the most specific pattern', () => {
    expect(t.get('ml:mlp')).toBe(3);
    expect(t.get('ml:logistic')).toBe(4);
    expect(t.get('ml:other')).toBe(2);
    expect(t.get('sma-cross')).toBe(0.5);
    expect(t.get('bollinger-reversion')).toBe(1);
  });

  it('falls back when nothing matches, and treats regex characters literally', () => {
    const u = new SourceTable({ 'a.b': 1, 'x+*': 2 }, 9);
    expect(u.get('aXb')).toBe(9);
    expect(u.get('a.b')).toBe(1);
    expect(u.get('x+y')).toBe(2);
    expect(u.get('xxy')).toBe(9);
  });
});

describe('impliedReturn', () => {
  it('is (2c - 1) sigma sqrt(2/pi) in the view direction, and zero below c = 0.5', () => {
    expect(impliedReturn(1, 0.8, 0.01)).toBeCloseTo(0.6 * 0.01 * Math.sqrt(2 / Math.PI), 15);
    expect(impliedReturn(-1, 0.8, 0.01)).toBeCloseTo(-0.6 * 0.01 * Math.sqrt(2 / Math.PI), 15);
    expect(impliedReturn(1, 0.3, 0.01)).toBe(0);
    expect(impliedReturn(0, 0.9, 0.01)).toBe(0);
  });
});
