import type { RawMarketEvent } from '../contracts/tiers.ts';

export interface EventSource {
  /** Up to `n` more events; fewer (or none) when the source is finite and nearly done. */
  next(n: number): Omit<RawMarketEvent, 'seq'>[];
}

/**
 * Feeds a source into `ingest` at `rate` events per wall-clock second, in
 * small steps, honouring backpressure: when the pipeline asks it to wait,
 * it waits, and the rate it reports is what was really delivered.
 * Resolves when `running()` turns false or a finite source runs dry.
 */
export async function runPaced(
  source: EventSource,
  ingest: (events: Omit<RawMarketEvent, 'seq'>[]) => Promise<void> | undefined,
  rate: number,
  running: () => boolean,
  onDelivered: (n: number) => void,
): Promise<'stopped' | 'exhausted'> {
  const stepMs = 10;
  const started = performance.now();
  let delivered = 0;
  while (running()) {
    const due = Math.min(Math.floor(((performance.now() - started) / 1000) * rate) - delivered, Math.max(1, rate));
    if (due > 0) {
      const events = source.next(due);
      if (events.length === 0) return 'exhausted';
      const wait = ingest(events);
      delivered += events.length;
      onDelivered(events.length);
      if (wait !== undefined) await wait;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return 'stopped';
}
