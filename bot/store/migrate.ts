import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import type { Database } from './database.js';

/** One versioned SQL migration file (`NNNN_name.sql`). */
export interface Migration {
  version: number;
  name: string;
  /** The file name, e.g. `0001_initial.sql`. */
  file: string;
  sql: string;
  checksum: string;
}

export type MigrationState = 'applied' | 'pending' | 'changed';

export interface MigrationStatus {
  version: number;
  name: string;
  state: MigrationState;
  appliedAt?: Date;
}

/** The migrations shipped with sre-bot. */
export function defaultMigrationsDir(): string {
  return join(packageRoot(), 'bot', 'store', 'migrations');
}

/** Reads `NNNN_name.sql` files in version order; rejects duplicate versions and bad names. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)
    .filter((entry) => entry.endsWith('.sql'))
    .sort()) {
    const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match?.[1] || !match[2]) {
      throw new BotError('migration_failed', `migration file ${file} must be named NNNN_name.sql`);
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((existing) => existing.version === version)) {
      throw new BotError('migration_failed', `two migrations share version ${version}`);
    }
    migrations.push({ version, name: match[2], file, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

const LOCK_KEY = 7_242_019; // arbitrary constant shared by every sre-bot migrator
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow extends Record<string, unknown> {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date | string;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so concurrent runners
 * (two workers starting at once) serialize and the second sees nothing left to do. Returns the
 * migrations it applied. Fails if an applied migration's file has changed since.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = loadMigrations()): Promise<Migration[]> {
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.exec(CREATE_TABLE);
      const applied = await readApplied(tx);
      const done: Migration[] = [];
      for (const migration of migrations) {
        const existing = applied.get(migration.version);
        if (existing) {
          if (existing.checksum !== migration.checksum) {
            throw new BotError(
              'migration_failed',
              `migration ${migration.file} was changed after it was applied; add a new migration instead`,
            );
          }
          continue;
        }
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        done.push(migration);
      }
      return done;
    });
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw new BotError('migration_failed', `migration failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Every known migration with its state, plus applied versions the code does not know. */
export async function migrationStatus(
  db: Database,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationStatus[]> {
  await db.exec(CREATE_TABLE);
  const applied = await readApplied(db);
  const statuses: MigrationStatus[] = migrations.map((migration) => {
    const row = applied.get(migration.version);
    if (!row) return { version: migration.version, name: migration.name, state: 'pending' };
    const state: MigrationState = row.checksum === migration.checksum ? 'applied' : 'changed';
    return { version: migration.version, name: migration.name, state, appliedAt: new Date(row.applied_at) };
  });
  return statuses;
}

async function readApplied(db: Database): Promise<Map<number, AppliedRow>> {
  const { rows } = await db.query<AppliedRow>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return new Map(rows.map((row) => [Number(row.version), row]));
}
