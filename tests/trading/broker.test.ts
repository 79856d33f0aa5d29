import { describe, expect, it } from 'vitest';
import type { MarketEvent } from '../../src/contracts/tiers.ts';
import { PaperBroker, type PaperBrokerOptions } from '../../src/paper/PaperBroker.ts';
import type { Fill, VenueEvent } from '../../src/paper/Venue.ts';
import { bar, order, quote, trade } from './marketEvents.ts';

function venue(opts: PaperBrokerOptions = {}) {
  const b = new PaperBroker({ latencyMs: 0, participation: 0.1, feeBps: 1, minFee: 0, halfSpreadBps: 0, impactBps: 0, lotSize: 1, ...opts });
  const events: VenueEvent[] = [];
  b.listen((e) => events.push(e));
  const fills = (): Fill[] => events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []));
  const statuses = (id: string) => events.flatMap((e) => (e.type === 'status' && e.clientOrderId === id ? [e.status] : []));
  return { b, events, fills, statuses };
}

describe('PaperBroker', () => {
  it('fills nothing before order.ts + latencyMs in event time, then fills', () => {
    const v = venue({ latencyMs: 100 });
    v.b.onMarket(trade('AAA', 0, 100, 1000));
    v.b.accept(order('o1', 'AAA', 'buy', 10, 1000));
    v.b.onMarket(trade('AAA', 1099, 100, 1000));
    v.b.onMarket(trade('BBB', 5000, 100, 1000));
    expect(v.fills()).toEqual([]);
    v.b.onMarket(trade('AAA', 1100, 101, 1000));
    expect(v.fills()).toEqual([{ fillId: 'o1-f1', clientOrderId: 'o1', symbol: 'AAA', side: 'buy', quantity: 10, price: 101, fee: 0.101, ts: 1100 }]);
    expect(v.statuses('o1')).toEqual(['accepted', 'filled']);
  });

  it('rejects orders for a symbol it has never seen a price for, and limit orders without a limit', () => {
    const v = venue();
    v.b.accept(order('o1', 'AAA', 'buy', 10, 0));
    v.b.onMarket(trade('AAA', 1, 100, 1000));
    v.b.accept({ ...order('o2', 'AAA', 'buy', 10, 2), type: 'limit' });
    v.b.onMarket(trade('AAA', 3, 100, 1000));
    expect(v.events).toEqual([
      { type: 'status', clientOrderId: 'o1', status: 'rejected', filled: 0, ts: 0, reason: 'no market price seen for AAA' },
      { type: 'status', clientOrderId: 'o2', status: 'rejected', filled: 0, ts: 2, reason: 'a limit order needs a positive limitPrice' },
    ]);
  });

  it('takes at most `participation` of each event, in whole lots, leaving the rest working across events', () => {
    const v = venue({ participation: 0.1 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.accept(order('o1', 'AAA', 'buy', 25, 0));
    for (const [ts, size] of [[1, 100], [2, 5], [3, 100], [4, 37], [5, 1000]] as const) v.b.onMarket(trade('AAA', ts, 100, size));
    // 10% of 100 = 10; of 5 = 0.5 (no whole lot: nothing); 10; of 37 = 3.7 -> 3; then the last 2.
    expect(v.fills().map((f) => [f.fillId, f.quantity, f.ts])).toEqual([
      ['o1-f1', 10, 1],
      ['o1-f2', 10, 3],
      ['o1-f3', 3, 4],
      ['o1-f4', 2, 5],
    ]);
    expect(v.statuses('o1')).toEqual(['accepted', 'partially_filled', 'partially_filled', 'partially_filled', 'filled']);
    expect(v.b.working()).toEqual([]);
  });

  it('shares one event between resting orders, oldest first', () => {
    const v = venue({ participation: 0.5 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.accept(order('old', 'AAA', 'buy', 30, 0));
    v.b.accept(order('new', 'AAA', 'sell', 30, 0));
    v.b.onMarket(trade('AAA', 1, 100, 80));
    expect(v.fills().map((f) => [f.clientOrderId, f.quantity])).toEqual([
      ['old', 30],
      ['new', 10],
    ]);
  });

  it('prices a print with half a spread and square-root impact, a touch with impact only, a bar from its open; fees have a minimum', () => {
    const v = venue({ halfSpreadBps: 2, impactBps: 10, feeBps: 1, minFee: 5, participation: 0.1 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.onMarket(quote('BBB', 0, 99.9, 100.1, 1));
    v.b.onMarket(bar('CCC', 0, { open: 50, high: 51, low: 49, close: 50.5, volume: 1 }));
    v.b.accept(order('print', 'AAA', 'buy', 100, 0));
    v.b.accept(order('touch', 'BBB', 'sell', 40, 0));
    v.b.accept(order('bar', 'CCC', 'buy', 100, 0));
    v.b.onMarket(trade('AAA', 1, 100, 1000));
    v.b.onMarket(quote('BBB', 1, 99.9, 100.1, 400));
    v.b.onMarket(bar('CCC', 1, { open: 50, high: 51, low: 49, close: 50.5, volume: 2000 }));
    const [print, touch, barFill] = v.fills();
    // 100 of 1000 traded: 2 bps + 10 * sqrt(0.1) bps above the print.
    expect(print!.price).toBeCloseTo(100 * (1 + (2 + 10 * Math.sqrt(0.1)) / 1e4), 10);
    expect(print!.fee).toBe(5);
    // A quote shows the bid: no spread on top, impact only.
    expect(touch!.price).toBeCloseTo(99.9 * (1 - (10 * Math.sqrt(40 / 400)) / 1e4), 10);
    expect(touch!.fee).toBe(5);
    expect(barFill!.price).toBeCloseTo(50 * (1 + (2 + 10 * Math.sqrt(100 / 2000)) / 1e4), 10);
    // Above the minimum the fee is bps of notional.
    const big = venue({ feeBps: 2, minFee: 5, participation: 1 });
    big.b.onMarket(trade('AAA', 0, 100, 1));
    big.b.accept(order('o', 'AAA', 'sell', 1000, 0));
    big.b.onMarket(trade('AAA', 1, 100, 1000));
    expect(big.fills()[0]!.fee).toBeCloseTo((1000 * 100 * 2) / 1e4, 10);
  });

  it('charges the minimum fee once per order: later partial fills pay bps of notional only', () => {
    const v = venue({ feeBps: 1, minFee: 5, participation: 0.1, halfSpreadBps: 0, impactBps: 0 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.accept(order('parts', 'AAA', 'buy', 30, 0));
    for (let t = 1; t <= 3; t++) v.b.onMarket(trade('AAA', t, 100, 100));
    const fees = v.fills().map((f) => f.fee);
    expect(v.fills().map((f) => f.quantity)).toEqual([10, 10, 10]);
    expect(fees[0]).toBe(5);
    expect(fees[1]).toBeCloseTo((10 * 100 * 1) / 1e4, 12);
    expect(fees[2]).toBeCloseTo((10 * 100 * 1) / 1e4, 12);
  });

  it('fills limit orders only at or better than the limit', () => {
    const v = venue({ halfSpreadBps: 5, participation: 1 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.accept(order('buy99', 'AAA', 'buy', 10, 0, 99));
    v.b.onMarket(trade('AAA', 1, 99.5, 100));
    expect(v.fills()).toEqual([]);
    v.b.onMarket(trade('AAA', 2, 98.99, 100));
    // The print plus half a spread would be 99.0395: capped at the limit.
    expect(v.fills().map((f) => f.price)).toEqual([99]);
    // A bar whose high reaches a sell limit fills at the limit even though it opened below it.
    v.b.onMarket(bar('BBB', 0, { open: 10, high: 10, low: 10, close: 10, volume: 1 }));
    v.b.accept(order('sell11', 'BBB', 'sell', 5, 0, 11));
    v.b.onMarket(bar('BBB', 1, { open: 10.2, high: 10.9, low: 10, close: 10.5, volume: 1000 }));
    v.b.onMarket(bar('BBB', 2, { open: 10.5, high: 11.2, low: 10.4, close: 11, volume: 1000 }));
    expect(v.fills().filter((f) => f.symbol === 'BBB').map((f) => [f.ts, f.price])).toEqual([[2, 11]]);
  });

  it('cancels working orders, partly filled ones included, and nothing fills after', () => {
    const v = venue({ participation: 0.1 });
    v.b.onMarket(trade('AAA', 0, 100, 1));
    v.b.accept(order('a', 'AAA', 'buy', 50, 0));
    v.b.accept(order('b', 'AAA', 'sell', 5, 0, 1000));
    v.b.accept(order('c', 'AAA', 'buy', 5, 0, 1));
    v.b.onMarket(trade('AAA', 1, 100, 100));
    expect(v.b.cancel('a')).toBe(true);
    expect(v.b.cancel('a')).toBe(false);
    expect(v.b.cancel('nope')).toBe(false);
    expect(v.b.cancelAll()).toEqual(['b', 'c']);
    v.b.onMarket(trade('AAA', 2, 100, 1000));
    expect(v.fills().map((f) => [f.clientOrderId, f.quantity])).toEqual([['a', 10]]);
    expect(v.events.filter((e) => e.type === 'status' && e.status === 'cancelled')).toEqual([
      { type: 'status', clientOrderId: 'a', status: 'cancelled', filled: 10, ts: 1, reason: 'cancelled' },
      { type: 'status', clientOrderId: 'b', status: 'cancelled', filled: 0, ts: 1, reason: 'cancelled' },
      { type: 'status', clientOrderId: 'c', status: 'cancelled', filled: 0, ts: 1, reason: 'cancelled' },
    ]);
  });

  it('ignores a resent client order id, and resumes an adopted order with its fill numbering', () => {
    const v = venue({ participation: 1 });
    v.b.adopt(order('x', 'AAA', 'buy', 10, 0), { filled: 6, fills: 2 });
    v.b.onMarket(trade('AAA', 1, 100, 100));
    v.b.accept(order('x', 'AAA', 'buy', 10, 2));
    v.b.onMarket(trade('AAA', 3, 100, 100));
    expect(v.fills().map((f) => [f.fillId, f.quantity])).toEqual([['x-f3', 4]]);
    expect(v.b.duplicates).toBe(1);
  });

  it('is deterministic: the same events give the same fills', () => {
    const run = () => {
      const v = venue({ latencyMs: 7, participation: 0.2, halfSpreadBps: 1, impactBps: 12, feeBps: 1.5, minFee: 0.5 });
      const events: MarketEvent[] = [];
      for (let i = 0; i < 200; i++) events.push(i % 3 === 0 ? quote('S', i * 5, 100 + (i % 7) * 0.1, 100.2 + (i % 7) * 0.1, 10 + (i % 11)) : trade('S', i * 5, 100 + (i % 5) * 0.1, 1 + (i % 13)));
      v.b.onMarket(events[0]!);
      for (let i = 1; i < events.length; i++) {
        if (i % 40 === 1) v.b.accept(order(`o${i}`, 'S', i % 80 === 1 ? 'buy' : 'sell', 17, events[i - 1]!.ts));
        v.b.onMarket(events[i]!);
      }
      return v.events;
    };
    const a = run();
    expect(a.filter((e) => e.type === 'fill').length).toBeGreaterThan(5);
    expect(run()).toEqual(a);
  });
});
