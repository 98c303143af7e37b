import { z } from 'zod';
import { booleanVariable, parseEnv, portVariable, urlVariable, type Env } from '../config/parse-env.js';

/**
 * Variables of the RCA web page (`sre-bot web`, or inside `sre-bot slack` when SRE_BOT_WEB_URL is
 * set). Sign-in is OpenID Connect (authorization code + PKCE) against any issuer, or a trusted
 * header set by an authenticating proxy (off unless SRE_BOT_WEB_TRUSTED_HEADER is set).
 */
export const webConfigSchema = z
  .object({
    SRE_BOT_WEB_URL: urlVariable(['http:', 'https:']),
    SRE_BOT_WEB_PORT: portVariable(3100),
    SRE_BOT_WEB_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)'),
    OIDC_ISSUER_URL: urlVariable(['http:', 'https:']).optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** The ID-token claim listing the reader's teams (the `team` of channels in SRE_BOT_CHANNELS_FILE). */
    OIDC_TEAMS_CLAIM: z.string().min(1).default('groups'),
    /** Plain-HTTP issuers are refused unless this is set (loopback tests, local development). */
    OIDC_ALLOW_HTTP: booleanVariable(false),
    SRE_BOT_WEB_TRUSTED_HEADER: z.string().min(1).optional(),
    SRE_BOT_WEB_TRUSTED_TEAMS_HEADER: z.string().min(1).default('x-forwarded-groups'),
  })
  .refine((env) => Boolean(env.SRE_BOT_WEB_TRUSTED_HEADER) || Boolean(env.OIDC_ISSUER_URL && env.OIDC_CLIENT_ID), {
    path: ['OIDC_ISSUER_URL'],
    message: 'and OIDC_CLIENT_ID are required for sign-in (or set SRE_BOT_WEB_TRUSTED_HEADER behind a proxy)',
    when: () => true,
  })
  .refine((env) => env.OIDC_ALLOW_HTTP || !env.OIDC_ISSUER_URL?.startsWith('http:'), {
    path: ['OIDC_ISSUER_URL'],
    message: 'must be https (set OIDC_ALLOW_HTTP=true only for a local test issuer)',
    when: () => true,
  });

export type WebConfig = Readonly<z.infer<typeof webConfigSchema>>;

/** Parses the web page's variables; one error names every bad one. */
export function loadWebConfig(env: Env): WebConfig {
  return parseEnv(webConfigSchema, env, 'sre-bot web');
}
