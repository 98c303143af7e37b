import { describe, expect, it } from 'vitest';
import type { EvidenceItem } from '../../skills/evidence.js';
import { parseFixCases } from '../../skills/fix-cases.js';
import { answerDefects } from './answer-properties.js';
import { confidenceOf, type ConfidenceInputs } from './confidence.js';
import { selectFixCase } from './fix-selection.js';
import { asClause, clipWords, hasMidWordCut, isOneSentence, sharedRun } from './text.js';

const FIX = `
Some advice that is not a case.
- **Tag that does not exist** \`when: event~/manifest unknown|not found/i; !event~/unauthorized/i\`: set
  {{image}} back to {{healthyTag}}.
- **Missing pull secret** \`when: event~/unauthorized|pull access denied/i; !event~/not found/i\`: add a pull
  secret for {{image}}.
- **Rate limit** \`when: event~/toomanyrequests/i\`: mirror {{image}}.
`;

const pullEvent = (message: string): EvidenceItem => ({
  kind: 'event',
  source: 'list_events:prod-eu/namespace/shop',
  text:
    `x3 Warning Failed Pod/checkout-1 (1m ago): Failed to pull image "r.example.com/shop/checkout:1.8.3": ` +
    `${message}`,
});

describe('fix-case selection', () => {
  const cases = parseFixCases(FIX);

  it('reads the cases, their signals and placeholders from the Fix section', () => {
    expect(cases.map((fixCase) => fixCase.title)).toEqual([
      'Tag that does not exist',
      'Missing pull secret',
      'Rate limit',
    ]);
    expect(cases[0]?.signals.map((signal) => signal.isCounter)).toEqual([false, true]);
    expect(cases[0]?.placeholders).toEqual(['image', 'healthyTag']);
    expect(cases[0]?.text).toBe('Tag that does not exist: set {{image}} back to {{healthyTag}}.');
  });

  it('offers the case the evidence supports, filled in, and drops the one it contradicts', () => {
    const selection = selectFixCase(cases, [pullEvent('manifest unknown: not found')], {
      image: 'r.example.com/shop/checkout',
      healthyTag: '1.8.2',
    });
    expect(selection.chosen?.text).toBe('Tag that does not exist: set r.example.com/shop/checkout back to 1.8.2.');
    expect(selection.chosen?.missingFacts).toEqual([]);
    expect(selection.contradicted).toEqual(['Missing pull secret']);
    // Not contradicted but not supported either: not offered beside a decided case.
    expect(selection.offered.map((offered) => offered.title)).toEqual(['Tag that does not exist']);
  });

  it('picks the other case when the evidence says unauthorized', () => {
    const selection = selectFixCase(cases, [pullEvent('401 unauthorized')], {});
    expect(selection.chosen?.title).toBe('Missing pull secret');
    expect(selection.chosen?.missingFacts).toEqual(['image']);
    expect(selection.chosen?.text).toBe('Missing pull secret: add a pull secret for the image.');
    expect(selection.contradicted).toEqual(['Tag that does not exist']);
  });

  it(
    'decides nothing when nothing in the evidence singles a ' + 'case out, and offers every case in the skill order',
    () => {
      const selection = selectFixCase(cases, [pullEvent('i/o timeout')], {});
      expect(selection.chosen).toBeUndefined();
      expect(selection.contradicted).toEqual([]);
      expect(selection.offered.map((offered) => offered.title)).toEqual([
        'Tag that does not exist',
        'Missing pull secret',
        'Rate limit',
      ]);
    },
  );

  it('decides nothing when two cases are supported as strongly', () => {
    const selection = selectFixCase(cases, [pullEvent('toomanyrequests'), pullEvent('manifest unknown')], {});
    expect(selection.chosen).toBeUndefined();
    expect(selection.offered.slice(0, 2).map((offered) => offered.title)).toEqual([
      'Tag that does not exist',
      'Rate limit',
    ]);
  });
});

