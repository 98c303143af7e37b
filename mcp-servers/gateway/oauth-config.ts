import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for https URLs, and for http only on loopback (a local test issuer). */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

const secureUrl = (what: string) =>
  z
    .url({ error: `${what} must be an absolute URL` })
    .refine((value) => isSecureOrLoopback(new URL(value)), `${what} must use https (http only on 127.0.0.1)`);

/**
 * One rule mapping a verified token to a configured caller: the token must carry every listed
 * scope (the `scope` claim, space separated, or an `scp` array) and every listed claim value
 * (a string claim equal to it, or an array claim containing it). The first matching rule wins.
 */
export const oauthRuleSchema = z
  .strictObject({
    /** A `callers[].principal`: the token gets that caller's allow-lists and write permission. */
    principal: z.string().min(1),
    scopes: z.array(z.string().min(1)).default([]),
    claims: z.record(z.string().min(1), z.string().min(1)).default({}),
  })
  .refine((rule) => rule.scopes.length > 0 || Object.keys(rule.claims).length > 0, {
    message: 'a rule needs at least one scope or claim (a rule matching every token would be too wide)',
  });

/**
 * OAuth 2.1 for MCP clients (MCP authorization spec): the gateway is a protected resource that
 * accepts JWT access tokens from one authorization server. Static bearer tokens keep working.
 */
export const oauthConfigSchema = z.strictObject({
  /** The authorization server's issuer identifier; its metadata names the JWKS. */
  issuer: secureUrl('oauth.issuer'),
  /**
   * The canonical URI of this gateway's MCP endpoint (`https://gateway.example.com/mcp`): the
   * audience tokens must carry, and the `resource` of the protected resource metadata. Omitted:
   * the gateway's own listen URL (fine on a laptop, wrong behind an ingress).
   */
  resource: secureUrl('oauth.resource').optional(),
  /** Signature algorithms accepted (asymmetric only: a shared secret would let the resource mint tokens). */
  algorithms: z
    .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))
    .min(1)
    .default(['RS256', 'ES256']),
  /** Seconds of clock skew tolerated on `exp` and `nbf`. */
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
  /** Timeout of one metadata or JWKS request to the issuer. */
  fetchTimeoutMs: z.number().int().positive().max(60_000).default(5_000),
  rules: z.array(oauthRuleSchema).min(1, 'declare at least one rule mapping tokens to a caller'),
});

export type OAuthConfig = z.output<typeof oauthConfigSchema>;
export type OAuthRule = z.output<typeof oauthRuleSchema>;
