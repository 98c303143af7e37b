import { describe, expect, it } from 'vitest';
import {
  lintActionItems,
  lintBlameless,
  lintDraftNote,
  lintRca,
  lintRequiredSections,
  lintTimes,
  onlyHumanFindings,
} from './lint-rca.js';
import { RcaDocumentSchema, type RcaDocument } from './rca-document.js';

/** A document that passes every rule; each test breaks one thing. */
function clean(overrides: Partial<RcaDocument> = {}): RcaDocument {
  return RcaDocumentSchema.parse({
    title: 'checkout: image tag 9.9.9 does not exist',
    severity: 'sev2',
    summary: 'Checkout was unavailable for 25 minutes. Orders could not be placed.',
    impact: 'All checkout requests failed between 10:00 and 10:25 UTC.',
    trigger: 'Deployment of revision 1a2b3c4 to checkout.',
    rootCause: 'The values file pinned image tag 9.9.9, which was never pushed.',
    detection: {
      startedAt: '2026-11-24T10:00:00.000Z',
      detectedAt: '2026-11-24T10:10:00.000Z',
      text: 'A developer asked.',
    },
    timeline: [
      {
        at: '2026-11-24T10:00:00.000Z',
        actor: 'Argo CD',
        text: 'Deployed 1a2b3c4.',
        source: { kind: 'commit', ref: '1a2b3c4' },
      },
      {
        at: '2026-11-24T10:10:00.000Z',
        actor: 'requester',
        text: 'Asked.',
        source: { kind: 'investigation', ref: 'inv-1' },
      },
    ],
    resolution: { resolvedAt: '2026-11-24T10:25:00.000Z', text: 'The tag was fixed.' },
    actionItems: [
      { text: 'Check that image tags exist in CI.', owner: 'platform team', due: '2026-12-15', ticket: 'https://t/1' },
    ],
    lessons: { wentWell: ['Fast answer.'], wentWrong: ['No alert.'], gotLucky: ['Low traffic.'] },
    ...overrides,
  });
}

describe('RCA lint', () => {
  it('finds nothing in a complete, blameless document', () => {
    expect(lintRca(clean(), { people: ['alice'] })).toEqual([]);
  });

  it('rejects "human error" and other blame words in narrative sections', () => {
    const findings = lintBlameless(clean({ rootCause: 'Human error: the engineer was careless.' }));
    expect(findings.map((f) => [f.rule, f.section, f.level])).toEqual([
      ['blameless', 'rootCause', 'error'],
      ['blameless', 'rootCause', 'error'],
    ]);
    expect(findings[0]?.message).toContain('human error');
  });

  it('rejects a person named as a cause, by Slack mention, user id or a name from the records', () => {
    expect(lintBlameless(clean({ trigger: '<@U0123ABCD> pushed a bad tag.' }))[0]?.section).toBe('trigger');
    expect(lintBlameless(clean({ summary: 'U0123ABCD99 broke checkout.' }))).toHaveLength(1);
    const named = lintBlameless(clean({ rootCause: 'Alice changed the tag.' }), { people: ['alice'] });
    expect(named[0]?.message).toContain('"alice"');
    // Words that merely look like ids (all letters) are not people.
    expect(lintBlameless(clean({ rootCause: 'The pod was UNAVAILABLE for minutes.' }))).toEqual([]);
  });

  it('wants roles, not people, as timeline actors', () => {
    const doc = clean();
    const [, asker] = doc.timeline;
    if (!asker) throw new Error('the fixture has two timeline rows');
    const timeline = [...doc.timeline, { ...asker, at: '2026-11-24T10:11:00.000Z', actor: '<@U0123ABCD>' }];
    expect(lintBlameless(clean({ timeline }))).toMatchObject([{ section: 'timeline', level: 'error' }]);
  });

  it('wants an owner and a due date on every action item, and a link as ticket', () => {
    const findings = lintActionItems(
      clean({ actionItems: [{ text: 'Add an alert', owner: '', due: '', ticket: 'JIRA-1' }] }),
    );
    expect(findings.map((f) => [f.level, f.message.split(' needs ')[1] ?? f.message])).toEqual([
      ['error', 'an owner.'],
      ['error', 'a due date.'],
      ['warning', expect.stringContaining('ticket should be a link') as unknown as string],
    ]);
  });

  it('reports missing owners as work for a person when the draft says so', () => {
    const doc = clean({
      actionItems: [{ text: 'Add an alert', owner: '', due: '', ticket: '' }],
      needsHuman: ['actionItems'],
    });
    const findings = lintActionItems(doc);
    expect(findings.every((f) => f.level === 'human')).toBe(true);
    expect(onlyHumanFindings(findings)).toBe(true);
  });

  it('requires every section, as an error unless it waits for a person', () => {
    const doc = clean({ impact: '', actionItems: [], resolution: { text: '' }, needsHuman: ['impact'] });
    const findings = lintRequiredSections(doc);
    expect(findings.map((f) => [f.section, f.level])).toEqual([
      ['impact', 'human'],
      ['resolution', 'error'],
      ['actionItems', 'error'],
      ['impact', 'human'],
    ]);
  });

  it('catches times out of order', () => {
    const detection = { startedAt: '2026-11-24T10:10:00.000Z', detectedAt: '2026-11-24T10:00:00.000Z', text: 'x' };
    const doc = clean({ detection, resolution: { resolvedAt: '2026-11-24T09:00:00.000Z', text: 'y' } });
    const messages = lintTimes(doc).map((f) => f.message);
    expect(messages).toContain('Detected before the incident started.');
    expect(messages).toContain('Resolved before the incident started.');
    expect(messages).toContain('Resolved before it was detected.');
    expect(messages.some((m) => m.startsWith('The timeline starts at'))).toBe(true);
    const reversed = clean({ timeline: [...clean().timeline].reverse() });
    expect(lintTimes(reversed).map((f) => f.message)).toEqual([
      'Timeline row 2 (2026-11-24T10:00:00.000Z) is earlier than the row before it.',
    ]);
  });

  it("shows the drafter's fallback note as a warning, which does not hold back publishing", () => {
    expect(lintDraftNote(clean())).toEqual([]);
    const note = 'The model could not write this draft, so it was drafted from the records in triage mode.';
    const findings = lintRca(clean({ draftNote: note }));
    expect(findings).toEqual([{ rule: 'draft-mode', level: 'warning', section: 'summary', message: note }]);
    expect(onlyHumanFindings(findings)).toBe(false);
  });

  it('keeps the summary to two sentences and wants a severity', () => {
    const findings = lintRca(clean({ summary: 'One. Two. Three.', severity: 'unknown' }));
    expect(findings.map((f) => [f.rule, f.level])).toEqual([
      ['severity', 'error'],
      ['summary-length', 'warning'],
    ]);
  });
});
