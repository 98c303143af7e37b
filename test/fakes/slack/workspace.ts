/**
 * The fictional workspace every assembled Slack sample in shared/specs/slack uses, so payloads
 * built by the signed sender and responses of the fake Web API agree on every id.
 */

/** Ids and names of the fictional workspace (shared/specs/slack/README.md). */
export const FAKE_WORKSPACE = {
  teamId: 'T0TEAM00001',
  teamName: 'Example SRE',
  domain: 'example-sre',
  appId: 'A0APP000001',
  botUserId: 'U0BOT000001',
  botId: 'B0BOT000001',
  botName: 'sre-bot',
  humanUserId: 'U0HUMAN0001',
  humanName: 'alice',
  channelId: 'C0CHAN00001',
  channelName: 'incidents',
  dmChannelId: 'D0DM0000001',
  verificationToken: 'vErIfIcAtIoNtOkEn0000001',
} as const;

/** The `bot_profile` Slack attaches to messages the app posts. */
export function botProfile(): Record<string, unknown> {
  return {
    id: FAKE_WORKSPACE.botId,
    deleted: false,
    name: FAKE_WORKSPACE.botName,
    updated: 1729990000,
    app_id: FAKE_WORKSPACE.appId,
    icons: {
      image_36: 'https://a.slack-edge.com/80588/img/plugins/app/bot_36.png',
      image_48: 'https://a.slack-edge.com/80588/img/plugins/app/bot_48.png',
      image_72: 'https://a.slack-edge.com/80588/img/plugins/app/service_72.png',
    },
    team_id: FAKE_WORKSPACE.teamId,
  };
}

/** A user the fake knows, in the `users.info` shape. */
export type SlackUser = Record<string, unknown> & { id: string; name: string };

/** A conversation the fake knows, in the `conversations.info` shape. */
export type SlackChannel = Record<string, unknown> & { id: string; is_im?: boolean; user?: string };

function avatarImages(userId: string): Record<string, string> {
  const url = (size: string): string => `https://avatars.slack-edge.com/fake/${userId}_${size}.png`;
  return Object.fromEntries(
    ['24', '32', '48', '72', '192', '512', 'original'].map((size) => [`image_${size}`, url(size)]),
  );
}

/** Builds a human (or bot) user record like `web-api/users.info.json`. */
export function createUser(
  id: string,
  name: string,
  options: { realName?: string; isBot?: boolean; email?: string } = {},
): SlackUser {
  const realName = options.realName ?? name;
  return {
    id,
    team_id: FAKE_WORKSPACE.teamId,
    name,
    deleted: false,
    color: '9f69e7',
    real_name: realName,
    tz: 'Europe/Amsterdam',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    profile: {
      avatar_hash: 'ge3b51ca72de',
      real_name: realName,
      real_name_normalized: realName,
      display_name: name,
      display_name_normalized: name,
      email: options.email ?? `${name}@${FAKE_WORKSPACE.domain}.example.com`,
      status_text: '',
      status_emoji: '',
      ...avatarImages(id),
      team: FAKE_WORKSPACE.teamId,
      ...(options.isBot ? { bot_id: FAKE_WORKSPACE.botId, api_app_id: FAKE_WORKSPACE.appId, always_active: true } : {}),
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: options.isBot ?? false,
    is_app_user: false,
    updated: 1729990000,
    has_2fa: false,
  };
}

/** Builds a public or private channel record like `web-api/conversations.info.channel.json`. */
export function createChannel(
  id: string,
  name: string,
  options: { isPrivate?: boolean; isMember?: boolean } = {},
): SlackChannel {
  return {
    id,
    name,
    is_channel: !options.isPrivate,
    is_group: options.isPrivate ?? false,
    is_im: false,
    is_mpim: false,
    is_private: options.isPrivate ?? false,
    created: 1729900000,
    is_archived: false,
    is_general: false,
    unlinked: 0,
    name_normalized: name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: FAKE_WORKSPACE.teamId,
    updated: 1729900000000,
    parent_conversation: null,
    creator: FAKE_WORKSPACE.humanUserId,
    is_read_only: false,
    is_thread_only: false,
    is_non_threadable: false,
    is_ext_shared: false,
    shared_team_ids: [FAKE_WORKSPACE.teamId],
    pending_connected_team_ids: [],
    is_member: options.isMember ?? true,
    topic: { value: '', creator: '', last_set: 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}

/** Builds the app's DM with a user, like `web-api/conversations.info.im.json`. */
export function createImChannel(id: string, userId: string): SlackChannel {
  return {
    id,
    created: 1729900000,
    is_archived: false,
    is_im: true,
    is_org_shared: false,
    context_team_id: FAKE_WORKSPACE.teamId,
    updated: 1729900000000,
    user: userId,
    is_open: true,
    priority: 0,
  };
}

/** The users and conversations a fresh fake starts with. */
export function defaultDirectory(): { users: SlackUser[]; channels: SlackChannel[] } {
  return {
    users: [
      createUser(FAKE_WORKSPACE.humanUserId, FAKE_WORKSPACE.humanName, { realName: 'Alice Example' }),
      createUser(FAKE_WORKSPACE.botUserId, FAKE_WORKSPACE.botName, { isBot: true }),
    ],
    channels: [
      createChannel(FAKE_WORKSPACE.channelId, FAKE_WORKSPACE.channelName),
      createImChannel(FAKE_WORKSPACE.dmChannelId, FAKE_WORKSPACE.humanUserId),
    ],
  };
}
