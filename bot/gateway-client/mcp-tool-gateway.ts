import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolCallOptions, ToolCallResult, ToolDescriptor, ToolGateway } from '../agent/ports.js';
import { BotError, errorMessage } from '../errors.js';
import { readVersionSafe } from './version.js';

export interface McpToolGatewayOptions {
  /** The gateway's streamable-HTTP endpoint, e.g. http://gateway:8080/mcp */
  url: string;
  /** Bearer token of the principal this bot (or channel) uses. */
  token: string;
  /** Per-call timeout. */
  timeoutMs?: number;
}

/** The `data` of the gateway's InternalError for an upstream fault (see mcp-servers/gateway/call-router.ts). */
const upstreamFault = z.object({ code: z.string(), isRetryable: z.boolean() });

interface ContentBlock {
  type: string;
  text?: string;
}

/**
 * The ToolGateway port over MCP: one connected client to the gateway, tools listed once and
 * cached, `traceparent` passed in `_meta` so the gateway continues the trace.
 */
export class McpToolGateway implements ToolGateway {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private toolCache: ToolDescriptor[] | undefined;

  constructor(private readonly options: McpToolGatewayOptions) {}

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = new Client({ name: 'sre-bot', version: readVersionSafe() });
      const transport = new StreamableHTTPClientTransport(new URL(this.options.url), {
        requestInit: { headers: { authorization: `Bearer ${this.options.token}` } },
      });
      try {
        await client.connect(transport);
      } catch (error) {
        this.connecting = undefined;
        throw new BotError(
          'upstream_unavailable',
          `cannot reach the MCP gateway at ${new URL(this.options.url).origin}: ${errorMessage(error)}`,
          { cause: error, isRetryable: true },
        );
      }
      this.client = client;
      return client;
    })();
    return this.connecting;
  }

  async listTools(): Promise<ToolDescriptor[]> {
    if (this.toolCache) return this.toolCache;
    const client = await this.connect();
    const tools: ToolDescriptor[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      for (const tool of page.tools) {
        tools.push({
          name: tool.name,
          description: tool.description ?? '',
          inputSchema: tool.inputSchema as Record<string, unknown>,
          isReadOnly: tool.annotations?.readOnlyHint === true,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    this.toolCache = tools;
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown>, options: ToolCallOptions = {}): Promise<ToolCallResult> {
    const client = await this.connect();
    try {
      const result = await client.callTool(
        { name, arguments: args, ...(options.traceparent ? { _meta: { traceparent: options.traceparent } } : {}) },
        undefined,
        { timeout: this.options.timeoutMs ?? 30_000, ...(options.signal ? { signal: options.signal } : {}) },
      );
      const content = (result.content ?? []) as ContentBlock[];
      const text = content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('\n');
      return {
        text,
        ...(result.structuredContent ? { structured: result.structuredContent } : {}),
        isError: result.isError === true,
      };
    } catch (error) {
      if (error instanceof McpError && error.code !== ErrorCode.RequestTimeout) {
        // The gateway reports an upstream fault as InternalError with `data: {code, isRetryable}`:
        // keep both, so the pipeline can tell a dead instance from a wrong call.
        const data = upstreamFault.safeParse(error.data);
        if (error.code === ErrorCode.InternalError && data.success) {
          return {
            text: errorMessage(error),
            isError: true,
            failure: { code: data.data.code, isRetryable: data.data.isRetryable },
          };
        }
        // Protocol errors (unknown tool, bad arguments, denied) are for the caller to act on.
        return { text: errorMessage(error), isError: true, failure: { code: 'protocol_error', isRetryable: false } };
      }
      throw new BotError('upstream_unavailable', `the MCP gateway call ${name} failed: ${errorMessage(error)}`, {
        cause: error,
        isRetryable: true,
      });
    }
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
    this.connecting = undefined;
  }
}
