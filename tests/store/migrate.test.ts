import { describe, expect, it } from 'vitest';
import { migrate, splitStatements } from '../../src/store/migrate.ts';
import { DATABASES } from '../helpers/databases.ts';

for (const target of DATABASES) {
  describe.skipIf(target.skip !== undefined)(`migrations on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`, () => {
    it('creates every platform table once, and a second run applies nothing', async () => {
      const { db, drop } = await target.open();
      try {
        const tables = (await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`)).map((r) => r.t);
        for (const t of ['module_versions', 'test_runs', 'deployments', 'rollouts', 'flag_history', 'breaker_events', 'breaker_overrides', 'system_events', 'trading_state', 'trading_mode_history', 'orders', 'fills', 'positions', 'portfolio_snapshots', 'sequence_state']) {
          expect(tables).toContain(t);
        }
        expect(await migrate(db)).toEqual([]);
        expect(await db.query('SELECT mode FROM trading_state')).toEqual([{ mode: 'ACTIVE' }]);
      } finally {
        await drop();
      }
    });

    it('rolls a failed batch back whole, and commits a good one', async () => {
      const { db, drop } = await target.open();
      try {
        await expect(
          db.batch([
            { sql: `INSERT INTO flag_history (flag, action, actor) VALUES ($1, 'create', 'me')`, params: ['f'] },
            { sql: `INSERT INTO flag_history (flag, action) VALUES ('f', 'broken')` }, // actor NOT NULL
          ]),
        ).rejects.toThrow();
        expect(await db.query('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 0 }]);
        await db.batch([
          { sql: `INSERT INTO flag_history (flag, action, actor) VALUES ($1, 'create', 'me')`, params: ['g'] },
          { sql: `INSERT INTO flag_history (flag, action, actor) VALUES ($1, 'enable', 'me')`, params: ['g'] },
        ]);
        expect(await db.query(`SELECT action FROM flag_history WHERE flag = 'g' ORDER BY id`)).toEqual([{ action: 'create' }, { action: 'enable' }]);
      } finally {
        await drop();
      }
    });

    it('rolls a failed transaction back whole', async () => {
      const { db, drop } = await target.open();
      try {
        await expect(
          db.transaction(async (tx) => {
            await tx.query(`INSERT INTO flag_history (flag, action, actor) VALUES ('f', 'create', 'me')`);
            await tx.query(`INSERT INTO flag_history (flag, action) VALUES ('f', 'broken')`); // actor NOT NULL
          }),
        ).rejects.toThrow();
        expect(await db.query('SELECT count(*)::int AS n FROM flag_history')).toEqual([{ n: 0 }]);
      } finally {
        await drop();
      }
    });
  });
}

describe('migration script splitting', () => {
  it('splits on statement ends and drops comments', () => {
    expect(splitStatements('-- c;\nCREATE TABLE a (x int); -- tail\nINSERT INTO a VALUES (1);\n')).toEqual(['CREATE TABLE a (x int)', 'INSERT INTO a VALUES (1)']);
  });
});
