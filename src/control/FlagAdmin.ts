import { HeliosError } from '../errors/HeliosError.ts';
import { parseFeature, type Feature, type FeatureStrategy } from '../flags/FeatureSchema.ts';
import type { FlagFiles } from '../flags/FlagFiles.ts';
import type { FlagStore } from '../flags/FlagStore.ts';
import type { Database } from '../store/Database.ts';
import type { PlatformRecords } from './PlatformRecords.ts';

/** A flag's kill-switch lock: while present, nothing may turn the flag back on. */
export interface FlagLock {
  reason: string;
  actor: string;
  at: string;
}

/** A flag as the API shows it: its Unleash JSON and its lock, if any. */
export interface FlagView {
  feature: Feature;
  lock: FlagLock | null;
}

export interface FlagAdminDeps {
  store: FlagStore;
  /** Write-back to flags/<name>.json; undefined: changes live in memory only. */
  files: FlagFiles | undefined;
  records: PlatformRecords;
  db: Database;
}

/** Flag names a new flag may have: URL-safe (as Unleash requires) and usable as a file name. */
const NAME = /^[A-Za-z0-9_~-][A-Za-z0-9._~:-]{0,199}$/;

/**
 * Every change to a flag goes through here: validated, applied (written back to its file when
 * there is a FlagFiles, so it survives a restart; else to the store), and recorded in
 * `flag_history` with who and why, all before the caller gets an answer. Changes run one at a
 * time, so read-modify-write changes (percentage, whitelist) never lose each other's updates.
 * If recording fails, the flag change is undone and the error propagates.
 */
