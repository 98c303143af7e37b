import { randomBytes } from 'node:crypto';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { types } from '@slack/bolt';
import { BotError, errorMessage } from '../errors.js';
import type { RcaService, RcaView } from '../rca/rca-service.js';
import type { ThreadMessage } from '../rca/rca-records.js';
import type { RcaStatus } from '../store/rcas-repository.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import { ActionId } from './answer-blocks.js';
import { rcaFallbackText, RcaActionId, renderRcaBlocks } from './rca-blocks.js';
import { parseRcaEditSubmission, RCA_EDIT_CALLBACK_ID, rcaEditModal } from './rca-modal.js';

/** What the RCA listeners need: the service, the store, and where the page lives. */
export interface RcaSlackDeps {
  service: RcaService;
  store: Store;
  logger: Logger;
  /** The page of one RCA, when the web page is configured (SRE_BOT_WEB_URL). */
  pageUrl?: (rcaId: string) => string;
}

type Client = App['client'];
type SlackBlocks = Array<types.KnownBlock | types.Block>;

const traceId = () => randomBytes(8).toString('hex');

/** The sentence a person sees when something fails: what happened, plus the trace id. */
function failureText(error: unknown, trace: string): string {
  const sentence =
    error instanceof BotError && (error.code === 'invalid_input' || error.code === 'not_found')
      ? error.message
      : 'I could not do that with the RCA right now; please try again in a minute.';
  return `${sentence} (trace ${trace})`;
}

function place(body: BlockAction): { channel?: string; thread?: string } {
  const message = body.message as { ts?: string; thread_ts?: string } | undefined;
  const thread = message?.thread_ts ?? message?.ts ?? body.container?.thread_ts;
  return {
    ...(body.channel?.id ? { channel: body.channel.id } : {}),
    ...(typeof thread === 'string' ? { thread } : {}),
  };
}

async function threadMessages(
  client: Client,
  channel: string,
  thread: string,
  logger: Logger,
): Promise<ThreadMessage[]> {
  try {
    const replies = await client.conversations.replies({ channel, ts: thread, limit: 200 });
    return (replies.messages ?? []).flatMap((message) =>
      message.ts
        ? [
            {
              ts: message.ts,
              isBot: Boolean(message.bot_id),
              text: message.text ?? '',
              ...(message.user ? { user: message.user } : {}),
            },
          ]
        : [],
    );
  } catch (error) {
    // The draft still has every stored record; the thread is a nice-to-have (missing scope, archived).
    logger.warn(
      { event: 'rca-thread-unreadable', channel, err: errorMessage(error) },
      'drafting without thread messages',
    );
    return [];
  }
}

/** Posts a new RCA message in the thread, or updates the one already there. */
async function showRca(
  client: Client,
  deps: RcaSlackDeps,
  current: RcaView,
  where: { channel: string; thread?: string },
) {
  const message = {
    channel: where.channel,
    text: rcaFallbackText(current),
    blocks: renderRcaBlocks(current, deps.pageUrl?.(current.rca.id)) as unknown as SlackBlocks,
  };
  if (current.rca.slackTs) {
    await client.chat.update({ ...message, ts: current.rca.slackTs });
    return;
  }
  const posted = await client.chat.postMessage({ ...message, ...(where.thread ? { thread_ts: where.thread } : {}) });
  if (posted.ts) await deps.store.rcas.setSlackTs(current.rca.id, posted.ts);
}

/**
 * Drafts the RCA of an investigation and shows it in the investigation's thread. Runs after the
 * ack (a model-mode draft can take longer than Slack waits); a failure reaches the person as
 * one ephemeral sentence with a trace id.
 */
