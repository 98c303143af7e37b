import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { discoverOAuthServerInfo } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startFakeIssuer, type FakeIssuer } from './testing/fake-issuer.js';
import { startFakeUpstream, type FakeUpstream } from './testing/fake-upstream.js';
import { hashOf, startTestGateway, type StartedGateway } from './testing/gateway-fixture.js';
import { parseGatewayConfig } from './load-config.js';

const CANARY = 'canary-upstream-secret-oauth';
const STATIC = 'static-bot-token-0123456789';
const CLIENT = { id: 'cursor-alice', secret: 'client-secret-0123456789' };
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let issuer: FakeIssuer;
let stranger: FakeIssuer;
let upstreams: FakeUpstream[] = [];
let started: StartedGateway;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await startFakeIssuer(CLIENT);
  stranger = await startFakeIssuer(CLIENT);
  upstreams = await Promise.all([
    startFakeUpstream({ token: CANARY, things: ['payments'] }),
    startFakeUpstream({ token: CANARY, things: ['billing'] }),
  ]);
  const auth = { bearerTokenEnv: 'UPSTREAM_TOKEN' };
  started = await startTestGateway(
    {
      healthCheck: { intervalMs: 0 },
      upstreams: [
        { kind: 'kubernetes', instance: 'prod-1', url: upstreams[0]?.url, auth, labels: { env: 'prod' } },
        { kind: 'kubernetes', instance: 'dev-1', url: upstreams[1]?.url, auth, labels: { env: 'dev' } },
      ],
      callers: [
        { principal: 'sre-bot', tokenSha256: hashOf(STATIC) },
        { principal: 'ide-dev', allow: { instances: ['env=dev'], tools: ['list_*', 'get_*'] } },
        { principal: 'ide-oncall', allow: { tools: ['list_*'] } },
      ],
      oauth: {
        issuer: issuer.issuer,
        algorithms: ['ES256'],
        rules: [
          { principal: 'ide-oncall', scopes: ['gateway:read'], claims: { groups: 'oncall' } },
          { principal: 'ide-dev', scopes: ['gateway:read'] },
        ],
      },
    },
    { UPSTREAM_TOKEN: CANARY },
  );
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await started?.close();
  await Promise.all(upstreams.map((upstream) => upstream.close()));
  await issuer?.close();
  await stranger?.close();
});

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(started.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  clients.push(client);
  return client;
}

function post(token?: string) {
  return fetch(started.url, {
    method: 'POST',
    headers: { ...HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: TOOLS_LIST,
  });
}

const metadataUrl = () => `${new URL(started.url).origin}/.well-known/oauth-protected-resource/mcp`;

describe('protected resource metadata (RFC 9728)', () => {
  it('names the gateway resource and its issuer, at the path-suffixed and the root well-known URL', async () => {
    for (const url of [metadataUrl(), `${new URL(started.url).origin}/.well-known/oauth-protected-resource`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        resource: started.url,
        authorization_servers: [issuer.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['gateway:read'],
        resource_name: 'sre-bot MCP gateway',
      });
    }
  });

  it('answers 401 without a token with a challenge pointing at the metadata, which the SDK can follow', async () => {
    const response = await post();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${metadataUrl()}"`);
    const info = await discoverOAuthServerInfo(started.url);
    expect(info.authorizationServerUrl).toBe(issuer.issuer);
    expect(info.resourceMetadata?.resource).toBe(started.url);
    expect(info.authorizationServerMetadata?.token_endpoint).toBe(`${issuer.issuer}/token`);
  });
});

describe('bearer JWTs from the configured issuer', () => {
  it('an SDK client that gets a token from the issuer (client credentials) sees its allow-listed tools', async () => {
    const client = new Client({ name: 'oauth-sdk', version: '1.0.0' });
    const provider = new ClientCredentialsProvider({
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      scope: 'gateway:read',
      expectedIssuer: issuer.issuer,
    });
    // The first request is refused with 401; the SDK follows resource_metadata, asks the issuer, retries.
    await client.connect(new StreamableHTTPClientTransport(new URL(started.url), { authProvider: provider }));
    clients.push(client);
    expect(issuer.requests).toContain('/token');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_thing', 'list_things']);
    const result = await client.callTool({ name: 'list_things', arguments: {} });
    // ide-dev may use dev-1 only, so the fan-out reaches dev-1 alone.
    expect(result.structuredContent).toEqual({ things: ['billing'], instance: 'dev-1' });
    expect(started.audit.at(-1)).toMatchObject({ principal: 'ide-dev', outcome: 'ok' });
  });

  it('maps claims to the first matching rule (groups=oncall → ide-oncall)', async () => {
    const token = await issuer.mint({ aud: started.url, sub: 'bob', scope: 'gateway:read', groups: ['oncall'] });
    const { tools } = await (await connect(token)).listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['list_things']);
  });

  it('refuses a token no rule maps with 403 insufficient_scope', async () => {
    const token = await issuer.mint({ aud: started.url, sub: 'eve', scope: 'profile' });
    const response = await post(token);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="gateway:read"');
  });

  it.each([
    ['another issuer', () => stranger.mint({ aud: started.url, sub: 'x', scope: 'gateway:read' }), 'not signed by'],
    [
      'another issuer claimed with a foreign key',
      () => stranger.mint({ aud: started.url, iss: issuer.issuer, sub: 'x', scope: 'gateway:read' }),
      'not signed by',
    ],
    [
      'an expired token',
      () => issuer.mint({ aud: started.url, sub: 'x', scope: 'gateway:read' }, { expiresIn: -120 }),
      'expired',
    ],
    [
      'a token for another resource',
      () => issuer.mint({ aud: 'https://other.example.com/mcp', sub: 'x', scope: 'gateway:read' }),
      'not meant for this resource',
    ],
    ['a string that is no JWT', () => Promise.resolve('not-a-jwt'), 'malformed'],
  ])('refuses %s with 401 invalid_token', async (_name, makeToken, reason) => {
    const response = await post(await makeToken());
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(reason);
  });

  it('refuses a token from another issuer even when it has a matching kid (iss checked)', async () => {
    const token = await issuer.mint({ aud: started.url, iss: stranger.issuer, sub: 'x', scope: 'gateway:read' });
    const response = await post(token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('another issuer');
  });

  it('keeps accepting the static bearer token', async () => {
    const { tools } = await (await connect(STATIC)).listTools();
    // sre-bot has no allow-list: it also sees echo_request, which neither OAuth caller does.
    expect(tools.map((tool) => tool.name).sort()).toEqual(['echo_request', 'get_thing', 'list_things']);
  });
});

describe('oauth configuration', () => {
  const base = {
    upstreams: [{ kind: 'kubernetes', instance: 'a', url: 'http://127.0.0.1:1/mcp' }],
    callers: [{ principal: 'ide' }],
  } as const;

  it('names every problem: http issuer off loopback, a rule for an unknown caller, an unreachable caller', () => {
    expect(() =>
      parseGatewayConfig(
        { ...base, oauth: { issuer: 'http://idp.example.com', rules: [{ principal: 'nobody', scopes: ['x'] }] } },
        { env: {}, baseDir: '.' },
      ),
    ).toThrow(/oauth\.issuer must use https[\s\S]*no caller has principal 'nobody'/);
    expect(() => parseGatewayConfig(base, { env: {}, baseDir: '.' })).toThrow(
      "caller 'ide' has no tokenSha256 and no oauth.rules entry",
    );
  });
});
