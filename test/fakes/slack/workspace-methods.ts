/**
 * The non-chat methods sre-bot calls: `auth.test`, `conversations.info|replies`, `users.info`,
 * `usergroups.users.list`,
 * `assistant.threads.*` and `views.*` (shapes from shared/specs/slack/web-api).
 */
import { invalidArguments, SlackApiError, type MethodArgs } from './method-args.js';
import type { MethodHandler } from './method-handler.js';
import type { SlackView } from './slack-state.js';
import { FAKE_WORKSPACE } from './workspace.js';

const authTest: MethodHandler = () => ({
  url: `https://${FAKE_WORKSPACE.domain}.slack.com/`,
  team: FAKE_WORKSPACE.teamName,
  user: FAKE_WORKSPACE.botName,
  team_id: FAKE_WORKSPACE.teamId,
  user_id: FAKE_WORKSPACE.botUserId,
  bot_id: FAKE_WORKSPACE.botId,
  is_enterprise_install: false,
});

const conversationsInfo: MethodHandler = ({ args, state }) => {
  const id = args.string('channel');
  const channel = id === undefined ? undefined : state.channels.get(id);
  if (!channel) throw new SlackApiError('channel_not_found');
  return { channel };
};

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new SlackApiError('invalid_cursor');
  return Number(match[1]);
}

const conversationsReplies: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const thread = state.thread(channel, args.required('ts'));
  if (!thread) throw new SlackApiError('thread_not_found');
  const limit = Math.min(Math.max(Number(args.string('limit') ?? 1000), 1), 1000);
  const offset = decodeCursor(args.string('cursor'));
  const messages = thread.slice(offset, offset + limit);
  const hasMore = offset + limit < thread.length;
  return {
    messages,
    has_more: hasMore,
    ...(hasMore
      ? { response_metadata: { next_cursor: Buffer.from(`offset:${offset + limit}`).toString('base64') } }
      : {}),
  };
};

const usersInfo: MethodHandler = ({ args, state }) => {
  const id = args.string('user');
  const user = id === undefined ? undefined : state.users.get(id);
  if (!user) throw new SlackApiError('user_not_found');
  return { user };
};

const usergroupsUsersList: MethodHandler = ({ args, state }) => {
  const members = state.usergroups.get(args.required('usergroup'));
  if (!members) throw new SlackApiError('no_such_subteam');
  return { users: members };
};

function assistantThreadArgs(args: MethodArgs): { channel: string; threadTs: string } {
  return { channel: args.required('channel_id'), threadTs: args.required('thread_ts') };
}

const setStatus: MethodHandler = ({ args, state }) => {
  const { channel, threadTs } = assistantThreadArgs(args);
  state.resolveChannel(channel);
  const status = args.raw['status'];
  if (typeof status !== 'string') throw invalidArguments('[ERROR] missing required field: status');
  state.assistantThread(channel, threadTs).statuses.push(status);
  return {};
};

const setSuggestedPrompts: MethodHandler = ({ args, state }) => {
  const { channel, threadTs } = assistantThreadArgs(args);
  state.resolveChannel(channel);
  const prompts = args.json('prompts');
  if (!Array.isArray(prompts) || prompts.length === 0)
    throw invalidArguments('[ERROR] missing required field: prompts');
  if (prompts.length > 4) throw invalidArguments('[ERROR] no more than 4 items allowed [json-pointer:/prompts]');
  for (const prompt of prompts as { title?: unknown; message?: unknown }[]) {
    if (typeof prompt.title !== 'string' || typeof prompt.message !== 'string') {
      throw invalidArguments('[ERROR] each prompt needs a title and a message [json-pointer:/prompts]');
    }
  }
  state.assistantThread(channel, threadTs).suggestedPrompts.push({ title: args.string('title'), prompts });
  return {};
};

const setTitle: MethodHandler = ({ args, state }) => {
  const { channel, threadTs } = assistantThreadArgs(args);
  state.resolveChannel(channel);
  state.assistantThread(channel, threadTs).titles.push(args.required('title'));
  return {};
};

/** Validates a view argument the way Slack's schema check reports it (json-pointer messages). */
function viewArgument(args: MethodArgs, expectedType: 'modal' | 'home' | undefined): Record<string, unknown> {
  const view = args.json('view');
  if (view === null || typeof view !== 'object' || Array.isArray(view)) {
    throw invalidArguments(
      '[ERROR] failed to match all allowed schemas [json-pointer:/view]',
      '[ERROR] must provide an object [json-pointer:/view]',
    );
  }
  const record = view as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record['type'] !== 'string') problems.push('[ERROR] missing required field: type [json-pointer:/view]');
  else if (expectedType !== undefined && record['type'] !== expectedType)
    problems.push(`[ERROR] must be "${expectedType}" [json-pointer:/view/type]`);
  if (!Array.isArray(record['blocks'])) problems.push('[ERROR] missing required field: blocks [json-pointer:/view]');
  else if (record['blocks'].length > 100)
    problems.push('[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]');
  if (record['type'] === 'modal' && record['title'] === undefined)
    problems.push('[ERROR] missing required field: title [json-pointer:/view]');
  if (problems.length > 0)
    throw invalidArguments('[ERROR] failed to match all allowed schemas [json-pointer:/view]', ...problems);
  return record;
}

function checkHash(args: MethodArgs, current: SlackView | undefined): void {
  const hash = args.string('hash');
  if (hash !== undefined && current !== undefined && current.hash !== hash) throw new SlackApiError('hash_conflict');
}

const viewsOpen: MethodHandler = ({ args, state }) => {
  if (args.string('trigger_id') === undefined && args.string('interactivity_pointer') === undefined) {
    throw invalidArguments('invalid `trigger_id`');
  }
  return { view: state.storeView(viewArgument(args, 'modal'), undefined) };
};

const viewsPublish: MethodHandler = ({ args, state }) => {
  const userId = args.required('user_id');
  if (!state.users.has(userId)) throw new SlackApiError('user_not_found');
  const previous = state.homeViews.get(userId);
  checkHash(args, previous);
  const view = state.storeView(viewArgument(args, 'home'), previous);
  state.homeViews.set(userId, view);
  return { view };
};

const viewsUpdate: MethodHandler = ({ args, state }) => {
  const viewId = args.string('view_id');
  const externalId = args.string('external_id');
  if (viewId === undefined && externalId === undefined)
    throw invalidArguments('[ERROR] either view_id or external_id is required');
  const current =
    viewId !== undefined
      ? state.views.get(viewId)
      : [...state.views.values()].find((view) => view['external_id'] === externalId);
  if (!current) throw new SlackApiError('not_found');
  checkHash(args, current);
  return { view: state.storeView(viewArgument(args, undefined), current) };
};

/** The workspace, assistant and view methods by name. */
export const workspaceMethods: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'conversations.info': conversationsInfo,
  'conversations.replies': conversationsReplies,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupsUsersList,
  'assistant.threads.setStatus': setStatus,
  'assistant.threads.setSuggestedPrompts': setSuggestedPrompts,
  'assistant.threads.setTitle': setTitle,
  'views.open': viewsOpen,
  'views.publish': viewsPublish,
  'views.update': viewsUpdate,
};
