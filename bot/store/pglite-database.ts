import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database } from './database.js';

function transactionDatabase(tx: Transaction): Database {
  const self: Database = {
    kind: 'pglite',
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
      const result = await tx.query<Row>(sql, [...params]);
      return { rows: result.rows };
    },
    async exec(sql) {
      await tx.exec(sql);
    },
    transaction: (fn) => fn(self),
    close: () => Promise.resolve(),
  };
  return self;
}

/**
 * Embedded PostgreSQL (PGlite): the zero-setup default when no DATABASE_URL is configured.
 * `dataDir` persists to disk; omit it for an in-memory database (tests).
 */
export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  return {
    kind: 'pglite',
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, [...params]);
      return { rows: result.rows };
    },
    async exec(sql) {
      await db.exec(sql);
    },
    transaction: (fn) => db.transaction((tx) => fn(transactionDatabase(tx))),
    close: () => db.close(),
  };
}
