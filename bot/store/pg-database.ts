import pg from 'pg';
import { BotError } from '../errors.js';
import type { Database, SqlClient } from './database.js';

/** Wraps connection-level failures so callers can retry them (queue, p-retry). */
function wrapError(error: unknown): never {
  const code = (error as { code?: string }).code ?? '';
  // Connection refused / reset, admin shutdown, too many connections: infrastructure, retryable.
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '53300'].includes(code)) {
    throw new BotError('storage_unavailable', 'PostgreSQL is unavailable', { cause: error, isRetryable: true });
  }
  throw error;
}

function clientDatabase(client: pg.PoolClient): Database {
  const self: Database = {
    kind: 'postgres',
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query<Row>(sql, params as unknown[]).catch(wrapError);
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
  ) => {
    const result = await pool.query<Row>(sql, params as unknown[]).catch(wrapError);
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
