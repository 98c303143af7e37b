import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToolServer } from './create-tool-server.js';
import { startHttpTransport, type RunningHttpServer } from './http-transport.js';
import { createSilentServerLogger } from './logger.js';
import { defineTool, readOnlyAnnotations } from './tool-definition.js';

const echo = defineTool<undefined, z.ZodObject<{ text: z.ZodString }>>({
  name: 'echo_text',
  title: 'Echo',
  description: 'Echoes its text.',
  inputSchema: z.object({ text: z.string() }).strict(),
  annotations: readOnlyAnnotations,
  isWrite: false,
  handler: ({ text }) => Promise.resolve({ text: `echo: ${text}`, structured: { text } }),
});

describe('stateless MCP over HTTP (servers built by createToolServer)', () => {
  let http: RunningHttpServer;
  const authToken = 'stateless-token-0123456789';
  const headers = {
    authorization: `Bearer ${authToken}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
  };
  const post = (body: unknown, extra: Record<string, string> = {}) =>
    fetch(http.url, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const logger = createSilentServerLogger();
    http = await startHttpTransport({
      createServer: () =>
        createToolServer({
          name: 'test',
          version: '1.0.0',
          instructions: 'Test server.',
          tools: [echo],
          deps: undefined,
          enableWrites: false,
          logger,
        }),
      authToken,
      port: 0,
      logger,
    });
  });
  afterAll(async () => {
    await http.close();
  });

  it('serves the SDK client: initialize, tools/list, tools/call, ping', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: `Bearer ${authToken}` } },
      }),
    );
    expect(client.getServerVersion()).toMatchObject({ name: 'test', version: '1.0.0' });
    expect(client.getInstructions()).toBe('Test server.');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo_text']);
    expect(await client.callTool({ name: 'echo_text', arguments: { text: 'hi' } })).toMatchObject({
      content: [{ type: 'text', text: 'echo: hi' }],
      structuredContent: { text: 'hi' },
    });
    await expect(client.callTool({ name: 'echo_text', arguments: { nope: 1 } })).rejects.toThrow(
      /invalid arguments for echo_text/,
    );
    await expect(client.ping()).resolves.toEqual({});
    await client.close();
  });

  it(
    'applies the transport rules of the SDK: Accept, Content-Type, notifications, batches, protocol version, ' +
      'unknown methods',
    async () => {
      const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
      expect((await post(list, { accept: 'application/json' })).status).toBe(406);
      expect((await post(list, { 'content-type': 'text/plain' })).status).toBe(415);
      expect((await post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
      expect((await post({ jsonrpc: '1.0', id: 1, method: 'tools/list' })).status).toBe(400);
      expect((await post(list, { 'mcp-protocol-version': '1999-01-01' })).status).toBe(400);
      const batch = await post([list, { jsonrpc: '2.0', id: 'b', method: 'no/such' }]);
      expect(batch.status).toBe(200);
      expect(await batch.json()).toMatchObject([
        { id: 1, result: { tools: [{ name: 'echo_text' }] } },
        { id: 'b', error: { code: -32601 } },
      ]);
      const bad = (await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 7 } })).json()) as {
        error: { code: number };
      };
      expect(bad.error.code).toBe(-32602);
      const init = await post([
        {
          jsonrpc: '2.0',
          id: 3,
          method: 'initialize',
          params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
        },
        list,
      ]);
      expect(init.status).toBe(400);
    },
  );
});
