import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { BACKEND_HEALTH_URI, RESOURCE_NOT_FOUND } from '../../common/backend-health.js';

/** Settings of a fake upstream MCP server used by gateway tests and benchmarks. */
export interface FakeUpstreamOptions {
  /** Bearer token the fake requires. */
  token: string;
  /** Object names `get_thing` knows; `list_things` lists them. */
  things?: string[];
  /** Delay before every tools/call answer. */
  delayMs?: number;
  /** When true, every tools/call fails with a retryable backend error. */
  failing?: boolean;
  /**
   * The backend-health resource our own servers offer: `up` answers, `down` fails retryably,
   * `absent` declares resources but has no such resource; unset, the fake offers no resources.
   */
  backend?: 'up' | 'down' | 'absent';
}

/** What a fake upstream saw. */
export interface RecordedCall {
  name: string;
  arguments: Record<string, unknown>;
  traceparent: string | undefined;
  authorization: string | undefined;
}

/** A running fake upstream; `stop`/`start` simulate an outage on the same port. */
export interface FakeUpstream {
  url: string;
  calls: RecordedCall[];
  /** URIs of the resources/read requests it answered or refused. */
  resourceReads: string[];
  options: FakeUpstreamOptions;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  close: () => Promise<void>;
}

const TOOLS: Tool[] = [
  {
    name: 'list_things',
    description: 'Lists things.',
    inputSchema: { type: 'object', properties: { filter: { type: 'string' } }, additionalProperties: false },
    outputSchema: {
      type: 'object',
      properties: { things: { type: 'array', items: { type: 'string' } } },
      required: ['things'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'get_thing',
    description: 'Gets one thing by name.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
    outputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, state: { type: 'string' } },
      required: ['name', 'state'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'set_thing',
    description: 'Changes a thing.',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, value: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: false, destructiveHint: true },
  },
  {
    name: 'echo_request',
    description: 'Echoes what the server received, headers included (a careless upstream).',
    inputSchema: { type: 'object', properties: {}, additionalProperties: true },
    annotations: { readOnlyHint: true },
  },
];

const jsonSchemaValidator = new AjvJsonSchemaValidator();

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The fake's MCP server (tools above), recording each call into `calls`; `authorization` is what
 * the transport saw (the HTTP header, or nothing over stdio). Also served over stdio by the
 * gateway benchmark, so the gateway and mcp-proxy can front the same server.
 */
export function createFakeUpstreamServer(
  options: Omit<FakeUpstreamOptions, 'token'>,
  calls: RecordedCall[],
  headers: Record<string, unknown> = {},
  resourceReads: string[] = [],
): Server {
  const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
  const server = new Server(
    { name: 'fake-upstream', version: '1.0.0' },
    { capabilities: { tools: {}, ...(options.backend ? { resources: {} } : {}) }, jsonSchemaValidator },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  if (options.backend) {
    server.setRequestHandler(ReadResourceRequestSchema, (request) => {
      const { uri } = request.params;
      resourceReads.push(uri);
      if (options.backend === 'absent' || uri !== BACKEND_HEALTH_URI)
        throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
      if (options.backend === 'down')
        throw new McpError(
          ErrorCode.InternalError,
          'argocd backend check failed: Argo CD at argocd.test is unreachable: connect ECONNREFUSED',
          { code: 'backend_unavailable', isRetryable: true },
        );
      return {
        contents: [
          {
            uri,
            mimeType: 'application/json',
            text: JSON.stringify({ reachable: true, backend: 'argocd', detail: 'fake', latencyMs: 0 }),
          },
        ],
      };
    });
  }
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const args = request.params.arguments ?? {};
    const traceparent =
      typeof request.params._meta?.traceparent === 'string' ? request.params._meta.traceparent : undefined;
    calls.push({ name: request.params.name, arguments: args, traceparent, authorization });
    if (options.delayMs) await delay(options.delayMs, extra.signal);
    if (options.failing)
      throw new McpError(ErrorCode.InternalError, 'backend unavailable: connection refused', { isRetryable: true });
    const things = options.things ?? [];
    switch (request.params.name) {
      case 'list_things': {
        const filter = typeof args.filter === 'string' ? args.filter : '';
        const names = things.filter((thing) => thing.includes(filter));
        return {
          content: [{ type: 'text', text: names.join('\n') || '(none)' }],
          structuredContent: { things: names },
        };
      }
      case 'get_thing': {
        const name = String(args.name);
        if (!things.includes(name))
          return { content: [{ type: 'text', text: `thing '${name}' not found; call list_things` }], isError: true };
        return { content: [{ type: 'text', text: `thing ${name}: fine` }], structuredContent: { name, state: 'fine' } };
      }
      case 'set_thing':
        return { content: [{ type: 'text', text: `set ${String(args.name)}` }] };
      case 'echo_request':
        if (args.fail === true)
          throw new McpError(ErrorCode.InternalError, `refused request with authorization ${authorization ?? ''}`);
        return {
          content: [
            { type: 'text', text: `authorization: ${authorization ?? ''}` },
            // Echoes a note back as a careless server would, secrets and all.
            ...(typeof args.note === 'string' ? [{ type: 'text' as const, text: `note: ${args.note}` }] : []),
          ],
          structuredContent: { headers: { ...headers } },
        };
      default:
        throw new McpError(ErrorCode.InvalidParams, `unknown tool ${request.params.name}`);
    }
  });
  return server;
}

/** Starts a fake upstream MCP server (stateless streamable HTTP, bearer auth) on 127.0.0.1:0. */
export async function startFakeUpstream(options: FakeUpstreamOptions): Promise<FakeUpstream> {
  const calls: RecordedCall[] = [];
  const resourceReads: string[] = [];
  const buildServer = (req: IncomingMessage): Server =>
    createFakeUpstreamServer(options, calls, req.headers, resourceReads);

  let httpServer: HttpServer | undefined;
  let port = 0;
  const start = async (): Promise<void> => {
    const server = createServer((req, res) => {
      void (async () => {
        if (req.headers.authorization !== `Bearer ${options.token}`) {
          res
            .writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'unauthorized' }, id: null }));
          return;
        }
        if (req.method !== 'POST') {
          res.writeHead(405).end();
          return;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const mcp = buildServer(req);
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        res.on('close', () => {
          void transport.close();
          void mcp.close();
        });
        await mcp.connect(transport);
        await transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      })();
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    httpServer = server;
  };
  const stop = async (): Promise<void> => {
    const server = httpServer;
    httpServer = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  await start();
  return { url: `http://127.0.0.1:${port}/mcp`, calls, resourceReads, options, stop, start, close: stop };
}