export class FlagAdmin {
  readonly #store: FlagStore;
  readonly #files: FlagFiles | undefined;
  readonly #records: PlatformRecords;
  readonly #db: Database;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: FlagAdminDeps) {
    this.#store = deps.store;
    this.#files = deps.files;
    this.#records = deps.records;
    this.#db = deps.db;
  }

  /** Every flag, in store order, and the names of those locked by their kill switch. */
  async list(): Promise<{ features: Feature[]; locked: string[] }> {
    const snap = this.#store.current();
    const rows = await this.#db.query<{ flag: string }>(`SELECT flag FROM flag_locks ORDER BY flag`);
    return { features: [...snap.source.features], locked: rows.map((r) => r.flag) };
  }

  /** @throws HeliosError `HELIOS_E_FLAG_UNKNOWN`. */
  async get(name: string): Promise<FlagView> {
    const feature = this.#store.current().require(name);
    return { feature, lock: await this.lockOf(name) };
  }

  async lockOf(name: string): Promise<FlagLock | null> {
    const [row] = await this.#db.query<{ reason: string; actor: string; at: Date | string }>(`SELECT reason, actor, at FROM flag_locks WHERE flag = $1`, [name]);
    return row === undefined ? null : { reason: row.reason, actor: row.actor, at: iso(row.at) };
  }

  /** Every recorded change of `name`, oldest first. @throws `HELIOS_E_FLAG_UNKNOWN` if neither flag nor history exists. */
  async history(name: string): Promise<Awaited<ReturnType<PlatformRecords['flagHistory']>>> {
    const rows = await this.#records.flagHistory(name);
    if (rows.length === 0 && !this.#store.current().has(name)) throw unknown(name);
    return rows;
  }

  /** Add a new flag. @throws `HELIOS_E_FLAG_EXISTS`, `HELIOS_E_FLAG_INVALID`. */
  create(json: unknown, actor: string, reason?: string): Promise<FlagView> {
    return this.#serial(async () => {
      const feature = parseFeature(json);
      if (!NAME.test(feature.name)) {
        throw new HeliosError('HELIOS_E_FLAG_INVALID', `Invalid feature: name: "${feature.name}" must be 1-200 URL-safe characters (A-Z a-z 0-9 . _ ~ : -), not starting with "."`, {
          issues: [{ path: 'name', message: 'must be URL-safe' }],
        });
      }
      if (this.#store.current().has(feature.name)) {
        throw new HeliosError('HELIOS_E_FLAG_EXISTS', `A feature flag named "${feature.name}" already exists`, { name: feature.name });
      }
      return this.#commit(feature.name, 'create', actor, reason, undefined, json);
    });
  }

  /** Replace flag `name` with `json` (whose name must be `name`). @throws `HELIOS_E_FLAG_UNKNOWN`, `..._INVALID`, `..._LOCKED`. */
  replace(name: string, json: unknown, actor: string, reason?: string): Promise<FlagView> {
    return this.#serial(async () => {
      const before = this.#store.current().require(name);
      const feature = parseFeature(json);
      if (feature.name !== name) {
        throw new HeliosError('HELIOS_E_FLAG_INVALID', `Invalid feature: name: "${feature.name}" does not match "${name}" in the path`, {
          issues: [{ path: 'name', message: `must be "${name}"` }],
        });
      }
      await this.#refuseIfLocked(name, 'replace');
      return this.#commit(name, 'replace', actor, reason, before, json);
    });
  }

  enable(name: string, actor: string, reason?: string): Promise<FlagView> {
    return this.#edit(name, 'enable', actor, reason, true, (f) => {
      f.enabled = true;
    });
  }

  disable(name: string, actor: string, reason?: string): Promise<FlagView> {
    return this.#edit(name, 'disable', actor, reason, false, (f) => {
      f.enabled = false;
    });
  }

  /**
   * Set the rollout (0..100) of the flag's first flexibleRollout strategy; add one (stickiness
   * `default`, groupId = the flag's name) if it has none.
   */
  setPercentage(name: string, percentage: number, actor: string, reason?: string): Promise<FlagView> {
    if (!(percentage >= 0 && percentage <= 100)) throw new HeliosError('HELIOS_E_INPUT_INVALID', 'percentage must be in 0..100');
    return this.#edit(name, 'percentage', actor, reason, true, (f) => {
      const rollout = String(percentage);
      const st = f.strategies.find((s) => s.name === 'flexibleRollout');
      if (st === undefined) f.strategies.push({ name: 'flexibleRollout', parameters: { rollout, stickiness: 'default', groupId: name }, constraints: [] });
      else st.parameters = { ...(st.parameters ?? {}), rollout };
    });
  }

  /** Add user ids to the flag's `userWithId` strategy (created if absent), without duplicates. */
  whitelistAdd(name: string, values: readonly string[], actor: string, reason?: string): Promise<FlagView> {
    const clean = checkIds(values);
    return this.#edit(name, 'whitelist.add', actor, reason, true, (f) => {
      let st = f.strategies.find((s) => s.name === 'userWithId');
      if (st === undefined) {
        st = { name: 'userWithId', parameters: { userIds: '' }, constraints: [] };
        f.strategies.push(st);
      }
      const ids = userIds(st);
      for (const v of clean) if (!ids.includes(v)) ids.push(v);
      st.parameters = { ...(st.parameters ?? {}), userIds: ids.join(',') };
    });
  }

  /** Remove user ids from the flag's `userWithId` strategy; the strategy stays, possibly with an empty list. */
  whitelistRemove(name: string, values: readonly string[], actor: string, reason?: string): Promise<FlagView> {
    const drop = new Set(checkIds(values));
    return this.#edit(name, 'whitelist.remove', actor, reason, true, (f) => {
      const st = f.strategies.find((s) => s.name === 'userWithId');
      if (st === undefined) return;
      st.parameters = { ...(st.parameters ?? {}), userIds: userIds(st).filter((v) => !drop.has(v)).join(',') };
    });
  }

  /** Disable the flag and lock it off until `resetKillSwitch`. */
  killSwitch(name: string, actor: string, reason: string): Promise<FlagView> {
    return this.#serial(async () => {
      const before = this.#store.current().require(name);
      const after = { ...structuredClone(before), enabled: false };
      return this.#commit(name, 'kill-switch', actor, reason, before, after, async (tx) => {
        await tx.query(
          `INSERT INTO flag_locks (flag, reason, actor) VALUES ($1, $2, $3)
           ON CONFLICT (flag) DO UPDATE SET reason = EXCLUDED.reason, actor = EXCLUDED.actor, at = now()`,
          [name, reason, actor],
        );
      });
    });
  }

  /** Lift the kill-switch lock (the flag stays off until someone enables it). No lock: nothing changes. */
  resetKillSwitch(name: string, actor: string, reason: string): Promise<FlagView> {
    return this.#serial(async () => {
      const feature = this.#store.current().require(name);
      if ((await this.lockOf(name)) === null) return { feature, lock: null };
      await this.#db.transaction(async (tx) => {
        await tx.query(`DELETE FROM flag_locks WHERE flag = $1`, [name]);
        await this.#records.flagChange({ flag: name, action: 'kill-switch.reset', actor, reason, before: feature, after: feature }, tx);
      });
      return { feature, lock: null };
    });
  }

  /** Copy the flag, let `change` edit it, then commit; `loosens` changes are refused while locked. */
  #edit(name: string, action: string, actor: string, reason: string | undefined, loosens: boolean, change: (f: Mutable) => void): Promise<FlagView> {
    return this.#serial(async () => {
      const before = this.#store.current().require(name);
      if (loosens) await this.#refuseIfLocked(name, action);
      const after = structuredClone(before) as Mutable;
      change(after);
      return this.#commit(name, action, actor, reason, before, after);
    });
  }

  async #refuseIfLocked(name: string, action: string): Promise<void> {
    const lock = await this.lockOf(name);
    if (lock !== null) {
      throw new HeliosError('HELIOS_E_FLAG_LOCKED', `Flag "${name}" is locked off by its kill switch (${lock.reason}); reset it before ${action}`, { name, ...lock });
    }
  }

  /**
   * Apply `after`, then record the change (and `extra` DB writes) in one transaction; if that
   * fails, put the flag back as it was.
   */
  async #commit(name: string, action: string, actor: string, reason: string | undefined, before: Feature | undefined, after: unknown, extra?: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<void>): Promise<FlagView> {
    const snap = await this.#apply(after);
    const applied = snap.require(name);
    try {
      await this.#db.transaction(async (tx) => {
        await extra?.(tx);
        await this.#records.flagChange({ flag: name, action, actor, reason, before, after: applied }, tx);
      });
    } catch (e) {
      await (before === undefined ? this.#remove(name) : this.#apply(before)).catch(() => {});
      throw e;
    }
    return { feature: applied, lock: await this.lockOf(name) };
  }

  #apply(json: unknown): Promise<ReturnType<FlagStore['current']>> {
    return this.#files !== undefined ? this.#files.write(json) : Promise.resolve().then(() => this.#store.upsert(json));
  }

  #remove(name: string): Promise<unknown> {
    return this.#files !== undefined ? this.#files.delete(name) : Promise.resolve().then(() => this.#store.remove(name));
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }
}

type Mutable = { enabled: boolean; strategies: FeatureStrategy[]; [k: string]: unknown };

function userIds(st: FeatureStrategy): string[] {
  const raw = st.parameters?.['userIds'];
  return typeof raw === 'string' ? raw.split(/\s*,\s*/).filter((v) => v !== '') : [];
}

function checkIds(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const t = v.trim();
    if (t === '' || t.includes(',')) throw new HeliosError('HELIOS_E_INPUT_INVALID', `user id ${JSON.stringify(v)} must be non-empty and contain no comma`);
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

function unknown(name: string): HeliosError {
  return new HeliosError('HELIOS_E_FLAG_UNKNOWN', `No feature flag named "${name}"`, { name });
}

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}
