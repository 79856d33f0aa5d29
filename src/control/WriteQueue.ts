/**
 * Serialises asynchronous writes so records land in the order the events
 * happened, without making the event's producer wait. `flush()` waits for
 * everything queued so far (shutdown, tests, and any call that must answer
 * only once its record is durable).
 */
export class WriteQueue {
  #tail: Promise<void> = Promise.resolve();
  #onError: (e: unknown) => void;
  failures = 0;
  /** Writes queued or running. */
  depth = 0;

  constructor(onError: (e: unknown) => void) {
    this.#onError = onError;
  }

  push(write: () => Promise<unknown>): Promise<void> {
    this.depth++;
    const next = this.#tail.then(write).then(
      () => {
        this.depth--;
      },
      (e: unknown) => {
        this.depth--;
        this.failures++;
        this.#onError(e);
      },
    );
    this.#tail = next;
    return next;
  }

  flush(): Promise<void> {
    return this.#tail;
  }
}
