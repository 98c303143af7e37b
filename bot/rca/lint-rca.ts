import type { RcaDocument, SectionKey } from './rca-document.js';

/**
 * Review hints for an RCA draft. `error`: the document is wrong as written (blame, inconsistent
 * times); `warning`: it reads worse than it should; `human`: a field only a person can fill is
 * still empty (the draft says so itself in `needsHuman`), shown as a to-do rather than a fault.
 */
export interface RcaFinding {
  rule: 'required-section' | 'blameless' | 'action-item' | 'times' | 'summary-length' | 'severity' | 'draft-mode';
  level: 'error' | 'warning' | 'human';
  section: SectionKey;
  message: string;
}

export interface LintOptions {
  /** Names and ids of people in the records (asker, responders); none may appear as a cause. */
  people?: readonly string[];
}

const BLAME_PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bhuman[- ]error\b/i, '"human error"'],
  [/\boperator[- ]error\b/i, '"operator error"'],
  [/\bcareless(ness)?\b/i, '"careless"'],
  [/\bnegligen(t|ce)\b/i, '"negligence"'],
  [/\b(is|was|were) to blame\b|\bblame[sd]?\b/i, '"blame"'],
  [/\bshould have known\b/i, '"should have known"'],
  [/\b(his|her) (fault|mistake)\b/i, 'a personal "fault"'],
];

const ROLE_EXAMPLE = 'write "the on-call engineer", "a deploy".';
const SLACK_MENTION = /<@[UW][A-Z0-9]+(\|[^>]*)?>/;
const SLACK_USER_ID = /\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b/;

type Narrative = { section: SectionKey; text: string };