export async function draftInThread(
  client: Client,
  deps: RcaSlackDeps,
  request: { investigationId: string; user: string; channel: string },
): Promise<void> {
  const trace = traceId();
  try {
    const investigation = await deps.store.investigations.get(request.investigationId);
    if (!investigation) throw new BotError('not_found', 'I cannot find that investigation any more.');
    const channel = investigation.channel ?? request.channel;
    const thread = investigation.thread;
    const messages = thread ? await threadMessages(client, channel, thread, deps.logger) : [];
    const drafted = await deps.service.draft(request.investigationId, { author: request.user, messages });
    await showRca(client, deps, drafted, { channel, ...(thread ? { thread } : {}) });
  } catch (error) {
    deps.logger.error({ event: 'rca-draft-failed', traceId: trace, err: error }, 'RCA draft failed');
    await client.chat
      .postEphemeral({ channel: request.channel, user: request.user, text: failureText(error, trace) })
      .catch((postError: unknown) =>
        deps.logger.warn({ event: 'slack-ephemeral-failed', err: postError }, 'could not report'),
      );
  }
}

async function transition(client: Client, deps: RcaSlackDeps, body: BlockAction, rcaId: string, status: RcaStatus) {
  const where = place(body);
  const trace = traceId();
  try {
    const moved = await deps.service.transition(rcaId, status, { editor: body.user.id });
    if (where.channel)
      await showRca(client, deps, moved, { channel: where.channel, ...(where.thread ? { thread: where.thread } : {}) });
  } catch (error) {
    deps.logger.info(
      { event: 'rca-transition-refused', rcaId, status, traceId: trace, err: errorMessage(error) },
      'refused',
    );
    if (where.channel)
      await client.chat.postEphemeral({ channel: where.channel, user: body.user.id, text: failureText(error, trace) });
  }
}

/** Registers "Draft RCA", the RCA message's buttons and the edit modal. */
export function registerRcaActions(app: App, deps: RcaSlackDeps): void {
  app.action<BlockAction<ButtonAction>>(ActionId.draftRca, async ({ ack, body, action, client }) => {
    await ack();
    const channel = place(body).channel ?? '';
    void draftInThread(client, deps, { investigationId: action.value ?? '', user: body.user.id, channel });
  });

  app.action<BlockAction<ButtonAction>>(RcaActionId.edit, async ({ ack, body, action, client }) => {
    await ack();
    const current = await deps.service.get(action.value ?? '');
    const where = place(body);
    if (!current) {
      if (where.channel)
        await client.chat.postEphemeral({
          channel: where.channel,
          user: body.user.id,
          text: 'That RCA no longer exists.',
        });
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: rcaEditModal({ rcaId: current.rca.id, version: current.rca.version, ...where }, current.document),
    });
  });

  app.action<BlockAction<ButtonAction>>(RcaActionId.review, async ({ ack, body, action, client }) => {
    await ack();
    await transition(client, deps, body, action.value ?? '', 'in_review');
  });
  app.action<BlockAction<ButtonAction>>(RcaActionId.publish, async ({ ack, body, action, client }) => {
    await ack();
    await transition(client, deps, body, action.value ?? '', 'published');
  });

  app.view(RCA_EDIT_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const submission = parseRcaEditSubmission(view.private_metadata, view.state.values);
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: submission.errors });
      return;
    }
    const { target } = submission;
    let edited: RcaView;
    try {
      edited = await deps.service.edit(
        target.rcaId,
        { summary: submission.summary, actionItems: submission.actionItems },
        { editor: body.user.id, expectedVersion: target.version },
      );
    } catch (error) {
      const trace = traceId();
      deps.logger.info(
        { event: 'rca-edit-refused', rcaId: target.rcaId, traceId: trace, err: errorMessage(error) },
        'refused',
      );
      await ack({ response_action: 'errors', errors: { rca_summary: failureText(error, trace) } });
      return;
    }
    await ack();
    deps.logger.info(
      { event: 'rca-edited', rcaId: edited.rca.id, version: edited.rca.version },
      'RCA edited from Slack',
    );
    if (target.channel)
      await showRca(client, deps, edited, {
        channel: target.channel,
        ...(target.thread ? { thread: target.thread } : {}),
      });
  });
}
