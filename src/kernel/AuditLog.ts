/** One recorded transition. `seq` is the next sequence number when it took effect. */
export interface AuditEntry {
  at: number;
  seq: number;
  action: string;
  tier?: string;
  key?: string;
  actor: string;
  detail?: Record<string, unknown>;
}

export type AuditSink = (entry: AuditEntry) => void;

/**
 * Every register, test, swap step, promotion, rollback, retirement, breaker
 * override and trading-mode change. In memory here (bounded); the control
 * plane adds a persistent sink.
 */
export class AuditLog {
  #entries: AuditEntry[] = [];
  #sinks = new Set<AuditSink>();
  #seq: () => number;
  #now: () => number;
  readonly limit: number;

  constructor(seq: () => number, now: () => number = Date.now, limit = 10_000) {
    this.#seq = seq;
    this.#now = now;
    this.limit = limit;
  }

  record(e: Omit<AuditEntry, 'at' | 'seq'>): AuditEntry {
    const entry: AuditEntry = { at: this.#now(), seq: this.#seq(), ...e };
    this.#entries.push(entry);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
    for (const s of this.#sinks) s(entry);
    return entry;
  }

  entries(filter?: { tier?: string; action?: string }): AuditEntry[] {
    return this.#entries.filter((e) => (filter?.tier === undefined || e.tier === filter.tier) && (filter?.action === undefined || e.action === filter.action));
  }

  subscribe(sink: AuditSink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }
}
