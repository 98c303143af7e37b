/**
 * What the fake Slack workspace remembers between calls: users, conversations, messages per
 * channel and thread, ephemeral messages, reactions, assistant-thread status/prompts/titles,
 * and views. Methods read and write it; tests inspect it.
 */
import { SlackApiError } from './method-args.js';
import { claimTs } from './timestamps.js';
import { createImChannel, defaultDirectory, FAKE_WORKSPACE, type SlackChannel, type SlackUser } from './workspace.js';

/** A message as Slack returns it (`type: "message"`, string `ts`, optional `thread_ts`). */
export type SlackMessage = Record<string, unknown> & {
  type: 'message';
  ts: string;
  text?: string;
  thread_ts?: string;
  user?: string;
};

/** An ephemeral message (never in history; only the target user saw it). */
export interface EphemeralMessage {
  channel: string;
  user: string;
  messageTs: string;
  threadTs: string | undefined;
  text: string | undefined;
  blocks: unknown;
}

/** A reaction the app added. */
export interface Reaction {
  channel: string;
  timestamp: string;
  name: string;
}

/** The AI-app state of one assistant thread, in call order. */
export interface AssistantThreadState {
  statuses: string[];
  suggestedPrompts: { title: string | undefined; prompts: unknown }[];
  titles: string[];
}

/** A view as `views.open` / `views.publish` return it. */
export type SlackView = Record<string, unknown> & { id: string; type: string; hash: string };

function tsToMicros(ts: string): number {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return Number(seconds) * 1_000_000 + Number(micros.padEnd(6, '0').slice(0, 6));
}

/** Orders two Slack timestamps numerically. */
export function compareTs(left: string, right: string): number {
  return tsToMicros(left) - tsToMicros(right);
}

/** The workspace state of one fake. */
export class SlackState {
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly messages = new Map<string, SlackMessage[]>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly reactions: Reaction[] = [];
  readonly assistantThreads = new Map<string, AssistantThreadState>();
  readonly views = new Map<string, SlackView>();
  /** The Home tab view currently published per user id. */
  readonly homeViews = new Map<string, SlackView>();
  /** User group id → member user ids (`usergroups.users.list`). */
  readonly usergroups = new Map<string, string[]>();
  private counter = 0;

  constructor(private readonly now: () => number) {
    const { users, channels } = defaultDirectory();
    for (const user of users) this.users.set(user.id, user);
    for (const channel of channels) this.channels.set(channel.id, channel);
  }

  /** A fresh message timestamp, strictly increasing across the process (`"1730000010.000200"`). */
  nextTs(): string {
    return claimTs(this.now());
  }

  /** A fresh id with a Slack-like prefix (`V…` views, `Ev…` events). */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}0FAKE${String(this.counter).padStart(5, '0')}`;
  }

  /** The conversation for a channel id; a user id resolves to the app's DM with that user. */
  resolveChannel(id: string | undefined): SlackChannel {
    if (id === undefined) throw new SlackApiError('channel_not_found');
    const channel = this.channels.get(id);
    if (channel) return channel;
    if (this.users.has(id)) {
      const existing = [...this.channels.values()].find(
        (candidate) => candidate.is_im === true && candidate.user === id,
      );
      if (existing) return existing;
      const im = createImChannel(`D${id.slice(1)}`.slice(0, 11), id);
      this.channels.set(im.id, im);
      return im;
    }
    throw new SlackApiError('channel_not_found');
  }

  /** Stores a message (for seeding human messages, or from chat.postMessage). */
  addMessage(channel: string, message: SlackMessage): SlackMessage {
    const list = this.messages.get(channel) ?? [];
    list.push(message);
    list.sort((left, right) => compareTs(left.ts, right.ts));
    this.messages.set(channel, list);
    return message;
  }

  /** The stored message with this ts, or undefined. */
  findMessage(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.get(channel)?.find((message) => message.ts === ts);
  }

  /** Removes a stored message; false when there was none. */
  deleteMessage(channel: string, ts: string): boolean {
    const list = this.messages.get(channel);
    const index = list?.findIndex((message) => message.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /**
   * A thread as `conversations.replies` returns it: the parent first (with `reply_count`,
   * `reply_users`, `latest_reply`), then the replies in order. Undefined when nothing is known.
   */
  thread(channel: string, threadTs: string): SlackMessage[] | undefined {
    const all = this.messages.get(channel) ?? [];
    const parent = all.find((message) => message.ts === threadTs);
    const replies = all.filter((message) => message.thread_ts === threadTs && message.ts !== threadTs);
    if (!parent && replies.length === 0) return undefined;
    if (!parent) return replies;
    if (replies.length === 0) return [parent];
    const replyUsers = [
      ...new Set(replies.map((reply) => reply.user).filter((user): user is string => typeof user === 'string')),
    ];
    const enrichedParent: SlackMessage = {
      ...parent,
      thread_ts: threadTs,
      reply_count: replies.length,
      reply_users_count: replyUsers.length,
      latest_reply: replies.at(-1)?.ts,
      reply_users: replyUsers,
      is_locked: false,
      subscribed: false,
    };
    return [enrichedParent, ...replies];
  }

  /** The assistant-thread record for a DM thread, created on first use. */
  assistantThread(channel: string, threadTs: string): AssistantThreadState {
    const key = `${channel}:${threadTs}`;
    let state = this.assistantThreads.get(key);
    if (!state) {
      state = { statuses: [], suggestedPrompts: [], titles: [] };
      this.assistantThreads.set(key, state);
    }
    return state;
  }

  /** Fills in the fields Slack adds to every stored view. */
  storeView(view: Record<string, unknown>, previous: SlackView | undefined): SlackView {
    const id = previous?.id ?? this.nextId('V');
    const stored: SlackView = {
      id,
      team_id: FAKE_WORKSPACE.teamId,
      type: typeof view['type'] === 'string' ? view['type'] : 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: `${Math.floor(this.now() / 1000)}.${this.nextId('h').slice(-8)}`,
      title: null,
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: previous?.['root_view_id'] ?? id,
      app_id: FAKE_WORKSPACE.appId,
      external_id: '',
      app_installed_team_id: FAKE_WORKSPACE.teamId,
      bot_id: FAKE_WORKSPACE.botId,
      ...view,
    };
    stored.id = id;
    this.views.set(id, stored);
    return stored;
  }
}
