import { join } from 'node:path';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import { SqlStorage } from './sql-storage.js';
import { preparePrivateDir, tighten } from './data-dir.js';
import type { Storage } from './types.js';

export type { AuditRecord, FeedbackRecord, Storage } from './types.js';
export { SqlStorage, feedbackWithAudit, type FeedbackWithAudit } from './sql-storage.js';

export interface CreateStorageOptions {
  /** PostgreSQL connection URL; when set, PostgreSQL is used instead of embedded PGlite. */
  databaseUrl?: string;
  /** PGlite keeps its files in `<dataDir>/pglite`. */
  dataDir: string;
  /** PostgreSQL only: schema for our tables (created when missing). */
  pgSchema?: string;
  /** PGlite only: keep the database in memory (tests). */
  memory?: boolean;
  /** A transaction open (PGlite) or idle inside one (PostgreSQL) this long is rolled back. */
  transactionTimeoutMs?: number;
  /** PostgreSQL only: receives errors of idle pooled connections (for logging). */
  onPoolError?: (err: Error) => void;
}

/** Opens the configured database and brings its schema up to date. */
export async function createStorage(opts: CreateStorageOptions): Promise<Storage> {
  const embeddedOnDisk = (opts.databaseUrl === undefined || opts.databaseUrl === '') && opts.memory !== true;
  if (embeddedOnDisk) await preparePrivateDir(opts.dataDir);
  const timeout = opts.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: opts.transactionTimeoutMs } : {};
  const db =
    opts.databaseUrl !== undefined && opts.databaseUrl !== ''
      ? await openPostgres({
          databaseUrl: opts.databaseUrl,
          ...(opts.pgSchema !== undefined ? { pgSchema: opts.pgSchema } : {}),
          ...(opts.onPoolError !== undefined ? { onPoolError: opts.onPoolError } : {}),
          ...timeout,
        })
      : await openPglite({ ...(opts.memory === true ? {} : { dataDir: join(opts.dataDir, 'pglite') }), ...timeout });
  const storage = new SqlStorage(db, undefined, embeddedOnDisk ? () => tighten(opts.dataDir) : undefined);
  try {
    await storage.migrate();
    if (embeddedOnDisk) await tighten(opts.dataDir);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}