function narratives(doc: RcaDocument): Narrative[] {
  return [
    { section: 'title', text: doc.title },
    { section: 'summary', text: doc.summary },
    { section: 'impact', text: doc.impact },
    { section: 'trigger', text: doc.trigger },
    { section: 'rootCause', text: [doc.rootCause, ...doc.contributingFactors].join('\n') },
    { section: 'detection', text: doc.detection.text },
    { section: 'resolution', text: doc.resolution.text },
    {
      section: 'lessons',
      text: [...doc.lessons.wentWell, ...doc.lessons.wentWrong, ...doc.lessons.gotLucky].join('\n'),
    },
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** No "human error", no blame words, and no person named in the narrative or as a timeline actor. */
export function lintBlameless(doc: RcaDocument, options: LintOptions = {}): RcaFinding[] {
  const findings: RcaFinding[] = [];
  const people = (options.people ?? []).filter((name) => name.trim().length >= 2);
  const named = people.map((name) => ({ name, pattern: new RegExp(`(^|\\W)${escapeRegExp(name)}(\\W|$)`, 'i') }));
  for (const { section, text } of narratives(doc)) {
    for (const [pattern, label] of BLAME_PHRASES)
      if (pattern.test(text))
        findings.push({
          rule: 'blameless',
          level: 'error',
          section,
          message: `Avoid ${label}: describe the system and process that allowed it.`,
        });
    const person = named.find(({ pattern }) => pattern.test(text));
    if (SLACK_MENTION.test(text) || SLACK_USER_ID.test(text) || person)
      findings.push({
        rule: 'blameless',
        level: 'error',
        section,
        message: `Name roles, not people${person ? ` (found "${person.name}")` : ''}: ` + ROLE_EXAMPLE,
      });
  }
  for (const row of doc.timeline) {
    const isPerson =
      SLACK_MENTION.test(row.actor) ||
      SLACK_USER_ID.test(row.actor) ||
      named.some(({ pattern }) => pattern.test(row.actor));
    if (isPerson)
      findings.push({
        rule: 'blameless',
        level: 'error',
        section: 'timeline',
        message: `Timeline actor "${row.actor}" at ${row.at} is a person; use their role.`,
      });
  }
  return findings;
}

function missing(doc: RcaDocument, section: SectionKey, message: string): RcaFinding {
  const level = doc.needsHuman.includes(section) ? 'human' : 'error';
  return { rule: 'required-section', level, section, message };
}

/** Every section a manager reads must be there (or be marked as waiting for a person). */
export function lintRequiredSections(doc: RcaDocument): RcaFinding[] {
  const findings: RcaFinding[] = [];
  const checks: Array<[SectionKey, boolean, string]> = [
    ['summary', doc.summary.trim() !== '', 'Write a one- or two-sentence summary in business terms.'],
    ['impact', doc.impact.trim() !== '', 'Describe the impact: who was affected, how, for how long.'],
    ['trigger', doc.trigger.trim() !== '', 'Name the change or event that triggered the incident.'],
    ['rootCause', doc.rootCause.trim() !== '', 'State the root cause.'],
    ['detection', Boolean(doc.detection.detectedAt), 'Record when and how the incident was detected.'],
    ['timeline', doc.timeline.length > 0, 'Add the timeline of what happened (UTC).'],
    ['resolution', Boolean(doc.resolution.resolvedAt), 'Record when service recovered and how.'],
    ['actionItems', doc.actionItems.length > 0, 'Add at least one action item.'],
    [
      'lessons',
      doc.lessons.wentWell.length + doc.lessons.wentWrong.length + doc.lessons.gotLucky.length > 0,
      'Add lessons: what went well, what went wrong, where we got lucky.',
    ],
  ];
  for (const [section, isPresent, message] of checks) if (!isPresent) findings.push(missing(doc, section, message));
  if (doc.needsHuman.includes('lessons') && doc.lessons.gotLucky.length === 0)
    findings.push({ rule: 'required-section', level: 'human', section: 'lessons', message: 'Say where we got lucky.' });
  if (doc.needsHuman.includes('impact'))
    findings.push({
      rule: 'required-section',
      level: 'human',
      section: 'impact',
      message: 'Confirm the business impact.',
    });
  if (doc.needsHuman.includes('resolution') && doc.resolution.resolvedAt === undefined && doc.resolution.text !== '')
    findings.push({
      rule: 'required-section',
      level: 'human',
      section: 'resolution',
      message: 'Confirm when service recovered.',
    });
  return findings;
}

/** Severity set from the closed list. */
export function lintSeverity(doc: RcaDocument): RcaFinding[] {
  if (doc.severity !== 'unknown') return [];
  const level = doc.needsHuman.includes('severity') ? 'human' : 'error';
  return [{ rule: 'severity', level, section: 'severity', message: 'Choose a severity (sev1 to sev4).' }];
}

/** Each action item has an owner and a due date; a ticket, when given, is a link. */
export function lintActionItems(doc: RcaDocument): RcaFinding[] {
  const findings: RcaFinding[] = [];
  const level = doc.needsHuman.includes('actionItems') ? 'human' : 'error';
  doc.actionItems.forEach((item, index) => {
    const label = `Action item ${index + 1} ("${item.text.slice(0, 40)}")`;
    if (item.owner.trim() === '')
      findings.push({ rule: 'action-item', level, section: 'actionItems', message: `${label} needs an owner.` });
    if (item.due === '')
      findings.push({ rule: 'action-item', level, section: 'actionItems', message: `${label} needs a due date.` });
    if (item.ticket !== '' && !/^https?:\/\//.test(item.ticket))
      findings.push({
        rule: 'action-item',
        level: 'warning',
        section: 'actionItems',
        message: `${label}: the ticket should be a link.`,
      });
  });
  return findings;
}

/** Start ≤ detected ≤ resolved, and the timeline in order and not before the start. */
export function lintTimes(doc: RcaDocument): RcaFinding[] {
  const findings: RcaFinding[] = [];
  const { startedAt, detectedAt } = doc.detection;
  const { resolvedAt } = doc.resolution;
  const fail = (section: SectionKey, message: string) =>
    findings.push({ rule: 'times', level: 'error', section, message });
  if (startedAt && detectedAt && detectedAt < startedAt) fail('detection', 'Detected before the incident started.');
  if (startedAt && resolvedAt && resolvedAt < startedAt) fail('resolution', 'Resolved before the incident started.');
  if (detectedAt && resolvedAt && resolvedAt < detectedAt) fail('resolution', 'Resolved before it was detected.');
  for (let index = 1; index < doc.timeline.length; index += 1) {
    const previous = doc.timeline[index - 1];
    const row = doc.timeline[index];
    if (previous && row && row.at < previous.at) {
      fail('timeline', `Timeline row ${index + 1} (${row.at}) is earlier than the row before it.`);
      break;
    }
  }
  const first = doc.timeline[0];
  if (startedAt && first && first.at < startedAt)
    fail('timeline', `The timeline starts at ${first.at}, before the incident start ${startedAt}.`);
  return findings;
}

/** The summary stays one or two sentences. */
export function lintSummaryLength(doc: RcaDocument): RcaFinding[] {
  const sentences = doc.summary.split(/(?<=[.!?])\s+/).filter((part) => part.trim() !== '');
  if (sentences.length <= 2) return [];
  return [
    {
      rule: 'summary-length',
      level: 'warning',
      section: 'summary',
      message: `The summary has ${sentences.length} sentences; keep it to two.`,
    },
  ];
}

/** The drafter's own note (model mode fell back to triage): read the narrative with that in mind. */
export function lintDraftNote(doc: RcaDocument): RcaFinding[] {
  return doc.draftNote ? [{ rule: 'draft-mode', level: 'warning', section: 'summary', message: doc.draftNote }] : [];
}

/** Every rule, in document order. */
export function lintRca(doc: RcaDocument, options: LintOptions = {}): RcaFinding[] {
  return [
    ...lintDraftNote(doc),
    ...lintSeverity(doc),
    ...lintRequiredSections(doc),
    ...lintSummaryLength(doc),
    ...lintBlameless(doc, options),
    ...lintActionItems(doc),
    ...lintTimes(doc),
  ];
}

/** True when only a person's input is missing (no errors or warnings). */
export function onlyHumanFindings(findings: readonly RcaFinding[]): boolean {
  return findings.every((finding) => finding.level === 'human');
}
