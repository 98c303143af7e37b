/**
 * `chat.*` and `reactions.add`: post, update, delete and stream messages the way Slack stores
 * them (shapes from shared/specs/slack/web-api: chat.postMessage.modern, chat.update,
 * chat.startStream/appendStream/stopStream).
 */
import { randomBytes } from 'node:crypto';
import { invalidArguments, SlackApiError, type MethodArgs } from './method-args.js';
import type { MethodHandler } from './method-handler.js';
import type { SlackMessage, SlackState } from './slack-state.js';
import { botProfile, FAKE_WORKSPACE } from './workspace.js';

function botMessage(ts: string, fields: Record<string, unknown>): SlackMessage {
  return {
    user: FAKE_WORKSPACE.botUserId,
    type: 'message',
    ts,
    bot_id: FAKE_WORKSPACE.botId,
    app_id: FAKE_WORKSPACE.appId,
    text: '',
    team: FAKE_WORKSPACE.teamId,
    bot_profile: botProfile(),
    ...fields,
  };
}

function blocksArgument(args: MethodArgs): unknown[] | undefined {
  const blocks = args.json('blocks');
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  if (blocks.length > 50)
    throw new SlackApiError('invalid_blocks', {
      response_metadata: { messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] },
    });
  // Slack gives every block without a block_id a short random one.
  return blocks.map((block: unknown) =>
    block !== null && typeof block === 'object' && !('block_id' in block)
      ? { ...block, block_id: randomBytes(3).toString('base64url').slice(0, 4) }
      : block,
  );
}

function threadFields(state: SlackState, channel: string, threadTs: string | undefined): Record<string, unknown> {
  if (threadTs === undefined) return {};
  const parentUser = state.findMessage(channel, threadTs)?.user;
  return { thread_ts: threadTs, ...(parentUser === undefined ? {} : { parent_user_id: parentUser }) };
}

/** A message the app itself posted; others cannot be changed with a bot token. */
function ownMessage(state: SlackState, channel: string, ts: string, forbidden: string): SlackMessage {
  const message = state.findMessage(channel, ts);
  if (!message) throw new SlackApiError('message_not_found');
  if (message['bot_id'] !== FAKE_WORKSPACE.botId) throw new SlackApiError(forbidden);
  return message;
}

/** Text carried by `markdown_text` plus any `markdown_text` chunks. */
function streamedText(args: MethodArgs): string | undefined {
  const chunks = args.json('chunks');
  const chunkText = Array.isArray(chunks)
    ? chunks
        .filter(
          (chunk): chunk is { type: 'markdown_text'; text: string } =>
            (chunk as { type?: unknown }).type === 'markdown_text',
        )
        .map((chunk) => chunk.text)
        .join('')
    : '';
  const text = (args.string('markdown_text') ?? '') + chunkText;
  return text === '' && !Array.isArray(chunks) ? undefined : text;
}

function streamingMessage(state: SlackState, args: MethodArgs): { channel: string; message: SlackMessage } {
  const channel = state.resolveChannel(args.string('channel')).id;
  const message = ownMessage(state, channel, args.required('ts'), 'cant_update_message');
  if (message['streaming_state'] !== 'in_progress') throw new SlackApiError('message_not_in_streaming_state');
  return { channel, message };
}

const postMessage: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const text = args.string('text') ?? args.string('markdown_text');
  const blocks = blocksArgument(args);
  const attachments = args.json('attachments');
  if (text === undefined && blocks === undefined && attachments === undefined) throw new SlackApiError('no_text');
  const metadata = args.json('metadata');
  const ts = state.nextTs();
  const message = botMessage(ts, {
    text: text ?? '',
    ...threadFields(state, channel, args.string('thread_ts')),
    ...(blocks === undefined ? {} : { blocks }),
    ...(attachments === undefined ? {} : { attachments }),
    ...(metadata === undefined ? {} : { metadata }),
  });
  state.addMessage(channel, message);
  return { channel, ts, message };
};

