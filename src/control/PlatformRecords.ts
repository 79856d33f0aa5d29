import type { Manifest } from '../contracts/manifest.ts';
import type { Tier } from '../contracts/tiers.ts';
import type { AuditEntry } from '../kernel/AuditLog.ts';
import type { TradingMode, TradingTransition } from '../kernel/TradingState.ts';
import type { ModuleVersion } from '../registry/ModuleVersion.ts';
import type { Rollout } from '../swap/Rollout.ts';
import type { HarnessResult } from '../swap/Harness.ts';
import type { Database, Queryable } from '../store/Database.ts';

/** What the platform reads back after a restart. */
export interface Restored {
  versions: ModuleVersion[];
  tests: HarnessResult[];
  deployments: { tier: Tier; role: 'incumbent' | 'candidate' | 'previous'; key: string }[];
  trading: { mode: TradingMode; reason: string; actor: string; seq: number; at: string } | undefined;
  nextSeq: number;
  breakerOverrides: { breaker: string; state: 'open' | 'closed'; reason: string; actor: string }[];
  breakerSettings: { scope: string; settings: Record<string, unknown> }[];
}

/**
 * The platform's records in SQL: one method per fact, the same SQL on PGlite
 * and PostgreSQL. Nothing here decides anything; it only remembers.
 */
export class PlatformRecords {
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async moduleRegistered(v: ModuleVersion, actor: string): Promise<void> {
    await this.db.query(
      `INSERT INTO module_versions (key, name, version, tier, sha256, manifest, artifact_path, source, registered_at, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0), $10) ON CONFLICT (key) DO NOTHING`,
      [v.key, v.manifest.name, v.manifest.version, v.manifest.tier, v.sha256, JSON.stringify(v.manifest), v.path, v.source, v.registeredAt, actor],
    );
  }

  async testRun(r: HarnessResult, actor: string): Promise<void> {
    await this.db.query(`INSERT INTO test_runs (key, sha256, passed, result, run_at, run_by) VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), $6)`, [
      r.key,
      r.sha256,
      r.passed,
      JSON.stringify(r),
      r.at,
      actor,
    ]);
  }

  async testRuns(key: string): Promise<HarnessResult[]> {
    const rows = await this.db.query<{ result: HarnessResult | string }>(`SELECT result FROM test_runs WHERE key = $1 ORDER BY id DESC LIMIT 100`, [key]);
    return rows.map((r) => json<HarnessResult>(r.result));
  }

