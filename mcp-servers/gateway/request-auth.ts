import { createCallerAuthenticator } from './caller-policy.js';
import type { CallerConfig } from './config.js';
import type { Logger } from './logger.js';
import type { OAuthConfig } from './oauth-config.js';
import { createOAuthVerifier } from './oauth-verifier.js';

/** The caller of a request, or the HTTP refusal to send (status, WWW-Authenticate, message). */
export type AuthOutcome =
  | { kind: 'caller'; caller: CallerConfig }
  | { kind: 'refused'; status: 401 | 403 | 503; challenge: string; message: string };

/** Authenticates `/mcp` requests and serves the protected resource metadata (RFC 9728). */
export interface RequestAuthenticator {
  authenticate(authorization: string | undefined): Promise<AuthOutcome>;
  /** The metadata document when `path` is one of its well-known paths (OAuth configured only). */
  resourceMetadata(path: string): Record<string, unknown> | undefined;
}

const PRM_PREFIX = '/.well-known/oauth-protected-resource';

/** A quoted-string for an auth-param: no quotes or backslashes survive. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, "'")}"`;
}

/** RFC 9728 §3.1: the metadata of `https://host/mcp` is at `/.well-known/oauth-protected-resource/mcp`. */
export function resourceMetadataPath(resource: string): string {
  const path = new URL(resource).pathname.replace(/\/$/, '');
  return `${PRM_PREFIX}${path}`;
}

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/**
 * Static bearer tokens first (hash compare, as before); with `oauth` configured, any other bearer
 * token is checked as a JWT of the issuer. Refusals carry `WWW-Authenticate: Bearer` with
 * `resource_metadata` (MCP authorization spec), `error` and `error_description` (RFC 6750).
 */
export function createRequestAuthenticator(options: {
  callers: readonly CallerConfig[];
  oauth: OAuthConfig | undefined;
  /** The canonical resource URI (configured, or the listen URL once known). */
  resource: () => string;
  logger: Logger;
}): RequestAuthenticator {
  const staticTokens = createCallerAuthenticator(options.callers);
  const { oauth, logger } = options;
  if (!oauth) {
    return {
      authenticate: (authorization) => {
        const caller = staticTokens(authorization);
        return Promise.resolve(
          caller
            ? { kind: 'caller', caller }
            : { kind: 'refused', status: 401, challenge: 'Bearer', message: 'missing or unknown bearer token' },
        );
      },
      resourceMetadata: () => undefined,
    };
  }
  const verifier = createOAuthVerifier(oauth, options.callers, options.resource);
  const metadataUrl = () => new URL(resourceMetadataPath(options.resource()), options.resource()).href;
  const challenge = (error?: string, description?: string): string =>
    [
      `Bearer resource_metadata=${quoted(metadataUrl())}`,
      ...(error ? [`error=${quoted(error)}`] : []),
      ...(description ? [`error_description=${quoted(description)}`] : []),
    ].join(', ');
  const scopes = [...new Set(oauth.rules.flatMap((rule) => rule.scopes))];
  return {
    async authenticate(authorization) {
      const caller = staticTokens(authorization);
      if (caller) return { kind: 'caller', caller };
      const token = bearerToken(authorization);
      if (!token) return { kind: 'refused', status: 401, challenge: challenge(), message: 'bearer token required' };
      const verdict = await verifier.verify(token);
      if (verdict.kind === 'caller') {
        logger.debug({ event: 'oauth-token-accepted', principal: verdict.caller.principal, sub: verdict.subject });
        return { kind: 'caller', caller: verdict.caller };
      }
      logger.info({ event: 'oauth-token-refused', reason: verdict.kind, detail: verdict.description });
      if (verdict.kind === 'insufficient_scope')
        return {
          kind: 'refused',
          status: 403,
          challenge: `${challenge('insufficient_scope', verdict.description)}, scope=${quoted(scopes.join(' '))}`,
          message: verdict.description,
        };
      if (verdict.kind === 'unavailable')
        return {
          kind: 'refused',
          status: 503,
          challenge: challenge(),
          message: 'the authorization server cannot be reached to check the token; try again shortly',
        };
      return {
        kind: 'refused',
        status: 401,
        challenge: challenge('invalid_token', verdict.description),
        message: verdict.description,
      };
    },
    resourceMetadata(path) {
      const own = resourceMetadataPath(options.resource());
      if (path !== own && path !== PRM_PREFIX) return undefined;
      return {
        resource: options.resource(),
        authorization_servers: [oauth.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: scopes,
        resource_name: 'sre-bot MCP gateway',
      };
    },
  };
}
