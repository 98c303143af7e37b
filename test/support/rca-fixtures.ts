import type { Store } from '../../bot/store/store.js';
import { createOidcSignIn } from '../../bot/web/oidc-sign-in.js';
import type { FakeOidc } from '../fakes/oidc/fake-oidc.js';

/** OIDC sign-in against the fake provider, with teams from its `groups` claim, over plain HTTP on loopback. */
export function fakeOidcSignIn(oidc: FakeOidc): ReturnType<typeof createOidcSignIn> {
  return createOidcSignIn({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    teamsClaim: 'groups',
    allowHttp: true,
  });
}

/** One answered investigation with the tool results a real run records (an image tag that does not exist). */
export async function seedAnsweredInvestigation(
  store: Store,
  options: { id: string; channel: string; service: string; question?: string; deployedAt?: string; rootCause?: string },
): Promise<void> {
  const deployedAt = options.deployedAt ?? '2026-11-24T10:00:00Z';
  await store.investigations.create({
    id: options.id,
    source: 'slack',
    question: options.question ?? `why is ${options.service} failing in prod?`,
    channel: options.channel,
    thread: '1795860600.000100',
    userId: 'U0ASKER01',
  });
  await store.toolCalls.record({
    investigationId: options.id,
    server: 'gateway',
    instance: 'argocd-eu-1',
    tool: 'get_application',
    arguments: { name: options.service },
    outcome: 'ok',
    durationMs: 20,
    result: {
      name: options.service,
      health: 'Degraded',
      sync: 'Synced',
      source: { repoURL: 'https://github.com/acme/gitops.git' },
      history: [{ id: '7', revision: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', deployedAt, message: 'bump image' }],
    },
  });
  await store.investigations.finish(options.id, {
    status: 'answered',
    answer: {
      rootCause: options.rootCause ?? `Deployment ${options.service} uses image tag 9.9.9, which does not exist.`,
      summary: `${options.service} pods cannot pull their image.`,
      confidence: 'high',
      nextSteps: ['Set the tag back to the last good one.'],
      evidence: [],
      skills: ['image-pull-backoff'],
      instances: ['argocd-eu-1'],
      notes: [],
    },
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
  });
}

/** A tiny browser for HTTP tests: keeps cookies and follows redirects across hosts, like a person's browser. */
export function createCookieClient() {
  const jar = new Map<string, string>();
  async function request(url: string, init: RequestInit = {}): Promise<Response> {
    let target = url;
    let options = init;
    for (let hop = 0; hop < 10; hop += 1) {
      const host = new URL(target).host;
      const cookieHeader = [...jar.entries()]
        .filter(([key]) => key.startsWith(`${host}|`))
        .map(([key, value]) => `${key.split('|')[1]}=${value}`)
        .join('; ');
      const headers = new Headers(options.headers);
      if (cookieHeader) headers.set('cookie', cookieHeader);
      const response = await fetch(target, { ...options, headers, redirect: 'manual' });
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const index = pair.indexOf('=');
        const value = pair.slice(index + 1);
        if (value === '' || /Max-Age=0/.test(line)) jar.delete(`${host}|${pair.slice(0, index)}`);
        else jar.set(`${host}|${pair.slice(0, index)}`, value);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      target = new URL(location, target).href;
      options = {};
    }
    throw new Error(`too many redirects from ${url}`);
  }
  return { request, clear: () => jar.clear() };
}
