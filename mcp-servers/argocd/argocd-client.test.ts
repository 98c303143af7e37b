import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpServerError } from '../common/errors.js';
import { createArgocdClient } from './argocd-client.js';

// A loopback Argo CD whose behaviour each test picks by path.
let argo: HttpServer;
let url = '';
const connections = new Set<number>();
let nextConnection = 0;

beforeAll(async () => {
  argo = createServer((req, res) => {
    connections.add((req.socket as unknown as { connectionId: number }).connectionId);
    if (req.url === '/api/v1/applications/slow') return; // never answers
    const served = (req.socket as unknown as { served?: number }).served ?? 0;
    Object.assign(req.socket, { served: served + 1 });
    // A server that drops a kept-alive connection as the next request arrives (its idle timeout
    // racing the client): the second request on a socket is cut off unanswered.
    if (req.url === '/api/v1/applications/stale' && served > 0) return void req.socket.destroy();
    if (req.url === '/api/v1/applications/stale')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ metadata: { name: 'stale' } }));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ items: [{ metadata: { name: 'checkout' } }] }));
  });
  argo.on('connection', (socket) => Object.assign(socket, { connectionId: ++nextConnection }));
  await new Promise<void>((resolve) => argo.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(argo.address() as AddressInfo).port}`;
});

afterAll(async () => {
  argo.closeAllConnections();
  await new Promise<void>((resolve) => argo.close(() => resolve()));
});

describe('argocd client transport', () => {
  it('reuses one kept-alive connection for consecutive requests', async () => {
    const client = createArgocdClient({ url, token: 't' });
    connections.clear();
    for (let index = 0; index < 5; index++)
      expect((await client.listApplications()).map((app) => app.metadata.name)).toEqual(['checkout']);
    expect(connections.size).toBe(1);
  });

  it('retries a GET once on a fresh connection when the pooled one was closed by the server', async () => {
    const client = createArgocdClient({ url, token: 't' });
    expect((await client.getApplication('stale'))?.metadata.name).toBe('stale');
    // Goes out on the pooled socket, which the server cuts: answered over a new connection, not ECONNRESET.
    expect((await client.getApplication('stale'))?.metadata.name).toBe('stale');
  });

  it('turns a backend that never answers into a retryable unavailable error at the deadline', async () => {
    const client = createArgocdClient({ url, token: 't', requestTimeoutMs: 100 });
    const error = await client.getApplication('slow').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpServerError);
    expect((error as McpServerError).code).toBe('backend_unavailable');
    expect((error as McpServerError).message).toMatch(/unreachable: no answer within 100 ms/);
  });
});
