import type { Answer } from '../../bot/agent/answer.js';
import { CHOICE_ACTION_PREFIX } from '../../bot/slack/choice-buttons.js';
import { blockActionsPayload, channelMessageEvent, FAKE_WORKSPACE, imMessageEvent } from '../fakes/slack/index.js';
import type { SlackHarness } from './slack-harness.js';

/** One finished turn of a conversation as the tests read it. */
export interface SettledTurn {
  id: string;
  answer: Answer;
  answerTs: string;
  /** The Slack message that holds the answer (or the clarifying question). */
  message: Record<string, unknown>;
}

/** A conversation under test: its first question, its follow-ups, and where its answers land. */
export interface Conversation {
  /** The channel thread, or the DM channel's first question ts. */
  readonly thread: string;
  /** Sends a follow-up the way people type it there (no mention in a channel thread, plain text in a DM). */
  reply(text: string, options?: { user?: string }): Promise<void>;
  /** Clicks the choice button `index` on a settled turn's message (a clarifying question or an answer). */
  press(turn: SettledTurn, index: number): Promise<string>;
  /** The next investigation the conversation settles (answered by default). */
  next(status?: 'answered' | 'clarifying'): Promise<SettledTurn>;
  /** Ids of every investigation this conversation has settled so far. */
  readonly settledIds: readonly string[];
}

/** Where a conversation happens: a support channel (threads) or the app's DM (top level). */
export interface ConversationPlace {
  readonly name: 'channel' | 'DM';
  readonly channel: string;
  start(harness: SlackHarness, question: string): Promise<Conversation>;
}

function conversation(
  harness: SlackHarness,
  channel: string,
  first: string,
  sendReply: (text: string, user?: string) => Promise<string>,
): Conversation {
  const settledIds: string[] = [];
  /** Row threads still to settle, in order: the channel thread each time, or each DM message's ts. */
  const pending: string[] = [first];
  return {
    thread: first,
    settledIds,
    async reply(text, options = {}) {
      pending.push(await sendReply(text, options.user));
    },
    async press(turn, index) {
      const buttons = ((turn.message['blocks'] ?? []) as Array<Record<string, unknown>>)
        .filter((block) => block['type'] === 'actions')
        .flatMap((block) => block['elements'] as Array<Record<string, unknown>>)
        .filter((element) => String(element['action_id']).startsWith(CHOICE_ACTION_PREFIX));
      const button = buttons[index];
      if (!button) throw new Error(`no choice button ${index} on the message`);
      const threadTs = typeof turn.message['thread_ts'] === 'string' ? turn.message['thread_ts'] : undefined;
      const status = await harness.interact(
        blockActionsPayload({
          actionId: String(button['action_id']),
          value: String(button['value']),
          channel,
          message: { ts: turn.answerTs, ...(threadTs ? { thread_ts: threadTs } : {}) },
        }),
      );
      if (status !== 200) throw new Error('the click was not acked');
      // The choice is investigated where the clicked message lives: its thread, or the top of a DM.
      pending.push(threadTs ?? turn.answerTs);
      return String(button['value']);
    },
    async next(status = 'answered') {
      const thread = pending.shift() ?? first;
      const settled = await harness.settled(channel, thread, { after: settledIds, status });
      settledIds.push(settled.id);
      const message = harness.slack.state.findMessage(channel, settled.answerTs);
      return { ...settled, message: message ?? {} };
    },
  };
}

/** A support channel: the first question is a mention, follow-ups are thread replies without one. */
export const CHANNEL_PLACE: ConversationPlace = {
  name: 'channel',
  channel: FAKE_WORKSPACE.channelId,
  async start(harness, question) {
    const { payload, thread } = harness.mention(FAKE_WORKSPACE.channelId, question);
    if ((await harness.send(payload)) !== 200) throw new Error('the mention was not acked');
    return conversation(harness, FAKE_WORKSPACE.channelId, thread, async (text, user) => {
      const event = channelMessageEvent({ text, threadTs: thread, ...(user ? { user } : {}) });
      if ((await harness.send(event)) !== 200) throw new Error('the reply was not acked');
      return thread;
    });
  },
};

/** The app's DM: every message is typed at the top level, and each is its own investigation row. */
export const DM_PLACE: ConversationPlace = {
  name: 'DM',
  channel: FAKE_WORKSPACE.dmChannelId,
  async start(harness, question) {
    const send = async (text: string) => {
      const event = imMessageEvent({ text });
      if ((await harness.send(event)) !== 200) throw new Error('the DM was not acked');
      return String(event.event['ts']);
    };
    return conversation(harness, FAKE_WORKSPACE.dmChannelId, await send(question), send);
  },
};

/** Both places, for `describe.each`. */
export const CONVERSATION_PLACES = [CHANNEL_PLACE, DM_PLACE] as const;
