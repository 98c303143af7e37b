import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A person the fake issuer signs in. */
export interface FakeOidcUser {
  sub: string;
  name: string;
  groups: string[];
}

export interface FakeOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization request signs in (the fake has no login form). */
  signInAs(sub: string): void;
  /** Token requests seen, to prove PKCE and client authentication were used. */
  tokenRequests: Array<{ codeVerifier?: string; clientId?: string; isPkceValid: boolean }>;
  close(): Promise<void>;
}

interface Grant {
  user: FakeOidcUser;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
}

/**
 * A real OpenID Connect provider on 127.0.0.1 for tests: discovery, JWKS, an authorization
 * endpoint that signs in the chosen user, and a token endpoint that checks the client secret,
 * the redirect URI and the PKCE verifier (S256) before issuing an RS256-signed ID token.
 */
export async function startFakeOidc(users: readonly FakeOidcUser[]): Promise<FakeOidc> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'fake-key-1';
  const clientId = 'sre-bot-web';
  const clientSecret = randomBytes(16).toString('hex');
  const grants = new Map<string, Grant>();
  const tokenRequests: FakeOidc['tokenRequests'] = [];
  let current = users[0];
  let issuer = '';

  const idToken = (grant: Grant) => {
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      aud: grant.clientId,
      sub: grant.user.sub,
      name: grant.user.name,
      groups: grant.user.groups,
      iat: now,
      exp: now + 300,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    };
    const payload = base64url(JSON.stringify(claims));
    const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
    return `${header}.${payload}.${base64url(signature)}`;
  };

  const authorize = (url: URL, res: ServerResponse) => {
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const challenge = url.searchParams.get('code_challenge') ?? '';
    if (
      url.searchParams.get('client_id') !== clientId ||
      url.searchParams.get('code_challenge_method') !== 'S256' ||
      !current
    )
      return json(res, 400, { error: 'invalid_request' });
    const code = randomBytes(12).toString('hex');
    const nonce = url.searchParams.get('nonce');
    grants.set(code, { user: current, clientId, redirectUri, challenge, ...(nonce ? { nonce } : {}) });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = url.searchParams.get('state');
    if (state) back.searchParams.set('state', state);
    back.searchParams.set('iss', issuer);
    res.writeHead(302, { location: back.href }).end();
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const form = await body(req);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
      : [];
    const id = basicId ?? form.get('client_id') ?? undefined;
    const secret = basicSecret ?? form.get('client_secret');
    const grant = grants.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? undefined;
    const isPkceValid = Boolean(
      grant && verifier && base64url(createHash('sha256').update(verifier).digest()) === grant.challenge,
    );
    tokenRequests.push({
      ...(verifier ? { codeVerifier: verifier } : {}),
      ...(id ? { clientId: id } : {}),
      isPkceValid,
    });
    if (id !== clientId || secret !== clientSecret) return json(res, 401, { error: 'invalid_client' });
    if (!grant || grant.redirectUri !== form.get('redirect_uri') || !isPkceValid)
      return json(res, 400, { error: 'invalid_grant' });
    grants.delete(form.get('code') ?? '');
    json(res, 200, {
      access_token: randomBytes(12).toString('hex'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken(grant),
    });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration')
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
    if (url.pathname === '/jwks')
      return json(res, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    if (url.pathname === '/authorize') return authorize(url, res);
    if (url.pathname === '/token' && req.method === 'POST') return void token(req, res);
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    tokenRequests,
    signInAs(sub) {
      current = users.find((user) => user.sub === sub);
      if (!current) throw new Error(`fake OIDC has no user ${sub}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
