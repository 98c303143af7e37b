import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, createPgliteTestDatabase } from '../../test/support/databases.js';
import { loadMigrations, migrate, migrationStatus } from './migrate.js';

describe('migrations', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function migrationsDir(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'sre-bot-migrations-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return dir;
  }

  it('concurrent runners on PostgreSQL apply each migration exactly once', async () => {
    const testDb = await createPostgresTestDatabase();
    try {
      const migrations = loadMigrations();
      const results = await Promise.all([
        migrate(testDb.db, migrations),
        migrate(testDb.db, migrations),
        migrate(testDb.db, migrations),
      ]);
      expect(results.map((applied) => applied.length).sort()).toEqual([0, 0, migrations.length]);
      const { rows } = await testDb.db.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]?.n).toBe(migrations.length);
    } finally {
      await testDb.drop();
    }
  });

  it('refuses a migration edited after it was applied and reports it as changed', async () => {
    const testDb = await createPgliteTestDatabase();
    try {
      await migrate(testDb.db, loadMigrations(migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id int);' })));
      const edited = loadMigrations(
        migrationsDir({ '0001_a.sql': 'CREATE TABLE a (id bigint);', '0002_b.sql': 'CREATE TABLE b (id int);' }),
      );
      await expect(migrate(testDb.db, edited)).rejects.toThrow(/0001_a.sql was changed after it was applied/);
      expect((await migrationStatus(testDb.db, edited)).map((s) => s.state)).toEqual(['changed', 'pending']);
    } finally {
      await testDb.drop();
    }
  });

  it('rolls back a failing migration completely', async () => {
    const testDb = await createPgliteTestDatabase();
    try {
      const bad = loadMigrations(
        migrationsDir({
          '0001_ok.sql': 'CREATE TABLE ok (id int);',
          '0002_bad.sql': 'CREATE TABLE broken (id nosuchtype);',
        }),
      );
      await expect(migrate(testDb.db, bad)).rejects.toThrow(/migration failed/);
      expect((await migrationStatus(testDb.db, bad)).map((s) => s.state)).toEqual(['pending', 'pending']);
    } finally {
      await testDb.drop();
    }
  });

  it('rejects badly named migration files', () => {
    expect(() => loadMigrations(migrationsDir({ 'add-table.sql': 'SELECT 1;' }))).toThrow(/NNNN_name\.sql/);
  });
});
