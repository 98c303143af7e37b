import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Answer } from '../agent/answer.js';
import { ActionId } from './answer-blocks.js';
import type { FeedbackRating } from '../store/feedback-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { CORRECTION_CALLBACK_ID, correctionModal, parseCorrectionSubmission } from './correction-modal.js';
import { offerProposal } from './correction-flow.js';
import type { CorrectionService } from '../learning/correction-service.js';

/** Dependencies of the button and modal listeners. */
export interface InteractivityDeps {
  store: Store;
  /** Skill names offered in the correction modal. */
  skillNames: () => string[];
  logger: Logger;
  newId?: () => string;
  /** The correction loop; without it a correction is stored and thanked, nothing proposed. */
  learning?: CorrectionService;
}

/** What a button listener receives, as far as these listeners read it. */
interface ButtonArgs {
  ack: () => Promise<void>;
  body: BlockAction;
  action: ButtonAction;
  client: App['client'];
}

const GONE = 'I cannot find that investigation any more, so I could not record this.';

function messagePlace(body: BlockAction): { channel?: string; thread?: string } {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const thread = message?.thread_ts ?? message?.ts ?? body.container?.thread_ts ?? body.container?.message_ts;
  return {
    ...(body.channel?.id ? { channel: body.channel.id } : {}),
    ...(typeof thread === 'string' ? { thread } : {}),
  };
}

/**
 * Feedback buttons (stored, thanked privately), "Correct this" (opens the correction modal) and
 * the modal's submission (validated; an empty root cause keeps the modal open with an error;
 * a valid one is stored against the investigation and confirmed in the thread).
 */
export function registerInteractivity(app: App, deps: InteractivityDeps): void {
  const newId = deps.newId ?? randomUUID;

  const feedback =
    (rating: FeedbackRating) =>
    async ({ ack, body, action, client }: ButtonArgs) => {
      await ack();
      const investigationId = action.value ?? '';
      const { channel, thread } = messagePlace(body);
      const exists = investigationId !== '' && (await deps.store.investigations.get(investigationId)) !== undefined;
      if (exists) {
        await deps.store.feedback.record({ investigationId, userId: body.user.id, rating });
        deps.logger.info({ event: 'feedback-recorded', investigationId, rating }, 'feedback recorded');
      }
      if (!channel) return;
      const text = !exists
        ? GONE
        : rating === 'helpful'
          ? 'Thanks — glad it helped. Your vote is recorded.'
          : 'Thanks — recorded. "Correct this" tells me what the right answer was.';
      await client.chat.postEphemeral({ channel, user: body.user.id, ...(thread ? { thread_ts: thread } : {}), text });
    };

  app.action<BlockAction<ButtonAction>>(ActionId.helpful, feedback('helpful'));
  app.action<BlockAction<ButtonAction>>(ActionId.notHelpful, feedback('not_helpful'));

  const openModal =
    (source: 'modal' | 'skill_request') =>
    async ({ ack, body, action, client }: ButtonArgs) => {
      await ack();
      const investigationId = action.value ?? '';
      const investigation = investigationId ? await deps.store.investigations.get(investigationId) : undefined;
      const { channel, thread } = messagePlace(body);
      if (!investigation) {
        if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text: GONE });
        return;
      }
      // The stored answer is the pipeline's Answer (or a clarify outcome, which has no root cause).
      const answer = investigation.answer as Partial<Answer> | undefined;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: correctionModal(
          {
            investigationId,
            ...(source === 'skill_request' ? { source } : {}),
            ...(channel ? { channel } : {}),
            ...(thread ? { thread } : {}),
          },
          {
            ...(answer?.rootCause ? { rootCause: answer.rootCause } : {}),
            answerSkills: answer?.skills ?? [],
            catalogSkills: deps.skillNames(),
          },
        ),
      });
    };
  app.action<BlockAction<ButtonAction>>(ActionId.correct, openModal('modal'));
  app.action<BlockAction<ButtonAction>>(ActionId.writeSkill, openModal('skill_request'));

  app.view(CORRECTION_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const submission = parseCorrectionSubmission(view.private_metadata, view.state.values);
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const { target } = submission;
    if (!(await deps.store.investigations.get(target.investigationId))) {
      await ack({ response_action: 'errors', errors: { root_cause: GONE } });
      return;
    }
    // One submit, one row: Slack may deliver the same view submission twice.
    const correction = await deps.store.corrections.create({
      id: newId(),
      investigationId: target.investigationId,
      userId: body.user.id,
      correctRootCause: submission.rootCause,
      idempotencyKey: view.id,
      source: target.source ?? 'modal',
      ...(target.channel ? { channel: target.channel } : {}),
      ...(target.thread ? { thread: target.thread } : {}),
      ...(submission.details ? { details: submission.details } : {}),
      ...(submission.fix ? { correctFix: submission.fix } : {}),
      ...(submission.skillName ? { skillName: submission.skillName } : {}),
    });
    await ack();
    if (!correction.isNew) {
      deps.logger.info(
        { event: 'correction-duplicate', investigationId: target.investigationId, correctionId: correction.id },
        'correction submitted again; nothing stored',
      );
      return;
    }
    deps.logger.info(
      { event: 'correction-recorded', investigationId: target.investigationId, correctionId: correction.id },
      'correction recorded',
    );
    if (deps.learning) {
      // Building the proposal reads the skills repository: after the ack, outside Slack's 3-second window.
      void offerProposal(client, { learning: deps.learning, logger: deps.logger }, correction);
      return;
    }
    if (target.channel) {
      const skill = submission.skillName ? ` for skill \`${submission.skillName}\`` : '';
      await client.chat.postMessage({
        channel: target.channel,
        ...(target.thread ? { thread_ts: target.thread } : {}),
        text:
          `<@${body.user.id}> corrected this answer${skill} — thank you. Saved for the SREs to fold into the ` +
          `skills.`,
      });
    }
  });
}
