// Creates an embedded database directory, run as a short-lived process of its own (pglite.ts says
// why): node pglite-create.js <dir> <postgresql.conf lines as JSON>
import { PGlite } from '@electric-sql/pglite';

const [dir, conf] = process.argv.slice(2);
if (dir === undefined || conf === undefined) throw new Error('usage: pglite-create.js <dir> <conf JSON>');
/** @type {unknown} */
const lines = JSON.parse(conf);
if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) throw new Error('the configuration must be a list of lines');
const db = await PGlite.create(dir, { postgresqlconf: lines });
await db.close();
