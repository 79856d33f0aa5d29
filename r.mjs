import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create('/tmp/pgk/data');
console.log((await db.query('select count(*)::int c, max(v) m from t')).rows);
