import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  EmptyResultSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';

/** A running stateful upstream: sessions it holds, requests it saw, and a way to forget sessions. */
export interface StatefulUpstream {
  url: string;
  /** Open sessions by id. */
  sessions: Map<string, StreamableHTTPServerTransport>;
  /** `METHOD mcp-method` of every request, in order (`DELETE -` for session ends). */
  seen: string[];
  /** Calls of `hang` whose handler saw its request cancelled. */
  cancelled: number;
  /** JSON-RPC ids of the client's requests, per session id (`initialize` under `-`). */
  requestIds: Map<string, Array<string | number>>;
  /** Drops every session without telling the client (as a restarted server would). */
  forgetSessions: () => void;
  close: () => Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

function methodsOf(body: unknown): string {
  const messages = Array.isArray(body) ? (body as unknown[]) : [body];
  return messages.map((message) => (message as { method?: string } | undefined)?.method ?? 'response').join(',');
}

/**
 * The MCP SDK's own streamable-HTTP server in its stateful, event-stream mode (a session id per
 * client, every answer sent as SSE), with tools that exercise a client: `slow_echo` sends a
 * log notification and pings the client before answering, `boom` fails with a JSON-RPC error,
 * `hang` answers only when its request is cancelled (and counts that).
 * Requires `Authorization: Bearer <token>`.
 */
export async function startStatefulUpstream(token: string): Promise<StatefulUpstream> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const seen: string[] = [];
  const state = { cancelled: 0 };
  const requestIds = new Map<string, Array<string | number>>();
  const buildServer = (): Server => {
    const server = new Server(
      { name: 'stateful-upstream', version: '1.0.0' },
      { capabilities: { tools: {}, logging: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        {
          name: 'slow_echo',
          description: 'Echoes text after a log line and a ping.',
          inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
          annotations: { readOnlyHint: true },
        },
        {
          name: 'boom',
          description: 'Always fails.',
          inputSchema: { type: 'object' },
          annotations: { readOnlyHint: true },
        },
        {
          name: 'hang',
          description: 'Never answers until cancelled.',
          inputSchema: { type: 'object' },
          annotations: { readOnlyHint: true },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      if (request.params.name === 'boom') throw Object.assign(new Error('boom failed on purpose'), { code: -32603 });
      if (request.params.name === 'hang') {
        await new Promise<void>((resolve) => extra.signal.addEventListener('abort', () => resolve(), { once: true }));
        state.cancelled += 1;
        return { content: [{ type: 'text', text: 'cancelled' }] };
      }
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'working' } });
      await extra.sendRequest({ method: 'ping' }, EmptyResultSchema);
      const text = String(request.params.arguments?.text ?? '');
      return { content: [{ type: 'text', text: `echo: ${text}` }], structuredContent: { echoed: text } };
    });
    return server;
  };
  const http = createServer((req, res) => {
    void (async () => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end();
        return;
      }
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      seen.push(`${req.method ?? '?'} ${req.method === 'POST' ? methodsOf(body) : '-'}`);
      const sessionId = req.headers['mcp-session-id'];
      for (const message of Array.isArray(body) ? (body as unknown[]) : [body]) {
        const { id, method } = (message ?? {}) as { id?: string | number; method?: string };
        if (id === undefined || method === undefined) continue;
        const key = typeof sessionId === 'string' ? sessionId : '-';
        requestIds.set(key, [...(requestIds.get(key) ?? []), id]);
      }
      if (typeof sessionId === 'string') {
        const transport = sessions.get(sessionId);
        if (!transport) {
          res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        await transport.handleRequest(req, res, body);
        return;
      }
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
        onsessionclosed: (id) => void sessions.delete(id),
      });
      await buildServer().connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sessions,
    seen,
    requestIds,
    get cancelled() {
      return state.cancelled;
    },
    forgetSessions: () => sessions.clear(),
    close: async () => {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
