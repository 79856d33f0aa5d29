import type { Sequencer } from '../kernel/Sequencer.ts';
import type { PlatformRecords } from './PlatformRecords.ts';

/** Numbers leased per write: a crash wastes at most this many, and never reuses one. */
export const LEASE_BLOCK = 1_000_000;

/**
 * Sequence numbers must never repeat, even across `kill -9`. Persisting the
 * counter after use cannot promise that (the last numbers handed out before a
 * crash would be handed out again), so the kernel leases numbers ahead: the
 * stored high-water mark is always above every number in use, and a restart
 * starts from it.
 */
export class SequenceLease {
  #records: PlatformRecords;
  #sequencer: Sequencer;
  #leasedTo: number;
  #timer: NodeJS.Timeout | undefined;
  #extending: Promise<void> | undefined;

  private constructor(records: PlatformRecords, sequencer: Sequencer, leasedTo: number) {
    this.#records = records;
    this.#sequencer = sequencer;
    this.#leasedTo = leasedTo;
  }

  /** Leases the first block before the kernel may use a single number of it. */
  static async start(records: PlatformRecords, sequencer: Sequencer): Promise<SequenceLease> {
    const leasedTo = sequencer.next + LEASE_BLOCK;
    await records.nextSeq(leasedTo);
    const lease = new SequenceLease(records, sequencer, leasedTo);
    lease.#timer = setInterval(() => lease.#check(), 50);
    lease.#timer.unref();
    return lease;
  }

  get leasedTo(): number {
    return this.#leasedTo;
  }

  /** Extends the lease once half of it is used: far ahead of any plausible burst within 50 ms. */
  #check(): void {
    if (this.#extending !== undefined || this.#sequencer.next < this.#leasedTo - LEASE_BLOCK / 2) return;
    const to = this.#sequencer.next + LEASE_BLOCK;
    this.#extending = this.#records.nextSeq(to).then(
      () => {
        this.#leasedTo = to;
        this.#extending = undefined;
      },
      () => {
        this.#extending = undefined;
      },
    );
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#extending;
  }
}
