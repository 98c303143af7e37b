import { describe, expect, it } from 'vitest';
import type { SkillMatchResult } from '../ports.js';
import { byQuestionTopic } from './question-topic.js';

const match = (name: string, score: number): SkillMatchResult => ({ name, score, hits: [] }) as SkillMatchResult;
const matches = [match('missing-configmap-or-secret', 9), match('kyverno-policy-violations', 4), match('oomkilled', 2)];

describe('the skill a namespace question asks about', () => {
  it('puts first the matched skill whose name words the question uses', () => {
    const ranked = byQuestionTopic(matches, 'which workloads in payments violate our kyverno policies?');
    expect(ranked.map((entry) => entry.name)).toEqual([
      'kyverno-policy-violations',
      'missing-configmap-or-secret',
      'oomkilled',
    ]);
  });

  it('keeps the evidence order when the question names no matched skill, or two equally', () => {
    expect(byQuestionTopic(matches, 'what is broken in payments on prod-eu?')).toEqual(matches);
    expect(byQuestionTopic(matches, 'any errors or missing things in payments?')).toEqual(matches);
    const tied = [match('oomkilled', 3), match('pvc-pending', 2)];
    expect(byQuestionTopic(tied, 'oomkilled pods and a pending pvc in batch?')).toEqual(tied);
  });
});
