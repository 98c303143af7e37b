import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  type CallToolResult,
  type ListToolsResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { ResolvedUpstream } from './config.js';

/** One open MCP session with an upstream, whatever carries it. */
export interface UpstreamSession {
  callTool: (params: Record<string, unknown>, signal: AbortSignal, timeoutMs: number) => Promise<CallToolResult>;
  listTools: (cursor: string | undefined, signal: AbortSignal, timeoutMs: number) => Promise<ListToolsResult>;
  /** Whether the upstream declared the resources capability at initialize. */
  offersResources: () => boolean;
  readResource: (uri: string, signal: AbortSignal, timeoutMs: number) => Promise<ReadResourceResult>;
  close: () => Promise<void>;
}

/** An upstream answered with more bytes than the gateway reads. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

/** Keep-alive HTTP connections shared by every streamable-HTTP upstream of one gateway. */
export interface UpstreamHttp {
  readonly dispatcher: Dispatcher;
  /** Destroys pooled connections (gateway shutdown); requests in flight fail. */
  close: () => Promise<void>;
}

/** One undici pool per gateway: keep-alive sockets reused across calls and upstreams. */
export function createUpstreamHttp(): UpstreamHttp {
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, connections: 256 });
  return { dispatcher, close: () => dispatcher.destroy() };
}

type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` over the gateway's pool that refuses bodies over `maxBytes`: at once when the declared
 * length says so, else (event streams, chunked bodies) while the body is read.
 */
function limitedFetch(http: UpstreamHttp, maxBytes: number): FetchLike {
  return async (url, init) => {
    // undici's fetch and the global one share the WHATWG shapes; only their declared types differ.
    const response = (await undiciFetch(url, { ...(init as object), dispatcher: http.dispatcher })) as unknown as Response;
    const declared = response.headers.get('content-length');
    if (declared !== null) {
      if (Number(declared) <= maxBytes) return response;
      await response.body?.cancel();
      throw new ResponseTooLargeError(`response of ${declared} bytes is over the gateway's limit of ${maxBytes}`);
    }
    if (!response.body) return response;
    let size = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.byteLength;
          if (size > maxBytes) controller.error(new ResponseTooLargeError(`response is over the gateway's limit of ${maxBytes} bytes`));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** The upstream no longer knows our session (HTTP 404 on a session request): open a new one. */
export function isSessionExpired(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** The HTTP status of a failed POST to an upstream, if that is what `error` is. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0 ? error.code : undefined;
}

/** What opening a session needs besides the upstream's config. */
export interface OpenSessionOptions {
  clientVersion: string;
  http: UpstreamHttp;
  maxResponseBytes: number;
  connectTimeoutMs: number;
  /** The child's stderr lines (stdio upstreams). */
  onStderr: (text: string) => void;
  onTransportError: (error: Error) => void;
  /** The session ended by itself (child exited, connection closed). */
  onClose: () => void;
}

function transportFor(config: ResolvedUpstream, options: OpenSessionOptions): Transport {
  if (config.url !== undefined) {
    return new StreamableHTTPClientTransport(new URL(config.url), {
      fetch: limitedFetch(options.http, options.maxResponseBytes),
      ...(config.token ? { requestInit: { headers: { authorization: `Bearer ${config.token}` } } } : {}),
      // A stateless upstream has no standalone stream to resume; the gateway learns of changes from health checks.
      reconnectionOptions: { maxReconnectionDelay: 30_000, initialReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2, maxRetries: 0 },
    });
  }
  const env: Record<string, string> = { ...getDefaultEnvironment(), ...config.env };
  if (config.token && config.auth?.childEnv) env[config.auth.childEnv] = config.token;
  const transport = new StdioClientTransport({ command: config.command ?? '', args: config.args, env, stderr: 'pipe' });
  // The child's stderr is its log; the caller keeps it (scrubbed, at debug) rather than mixing it into ours.
  transport.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString('utf8').trimEnd()));
  return transport;
}

/**
 * Opens one MCP session with an upstream through the SDK's `Client`: streamable HTTP over the
 * gateway's keep-alive undici pool (bearer token, response size limit), or stdio to a child
 * process. Tool results are read with the protocol's result schema only: the gateway passes
 * `structuredContent` on as untrusted data and never drops a result for not matching the
 * upstream's `outputSchema` (the caller's own client may check it against the gateway's).
 */
export async function openUpstreamSession(config: ResolvedUpstream, options: OpenSessionOptions, signal: AbortSignal): Promise<UpstreamSession> {
  const client = new Client({ name: 'sre-bot-gateway', version: options.clientVersion }, { capabilities: {} });
  client.onclose = options.onClose;
  client.onerror = options.onTransportError;
  const transport = transportFor(config, options);
  try {
    await client.connect(transport, { timeout: options.connectTimeoutMs, signal });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return {
    callTool: (params, callSignal, timeout) =>
      client.request({ method: 'tools/call', params: params as { name: string } }, CallToolResultSchema, { signal: callSignal, timeout }) as Promise<CallToolResult>,
    listTools: (cursor, callSignal, timeout) => client.listTools(cursor ? { cursor } : undefined, { signal: callSignal, timeout }),
    offersResources: () => client.getServerCapabilities()?.resources !== undefined,
    readResource: (uri, callSignal, timeout) => client.readResource({ uri }, { signal: callSignal, timeout }),
    close: async () => {
      // A stateful upstream is told the session ended (DELETE); a stateless one answers 405, which is fine.
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
        await transport.terminateSession().catch(() => undefined);
      }
      await client.close();
    },
  };
}
