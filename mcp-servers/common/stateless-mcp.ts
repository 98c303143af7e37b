import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type Implementation,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';

/** Answers one MCP request method; throw an error with a numeric `code` (e.g. McpError) for a JSON-RPC error. */
export type StatelessMethodHandler = (params: Record<string, unknown>, signal: AbortSignal) => unknown;

/**
 * A stateless MCP server reduced to what a POST needs: identity, capabilities and one handler per
 * method (`initialize` and `ping` are answered here). Built once and reused by every request,
 * where the SDK path builds a `Server` and a transport per request.
 */
export interface StatelessMcpServer {
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
  handlers: ReadonlyMap<string, StatelessMethodHandler>;
}

/** Same batch limit as the SDK's streamable-HTTP transport. */
const MAX_BATCH_SIZE = 100;

type JsonRpcId = string | number;
interface JsonRpcRequest {
  id: JsonRpcId;
  method: string;
  params: Record<string, unknown>;
}

function sendError(res: ServerResponse, status: number, code: number, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** 'request' | 'notification' | 'response', or undefined when the value is not a JSON-RPC 2.0 message. */
function kindOf(message: unknown): 'request' | 'notification' | 'response' | undefined {
  if (!isObject(message) || message.jsonrpc !== '2.0') return undefined;
  if (message.params !== undefined && !isObject(message.params)) return undefined;
  const hasId = typeof message.id === 'string' || (typeof message.id === 'number' && Number.isInteger(message.id));
  if (typeof message.method === 'string')
    return hasId ? 'request' : message.id === undefined ? 'notification' : undefined;
  if (hasId && (isObject(message.result) || isObject(message.error))) return 'response';
  return undefined;
}

function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

function errorResponse(id: JsonRpcId, error: unknown): unknown {
  const { code, message, data } = (isObject(error) ? error : {}) as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
  };
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: Number.isSafeInteger(code) ? code : ErrorCode.InternalError,
      message: typeof message === 'string' ? message : 'Internal error',
      ...(data !== undefined ? { data } : {}),
    },
  };
}

async function answer(server: StatelessMcpServer, request: JsonRpcRequest, signal: AbortSignal): Promise<unknown> {
  try {
    let result: unknown;
    if (request.method === 'initialize') {
      const requested = request.params.protocolVersion;
      if (typeof requested !== 'string')
        throw Object.assign(new Error('Invalid initialize request: protocolVersion must be a string'), {
          code: ErrorCode.InvalidParams,
        });
      result = {
        protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION,
        capabilities: server.capabilities,
        serverInfo: server.serverInfo,
        ...(server.instructions ? { instructions: server.instructions } : {}),
      };
    } else if (request.method === 'ping') {
      result = {};
    } else {
      const handler = server.handlers.get(request.method);
      if (!handler)
        return {
          jsonrpc: '2.0',
          id: request.id,
          error: { code: ErrorCode.MethodNotFound, message: 'Method not found' },
        };
      result = await handler(request.params, signal);
    }
    return { jsonrpc: '2.0', id: request.id, result };
  } catch (error) {
    return errorResponse(request.id, error);
  }
}

/**
 * Answers one POST of the streamable-HTTP transport for a stateless server in JSON-response mode,
 * with the SDK transport's checks and status codes: Accept must list application/json and
 * text/event-stream (406), Content-Type application/json (415), valid JSON (400/-32700), valid
 * JSON-RPC messages, batches of at most 100 (400), one initialize per POST, a supported
 * MCP-Protocol-Version header (400); notifications and responses only → 202. Each request is
 * answered with a JSON-RPC result or error (one object, or an array for a batch). Handlers get
 * a signal aborted when the client goes away before the answer is written.
 *
 * `readBody` is called after the header checks; it may throw to let the caller answer
 * (size limits), in which case this function rethrows.
 */
export async function answerStatelessPost(
  req: IncomingMessage,
  res: ServerResponse,
  server: StatelessMcpServer,
  readBody: () => Promise<unknown>,
): Promise<void> {
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return sendError(
      res,
      406,
      -32000,
      'Not Acceptable: Client must accept both application/json and text/event-stream',
    );
  }
  if (!isJsonContentType(req.headers['content-type']))
    return sendError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
  const body = await readBody();
  const messages = Array.isArray(body) ? body : [body];
  if (messages.length > MAX_BATCH_SIZE)
    return sendError(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
  const requests: JsonRpcRequest[] = [];
  let initializes = 0;
  for (const message of messages) {
    const kind = kindOf(message);
    if (kind === undefined) return sendError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    if (kind !== 'request') continue;
    const { id, method, params } = message as { id: JsonRpcId; method: string; params?: Record<string, unknown> };
    if (method === 'initialize') initializes += 1;
    requests.push({ id, method, params: params ?? {} });
  }
  if (initializes > 0 && messages.length > 1)
    return sendError(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
  const version = req.headers['mcp-protocol-version'];
  if (initializes === 0 && typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return sendError(
      res,
      400,
      -32000,
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ` +
        `${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
    );
  }
  // Notifications (initialized, cancelled) and responses have nothing to act on in a stateless server.
  if (requests.length === 0) {
    res.writeHead(202).end();
    return;
  }
  const controller = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
  };
  res.once('close', onClose);
  const only = requests.length === 1 ? requests[0] : undefined;
  const answers = only
    ? await answer(server, only, controller.signal)
    : await Promise.all(requests.map((request) => answer(server, request, controller.signal)));
  // A client that went away gets nothing, as with the SDK transport.
  if (controller.signal.aborted || res.destroyed) return;
  res.off('close', onClose);
  // Like the SDK transport: one answer is sent as an object, several as an array.
  const json = JSON.stringify(answers);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}
