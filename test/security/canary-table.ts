import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { repositoryRoot } from '../support/pipeline.js';
import { CANARY_FORMATS } from './canary-formats.js';
import { SINKS, type Sink } from './canary-sinks.js';

export const SECURITY_DOC = join(repositoryRoot, 'docs', 'security.md');
const BEGIN = '<!-- canary-table:begin (written by test/security/canary.test.ts with UPDATE_SECURITY_DOC=1) -->';
const END = '<!-- canary-table:end -->';

/** Leaks found per canary id and sink. */
export type LeakCounts = Map<string, Map<Sink, number>>;

/** The markdown table: one row per format, one column per sink, each cell the number of leaks. */
export function renderCanaryTable(leaks: LeakCounts): string {
  const header = `| format | planted in | ${SINKS.join(' | ')} |`;
  const rule = `|---|---|${SINKS.map(() => '---:').join('|')}|`;
  const rows = CANARY_FORMATS.map((canary) => {
    const cells = SINKS.map((sink) => String(leaks.get(canary.id)?.get(sink) ?? 0));
    return `| ${canary.format} | ${canary.place} | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** The table as docs/security.md holds it between its markers. */
export function documentedCanaryTable(): string {
  const text = readFileSync(SECURITY_DOC, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${SECURITY_DOC} has no canary table markers`);
  return text.slice(start + BEGIN.length, end).trim();
}

/** A table with its padding ignored: prettier aligns the columns of the committed file. */
export function normalisedTable(table: string): string {
  return table
    .split('\n')
    .map((line) =>
      line
        .replace(/-{3,}/g, '---')
        .replace(/\s*\|\s*/g, '|')
        .trim(),
    )
    .join('\n');
}

/** Rewrites the table between the markers of docs/security.md, formatted the way `npm run format` leaves it. */
export async function writeCanaryTable(table: string): Promise<void> {
  const text = readFileSync(SECURITY_DOC, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${SECURITY_DOC} has no canary table markers`);
  const updated = `${text.slice(0, start + BEGIN.length)}\n\n${table}\n\n${text.slice(end)}`;
  const options = (await prettier.resolveConfig(SECURITY_DOC)) ?? {};
  writeFileSync(SECURITY_DOC, await prettier.format(updated, { ...options, filepath: SECURITY_DOC }));
}

export const CANARY_TABLE_MARKERS = { BEGIN, END };
