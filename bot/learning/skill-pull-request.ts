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

/** What the PR body shows: the thread, the answer before and after, the change, the scenario. */
export interface PullRequestBodyInput {
  threadUrl?: string;
  question: string;
  before: { rootCause: string; skills: string[] };
  after: { rootCause: string; skill: string };
  summary: readonly string[];
  files: readonly SkillFileChange[];
  scenario?: { path: string; command: string };
  scenarioProblem?: string;
  correctedBy: readonly string[];
}

/** The markdown body of a skills pull request. */
export function skillPullRequestBody(input: PullRequestBodyInput): string {
  const diff = input.files.flatMap((file) => [
    `${file.before === undefined ? 'new file' : 'changed'} \`${file.path}\`:`,
    '```diff',
    ...addedLines(file)
      .slice(0, 40)
      .map((line) => `+ ${line}`),
    '```',
  ]);
  return [
    `A correction from Slack${input.threadUrl ? ` ([thread](${input.threadUrl}))` : ''}, confirmed by ` +
      `${input.correctedBy.map((user) => `<@${user}>`).join(', ')}.`,
    '',
    `**Question:** ${input.question}`,
    '',
    '| | root cause | skill |',
    '|---|---|---|',
    `| before (sre-bot said) | ${cell(input.before.rootCause)} | ${input.before.skills.join(', ') || 'none'} |`,
    `| after (corrected) | ${cell(input.after.rootCause)} | ${input.after.skill} |`,
    '',
    '**Change**',
    ...input.summary.map((line) => `- ${line}`),
    '',
    ...diff,
    '',
    input.scenario
      ? `**Regression scenario:** \`${input.scenario.path}\`, written from the investigation's redacted snapshot; ` +
        `\`${input.scenario.command}\` replays it.`
      : `**Regression scenario:** none (${input.scenarioProblem ?? 'no snapshot'}).`,
    '',
    'Review it like code: `sre-bot skills ci` runs on this pull request and fails on a regression.',
  ].join('\n');
}

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);
}
