// What a database driver gives the storage: queries, scripts and transactions on one connection.

export interface QueryResult<R> {
  rows: R[];
  /** Rows inserted/updated/deleted by the statement (0 for plain selects on some drivers). */
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Runs one or more parameterless statements (migration scripts). */
  exec(sql: string): Promise<void>;
}

export interface Executor extends Queryable {
  /** Runs `fn` inside BEGIN/COMMIT on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
