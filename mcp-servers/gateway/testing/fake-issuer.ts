import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

/** A fake OAuth 2.1 authorization server on 127.0.0.1 (metadata, JWKS, client_credentials). */
export interface FakeIssuer {
  /** The issuer identifier, `http://127.0.0.1:PORT`. */
  issuer: string;
  /** Signs an access token with the issuer's key; `expiresIn` in seconds (negative: already expired). */
  mint(claims: JWTPayload & { aud: string | string[] }, options?: { expiresIn?: number }): Promise<string>;
  /** Every request path the issuer answered, in order. */
  requests: string[];
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the fake issuer. It serves RFC 8414 metadata, a JWKS with one ES256 key, and a token
 * endpoint granting `client_credentials` to the one client it knows (client_secret_basic), with
 * `aud` set to the requested `resource` (RFC 8707), as the MCP SDK's ClientCredentialsProvider asks.
 */
export async function startFakeIssuer(client: { id: string; secret: string }): Promise<FakeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  const requests: string[] = [];
  let issuer = '';
  const mint: FakeIssuer['mint'] = (claims, options = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
      .setIssuedAt(now - 5)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign(privateKey);
  };
  const expectedBasic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const json = (status: number, body: unknown): ServerResponse =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/.well-known/oauth-authorization-server')
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['client_credentials', 'authorization_code'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
      });
    if (path === '/jwks') return json(200, { keys: [jwk] });
    if (path === '/token' && req.method === 'POST') {
      void readForm(req).then(async (form) => {
        if (req.headers.authorization !== expectedBasic) return json(401, { error: 'invalid_client' });
        if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
        const resource = form.get('resource');
        if (!resource) return json(400, { error: 'invalid_target', error_description: 'resource is required' });
        const scope = form.get('scope') ?? '';
        const token = await mint({ aud: resource, sub: client.id, scope, client_id: client.id });
        return json(200, { access_token: token, token_type: 'Bearer', expires_in: 300, scope });
      });
      return;
    }
    return json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get issuer() {
      return issuer;
    },
    mint,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
