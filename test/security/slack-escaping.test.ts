import { describe, expect, it } from 'vitest';
import type { Answer } from '../../bot/agent/answer.js';
import { answerFallbackText, renderAnswerBlocks } from '../../bot/slack/answer-blocks.js';
import { ANSWER_ACTIONS, answerMarkdownChunks, clarifyText } from '../../bot/slack/answer-poster.js';
import { homeView } from '../../bot/slack/app-home.js';
import { correctionModal } from '../../bot/slack/correction-modal.js';
import { statusText } from '../../bot/slack/status-reporter.js';

/** Text a tool, a skill or a person could put in front of the bot: broadcasts, mentions, disguised links. */
const HOSTILE =
  'see <!channel> and <!here> <!everyone> @channel @here, ping <@U0EVIL0001> and <#C0EVIL>, ' +
  'open <https://evil.example.com/steal|docs.example.com> or [the runbook](https://evil.example.com/x)';

/** What must never reach Slack from such text, on any surface. */
const FORBIDDEN = [
  /<!channel>/,
  /<!here>/,
  /<!everyone>/,
  /<@U0EVIL0001>/,
  /<#C0EVIL>/,
  /<https:\/\/evil/,
  /(^|[^\u2060])@(channel|here)\b/,
];
/** mrkdwn shows `[label](url)` as it is; only markdown (chat streaming) would turn it into a disguised link. */
const MARKDOWN_LINK = /\[the runbook\]\(https/;

function hostileAnswer(): Answer {
  return {
    summary: `summary ${HOSTILE}`,
    rootCause: `root cause ${HOSTILE}`,
    evidence: [{ text: `evidence ${HOSTILE}`, source: `source ${HOSTILE}` }],
    confidence: 'medium',
    nextSteps: [`step ${HOSTILE}`],
    fix: { description: `fix ${HOSTILE}` },
    mode: 'model',
    question: `question ${HOSTILE}`,
    skills: ['image-pull-errors'],
    instances: ['prod-eu'],
    notes: [`note ${HOSTILE}`],
    usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0, toolCalls: 1, turns: 1 },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    durationMs: 10,
  };
}

function expectInert(surface: string, rendered: unknown, isMarkdown = false): void {
  const text = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
  // The hostile text did arrive (escaped), so a surface that dropped it would not pass silently.
  expect(text, surface).toContain('evil.example.com');
  for (const pattern of isMarkdown ? [...FORBIDDEN, MARKDOWN_LINK] : FORBIDDEN)
    expect(text, `${surface} must not carry ${pattern}`).not.toMatch(pattern);
}

/** Issue 19: nothing from tools, skills or users can broadcast, mention or disguise a link in Slack. */
describe('Slack surfaces escape untrusted text', () => {
  const answer = hostileAnswer();

  it('Block Kit answer', () => expectInert('blocks', renderAnswerBlocks(answer, 'inv-1', ANSWER_ACTIONS)));
  it('fallback text', () => expectInert('fallback text', answerFallbackText(answer)));
  it('streamed markdown', () => expectInert('streamed markdown', answerMarkdownChunks(answer).join(''), true));
  it('status line', () => expectInert('status', statusText('gather', `calling get_pod_logs ${HOSTILE}`)));
  it('clarifying question', () =>
    expectInert('clarify', clarifyText({ kind: 'clarify', question: HOSTILE, options: [HOSTILE] } as never)));
  it('correction modal', () =>
    expectInert(
      'modal',
      correctionModal({ investigationId: 'inv-1', channel: 'C0CHAN00001', thread: '1.1', messageTs: '1.2' } as never, {
        rootCause: answer.rootCause,
        answerSkills: [],
        catalogSkills: [],
      }),
    ));
  it('App Home', () =>
    expectInert(
      'App Home',
      homeView({
        health: {},
        supportChannels: [],
        investigations: [
          {
            id: 'inv-1',
            source: 'slack',
            question: answer.question,
            channel: 'C0CHAN00001',
            status: 'answered',
            startedAt: new Date(0),
            answer,
          } as never,
        ],
        corrections: {
          open: [
            {
              id: 'c-1',
              investigationId: 'inv-1',
              userId: 'U0HUMAN0001',
              correctRootCause: HOSTILE,
              skillName: HOSTILE,
              status: 'open',
              createdAt: new Date(0),
            } as never,
          ],
        },
      }),
    ));
});
