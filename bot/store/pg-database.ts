import pg from 'pg';
import { BotError } from '../errors.js';
import type { Database, QueryOptions, SqlClient } from './database.js';

/** Connection-level error codes: refused / reset, admin or crash shutdown, starting up, too many connections. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True for a failure of the connection rather than of the statement (pg sets no code on some). */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  if (UNAVAILABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** Wraps connection-level failures so callers can retry them (queue, p-retry). */
function wrapError(error: unknown): never {
  if (isConnectionFailure(error)) {
    throw new BotError('storage_unavailable', 'PostgreSQL is unavailable', { cause: error, isRetryable: true });
  }
  throw error;
}

/** A pg query config; named ones are prepared once per connection. */
function statement(sql: string, params: readonly unknown[], options: QueryOptions): pg.QueryConfig {
  return { text: sql, values: params as unknown[], ...(options.name ? { name: options.name } : {}) };
}

function clientDatabase(client: pg.PoolClient): Database {
  const self: Database = {
    kind: 'postgres',
    async query<Row extends Record<string, unknown>>(
      sql: string,
      params: readonly unknown[] = [],
      options: QueryOptions = {},
    ) {
      const result = await client.query<Row>(statement(sql, params, options)).catch(wrapError);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await client.query(sql).catch(wrapError);
    },
    // Already inside a transaction on this connection: nested calls join it.
    transaction: (fn) => fn(self),
    close: () => Promise.resolve(),
  };
  return self;
}

/** A PostgreSQL database through a `pg` pool. */
export function createPgDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const query: SqlClient['query'] = async <Row extends Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ) => {
    const result = await pool.query<Row>(statement(sql, params, options)).catch(wrapError);
    return { rows: result.rows };
  };
  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql).catch(wrapError);
    },
    async transaction(fn) {
      const client = await pool.connect().catch(wrapError);
      try {
        await client.query('BEGIN');
        const result = await fn(clientDatabase(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
