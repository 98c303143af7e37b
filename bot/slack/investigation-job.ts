import type { ChannelDefaults } from '../agent/entities.js';
import type { InvestigationJob } from '../runtime/investigator.js';

/** Name of the queue Slack receivers fill and workers drain. */
export const INVESTIGATION_QUEUE = 'investigation';

/**
 * What a Slack receiver enqueues for one question: the pipeline's InvestigationJob with the
 * fields a Slack answer needs made required, plus where to answer. The worker hands this very
 * object to the investigator; no tokens or secrets travel in job data.
 */
export interface SlackInvestigationJob extends InvestigationJob {
  source: 'slack';
  /** Investigation id, fixed at enqueue time so every attempt writes the same row. */
  investigationId: string;
  /** The question with the bot mention stripped. */
  question: string;
  channel: string;
  /** Thread to answer in; absent for `/sre` and new alerts (the worker starts a thread). */
  thread?: string;
  /** The top message of the thread the worker starts when `thread` is absent (alerts); mrkdwn. */
  anchorText?: string;
  /** The person who asked. */
  user: string;
  /** Workspace of the channel (chat.startStream needs it outside DMs). */
  team?: string;
  /** Slack `event_id`, or `command:<trigger id>` for slash commands. */
  eventId: string;
  /** W3C trace context started at the receiver. */
  traceparent: string;
  /** The trace id of `traceparent`, set at enqueue time. */
  traceId?: string;
  /** Channel defaults from the channel configuration. */
  defaults?: ChannelDefaults;
  /** Gateway principal configured for the channel (the worker maps it to a token). */
  principal?: string;
  /** True in AI-app threads (started by Slack's assistant_thread_started): progress goes to the assistant status. */
  isAssistantThread?: boolean;
  /**
   * `/sre` only: the command's response URL (valid 30 minutes), used to answer when the bot may
   * not post in the channel (it is not a member).
   */
  responseUrl?: string;
  /**
   * True for a plain DM written at the top level: status and answer are posted at the top of the
   * DM, not as a thread under the question (`thread` is still the question's ts, for the record).
   */
  isTopLevel?: boolean;
  /** Where the question came from, for the status line. */
  trigger: 'mention' | 'channel_message' | 'direct_message' | 'slash_command' | 'clarification' | 'follow_up' | 'alert';
}
