import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { FixJob } from '../fix/fix-jobs.js';
import type { JobQueue } from '../queue/queue.js';
import type { Logger } from '../telemetry/logger.js';
import { ActionId } from './answer-blocks.js';
import { startTraceparent } from './traceparent.js';

/** Buttons of a fix proposal message. */
export const FixActionId = { approve: 'fix_approve', reject: 'fix_reject' } as const;

function place(body: BlockAction): { channel: string; thread: string } | undefined {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const thread = message?.thread_ts ?? message?.ts ?? body.container?.thread_ts ?? body.container?.message_ts;
  const channel = body.channel?.id;
  return channel && typeof thread === 'string' ? { channel, thread } : undefined;
}

/**
 * "Propose fix" on an answer and Approve / Reject on a proposal: ack, enqueue a `fix` job, return.
 * Who may approve is decided in the worker (it asks Slack for the approver group), never here.
 */
export function registerFixActions(app: App, deps: { queue: JobQueue<FixJob>; logger: Logger }): void {
  const enqueue = async (job: FixJob, key: string): Promise<void> => {
    const { isDuplicate } = await deps.queue.enqueue(job, { idempotencyKey: key, attempts: 1 });
    deps.logger.info({ event: 'fix-job-enqueued', kind: job.kind, isDuplicate }, 'fix job enqueued');
  };

  app.action<BlockAction<ButtonAction>>(ActionId.proposeFix, async ({ ack, body, action }) => {
    await ack();
    const where = place(body);
    if (!where || !action.value) return;
    const job: FixJob = {
      kind: 'propose',
      investigationId: action.value,
      user: body.user.id,
      ...where,
      traceparent: startTraceparent(),
    };
    await enqueue(job, `propose:${action.value}:${action.action_ts}`);
  });

  const decide =
    (isApproved: boolean) =>
    async ({ ack, body, action }: { ack: () => Promise<void>; body: BlockAction; action: ButtonAction }) => {
      await ack();
      const where = place(body);
      if (!where || !action.value) return;
      const job: FixJob = { kind: 'decide', proposalId: action.value, user: body.user.id, isApproved, ...where };
      await enqueue(job, `decide:${action.value}:${body.user.id}:${action.action_ts}`);
    };
  app.action<BlockAction<ButtonAction>>(FixActionId.approve, decide(true));
  app.action<BlockAction<ButtonAction>>(FixActionId.reject, decide(false));
}
