import type { IncomingMessage } from 'node:http';
import {
  ErrorCode,
  InitializeResultSchema,
  LATEST_PROTOCOL_VERSION,
  ListToolsResultSchema,
  McpError,
  ReadResourceResultSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Implementation,
  type ListToolsResult,
  type ReadResourceResult,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { eventData } from './event-stream.js';
import { httpTarget, type HttpReply, type HttpTarget, type UpstreamHttp } from './upstream-http.js';

/** An upstream answered with an HTTP status that carries no JSON-RPC answer. */
export class UpstreamHttpError extends Error {
  override readonly name = 'UpstreamHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The upstream no longer knows our session (HTTP 404 on a session request): open a new one. */
export class SessionExpiredError extends Error {
  override readonly name = 'SessionExpiredError';
}

/** An upstream answered something that is not the MCP message it owed. */
export class MalformedReplyError extends Error {
  override readonly name = 'MalformedReplyError';
}

/** What one session needs to reach its upstream. */
export interface HttpSessionOptions {
  url: URL;
  /** Sent as `Authorization: Bearer`; never logged. */
  token?: string;
  clientInfo: Implementation;
  http: UpstreamHttp;
  /** Largest response (JSON body or event stream) read per request. */
  maxResponseBytes: number;
  /** Notifications and requests the upstream sends in a response stream (logged at debug by the caller). */
  onServerMessage?: (method: string) => void;
}

/** A JSON-RPC request id. */
export type JsonRpcId = string | number;
type Message = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` as JSON, or a MalformedReplyError naming `what` was not. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MalformedReplyError(`${what} is not JSON`);
  }
}

/** The result of a JSON-RPC response, or its error as the McpError the SDK client would raise. */
export function settle(message: Message): Record<string, unknown> {
  if (isObject(message.error)) {
    const { code, message: text, data } = message.error;
    throw new McpError(
      Number.isSafeInteger(code) ? (code as number) : ErrorCode.InternalError,
      typeof text === 'string' ? text : 'upstream error without a message',
      data,
    );
  }
  if (isObject(message.result)) return message.result;
  throw new MalformedReplyError('JSON-RPC response has neither a result nor an error');
}

/** Whether `message` is the JSON-RPC response to request `id`. */
export function isResponseTo(message: unknown, id: JsonRpcId): message is Message {
  return (
    isObject(message) && message.id === id && ('result' in message || 'error' in message) && !('method' in message)
  );
}

/** A tools/call result as the protocol requires it (content items are objects with a type; text is a string). */
export function checkCallToolResult(result: Record<string, unknown>): CallToolResult {
  const { content, isError, structuredContent } = result;
  if (!Array.isArray(content)) throw new MalformedReplyError('tools/call result has no content array');
  for (const item of content as unknown[]) {
    if (!isObject(item) || typeof item.type !== 'string')
      throw new MalformedReplyError('tools/call result has a content item without a type');
    if (item.type === 'text' && typeof item.text !== 'string')
      throw new MalformedReplyError('tools/call result has a text item without text');
  }
  if (isError !== undefined && typeof isError !== 'boolean')
    throw new MalformedReplyError('tools/call result has a non-boolean isError');
  if (structuredContent !== undefined && !isObject(structuredContent))
    throw new MalformedReplyError('tools/call result has non-object structuredContent');
  return result as CallToolResult;
}

/** An initialize result the gateway can work with: a supported protocol version and capabilities. */
export function checkInitializeResult(result: Record<string, unknown>): {
  version: string;
  capabilities: ServerCapabilities;
} {
  const parsed = InitializeResultSchema.safeParse(result);
  if (!parsed.success) throw new MalformedReplyError('initialize result is not an MCP InitializeResult');
  const version = parsed.data.protocolVersion;
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(version))
    throw new MalformedReplyError(`upstream speaks MCP ${version}, which the gateway does not support`);
  return { version, capabilities: parsed.data.capabilities };
}

/** A tools/list result as the protocol defines it. */
export function checkListToolsResult(result: Record<string, unknown>): ListToolsResult {
  const parsed = ListToolsResultSchema.safeParse(result);
  if (!parsed.success) throw new MalformedReplyError('tools/list result is not an MCP ListToolsResult');
  return parsed.data;
}

/** A resources/read result as the protocol defines it. */
export function checkReadResourceResult(result: Record<string, unknown>): ReadResourceResult {
  const parsed = ReadResourceResultSchema.safeParse(result);
  if (!parsed.success) throw new MalformedReplyError('resources/read result is not an MCP ReadResourceResult');
  return parsed.data;
}

/** The gateway's answer to a request an upstream makes of it: ping, or "not served". */
export function answerToServer(message: Record<string, unknown>): Record<string, unknown> {
  const method = String(message.method);
  return method === 'ping'
    ? { jsonrpc: '2.0', id: message.id, result: {} }
    : {
        jsonrpc: '2.0',
        id: message.id,
        error: { code: ErrorCode.MethodNotFound, message: `the gateway does not serve ${method}` },
      };
}

/**
 * An MCP client session over streamable HTTP, reduced to what a proxy needs: initialize (and
 * the `initialized` notification), requests answered as JSON or as an event stream, the
 * session id and protocol version headers, session expiry (404), `notifications/cancelled` when
 * a stateful session's request is abandoned, and an explicit end (DELETE).
 * Each request is one keep-alive POST; JSON-RPC errors surface as McpError, HTTP failures as
 * UpstreamHttpError. Requests the upstream makes of us inside a response stream (ping, or
 * capabilities we never declared) are answered on their own POST. Results are checked for the
 * shape the gateway relies on, not re-validated field by field: the gateway passes them on as
 * untrusted data. There is no standalone GET stream: the gateway learns of tool changes from
 * its health checks.
 */
export class HttpMcpSession {
  private constructor(
    private readonly options: HttpSessionOptions,
    private readonly target: HttpTarget,
    private readonly headers: Readonly<Record<string, string>>,
    readonly protocolVersion: string,
    readonly sessionId: string | undefined,
    /** What the upstream declared at initialize. */
    readonly capabilities: ServerCapabilities,
    /** Last request id used; ids are never reused within a session, initialize included. */
    private nextId = 0,
  ) {}

  /** Opens a session: initialize, check the answer, send `notifications/initialized`. */
  static async open(options: HttpSessionOptions, signal: AbortSignal): Promise<HttpMcpSession> {
    const target = httpTarget(options.url);
    const base: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (options.token) base.authorization = `Bearer ${options.token}`;
    const opening = new HttpMcpSession(options, target, base, LATEST_PROTOCOL_VERSION, undefined, {});
    const { result, reply } = await opening.exchange(
      'initialize',
      { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: options.clientInfo },
      signal,
    );
    const { version, capabilities } = checkInitializeResult(result);
    const sessionHeader = reply.headers['mcp-session-id'];
    const sessionId = typeof sessionHeader === 'string' && sessionHeader !== '' ? sessionHeader : undefined;
    const headers = { ...base, 'mcp-protocol-version': version, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) };
    const session = new HttpMcpSession(options, target, headers, version, sessionId, capabilities, opening.nextId);
    await session.notify('notifications/initialized', signal);
    return session;
  }

  async callTool(params: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    return checkCallToolResult((await this.exchange('tools/call', params, signal)).result);
  }

  async listTools(cursor: string | undefined, signal: AbortSignal): Promise<ListToolsResult> {
    return checkListToolsResult((await this.exchange('tools/list', cursor ? { cursor } : {}, signal)).result);
  }

  async readResource(uri: string, signal: AbortSignal): Promise<ReadResourceResult> {
    return checkReadResourceResult((await this.exchange('resources/read', { uri }, signal)).result);
  }

  /** Ends a stateful session (DELETE); servers that keep none answer 405, which is fine. */
  async close(): Promise<void> {
    if (!this.sessionId) return;
    const reply = await this.options.http.send(this.target, {
      method: 'DELETE',
      headers: this.headers,
      signal: AbortSignal.timeout(2000),
      maxBytes: 64 * 1024,
    });
    reply.events?.destroy();
  }

  private post(body: unknown, signal: AbortSignal): Promise<HttpReply> {
    return this.options.http.send(this.target, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify(body),
      signal,
      maxBytes: this.options.maxResponseBytes,
    });
  }

  private async notify(method: string, signal: AbortSignal): Promise<void> {
    const reply = await this.post({ jsonrpc: '2.0', method }, signal);
    reply.events?.destroy();
    if (reply.status >= 300) this.fail(reply);
  }

  /** One request and its response. */
  private async exchange(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ result: Record<string, unknown>; reply: HttpReply }> {
    const id = ++this.nextId;
    // A stateful upstream keeps working on a request whose connection closed: tell it we gave up.
    const onAbort = (): void => this.cancel(id, signal.reason);
    if (this.sessionId) signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.settleExchange(method, id, params, signal);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Best effort `notifications/cancelled` for request `id` (its own short deadline; failures ignored). */
  private cancel(id: JsonRpcId, reason: unknown): void {
    const text = reason instanceof Error ? reason.message : 'the gateway stopped waiting';
    this.post(
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: text.slice(0, 200) } },
      AbortSignal.timeout(2000),
    ).then(
      (reply) => reply.events?.destroy(),
      () => undefined,
    );
  }

  private async settleExchange(
    method: string,
    id: JsonRpcId,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ result: Record<string, unknown>; reply: HttpReply }> {
    const reply = await this.post({ jsonrpc: '2.0', id, method, params }, signal);
    if (reply.status === 200 && reply.events) return { result: await this.fromStream(reply.events, id, signal), reply };
    reply.events?.destroy();
    if (reply.status !== 200) this.fail(reply);
    const body = parseJson(reply.body.toString('utf8'), `answer to ${method}`);
    const message = Array.isArray(body) ? (body as unknown[]).find((item) => isResponseTo(item, id)) : body;
    if (!isResponseTo(message, id)) throw new MalformedReplyError(`answer to ${method} is not its JSON-RPC response`);
    return { result: settle(message), reply };
  }

  /** Reads a response stream until the response to `id`; answers the upstream's own requests on the way. */
  private async fromStream(
    stream: IncomingMessage,
    id: JsonRpcId,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    try {
      for await (const data of eventData(stream, this.options.maxResponseBytes)) {
        const message = parseJson(data, 'event stream message');
        for (const item of Array.isArray(message) ? (message as unknown[]) : [message]) {
          if (isResponseTo(item, id)) return settle(item);
          if (isObject(item) && typeof item.method === 'string') this.answerServer(item, signal);
        }
      }
    } catch (error) {
      // An abort tears the stream down mid-read ("aborted"): report the abort, not its symptom.
      if (signal.aborted) throw signal.reason;
      throw error;
    } finally {
      // The answer came (or the stream failed): the rest of the stream is of no use.
      stream.destroy();
    }
    throw new MalformedReplyError('event stream ended without the response');
  }

  /** The upstream asked us something: ping is answered, anything else is a capability we never declared. */
  private answerServer(message: Message, signal: AbortSignal): void {
    const method = message.method as string;
    this.options.onServerMessage?.(method);
    if (message.id === undefined || message.id === null) return;
    this.post(answerToServer(message), signal).then(
      (reply) => reply.events?.destroy(),
      () => undefined,
    );
  }

  /** Turns a non-200 answer into the error it means. */
  private fail(reply: HttpReply): never {
    if (reply.status === 404 && this.sessionId) throw new SessionExpiredError('the upstream ended our session');
    if (reply.status === 401 || reply.status === 403)
      throw new UpstreamHttpError(reply.status, `refused the gateway's credentials (HTTP ${reply.status})`);
    if (reply.status === 202) throw new MalformedReplyError('upstream accepted a request without answering it');
    let body: unknown;
    try {
      body = JSON.parse(reply.body.toString('utf8')) as unknown;
    } catch {
      body = undefined;
    }
    const error = isObject(body) && isObject(body.error) ? body.error : undefined;
    if (error && typeof error.message === 'string') {
      throw new UpstreamHttpError(reply.status, `HTTP ${reply.status}: ${error.message}`);
    }
    throw new UpstreamHttpError(reply.status, `HTTP ${reply.status}`);
  }
}
