import type { App, BlockAction, ButtonAction, types } from '@slack/bolt';
import { errorMessage } from '../errors.js';
import type { CorrectionProposal, CorrectionService } from '../learning/correction-service.js';
import { addedLines } from '../learning/skill-pull-request.js';
import type { Correction } from '../store/corrections-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { escapeMrkdwn } from './answer-blocks.js';

type Block = NonNullable<types.HomeView['blocks']>[number];
type Client = App['client'];

export const CorrectionActionId = {
  remember: 'correction_remember',
  discard: 'correction_discard',
} as const;

/**
 * The correction a thread reply states ("that's wrong, it was the quota", "wrong — the real cause
 * is ..."), or undefined when the reply is not a correction.
 */
export function correctionFromReply(text: string | undefined): string | undefined {
  const match =
    /^\s*(?:no[,.!]?\s*)?(?:that'?s|that is|this is|you'?re|you are|it'?s)?\s*(?:wrong|incorrect|not right)\b[\s,.:;!—–-]*(?:it was|it'?s|it is|the (?:real |actual )?(?:root )?(?:cause|problem|issue) (?:was|is))\s*:?\s*(.{3,})$/is.exec(
      text ?? '',
    );
  return match?.[1]?.trim();
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The confirm message: what would change, in which files, and the Remember / Discard buttons. */
export function proposalBlocks(correction: Correction, proposal: CorrectionProposal): Block[] {
  const diff = proposal.files
    .filter((file) => file.path.endsWith('SKILL.md'))
    .flatMap((file) => [
      `${file.before === undefined ? 'new' : 'edit'} ${file.path}`,
      ...addedLines(file)
        .slice(0, 8)
        .map((line) => `+ ${line}`),
    ]);
  const scenario = proposal.scenarioPath
    ? `Regression scenario: \`${escapeMrkdwn(proposal.scenarioPath)}\``
    : `No regression scenario: ${escapeMrkdwn(proposal.scenarioProblem ?? 'no snapshot')}`;
  const others = proposal.correctionIds.length - 1;
  const joins = proposal.joins
    ? `\nIt joins the open pull request ${proposal.joins.url}, which carries ${others} other ` +
      `correction${others === 1 ? '' : 's'} to this skill: one change, not a second pull request.`
    : '';
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*I would propose this change to \`${escapeMrkdwn(proposal.skill)}\`:*\n` +
            `${proposal.summary.map((line) => `• ${escapeMrkdwn(line)}`).join('\n')}\n${scenario}${joins}`,
          2_900,
        ),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`\`\`\`${escapeMrkdwn(diff.join('\n'))}\`\`\``, 2_900) } },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Nothing enters a skill until you press Remember; SREs review the pull request.' },
      ],
    },
    {
      type: 'actions',
      block_id: `correction-${correction.id}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Remember' },
          style: 'primary',
          action_id: CorrectionActionId.remember,
          value: correction.id,
        },
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Discard' },
          action_id: CorrectionActionId.discard,
          value: correction.id,
        },
      ],
    },
  ];
}

/** Dependencies of the confirm step. */
export interface CorrectionFlowDeps {
  learning: CorrectionService;
  logger: Logger;
}

/**
 * Shows the author the proposed change (ephemeral, in the thread) with Remember / Discard. When
 * no proposal can be built, says so in one sentence; the correction stays stored.
 */
export async function offerProposal(client: Client, deps: CorrectionFlowDeps, correction: Correction): Promise<void> {
  try {
    await offerOrExplain(client, deps, correction);
  } catch (error) {
    // Even the one-sentence explanation failed to post (Slack down): the correction stays stored and open.
    deps.logger.warn({ event: 'correction-offer-error', correctionId: correction.id, err: error }, 'offer not posted');
  }
}

async function offerOrExplain(client: Client, deps: CorrectionFlowDeps, correction: Correction): Promise<void> {
  if (!correction.channel) return;
  const place = {
    channel: correction.channel,
    user: correction.userId,
    ...(correction.thread ? { thread_ts: correction.thread } : {}),
  };
  try {
    const proposal = await deps.learning.preview(correction.id);
    await client.chat.postEphemeral({
      ...place,
      text: `I would propose a change to ${proposal.skill}: Remember or Discard?`,
      blocks: proposalBlocks(correction, proposal),
    });
  } catch (error) {
    deps.logger.warn({ event: 'correction-preview-error', correctionId: correction.id, err: error }, 'no proposal');
    await client.chat.postEphemeral({
      ...place,
      text: `Correction saved, but I could not build a skill change from it: ${errorMessage(error)}`,
    });
  }
}

/** Remember / Discard buttons: only the author decides; a second click changes nothing. */
export function registerCorrectionActions(app: App, deps: CorrectionFlowDeps): void {
  const reply = async (client: Client, body: BlockAction, text: string) => {
    const channel = body.channel?.id;
    const thread = body.container?.thread_ts as string | undefined;
    if (channel)
      await client.chat.postEphemeral({ channel, user: body.user.id, ...(thread ? { thread_ts: thread } : {}), text });
  };
  app.action<BlockAction<ButtonAction>>(CorrectionActionId.remember, async ({ ack, body, action, client }) => {
    await ack();
    // Opening the pull request takes several Git host calls: after the ack, never inside Slack's window.
    void (async () => {
      try {
        const { correction, pullRequest } = await deps.learning.remember(action.value ?? '', body.user.id);
        await reply(client, body, `Remembered. Skill pull request for review: ${pullRequest.url}`);
        if (correction.channel)
          await client.chat.postMessage({
            channel: correction.channel,
            ...(correction.thread ? { thread_ts: correction.thread } : {}),
            text: `<@${body.user.id}>'s correction ${
              (correction.proposal as CorrectionProposal | undefined)?.joins
                ? 'joined the open skills pull request'
                : 'is now a skills pull request'
            } for SRE review: ${pullRequest.url}`,
          });
      } catch (error) {
        deps.logger.warn({ event: 'correction-remember-error', err: error }, 'remember failed');
        await reply(client, body, `I could not open the pull request: ${errorMessage(error)}`).catch(() => undefined);
      }
    })();
  });
  app.action<BlockAction<ButtonAction>>(CorrectionActionId.discard, async ({ ack, body, action, client }) => {
    await ack();
    try {
      const discarded = await deps.learning.discard(action.value ?? '', body.user.id);
      await reply(
        client,
        body,
        discarded ? 'Discarded: nothing will be proposed.' : 'This correction was already decided.',
      );
    } catch (error) {
      await reply(client, body, `I could not discard it: ${errorMessage(error)}`);
    }
  });
}

/** A thread reply as the message listener hands it over. */
export interface ThreadReply {
  channel: string;
  thread: string;
  ts: string;
  user: string;
  text?: string;
}

/**
 * A reply "that's wrong, it was …" under an answer: stored once per message (a redelivered event
 * is a no-op) and offered for confirmation like a modal correction. False when the reply is not a
 * correction or the thread has no answered investigation, so the listener handles it as usual.
 */
export async function handleCorrectionReply(
  client: Client,
  deps: CorrectionFlowDeps & { store: Store },
  reply: ThreadReply,
): Promise<boolean> {
  const rootCause = correctionFromReply(reply.text);
  if (!rootCause) return false;
  const investigation = await deps.store.investigations.findByThread(reply.channel, reply.thread);
  if (!investigation || investigation.status !== 'answered') return false;
  const correction = await deps.learning.capture({
    investigationId: investigation.id,
    userId: reply.user,
    correctRootCause: rootCause.slice(0, 1_500),
    source: 'thread',
    channel: reply.channel,
    thread: reply.thread,
    idempotencyKey: `message:${reply.channel}:${reply.ts}`,
  });
  deps.logger.info(
    { event: 'correction-recorded', investigationId: investigation.id, correctionId: correction.id, source: 'thread' },
    'correction recorded',
  );
  // Building the proposal reads the skills repository: never inside Slack's 3-second window.
  if (correction.isNew) void offerProposal(client, deps, correction);
  return true;
}
