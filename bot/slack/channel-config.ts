import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ChannelDefaults } from '../agent/entities.js';
import { BotError, errorMessage } from '../errors.js';

const channelSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id like C0123456789 (channel details → About → Channel ID)'),
  name: z.string().min(1).optional(),
  team: z.string().min(1),
  /** `all`: every top-level message is a question; `mentions`: only @sre-bot mentions. */
  respond: z.enum(['all', 'mentions']).default('all'),
  defaults: z
    .strictObject({
      cluster: z.string().min(1).optional(),
      argocdInstance: z.string().min(1).optional(),
      namespace: z.string().min(1).optional(),
    })
    .default({}),
  gateway: z
    .strictObject({
      principal: z.string().min(1),
      tokenEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name like GATEWAY_TOKEN_PAYMENTS'),
    })
    .optional(),
});

const fileSchema = z.strictObject({ channels: z.array(channelSchema).default([]) });

/** One support channel: who owns it, where its questions usually point, which gateway identity it uses. */
export type SupportChannel = z.infer<typeof channelSchema>;

/** The configured support channels, looked up by channel id. */
export interface ChannelDirectory {
  get(channelId: string): SupportChannel | undefined;
  /** Channel ids of every support channel (App Home lists their investigations). */
  supportChannelIds(): string[];
  /** Defaults for a channel's questions (empty for unknown channels and DMs). */
  defaultsFor(channelId: string): ChannelDefaults;
  /** The token variable of a gateway principal, if a channel declares it. */
  tokenEnvFor(principal: string): string | undefined;
  list(): readonly SupportChannel[];
}

/** A directory over already-validated channels. */
export function createChannelDirectory(channels: readonly SupportChannel[]): ChannelDirectory {
  const byId = new Map(channels.map((channel) => [channel.id, channel]));
  return {
    get: (channelId) => byId.get(channelId),
    supportChannelIds: () => [...byId.keys()],
    defaultsFor: (channelId) => ({ ...(byId.get(channelId)?.defaults ?? {}) }),
    tokenEnvFor: (principal) => channels.find((channel) => channel.gateway?.principal === principal)?.gateway?.tokenEnv,
    list: () => channels,
  };
}

/** Parses the channel file's text; errors name the file, the entry and what to write instead. */
export function parseChannelConfig(text: string, source: string): ChannelDirectory {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new BotError('config_invalid', `${source} is not valid YAML: ${errorMessage(error)}`, { cause: error });
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'} ${issue.message}`);
    throw new BotError('config_invalid', `${source}: ${problems.join('; ')} (see deploy/channels.example.yaml)`);
  }
  const seen = new Set<string>();
  for (const channel of result.data.channels) {
    if (seen.has(channel.id)) throw new BotError('config_invalid', `${source}: channel ${channel.id} is listed twice`);
    seen.add(channel.id);
  }
  return createChannelDirectory(result.data.channels);
}

/** Loads SRE_BOT_CHANNELS_FILE; no file means no support channels (mentions, DMs and /sre still work). */
export function loadChannelConfig(path: string | undefined): ChannelDirectory {
  if (!path) return createChannelDirectory([]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BotError(
      'config_invalid',
      `SRE_BOT_CHANNELS_FILE ${path} cannot be read (${errorMessage(error)}); point it at a file like ` +
        `deploy/channels.example.yaml or unset it`,
      {
        cause: error,
      },
    );
  }
  return parseChannelConfig(text, path);
}
