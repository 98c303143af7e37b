import type { SkillFileChange } from './skill-change.js';

/** A CODEOWNERS file's owners of a path: the last matching rule wins, as on GitHub and GitLab. */
export function codeOwnersOf(codeowners: string | undefined, path: string): string[] {
  if (!codeowners) return [];
  let owners: string[] = [];
  for (const raw of codeowners.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line || line.startsWith('[')) continue;
    const [pattern = '', ...rest] = line.split(/\s+/);
    if (patternMatches(pattern, path)) owners = rest;
  }
  return owners;
}

function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.startsWith('/');
  let body = pattern.replace(/^\//, '');
  if (body.endsWith('/')) body = `${body}**`;
  const regex = body
    .split('**')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`${anchored || body.includes('/') ? '^' : '(^|/)'}${regex}(/.*)?$`).test(path);
}

/** Reviewer handles: the skill's `metadata.owner`, else its CODEOWNERS owners (`@` dropped). */
export function reviewersFor(owner: string | undefined, codeowners: string[]): string[] {
  const handles = owner ? [owner] : codeowners;
  return [...new Set(handles.map((handle) => handle.replace(/^@/, '')).filter(Boolean))];
}

/** Lines the change adds to a file (a compact diff for the PR body and the confirm message). */
export function addedLines(change: Pick<SkillFileChange, 'before' | 'after'>): string[] {
  const before = new Set((change.before ?? '').split('\n'));
  return change.after.split('\n').filter((line) => line.trim() !== '' && !before.has(line));
}

/** One correction the pull request carries: its thread, the answer before and after, its scenario. */
export interface CorrectionCase {
  threadUrl?: string;
  question: string;
  before: { rootCause: string; skills: string[] };
  after: { rootCause: string; skill: string };
  correctedBy: string;
  scenario?: { path: string; command: string };
  scenarioProblem?: string;
}

/** What the PR body shows: every correction it carries, then the one change they make together. */
export interface PullRequestBodyInput {
  cases: readonly CorrectionCase[];
  summary: readonly string[];
  files: readonly SkillFileChange[];
}

function caseLines(item: CorrectionCase, heading: string | undefined): string[] {
  const thread = item.threadUrl ? ` ([thread](${item.threadUrl}))` : '';
  return [
    ...(heading ? [`### ${heading}${thread}, confirmed by <@${item.correctedBy}>`, ''] : []),
    `**Question:** ${item.question}`,
    '',
    '| | root cause | skill |',
    '|---|---|---|',
    `| before (sre-bot said) | ${cell(item.before.rootCause)} | ${item.before.skills.join(', ') || 'none'} |`,
    `| after (corrected) | ${cell(item.after.rootCause)} | ${item.after.skill} |`,
    '',
    item.scenario
      ? `**Regression scenario:** \`${item.scenario.path}\`, written from the investigation's redacted snapshot; ` +
        `\`${item.scenario.command}\` replays it.`
      : `**Regression scenario:** none (${item.scenarioProblem ?? 'no snapshot'}).`,
    '',
  ];
}

/**
 * The markdown body of a skills pull request. One correction reads as before; several (similar
 * corrections to one skill, merged into one change) get a section each, with their own thread.
 */
export function skillPullRequestBody(input: PullRequestBodyInput): string {
  const diff = input.files.flatMap((file) => [
    `${file.before === undefined ? 'new file' : 'changed'} \`${file.path}\`:`,
    '```diff',
    ...addedLines(file)
      .slice(0, 40)
      .map((line) => `+ ${line}`),
    '```',
  ]);
  const [only] = input.cases;
  const isSingle = input.cases.length === 1 && only !== undefined;
  const people = [...new Set(input.cases.map((item) => item.correctedBy))].map((user) => `<@${user}>`).join(', ');
  const intro = isSingle
    ? `A correction from Slack${only.threadUrl ? ` ([thread](${only.threadUrl}))` : ''}, confirmed by ${people}.`
    : `${input.cases.length} corrections from Slack to one skill, merged into one change, confirmed by ${people}.`;
  return [
    intro,
    '',
    ...input.cases.flatMap((item, index) =>
      caseLines(item, isSingle ? undefined : `Correction ${index + 1} of ${input.cases.length}`),
    ),
    '**Change**',
    ...input.summary.map((line) => `- ${line}`),
    '',
    ...diff,
    '',
    'Review it like code: `sre-bot skills ci` runs on this pull request and fails on a regression.',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);
}
