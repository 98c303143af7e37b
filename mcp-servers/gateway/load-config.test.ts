import { describe, expect, it } from 'vitest';
import { GatewayError } from './errors.js';
import { parseGatewayConfig, parseGatewayConfigYaml } from './load-config.js';

const HASH = 'a'.repeat(64);
const caller = { principal: 'bot', tokenSha256: HASH };

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('gateway config', () => {
  it('applies defaults and resolves tokens from the environment and files', () => {
    const config = parseGatewayConfig(
      {
        upstreams: [
          {
            kind: 'argocd',
            instance: 'argocd-eu-1',
            url: 'http://127.0.0.1:1/mcp',
            auth: { bearerTokenEnv: 'EU_TOKEN' },
            labels: { env: 'prod' },
          },
          {
            kind: 'other',
            instance: 'argocd-mcp',
            command: 'argocd-mcp',
            args: ['stdio'],
            auth: { bearerTokenFile: 'token.txt', childEnv: 'ARGOCD_API_TOKEN' },
          },
        ],
        callers: [caller],
      },
      {
        env: { EU_TOKEN: 'from-env-token' },
        baseDir: '/etc/gw',
        readFile: (path) => (path === '/etc/gw/token.txt' ? 'from-file-token\n' : ''),
      },
    );
    expect(config.upstreams.map((upstream) => upstream.token)).toEqual(['from-env-token', 'from-file-token']);
    expect(config.timeouts.callMs).toBe(10_000);
    expect(config.circuitBreaker).toEqual({ failureThreshold: 3, cooldownMs: 30_000 });
    expect(config.callers[0]?.writes).toBe(false);
  });

  it('reports every problem at once, each with the path of the bad field', () => {
    const error = errorOf(() =>
      parseGatewayConfig(
        {
          upstreams: [
            { kind: 'argo', instance: 'a', url: 'http://x/mcp' },
            { kind: 'kubernetes', instance: 'bad name!', url: 'http://x/mcp', command: 'x' },
            {
              kind: 'kyverno',
              instance: 'k',
              url: 'http://x/mcp',
              auth: { bearerTokenEnv: 'A', bearerTokenFile: 'b' },
              timeoutMs: -1,
            },
          ],
          callers: [{ principal: 'bot', tokenSha256: 'not-a-hash', allow: { instance: ['x'] } }],
          extra: true,
        },
        { env: {}, baseDir: '.' },
      ),
    );
    expect(error.code).toBe('config_invalid');
    for (const fragment of [
      'upstreams[0].kind',
      'upstreams[1].instance',
      'upstreams[1]: give exactly one of url (streamable HTTP) or command (stdio)',
      'upstreams[2].auth: give exactly one of bearerTokenEnv or bearerTokenFile',
      'upstreams[2].timeoutMs',
      'callers[0].tokenSha256',
      "callers[0].allow: unknown key(s) 'instance'",
      "(root): unknown key(s) 'extra'",
    ]) {
      expect(error.message).toContain(fragment);
    }
  });

  it('names a missing token variable and the upstream it belongs to, without any value', () => {
    const error = errorOf(() =>
      parseGatewayConfig(
        {
          upstreams: [{ kind: 'argocd', instance: 'eu', url: 'http://x/mcp', auth: { bearerTokenEnv: 'EU_TOKEN' } }],
          callers: [caller],
        },
        { env: {}, baseDir: '.' },
      ),
    );
    expect(error.message).toContain(
      "upstreams[0].auth.bearerTokenEnv: environment variable EU_TOKEN is not set (token of upstream 'eu')",
    );
  });

  it('rejects duplicate instances and callers sharing a token', () => {
    const error = errorOf(() =>
      parseGatewayConfig(
        {
          upstreams: [
            { kind: 'argocd', instance: 'eu', url: 'http://x/mcp' },
            { kind: 'argocd', instance: 'eu', url: 'http://y/mcp' },
          ],
          callers: [caller, { ...caller, principal: 'other' }],
        },
        { env: {}, baseDir: '.' },
      ),
    );
    expect(error.message).toContain("upstreams[1].instance: duplicate argocd instance 'eu' (also upstreams[0])");
    expect(error.message).toContain('callers[1].tokenSha256: same token as callers[0]');
  });

  it('requires stdio upstreams with a token to say which child variable receives it', () => {
    const error = errorOf(() =>
      parseGatewayConfig(
        {
          upstreams: [{ kind: 'other', instance: 'x', command: 'x', auth: { bearerTokenEnv: 'T' } }],
          callers: [caller],
        },
        { env: { T: 'token-value' }, baseDir: '.' },
      ),
    );
    expect(error.message).toContain('upstreams[0].auth.childEnv: stdio upstreams pass their token to the child');
  });

  it('points at the line of a YAML syntax error', () => {
    const error = errorOf(() =>
      parseGatewayConfigYaml('upstreams:\n  - kind: argocd\n   instance: [oops\n', { env: {}, baseDir: '.' }),
    );
    expect(error.message).toMatch(/not valid YAML at line \d+, column \d+/);
  });
});