  /** Rewrites a tier's roles in one transaction: the table always shows one consistent pipeline. */
  async deployments(tier: Tier, roles: { role: 'incumbent' | 'candidate' | 'previous'; key: string }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM deployments WHERE tier = $1`, [tier]);
      for (const r of roles) await tx.query(`INSERT INTO deployments (tier, role, key) VALUES ($1, $2, $3)`, [tier, r.role, r.key]);
    });
  }

  async rollout(r: Rollout): Promise<void> {
    await this.db.query(
      `INSERT INTO rollouts (id, tier, from_key, to_key, plan, state, step, percent, steps, report, reason, started_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, to_timestamp($12 / 1000.0), CASE WHEN $13::float8 IS NULL THEN NULL ELSE to_timestamp($13::float8 / 1000.0) END)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, step = EXCLUDED.step, percent = EXCLUDED.percent, steps = EXCLUDED.steps,
         report = EXCLUDED.report, reason = EXCLUDED.reason, ended_at = EXCLUDED.ended_at`,
      [r.id, r.tier, r.from, r.to, JSON.stringify(r.plan), r.state, r.step, r.percent, JSON.stringify(r.steps), r.report ? JSON.stringify(r.report) : null, r.reason ?? null, r.startedAt, r.endedAt ?? null],
    );
  }

  async event(e: AuditEntry): Promise<void> {
    await this.db.query(`INSERT INTO system_events (seq, action, tier, key, actor, detail, at) VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0))`, [
      e.seq,
      e.action,
      e.tier ?? null,
      e.key ?? null,
      e.actor,
      e.detail === undefined ? null : JSON.stringify(e.detail),
      e.at,
    ]);
  }

  /** Both the current state and its history, atomically. */
  /** One message to the database: the kill switch waits for this before it answers. */
  async trading(t: TradingTransition): Promise<void> {
    await this.db.batch([
      { sql: `UPDATE trading_state SET mode = $1, reason = $2, actor = $3, seq = $4, at = to_timestamp($5 / 1000.0) WHERE id = 1`, params: [t.to, t.reason, t.actor, t.seq, t.at] },
      { sql: `INSERT INTO trading_mode_history (from_mode, to_mode, reason, actor, seq, at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0))`, params: [t.from, t.to, t.reason, t.actor, t.seq, t.at] },
    ]);
  }

  async nextSeq(next: number): Promise<void> {
    await this.db.query(`UPDATE sequence_state SET next_seq = GREATEST(next_seq, $1) WHERE id = 1`, [next]);
  }

  async breakerOverride(breaker: string, state: 'open' | 'closed' | null, reason: string, actor: string): Promise<void> {
    if (state === null) await this.db.query(`DELETE FROM breaker_overrides WHERE breaker = $1`, [breaker]);
    else {
      await this.db.query(
        `INSERT INTO breaker_overrides (breaker, state, reason, actor) VALUES ($1, $2, $3, $4)
         ON CONFLICT (breaker) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason, actor = EXCLUDED.actor, at = now()`,
        [breaker, state, reason, actor],
      );
    }
  }

  async breakerEvent(breaker: string, from: string, to: string, reason: string | undefined): Promise<void> {
    await this.db.query(`INSERT INTO breaker_events (breaker, from_state, to_state, reason) VALUES ($1, $2, $3, $4)`, [breaker, from, to, reason ?? null]);
  }

  async breakerSettings(scope: string, settings: Record<string, unknown>, actor: string): Promise<void> {
    await this.db.query(
      `INSERT INTO breaker_settings (scope, settings, actor) VALUES ($1, $2, $3)
       ON CONFLICT (scope) DO UPDATE SET settings = EXCLUDED.settings, actor = EXCLUDED.actor, at = now()`,
      [scope, JSON.stringify(settings), actor],
    );
  }

  async flagChange(c: { flag: string; action: string; actor: string; reason?: string | undefined; before: unknown; after: unknown }, tx: Queryable = this.db): Promise<void> {
    await tx.query(`INSERT INTO flag_history (flag, action, actor, reason, before, after) VALUES ($1, $2, $3, $4, $5, $6)`, [
      c.flag,
      c.action,
      c.actor,
      c.reason ?? null,
      c.before === undefined ? null : JSON.stringify(c.before),
      c.after === undefined ? null : JSON.stringify(c.after),
    ]);
  }

  async flagHistory(flag: string): Promise<{ id: number; action: string; actor: string; reason: string | null; before: unknown; after: unknown; at: string }[]> {
    const rows = await this.db.query<{ id: number | string; action: string; actor: string; reason: string | null; before: unknown; after: unknown; at: Date | string }>(
      `SELECT id, action, actor, reason, before, after, at FROM flag_history WHERE flag = $1 ORDER BY id`,
      [flag],
    );
    return rows.map((r) => ({ id: Number(r.id), action: r.action, actor: r.actor, reason: r.reason, before: json(r.before), after: json(r.after), at: iso(r.at) }));
  }

  async restore(): Promise<Restored> {
    const versions = await this.db.query<{ key: string; manifest: Manifest | string; sha256: string; artifact_path: string; source: string; registered_at: Date | string }>(
      `SELECT key, manifest, sha256, artifact_path, source, registered_at FROM module_versions ORDER BY registered_at, key`,
    );
    const tests = await this.db.query<{ result: HarnessResult | string }>(`SELECT DISTINCT ON (sha256) result FROM test_runs ORDER BY sha256, id DESC`);
    const deployments = await this.db.query<{ tier: Tier; role: 'incumbent' | 'candidate' | 'previous'; key: string }>(`SELECT tier, role, key FROM deployments ORDER BY tier, role`);
    const [trading] = await this.db.query<{ mode: TradingMode; reason: string; actor: string; seq: number | string; at: Date | string }>(`SELECT mode, reason, actor, seq, at FROM trading_state WHERE id = 1`);
    const [seq] = await this.db.query<{ next_seq: number | string }>(`SELECT next_seq FROM sequence_state WHERE id = 1`);
    const overrides = await this.db.query<{ breaker: string; state: 'open' | 'closed'; reason: string; actor: string }>(`SELECT breaker, state, reason, actor FROM breaker_overrides`);
    const settings = await this.db.query<{ scope: string; settings: Record<string, unknown> | string }>(`SELECT scope, settings FROM breaker_settings`);
    return {
      versions: versions.map((r) => {
        const manifest = json<Manifest>(r.manifest);
        return Object.freeze({
          key: r.key,
          manifest,
          sha256: r.sha256.trim(),
          path: r.artifact_path,
          moduleUrl: new URL(`file://${r.artifact_path}/${manifest.entry}`).href,
          source: r.source,
          registeredAt: new Date(iso(r.registered_at)).getTime(),
        });
      }),
      tests: tests.map((r) => json<HarnessResult>(r.result)),
      deployments,
      trading: trading === undefined ? undefined : { mode: trading.mode, reason: trading.reason, actor: trading.actor, seq: Number(trading.seq), at: iso(trading.at) },
      nextSeq: Number(seq?.next_seq ?? 1),
      breakerOverrides: overrides,
      breakerSettings: settings.map((s) => ({ scope: s.scope, settings: json<Record<string, unknown>>(s.settings) })),
    };
  }
}

/** jsonb comes back parsed from pg, and as text from some paths; accept both. */
function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function iso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}
