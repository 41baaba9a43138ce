import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromRoot } from '../paths.js';
import type { Executor } from './executor.js';

// The .sql files are read from the project root rather than next to the compiled module,
// because tsc does not copy them into dist/.
export const MIGRATIONS_DIR = fromRoot('src', 'storage', 'migrations');

export interface Migration {
  /** File name, e.g. `001_init.sql`; also the key recorded in schema_migrations. */
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^\d{3,}_[A-Za-z0-9_-]+\.sql$/;

/** Reads `NNN_name.sql` files from `dir`, ordered by name (the numeric prefix is zero-padded). */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql'));
  const bad = names.filter((n) => !MIGRATION_FILE.test(n));
  if (bad.length > 0) throw new Error(`migration file names must look like 001_name.sql: ${bad.join(', ')}`);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}

// Several replicas may start at once against one PostgreSQL database. A transaction-scoped
// advisory lock, keyed per schema so parallel test schemas do not wait on each other,
// serialises them; the loser then sees the winner's schema_migrations row and skips.
const LOCK = "select pg_advisory_xact_lock(727001, hashtext(coalesce(current_schema(), '')))";

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction
 * together with its bookkeeping row. Returns the names applied by this call.
 */
export async function migrate(db: Executor, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await loadMigrations());
  await db.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.exec(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
  });
  const applied: string[] = [];
  for (const m of all) {
    const done = await db.transaction(async (tx) => {
      await tx.query(LOCK);
      const seen = await tx.query('select 1 from schema_migrations where name = $1', [m.name]);
      if (seen.rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (name) values ($1)', [m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
