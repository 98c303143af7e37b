/** Options of one query. */
export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name (PostgreSQL); hot paths such as
   * the Slack ack use it to skip parse and plan on every call. PGlite ignores it.
   */
  name?: string;
}

/** A row-returning SQL client: the same SQL runs on PostgreSQL (pg) and PGlite. */
export interface SqlClient {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: Row[] }>;
}

/** A database handle: queries, multi-statement scripts, transactions. */
export interface Database extends SqlClient {
  readonly kind: 'postgres' | 'pglite';
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