const update: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const ts = args.required('ts');
  const message = ownMessage(state, channel, ts, 'cant_update_message');
  const text = args.string('text') ?? args.string('markdown_text');
  const blocks = blocksArgument(args);
  if (text === undefined && blocks === undefined && args.json('attachments') === undefined)
    throw new SlackApiError('no_text');
  if (text !== undefined) message.text = text;
  if (blocks !== undefined) message['blocks'] = blocks;
  const metadata = args.json('metadata');
  if (metadata !== undefined) message['metadata'] = metadata;
  message['edited'] = { user: FAKE_WORKSPACE.botId, ts: state.nextTs() };
  const { ts: _ts, thread_ts: _threadTs, parent_user_id: _parent, ...shown } = message;
  return { channel, ts, text: message.text, message: shown };
};

const postEphemeral: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const user = args.required('user');
  if (!state.users.has(user)) throw new SlackApiError('user_not_in_channel');
  const text = args.string('text') ?? args.string('markdown_text');
  const blocks = blocksArgument(args);
  if (text === undefined && blocks === undefined) throw new SlackApiError('no_text');
  const messageTs = state.nextTs();
  state.ephemerals.push({ channel, user, messageTs, threadTs: args.string('thread_ts'), text, blocks });
  return { message_ts: messageTs };
};

const deleteMessage: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const ts = args.required('ts');
  ownMessage(state, channel, ts, 'cant_delete_message');
  state.deleteMessage(channel, ts);
  return { channel, ts };
};

const startStream: MethodHandler = ({ args, state }) => {
  const conversation = state.resolveChannel(args.string('channel'));
  const threadTs = args.required('thread_ts');
  if (
    conversation.is_im !== true &&
    (args.string('recipient_user_id') === undefined || args.string('recipient_team_id') === undefined)
  ) {
    throw invalidArguments('[ERROR] recipient_user_id and recipient_team_id are required outside a DM');
  }
  const ts = state.nextTs();
  const message = botMessage(ts, {
    text: streamedText(args) ?? '',
    ...threadFields(state, conversation.id, threadTs),
    streaming_state: 'in_progress',
  });
  state.addMessage(conversation.id, message);
  return { channel: conversation.id, ts };
};

const appendStream: MethodHandler = ({ args, state }) => {
  const { channel, message } = streamingMessage(state, args);
  const text = streamedText(args);
  if (text === undefined) throw invalidArguments('[ERROR] either markdown_text or chunks is required');
  message.text = (message.text ?? '') + text;
  return { channel, ts: message.ts };
};

const stopStream: MethodHandler = ({ args, state }) => {
  const { channel, message } = streamingMessage(state, args);
  message.text = (message.text ?? '') + (streamedText(args) ?? '');
  const blocks = blocksArgument(args);
  if (blocks !== undefined) message['blocks'] = blocks;
  const metadata = args.json('metadata');
  if (metadata !== undefined) message['metadata'] = metadata;
  message['streaming_state'] = 'completed';
  return { channel, ts: message.ts, message };
};

const addReaction: MethodHandler = ({ args, state }) => {
  const channel = state.resolveChannel(args.string('channel')).id;
  const timestamp = args.string('timestamp');
  if (timestamp === undefined) throw new SlackApiError('no_item_specified');
  const name = args.string('name');
  if (name === undefined) throw new SlackApiError('invalid_name');
  if (
    state.reactions.some(
      (reaction) => reaction.channel === channel && reaction.timestamp === timestamp && reaction.name === name,
    )
  ) {
    throw new SlackApiError('already_reacted');
  }
  state.reactions.push({ channel, timestamp, name });
  const message = state.findMessage(channel, timestamp);
  if (message) {
    const reactions = Array.isArray(message['reactions']) ? (message['reactions'] as unknown[]) : [];
    message['reactions'] = [...reactions, { name, users: [FAKE_WORKSPACE.botUserId], count: 1 }];
  }
  return {};
};

/** The chat and reaction methods by name. */
export const chatMethods: Readonly<Record<string, MethodHandler>> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.delete': deleteMessage,
  'chat.startStream': startStream,
  'chat.appendStream': appendStream,
  'chat.stopStream': stopStream,
  'reactions.add': addReaction,
};
