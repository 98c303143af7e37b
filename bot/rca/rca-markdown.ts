import { documentDurations, type RcaDocument, type Source } from './rca-document.js';

/** Review state and identity shown in the manager block (kept on the row, not in the document). */
export interface RcaHeader {
  id: string;
  status: string;
  version: number;
  team?: string;
}

/**
 * Markdown text that renders as the characters written: HTML and markdown syntax are escaped, so
 * text from records (log lines, commit messages, thread messages) cannot turn into markup.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]()#+!|<>~]/g, (char) => `\\${char}`)
    .replace(/&/g, '&amp;');
}

/** The label of a source, e.g. `commit 1a2b3c4`, `event Pod/web:BackOff`. */
export function sourceLabel(source: Source): string {
  const ref = source.kind === 'commit' ? source.ref.slice(0, 7) : source.ref;
  return `${source.kind} ${ref}`;
}

function sourceMarkdown(source: Source): string {
  const label = escapeMarkdown(sourceLabel(source));
  return source.url ? `[${label}](${encodeURI(source.url)})` : label;
}

export function formatUtc(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

function minutes(value: number | undefined): string {
  return value === undefined ? '—' : `${value} min`;
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.map((item) => `- ${escapeMarkdown(item)}`).join('\n') : '- _(to be written)_';
}

function paragraph(text: string): string {
  return text.trim() === '' ? '_(to be written)_' : escapeMarkdown(text);
}

const tableRow = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

function ticketMarkdown(ticket: string): string {
  if (ticket === '') return '—';
  return /^https?:\/\//.test(ticket) ? `[ticket](${encodeURI(ticket)})` : escapeMarkdown(ticket);
}

function managerBlock(doc: RcaDocument, header: RcaHeader): string[] {
  const durations = documentDurations(doc);
  return [
    `# ${escapeMarkdown(doc.title)}`,
    '',
    '| Status | Severity | Service | Started | Time to detect | Time to recover |',
    '| --- | --- | --- | --- | --- | --- |',
    tableRow([
      `${header.status.replace('_', ' ')} (v${header.version})`,
      doc.severity,
      escapeMarkdown(doc.service ?? '—'),
      formatUtc(doc.detection.startedAt),
      minutes(durations.minutesToDetect),
      minutes(durations.minutesToRecover),
    ]),
    '',
    '## Summary',
    '',
    paragraph(doc.summary),
  ];
}

function timelineTable(doc: RcaDocument): string[] {
  if (doc.timeline.length === 0) return ['_(no timeline yet)_'];
  return [
    '| Time (UTC) | Who | What | Source |',
    '| --- | --- | --- | --- |',
    ...doc.timeline.map((row) =>
      tableRow([
        formatUtc(row.at).replace(' UTC', ''),
        escapeMarkdown(row.actor),
        escapeMarkdown(row.text),
        sourceMarkdown(row.source),
      ]),
    ),
  ];
}

function actionTable(doc: RcaDocument): string[] {
  if (doc.actionItems.length === 0) return ['_(no action items yet)_'];
  return [
    '| Action | Owner | Due | Ticket |',
    '| --- | --- | --- | --- |',
    ...doc.actionItems.map((item) =>
      tableRow([
        escapeMarkdown(item.text),
        escapeMarkdown(item.owner) || '_unassigned_',
        item.due || '_none_',
        ticketMarkdown(item.ticket),
      ]),
    ),
  ];
}

/** The whole document as markdown, manager block first; the export and the PR body. */
export function renderRcaMarkdown(doc: RcaDocument, header: RcaHeader): string {
  const durations = documentDurations(doc);
  const factors =
    doc.contributingFactors.length > 0 ? ['', '**Contributing factors**', '', list(doc.contributingFactors)] : [];
  const waiting = doc.needsHuman.length > 0 ? ['', `> Needs a person: ${doc.needsHuman.join(', ')}`] : [];
  return [
    ...managerBlock(doc, header),
    ...waiting,
    '',
    '## Impact',
    '',
    paragraph(doc.impact),
    '',
    '## Trigger',
    '',
    paragraph(doc.trigger),
    '',
    '## Root cause and contributing factors',
    '',
    paragraph(doc.rootCause),
    ...factors,
    '',
    '## Detection',
    '',
    `${paragraph(doc.detection.text)} (time to detect: ${minutes(durations.minutesToDetect)})`,
    '',
    '## Response and timeline',
    '',
    ...timelineTable(doc),
    '',
    '## Resolution',
    '',
    `${paragraph(doc.resolution.text)} (recovered: ${formatUtc(doc.resolution.resolvedAt)}; ` +
      `time to recover: ${minutes(durations.minutesToRecover)})`,
    '',
    '## Action items',
    '',
    ...actionTable(doc),
    '',
    '## Lessons',
    '',
    '**Went well**',
    '',
    list(doc.lessons.wentWell),
    '',
    '**Went wrong**',
    '',
    list(doc.lessons.wentWrong),
    '',
    '**Got lucky**',
    '',
    list(doc.lessons.gotLucky),
    '',
    `_RCA ${escapeMarkdown(header.id)}, drafted by sre-bot (${doc.mode} mode) from its records._`,
    '',
  ].join('\n');
}
