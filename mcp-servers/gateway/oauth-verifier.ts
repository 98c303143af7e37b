import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { CallerConfig } from './config.js';
import { errorMessage, GatewayError } from './errors.js';
import { isSecureOrLoopback, type OAuthConfig, type OAuthRule } from './oauth-config.js';

/** What checking one bearer JWT gave: a caller, or why not (for the WWW-Authenticate challenge). */
export type TokenVerdict =
  | { kind: 'caller'; caller: CallerConfig; subject?: string }
  | { kind: 'invalid_token'; description: string }
  | { kind: 'insufficient_scope'; description: string }
  | { kind: 'unavailable'; description: string };

const metadataSchema = z.looseObject({ issuer: z.string(), jwks_uri: z.url() });

/** RFC 8414 §3: the well-known segment goes between the host and the issuer's path. */
export function metadataUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, url.origin),
    new URL(`/.well-known/openid-configuration${path}`, url.origin),
    new URL(`${path}/.well-known/openid-configuration`, url.origin),
  ];
}

/** Finds the issuer's JWKS through its metadata (RFC 8414, then OpenID Connect discovery). */
async function discoverJwksUri(config: OAuthConfig): Promise<URL> {
  const problems: string[] = [];
  for (const url of metadataUrls(config.issuer)) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(config.fetchTimeoutMs) });
      if (!response.ok) {
        problems.push(`${url.href}: HTTP ${response.status}`);
        continue;
      }
      const metadata = metadataSchema.parse(await response.json());
      // RFC 8414 §3.3: metadata naming another issuer must not be used.
      if (metadata.issuer !== config.issuer) throw new Error(`names issuer ${metadata.issuer}`);
      const jwks = new URL(metadata.jwks_uri);
      if (!isSecureOrLoopback(jwks)) throw new Error(`jwks_uri ${jwks.href} is not https`);
      return jwks;
    } catch (error) {
      problems.push(`${url.href}: ${errorMessage(error)}`);
    }
  }
  throw new GatewayError(
    'upstream_unavailable',
    `no usable metadata for issuer ${config.issuer}: ${problems.join('; ')}`,
  );
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scope = typeof payload['scope'] === 'string' ? payload['scope'].split(' ') : [];
  const scp = Array.isArray(payload['scp']) ? payload['scp'].filter((item) => typeof item === 'string') : [];
  return new Set([...scope, ...scp].filter(Boolean));
}

function hasClaim(payload: JWTPayload, name: string, expected: string): boolean {
  const value = payload[name];
  if (Array.isArray(value)) return value.includes(expected);
  return typeof value === 'string' && value === expected;
}

/** The first rule the token satisfies. */
export function matchRule(rules: readonly OAuthRule[], payload: JWTPayload): OAuthRule | undefined {
  const scopes = scopesOf(payload);
  return rules.find(
    (rule) =>
      rule.scopes.every((scope) => scopes.has(scope)) &&
      Object.entries(rule.claims).every(([name, value]) => hasClaim(payload, name, value)),
  );
}

/** Short reason for a rejected token, safe to send back (no token content). */
function rejection(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token is not meant for this resource (aud)';
    if (error.claim === 'iss') return 'the token comes from another issuer (iss)';
    return `the token's ${error.claim} claim is not acceptable`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'the token is not signed by a key of the issuer';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the token signing algorithm is not allowed';
  return 'the token is malformed';
}

/** Verifies OAuth access tokens against one issuer and maps them to callers. */
export interface OAuthVerifier {
  verify(token: string): Promise<TokenVerdict>;
}

/**
 * A verifier for `config`: the JWKS is found from the issuer's metadata on first use (the
 * gateway starts even while the issuer is down), keys are cached and refetched by jose when an
 * unknown `kid` appears. A token is accepted when its signature verifies with an allowed
 * algorithm, `iss` is the issuer, `aud` holds the resource, `exp`/`nbf` hold, and a rule maps it
 * to a caller. `resource()` is read per call because it may default to the listen URL.
 */
export function createOAuthVerifier(
  config: OAuthConfig,
  callers: readonly CallerConfig[],
  resource: () => string,
): OAuthVerifier {
  let jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    jwks ??= discoverJwksUri(config).then((uri) =>
      createRemoteJWKSet(uri, { timeoutDuration: config.fetchTimeoutMs, cooldownDuration: 30_000 }),
    );
    // A failed discovery is not cached: the next token tries again.
    jwks.catch(() => (jwks = undefined));
    return jwks;
  };
  const byPrincipal = new Map(callers.map((caller) => [caller.principal, caller]));
  return {
    async verify(token) {
      let keys: ReturnType<typeof createRemoteJWKSet>;
      try {
        keys = await keySet();
      } catch (error) {
        return { kind: 'unavailable', description: errorMessage(error) };
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          audience: resource(),
          algorithms: config.algorithms,
          clockTolerance: config.clockToleranceSeconds,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout) return { kind: 'unavailable', description: 'JWKS timed out' };
        return { kind: 'invalid_token', description: rejection(error) };
      }
      const rule = matchRule(config.rules, payload);
      const caller = rule ? byPrincipal.get(rule.principal) : undefined;
      if (!caller)
        return { kind: 'insufficient_scope', description: 'no rule of this gateway maps the token to a caller' };
      return { kind: 'caller', caller, ...(payload.sub ? { subject: payload.sub } : {}) };
    },
  };
}
