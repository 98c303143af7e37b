import type { App, SlashCommand } from '@slack/bolt';
import type { Logger } from '../telemetry/logger.js';
import type { QuestionIntake } from './question-intake.js';
import type { RcaCommandReply } from './rca-command.js';
import { decodeSlackText } from './slack-formatting.js';

/** The slash command sre-bot registers (also in deploy/slack-app-manifest.yaml). */
export const SLASH_COMMAND = '/sre';

const USAGE =
  'Ask me what is wrong, e.g. `/sre why is checkout failing in prod?` — I answer in this channel, in a thread.';

/**
 * `/sre <question>`: acknowledges with a private note and enqueues the question; the worker
 * posts the question in the channel and answers in its thread. `/sre` or `/sre help` shows usage.
 * Slack does not redeliver slash commands, but the trigger id keys the job so a replayed
 * request cannot start a second investigation.
 */
export function registerCommandListener(
  app: App,
  deps: {
    intake: QuestionIntake;
    logger: Logger;
    /** `/sre rca [investigation id | thread link]`, when RCAs are enabled. */
    rca?: (
      command: SlashCommand,
      respond: (reply: RcaCommandReply) => Promise<void>,
      client: App['client'],
    ) => Promise<void>;
  },
): void {
  app.command(SLASH_COMMAND, async ({ ack, command, context, client }) => {
    const question = decodeSlackText(command.text.replace(/\s+/g, ' ').trim());
    if (question === '' || question.toLowerCase() === 'help') {
      await ack({ response_type: 'ephemeral', text: USAGE });
      return;
    }
    if (deps.rca && /^rca(\s|$)/i.test(question)) {
      await deps.rca(command, (reply) => ack({ response_type: 'ephemeral', ...reply }), client);
      return;
    }
    try {
      await deps.intake.enqueue(
        {
          question,
          channel: command.channel_id,
          user: command.user_id,
          team: command.team_id,
          eventId: `command:${command.trigger_id}`,
          trigger: 'slash_command',
          ...(command.response_url ? { responseUrl: command.response_url } : {}),
        },
        `slack-command:${command.team_id}:${command.trigger_id}`,
        { retryNum: context.retryNum },
      );
    } catch (error) {
      deps.logger.error(
        { event: 'slack-command-failed', err: error, channel: command.channel_id },
        'could not enqueue /sre',
      );
      await ack({
        response_type: 'ephemeral',
        text: 'Sorry — I could not take that question right now. Please try again in a minute.',
      });
      return;
    }
    await ack({ response_type: 'ephemeral', text: 'Looking into it — I will post the answer in this channel.' });
  });
}
