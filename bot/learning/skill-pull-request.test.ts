import { describe, expect, it } from 'vitest';
import type { Answer } from '../agent/answer.js';
import { renderAnswerBlocks } from '../slack/answer-blocks.js';
import { codeOwnersOf, reviewersFor, skillPullRequestBody } from './skill-pull-request.js';
import { skillNameFrom } from './skill-scaffold.js';

const CODEOWNERS = [
  '# owners',
  '*           @platform/sre',
  '/skills/    @platform/skills-team',
  'skills/kyverno-*/ @security',
].join('\n');

describe('skills pull request', () => {
  it('takes reviewers from metadata.owner, else the last CODEOWNERS rule that matches the skill file', () => {
    expect(codeOwnersOf(CODEOWNERS, 'skills/oomkilled/SKILL.md')).toEqual(['@platform/skills-team']);
    expect(codeOwnersOf(CODEOWNERS, 'skills/kyverno-policy-violations/SKILL.md')).toEqual(['@security']);
    expect(codeOwnersOf(CODEOWNERS, 'README.md')).toEqual(['@platform/sre']);
    expect(codeOwnersOf(undefined, 'skills/x/SKILL.md')).toEqual([]);
    expect(reviewersFor('platform-sre', ['@security'])).toEqual(['platform-sre']);
    expect(reviewersFor(undefined, ['@security', '@security'])).toEqual(['security']);
  });

  const payments = {
    threadUrl: 'https://acme.slack.com/archives/C1/p1',
    question: 'why does payments-api restart?',
    before: { rootCause: 'the node | ran out of memory', skills: ['oomkilled'] },
    after: { rootCause: 'PAYMENTS_DB_URL is missing', skill: 'crashloop-missing-config' },
    scenario: {
      path: 'scenarios/regressions/r.yaml',
      command: 'sre-bot eval --scenario-file scenarios/regressions/r.yaml',
    },
    correctedBy: 'U1',
  };
  const files = [{ path: 'skills/x/SKILL.md', skill: 'x', before: 'a\n', after: 'a\n- 2026-12-04: it was\n' }];

  it('shows the thread, the answer before and after, the change and the scenario in the body', () => {
    const body = skillPullRequestBody({ cases: [payments], summary: ['dated entry in `## Corrections`'], files });
    expect(body).toContain('([thread](https://acme.slack.com/archives/C1/p1))');
    expect(body).toContain('| before (sre-bot said) | the node \\| ran out of memory | oomkilled |');
    expect(body).toContain('| after (corrected) | PAYMENTS_DB_URL is missing | crashloop-missing-config |');
    expect(body).toContain('+ - 2026-12-04: it was');
    expect(body).toContain('`scenarios/regressions/r.yaml`');
    expect(body).not.toContain('### Correction');
  });

  it('gives each merged correction its own section with its thread and scenario, and the change once', () => {
    const second = {
      ...payments,
      threadUrl: 'https://acme.slack.com/archives/C1/p2',
      scenario: { path: 'scenarios/regressions/s.yaml', command: 'sre-bot eval --scenario-file s' },
      correctedBy: 'U2',
    };
    const body = skillPullRequestBody({ cases: [payments, second], summary: ['one entry'], files });
    expect(body).toContain('2 corrections from Slack to one skill, merged into one change, confirmed by <@U1>, <@U2>.');
    expect(body).toContain('### Correction 1 of 2 ([thread](https://acme.slack.com/archives/C1/p1))');
    expect(body).toContain('### Correction 2 of 2 ([thread](https://acme.slack.com/archives/C1/p2))');
    expect(body).toContain('`scenarios/regressions/r.yaml`');
    expect(body).toContain('`scenarios/regressions/s.yaml`');
    expect(body.match(/\*\*Change\*\*/g)).toHaveLength(1);
  });
});

describe('Write a skill for this', () => {
  const answer = (rootCause: string): Answer => ({
    mode: 'triage',
    question: 'q',
    summary: 's',
    rootCause,
    evidence: [{ text: 'e', source: 's' }],
    confidence: 'low',
    nextSteps: [],
    skills: [],
    instances: [],
    notes: [],
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, toolCalls: 0, turns: 0 },
    durationMs: 1,
  });
  const actions = { proposeFix: false, draftRca: false, feedback: false, correct: true };

  it('is offered on an Undetermined answer only, and names a new skill from the corrected cause', () => {
    expect(
      JSON.stringify(renderAnswerBlocks(answer('Undetermined. The most relevant signal: x'), 'inv', actions)),
    ).toContain('write_skill');
    expect(JSON.stringify(renderAnswerBlocks(answer('The quota is full'), 'inv', actions))).not.toContain(
      'write_skill',
    );
    expect(skillNameFrom('The sidecar injector webhook times out on admission')).toBe('sidecar-injector-webhook-times');
  });
});
