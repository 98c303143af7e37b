import { Writable } from 'node:stream';
import type { Database } from '../../bot/store/database.js';

/** The six places a secret must never reach, in the order the table in docs/security.md lists them. */
export const SINKS = ['model requests', 'answers', 'Slack calls', 'PostgreSQL rows', 'logs', 'gateway audit'] as const;
export type Sink = (typeof SINKS)[number];

/** A writable stream that keeps every line written to it (pino destinations of every logger in the run). */
export function createLineCollector(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Every row of every table in the public schema, as JSON text. */
export async function dumpTables(db: Database): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables.rows) {
    const rows = await db.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM "${table}" t`);
    parts.push(JSON.stringify(rows.rows.map((entry) => entry.row)));
  }
  return parts.join('\n');
}

/** How often a secret shows in a sink's text, in any of the spellings a serialiser produces. */
export function occurrences(haystack: string, secret: string): number {
  const spellings = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret)).slice(3, -3),
  ]);
  let count = 0;
  for (const spelling of spellings) count += haystack.split(spelling).length - 1;
  return count;
}
