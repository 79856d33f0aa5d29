import { describe, expect, it } from 'vitest';
import { TradingPolicy } from '../../modules/lib/risk/policy.ts';

type Mode = 'ACTIVE' | 'REDUCING' | 'HALTED';
const acct = (dailyPnl: number, drawdown = 0, mode: Mode = 'ACTIVE') => ({ mode, dailyPnl, dayStartEquity: 100_000, drawdown });

describe('TradingPolicy', () => {
  it('maps daily loss and drawdown to modes at the default thresholds', () => {
    const cases: [number, number, Mode][] = [
      [-999, 0, 'ACTIVE'],
      [-1000, 0, 'REDUCING'],
      [-1999, 0, 'REDUCING'],
      [-2000, 0, 'HALTED'],
      [0, 0.0499, 'ACTIVE'],
      [0, 0.05, 'REDUCING'],
      [0, 0.1, 'HALTED'],
      [-1500, 0.12, 'HALTED'],
    ];
    for (const [pnl, dd, mode] of cases) expect(new TradingPolicy().assess(acct(pnl, dd)).mode, `${pnl} ${dd}`).toBe(mode);
  });

  it('states the numbers in the reason', () => {
    expect(new TradingPolicy().assess(acct(-2130)).request).toEqual({ mode: 'HALTED', reason: 'daily loss 2.13% >= 2.00% limit' });
    expect(new TradingPolicy().assess(acct(0, 0.052)).request).toEqual({ mode: 'REDUCING', reason: 'drawdown 5.20% >= 5.00% limit' });
  });

  it('asks once per escalation', () => {
    const p = new TradingPolicy();
    expect(p.assess(acct(-500)).request).toBeNull();
    expect(p.assess(acct(-1200)).request?.mode).toBe('REDUCING');
    expect(p.assess(acct(-1300)).request).toBeNull();
    expect(p.assess(acct(-2500)).request?.mode).toBe('HALTED');
    expect(p.assess(acct(-2600)).request).toBeNull();
    expect(p.assess(acct(-3000, 0.2)).request).toBeNull();
  });

  it('never loosens by itself when the loss recovers', () => {
    const p = new TradingPolicy();
    p.assess(acct(-2500));
    const later = p.assess(acct(+500));
    expect(later).toEqual({ mode: 'HALTED', request: null });
  });

  it('does not ask for what the kernel already holds, but adopts it', () => {
    const p = new TradingPolicy();
    expect(p.assess(acct(-2500, 0, 'HALTED'))).toEqual({ mode: 'HALTED', request: null });
    expect(p.assess(acct(0, 0, 'REDUCING')).mode).toBe('REDUCING');
  });

  it('recognises an operator reset once the kernel had applied its mode, and re-arms', () => {
    const p = new TradingPolicy();
    expect(p.assess(acct(-1200)).request?.mode).toBe('REDUCING');
    // Not yet applied by the kernel: the policy keeps its own view.
    expect(p.assess(acct(0)).mode).toBe('REDUCING');
    p.assess(acct(-1200, 0, 'REDUCING'));
    // The kernel dropped back to ACTIVE after holding REDUCING: an operator reset.
    expect(p.assess(acct(0, 0, 'ACTIVE'))).toEqual({ mode: 'ACTIVE', request: null });
    expect(p.assess(acct(-1100, 0, 'ACTIVE')).request?.mode).toBe('REDUCING');
  });

  it('asks again after a request that did not get through', () => {
    const p = new TradingPolicy();
    const first = p.assess(acct(-2500)).request!;
    p.requestFailed(first);
    expect(p.assess(acct(-2500)).request).toEqual(first);
  });

  it('survives toState / fromState', () => {
    const p = new TradingPolicy();
    p.assess(acct(-1200));
    const q = TradingPolicy.fromState(structuredClone(p.toState()));
    expect(q.mode).toBe('REDUCING');
    expect(q.assess(acct(-1200)).request).toBeNull();
    expect(q.assess(acct(-2200)).request?.mode).toBe('HALTED');
  });

  it('rejects limits where reducing would come after halting', () => {
    expect(() => new TradingPolicy({ reduceDailyLoss: 0.03, haltDailyLoss: 0.02 })).toThrow(RangeError);
    expect(() => new TradingPolicy({ haltDrawdown: 0 })).toThrow(RangeError);
  });
});
