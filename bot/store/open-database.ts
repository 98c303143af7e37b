import { join, resolve } from 'node:path';
import type { Database } from './database.js';
import { createPgDatabase } from './pg-database.js';
import { createPgliteDatabase } from './pglite-database.js';

export interface DatabaseSettings {
  /** postgres:// URL; when absent, PGlite under `${home}/pgdata`. */
  databaseUrl?: string | undefined;
  /** The sre-bot home directory (SRE_BOT_HOME), relative paths resolved from cwd. */
  home: string;
  cwd: string;
  /** PGlite in memory (nothing written to disk), for throwaway runs such as evals. */
  inMemory?: boolean;
}

/** Opens PostgreSQL when a URL is configured, otherwise the embedded PGlite store. */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.databaseUrl) return createPgDatabase(settings.databaseUrl);
  if (settings.inMemory) return createPgliteDatabase();
  return createPgliteDatabase(join(resolve(settings.cwd, settings.home), 'pgdata'));
}

/** Where the database lives, for people (never prints credentials). */
export function describeDatabase(settings: DatabaseSettings): string {
  if (settings.databaseUrl) {
    const url = new URL(settings.databaseUrl);
    return `postgres ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }
  return `pglite ${join(resolve(settings.cwd, settings.home), 'pgdata')}`;
}
