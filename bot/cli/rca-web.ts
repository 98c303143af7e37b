import type { RcaService } from '../rca/rca-service.js';
import type { ChannelDirectory } from '../slack/channel-config.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../telemetry/logger.js';
import type { WebConfig } from '../web/config.js';
import { createOidcSignIn } from '../web/oidc-sign-in.js';
import { createRcaWebServer, type RcaWebServer } from '../web/web-server.js';

/** The owning team of a channel, from the channel file. */
export function teamOfChannel(channels: ChannelDirectory): (channel: string) => string | undefined {
  return (channel) => channels.get(channel)?.team;
}

/** The page URL of one RCA under SRE_BOT_WEB_URL. */
export function rcaPageUrl(baseUrl: string | undefined): ((rcaId: string) => string) | undefined {
  if (!baseUrl) return undefined;
  return (rcaId) => new URL(`/rcas/${encodeURIComponent(rcaId)}`, baseUrl).href;
}

/** Wires the RCA web page from its configuration (OIDC or trusted header) and the channel file. */
export function buildRcaWeb(
  config: WebConfig,
  deps: { service: RcaService; store: Store; channels: ChannelDirectory; logger: Logger },
): RcaWebServer {
  const { channels } = deps;
  return createRcaWebServer({
    service: deps.service,
    store: deps.store,
    logger: deps.logger,
    baseUrl: config.SRE_BOT_WEB_URL,
    sessionSecret: config.SRE_BOT_WEB_SESSION_SECRET,
    ...(config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID && !config.SRE_BOT_WEB_TRUSTED_HEADER
      ? {
          signIn: createOidcSignIn({
            issuer: config.OIDC_ISSUER_URL,
            clientId: config.OIDC_CLIENT_ID,
            ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
            teamsClaim: config.OIDC_TEAMS_CLAIM,
            allowHttp: config.OIDC_ALLOW_HTTP,
          }),
        }
      : {}),
    ...(config.SRE_BOT_WEB_TRUSTED_HEADER
      ? { trustedHeader: { user: config.SRE_BOT_WEB_TRUSTED_HEADER, teams: config.SRE_BOT_WEB_TRUSTED_TEAMS_HEADER } }
      : {}),
    channelsOfTeams: (teams) =>
      channels
        .list()
        .filter((channel) => teams.includes(channel.team))
        .map((c) => c.id),
  });
}
