import { loadCoreConfig } from '../../config/core-config.js';
import { describeDatabase, openDatabase } from '../../store/open-database.js';
import { migrate, migrationStatus } from '../../store/migrate.js';
import { parseFlags, writeLine, type CliIo, type Command } from '../command.js';

async function withDatabase<T>(
  io: CliIo,
  fn: (db: Awaited<ReturnType<typeof openDatabase>>, where: string) => Promise<T>,
): Promise<T> {
  const config = loadCoreConfig(io.env);
  const settings = { databaseUrl: config.DATABASE_URL, home: config.SRE_BOT_HOME, cwd: io.cwd };
  const db = await openDatabase(settings);
  try {
    return await fn(db, describeDatabase(settings));
  } finally {
    await db.close();
  }
}

const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (PostgreSQL with DATABASE_URL, else embedded PGlite).',
  usage: 'db migrate',
  run: async (argv, io) => {
    parseFlags(argv, {}, migrateCommand.usage);
    return withDatabase(io, async (db, where) => {
      const applied = await migrate(db);
      if (applied.length === 0) writeLine(io.stdout, `${where}: schema is up to date`);
      for (const migration of applied) writeLine(io.stdout, `${where}: applied ${migration.file}`);
      return 0;
    });
  },
};

const statusCommand: Command = {
  name: 'status',
  summary: 'List every migration and whether it is applied, pending, or changed since it was applied.',
  usage: 'db status [--json]',
  run: async (argv, io) => {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, statusCommand.usage);
    return withDatabase(io, async (db, where) => {
      const statuses = await migrationStatus(db);
      if (values.json) {
        writeLine(io.stdout, JSON.stringify({ database: where, migrations: statuses }));
      } else {
        writeLine(io.stdout, `database: ${where}`);
        for (const status of statuses) {
          const when = status.appliedAt ? `  ${status.appliedAt.toISOString()}` : '';
          writeLine(io.stdout, `${String(status.version).padStart(4, '0')}_${status.name}  ${status.state}${when}`);
        }
      }
      // A changed migration is a deployment hazard: make scripts notice.
      return statuses.some((status) => status.state === 'changed') ? 1 : 0;
    });
  },
};

export const dbCommand: Command = {
  name: 'db',
  summary: 'Database schema: migrate, status.',
  usage: 'db <migrate|status>',
  subcommands: [migrateCommand, statusCommand],
};
