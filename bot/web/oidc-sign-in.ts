import * as oidc from 'openid-client';
import { BotError, errorMessage } from '../errors.js';
import type { Reader } from './session.js';

/** The OpenID Connect client of the page: authorization code flow with PKCE (S256), state and nonce. */
export interface OidcSignIn {
  /** Where to send the browser, and the secrets to keep (signed cookie) until the callback. */
  start(redirectUri: string): Promise<{ url: string; pending: PendingSignIn }>;
  /** Exchanges the callback's code; returns the reader the ID token names. */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<Reader>;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

function teamsFrom(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((team): team is string => typeof team === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * Discovers the issuer once (lazily, so a briefly unreachable issuer does not stop the role) and
 * signs readers in. The teams claim (OIDC_TEAMS_CLAIM) decides which RCAs a reader sees.
 */
export function createOidcSignIn(settings: {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  teamsClaim: string;
  allowHttp: boolean;
}): OidcSignIn {
  let configuration: Promise<oidc.Configuration> | undefined;
  const configured = () => {
    configuration ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        undefined,
        settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        configuration = undefined;
        throw new BotError(
          'upstream_unavailable',
          `cannot discover the OIDC issuer ${settings.issuer}: ${errorMessage(error)}`,
          {
            cause: error,
            isRetryable: true,
          },
        );
      });
    return configuration;
  };

  return {
    async start(redirectUri) {
      const config = await configured();
      const verifier = oidc.randomPKCECodeVerifier();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo: '/' };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },
    async finish(callbackUrl, pending) {
      const config = await configured();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new BotError('invalid_input', 'the issuer returned no ID token');
      const name =
        typeof claims.name === 'string' ? claims.name : typeof claims.email === 'string' ? claims.email : claims.sub;
      return { id: claims.sub, name, teams: teamsFrom(claims[settings.teamsClaim]) };
    },
  };
}
