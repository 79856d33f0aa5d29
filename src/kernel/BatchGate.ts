/**
 * Lets a slot change its versions exactly between two batches. Batches enter
 * and leave; `quiesce()` stops new entries and resolves once none is inside,
 * and the caller's critical section runs there before `release()`. Batches
 * that arrive meanwhile wait at the gate: delayed by the cut-over, never lost.
 */
export class BatchGate {
  #inside = 0;
  #closed: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #drained: (() => void) | undefined;

  /** Synchronous when the gate is open, so the hot path pays no await. */
  enter(): Promise<void> | undefined {
    if (this.#closed === undefined) {
      this.#inside++;
      return undefined;
    }
    return this.#closed.then(() => this.enter());
  }

  leave(): void {
    this.#inside--;
    if (this.#inside === 0 && this.#drained !== undefined) {
      const d = this.#drained;
      this.#drained = undefined;
      d();
    }
  }

  /** Runs `critical` with no batch inside; batches queue meanwhile. Serialised with other quiesces. */
  async quiesce<T>(critical: () => Promise<T> | T): Promise<T> {
    while (this.#closed !== undefined) await this.#closed;
    this.#closed = new Promise<void>((r) => (this.#open = r));
    try {
      if (this.#inside > 0) await new Promise<void>((r) => (this.#drained = r));
      return await critical();
    } finally {
      const open = this.#open!;
      this.#closed = undefined;
      this.#open = undefined;
      open();
    }
  }
}
