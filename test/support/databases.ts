import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../bot/store/database.js';
import { createPgDatabase } from '../../bot/store/pg-database.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';

/** The server the suite may create throwaway databases on (CI exports it; local default). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  url?: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh, empty database on the real PostgreSQL server; drop() removes it. */
export async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `sre_bot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const db = createPgDatabase(url.toString());
  return {
    name,
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** A fresh in-memory PGlite database. */
export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const db = await createPgliteDatabase();
  return { name: 'pglite-memory', db, drop: () => db.close() };
}

/** Both backends, for `describe.each`: the same repository tests run on PGlite and PostgreSQL. */
export const databaseBackends = [
  { backend: 'pglite', create: createPgliteTestDatabase },
  { backend: 'postgres', create: createPostgresTestDatabase },
] as const;