describe('confidence', () => {
  const sure: ConfidenceInputs = {
    isClearSkill: true,
    hasCases: true,
    isCaseDecided: true,
    isFixConcrete: true,
    signalHits: 3,
    hasBlindSpots: false,
  };

  it('is high only when one skill wins on two signals and the fix case is decided and concrete', () => {
    expect(confidenceOf(sure)).toBe('high');
    expect(confidenceOf({ ...sure, signalHits: 1 })).toBe('medium');
    expect(confidenceOf({ ...sure, isClearSkill: false })).toBe('low');
  });

  it('drops a step for each doubt: an undecided case, a fix without its values, an instance not checked', () => {
    expect(confidenceOf({ ...sure, isCaseDecided: false, isFixConcrete: false })).toBe('medium');
    expect(confidenceOf({ ...sure, isFixConcrete: false })).toBe('medium');
    expect(confidenceOf({ ...sure, hasBlindSpots: true })).toBe('medium');
    expect(confidenceOf({ ...sure, isCaseDecided: false, hasBlindSpots: true })).toBe('low');
    // A skill without cases is judged on the match alone.
    expect(confidenceOf({ ...sure, hasCases: false, isCaseDecided: false, isFixConcrete: false })).toBe('high');
  });
});

describe('answer text', () => {
  it('cuts at word boundaries, never inside a word, and says so', () => {
    const clipped = clipWords('the image registry.example.com/shop/checkout:1.8.3 was not found anywhere', 40);
    expect(clipped).toBe('the image …');
    expect(hasMidWordCut(clipped)).toBe(false);
    expect(hasMidWordCut('the image was not fou…')).toBe(true);
    expect(clipWords('short', 40)).toBe('short');
  });

  it('makes one sentence of several and tells one sentence from two', () => {
    const clause = asClause('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.');
    expect(clause).toBe('0/3 nodes are available: 3 Insufficient cpu; preemption: 0/3 nodes are available');
    expect(isOneSentence(`${clause}, since revision abc1234.`)).toBe(true);
    expect(isOneSentence('It broke. Then it broke again.')).toBe(false);
    expect(isOneSentence('image 1.8.3 not found in registry.example.com.')).toBe(true);
  });

  it('measures the longest run of words two texts share', () => {
    expect(sharedRun('the tag 1.8.3 does not exist in the registry', 'pods wait: the tag 1.8.3 does not exist')).toBe(
      6,
    );
    expect(sharedRun('Deployment shop/checkout is Degraded', 'no overlap here')).toBe(0);
  });
});

describe('answer properties', () => {
  const answer = {
    summary: 'Argo CD app checkout is Degraded; 1 pod not healthy.',
    rootCause: 'Pod/checkout-1: manifest unknown, in Deployment shop/checkout, since revision abc1234.',
    evidence: [{ text: 'x3 Warning Failed Pod/checkout-1: manifest unknown: not found', source: 'list_events' }],
    confidence: 'high' as const,
    nextSteps: ['Tag that does not exist: set the tag back to 1.8.2.'],
    fix: { description: 'Tag that does not exist: set the tag back to 1.8.2.' },
  };
  const cases = parseFixCases(FIX);

  it('finds nothing wrong in an answer that reads right', () => {
    expect(answerDefects(answer, cases)).toEqual([]);
  });

  it('names each defect: two sentences, a mid-word cut, a repeated summary, a contradicted case', () => {
    const defects = answerDefects(
      {
        ...answer,
        rootCause: 'Pod/checkout-1 failed to pull the image. The tag is not fou…',
        summary: 'Pod/checkout-1 failed to pull the image. The tag is missing.',
        evidence: [...answer.evidence, ...answer.evidence],
        nextSteps: ['Missing pull secret: add a pull secret for {{image}}.'],
      },
      cases,
    );
    expect(defects.map((defect) => defect.split(':')[0])).toEqual([
      'root cause is more than one sentence',
      'cut inside a word',
      'summary repeats 9 words of the root cause',
      'evidence said twice',
      'a fix placeholder was left unfilled',
      "offers 'Missing pull secret', which its evidence contradicts",
    ]);
  });
});
