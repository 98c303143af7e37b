/**
 * Interactivity payloads (`block_actions`, `view_submission`) and slash-command fields built like
 * the samples in shared/specs/slack/interactivity and slash-commands, in the fictional workspace.
 */
import { randomBytes } from 'node:crypto';
import { nextEventTs } from './event-payloads.js';
import { FAKE_WORKSPACE } from './workspace.js';

/** A fresh trigger id in Slack's `digits.digits.hex` form. */
export function nextTriggerId(): string {
  const digits = (length: number): string => Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
  return `${digits(13)}.${digits(13)}.${randomBytes(16).toString('hex')}`;
}

function userObject(user: string | undefined, userName: string | undefined): Record<string, string> {
  const name = userName ?? FAKE_WORKSPACE.humanName;
  return { id: user ?? FAKE_WORKSPACE.humanUserId, username: name, name, team_id: FAKE_WORKSPACE.teamId };
}

/** Options of {@link blockActionsPayload}. */
export interface BlockActionsOptions {
  actionId: string;
  value?: string;
  blockId?: string;
  /** The bot message the button sits on (ts, blocks…); echoed back as `message`. */
  message?: Record<string, unknown> & { ts?: string; thread_ts?: string };
  channel?: string;
  channelName?: string;
  user?: string;
  userName?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** A button click in a bot message, like `interactivity/block_actions.button.json`. */
export function blockActionsPayload(options: BlockActionsOptions): Record<string, unknown> {
  const channel = options.channel ?? FAKE_WORKSPACE.channelId;
  const messageTs = options.message?.ts ?? nextEventTs();
  const threadTs = options.message?.thread_ts;
  const button = {
    action_id: options.actionId,
    block_id: options.blockId ?? 'actions',
    text: { type: 'plain_text', text: options.actionId, emoji: true },
    value: options.value ?? '',
    type: 'button',
    action_ts: nextEventTs(),
  };
  return {
    type: 'block_actions',
    user: userObject(options.user, options.userName),
    api_app_id: FAKE_WORKSPACE.appId,
    token: FAKE_WORKSPACE.verificationToken,
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channel,
      is_ephemeral: false,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    },
    trigger_id: options.triggerId ?? nextTriggerId(),
    team: { id: FAKE_WORKSPACE.teamId, domain: FAKE_WORKSPACE.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: options.channelName ?? FAKE_WORKSPACE.channelName },
    message: {
      type: 'message',
      ts: messageTs,
      user: FAKE_WORKSPACE.botUserId,
      bot_id: FAKE_WORKSPACE.botId,
      app_id: FAKE_WORKSPACE.appId,
      text: '',
      team: FAKE_WORKSPACE.teamId,
      ...options.message,
    },
    state: { values: {} },
    response_url:
      options.responseUrl ??
      `https://hooks.slack.com/actions/${FAKE_WORKSPACE.teamId}/${Date.now()}/${randomBytes(12).toString('base64url')}`,
    actions: [button],
  };
}

/** The state of one input element: `{ type: 'plain_text_input', value }` and the like. */
export type ViewStateValue = Record<string, unknown> & { type: string };

/** A `plain_text_input` value for `view_submission` state. */
export function plainTextValue(value: string): ViewStateValue {
  return { type: 'plain_text_input', value };
}

/** A `static_select` choice for `view_submission` state. */
export function staticSelectValue(value: string, text = value): ViewStateValue {
  return { type: 'static_select', selected_option: { text: { type: 'plain_text', text, emoji: true }, value } };
}

/** Options of {@link viewSubmissionPayload}. */
export interface ViewSubmissionOptions {
  callbackId: string;
  /** `state.values[blockId][actionId]`. */
  values: Record<string, Record<string, ViewStateValue>>;
  privateMetadata?: string;
  /** The view the app opened (e.g. the `view` from the fake's views.open response); its fields are echoed. */
  view?: Record<string, unknown>;
  user?: string;
  userName?: string;
  triggerId?: string;
}

/** A modal submit, like `interactivity/view_submission.json`. */
export function viewSubmissionPayload(options: ViewSubmissionOptions): Record<string, unknown> {
  const base = options.view ?? {};
  const id = typeof base['id'] === 'string' ? base['id'] : 'V0VIEW00001';
  return {
    type: 'view_submission',
    team: { id: FAKE_WORKSPACE.teamId, domain: FAKE_WORKSPACE.domain },
    user: userObject(options.user, options.userName),
    api_app_id: FAKE_WORKSPACE.appId,
    token: FAKE_WORKSPACE.verificationToken,
    trigger_id: options.triggerId ?? nextTriggerId(),
    view: {
      id,
      team_id: FAKE_WORKSPACE.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: '',
      hash: `${Math.floor(Date.now() / 1000)}.Qw3rTy12`,
      title: { type: 'plain_text', text: 'Modal', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: id,
      app_id: FAKE_WORKSPACE.appId,
      external_id: '',
      app_installed_team_id: FAKE_WORKSPACE.teamId,
      bot_id: FAKE_WORKSPACE.botId,
      ...base,
      callback_id: options.callbackId,
      ...(options.privateMetadata === undefined ? {} : { private_metadata: options.privateMetadata }),
      state: { values: options.values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Options of {@link slashCommandFields}. */
export interface SlashCommandOptions {
  command?: string;
  text?: string;
  channel?: string;
  channelName?: string;
  user?: string;
  userName?: string;
  triggerId?: string;
  responseUrl?: string;
}

/** The fields of a slash command, in Slack's order (`slash-commands/slash_command.decoded.json`); all strings. */
export function slashCommandFields(options: SlashCommandOptions = {}): Record<string, string> {
  return {
    token: FAKE_WORKSPACE.verificationToken,
    team_id: FAKE_WORKSPACE.teamId,
    team_domain: FAKE_WORKSPACE.domain,
    channel_id: options.channel ?? FAKE_WORKSPACE.channelId,
    channel_name: options.channelName ?? FAKE_WORKSPACE.channelName,
    user_id: options.user ?? FAKE_WORKSPACE.humanUserId,
    user_name: options.userName ?? FAKE_WORKSPACE.humanName,
    command: options.command ?? '/sre',
    text: options.text ?? 'status checkout-api',
    api_app_id: FAKE_WORKSPACE.appId,
    is_enterprise_install: 'false',
    response_url:
      options.responseUrl ??
      `https://hooks.slack.com/commands/${FAKE_WORKSPACE.teamId}/${Date.now()}/${randomBytes(12).toString('base64url')}`,
    trigger_id: options.triggerId ?? nextTriggerId(),
  };
}
