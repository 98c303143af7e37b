import { describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import type { ScenarioExpect } from '../sandbox/scenario/scenario-schema.js';
import { judge } from './judge.js';

const EXPECT: ScenarioExpect = {
  app: { instance: 'argocd-eu-1', name: 'checkout' },
  rootCause: ['1.8.3', 'not found'],
  skill: 'image-pull-errors',
  fix: ['1.8.2'],
  notInFix: ['pull secret'],
  evidence: ['ImagePullBackOff'],
  healthyAfterFix: true,
};

function answer(overrides: Partial<Answer>): Answer {
  return {
    summary: 'checkout in prod-eu has one pod that cannot start.',
    rootCause: 'The image tag 1.8.3 was not found in registry.example.com/shop/checkout.',
    evidence: [{ text: 'checkout waiting: ImagePullBackOff', source: 'kubernetes/prod-eu/pod/checkout-1' }],
    confidence: 'high',
    nextSteps: ['Set the tag back to 1.8.2, which last ran healthy.'],
    mode: 'triage',
    question: 'why is checkout failing?',
    skills: ['image-pull-errors'],
    instances: ['argocd-eu-1', 'prod-eu'],
    notes: [],
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, toolCalls: 3, turns: 0 },
    durationMs: 10,
    ...overrides,
  };
}

describe('the strict judge', () => {
  it('passes an answer whose cause, fix and evidence each state their facts', () => {
    const verdict = judge({ kind: 'answer', answer: answer({}) }, EXPECT);
    expect(verdict.reason).toBe('ok');
    expect(verdict.isPassed).toBe(true);
  });

  it('does not count a root-cause fact that stands only in the evidence', () => {
    const verdict = judge(
      {
        kind: 'answer',
        answer: answer({
          rootCause: 'Deployment checkout is Degraded.',
          evidence: [{ text: 'checkout:1.8.3 not found; ImagePullBackOff', source: 'kubernetes/prod-eu' }],
        }),
      },
      EXPECT,
    );
    expect(verdict.isPassed).toBe(false);
    expect(verdict.parts.rootCause.missing).toEqual(['1.8.3', 'not found']);
    expect(verdict.reason).toBe('root cause lacks "1.8.3", "not found"');
  });

  it('accepts a root-cause fact stated in the summary', () => {
    const verdict = judge(
      {
        kind: 'answer',
        answer: answer({ rootCause: 'The release asked for a tag that is not found.', summary: 'tag 1.8.3 is gone' }),
      },
      EXPECT,
    );
    expect(verdict.isPassed).toBe(true);
  });

  it('grades the fix on the fix and next steps only, and refuses advice listed in notInFix', () => {
    const verdict = judge(
      {
        kind: 'answer',
        answer: answer({
          rootCause: 'Tag 1.8.3 not found; 1.8.2 ran before.',
          nextSteps: ['Add the missing pull secret to the service account.'],
        }),
      },
      EXPECT,
    );
    expect(verdict.parts.fix).toEqual({ found: [], missing: ['1.8.2'], forbidden: ['pull secret'] });
    expect(verdict.reason).toBe('fix lacks "1.8.2"; fix wrongly says "pull secret"');
  });

  it('reads the fix description and change as fix text', () => {
    const verdict = judge(
      {
        kind: 'answer',
        answer: answer({ nextSteps: [], fix: { description: 'roll back', change: 'newTag: "1.8.2"' } }),
      },
      EXPECT,
    );
    expect(verdict.parts.fix.found).toEqual(['1.8.2']);
  });

  it('fails evidence that does not quote the decisive line, a wrong skill and a foreign instance', () => {
    const verdict = judge(
      {
        kind: 'answer',
        answer: answer({
          evidence: [{ text: 'checkout has 3 replicas', source: 'x' }],
          skills: ['oomkilled'],
          instances: ['argocd-stage-1', 'stage-eu'],
        }),
      },
      EXPECT,
    );
    expect(verdict.reason).toBe(
      'evidence lacks "ImagePullBackOff"; expected skill image-pull-errors, used oomkilled; ' +
        'answered from argocd-stage-1, stage-eu, expected argocd-eu-1',
    );
  });

  it("accepts an answer drawn from the expected app's cluster alone", () => {
    const verdict = judge({ kind: 'answer', answer: answer({ instances: ['prod-eu'] }) }, EXPECT, {
      cluster: 'prod-eu',
    });
    expect(verdict.isInstanceMatched).toBe(true);
  });

  it('fails a clarifying question', () => {
    const verdict = judge({ kind: 'clarify', question: 'which checkout?', options: [], notes: [] }, EXPECT);
    expect(verdict.isPassed).toBe(false);
    expect(verdict.reason).toBe('asked back instead of answering: which checkout?');
    expect(verdict.factsMissing).toEqual(['1.8.3', 'not found']);
  });
});
