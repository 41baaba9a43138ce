// The messages between the service and the embedded database thread (pglite.ts <-> pglite-thread.js).
// Types only: the thread runs as plain JavaScript and imports nothing of ours at run time.

export type ThreadRequest =
  | { op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** A request as posted: `id` 0 is reserved for the thread's start-up report. */
export type ThreadMessage = ThreadRequest & { id: number };

export interface ThreadReply {
  id: number;
  ok: boolean;
  rows?: unknown[];
  rowCount?: number;
  tx?: number;
  error?: { message: string; code?: string };
}

/** What the thread is started with (`workerData`). */
export interface ThreadOptions {
  /** Undefined: an in-memory database. */
  dataDir: string | undefined;
  /** postgresql.conf lines. */
  conf: string[];
  /** A transaction still open this long is rolled back and its connection freed. */
  transactionTimeoutMs: number;
}
