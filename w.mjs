import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create('/tmp/pgk/data');
await db.exec('create table if not exists t (id serial primary key, v int)');
let n=0;
for(;;){ await db.query('insert into t (v) values ($1)',[n]); n++; if(n%100===0) console.log(n); }
