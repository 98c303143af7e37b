import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
  type ListResourcesResult,
  type ReadResourceResult,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { z } from 'zod';
import { BACKEND_HEALTH_URI, RESOURCE_NOT_FOUND, type BackendHealth, type BackendProbe } from './backend-health.js';
import { recordToolCall } from './tool-metrics.js';
import { errorMessage, isModelActionable, McpServerError } from './errors.js';
import type { Logger } from './logger.js';
import { contextFromTraceparent } from './trace-context.js';
import { redactText, withRedactionScope } from '../../redaction/index.js';
import { scopeOf, toResult } from './redacted-result.js';
import type { AnyToolDefinition } from './tool-definition.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { StatelessMcpServer, StatelessMethodHandler } from './stateless-mcp.js';

/** One compiled-schema cache for every per-request Server (compiling per request cost ~10% CPU). */
const sharedValidator = new AjvJsonSchemaValidator();

/** The stateless form of every server built here, for transports that answer without the SDK `Server`. */
const statelessForms = new WeakMap<Server, StatelessMcpServer>();

/**
 * The stateless form of a server built by `createToolServer` (same handlers, no per-request
 * `Server` or transport), or undefined for any other server.
 */
export function statelessFormOf(server: Server): StatelessMcpServer | undefined {
  return statelessForms.get(server);
}

/** Everything needed to serve one list of tool definitions over MCP. */
export interface ToolServerOptions<Deps> {
  name: string;
  version: string;
  /** Shown to clients at initialize: what this server is for and how to start. */
  instructions: string;
  tools: readonly AnyToolDefinition<Deps>[];
  deps: Deps;
  /** Write tools are listed and callable only when true. */
  enableWrites: boolean;
  logger: Logger;
  tracer?: Tracer;
  /** Calls the backend once; offered as the `sre-bot://backend-health` resource. */
  backendProbe?: BackendProbe;
}

/** The tools a server offers with the given write setting (writes only when enabled). */
export function offeredTools<Deps>(
  tools: readonly AnyToolDefinition<Deps>[],
  enableWrites: boolean,
): AnyToolDefinition<Deps>[] {
  return tools.filter((tool) => enableWrites || !tool.isWrite);
}

function jsonSchemaOf(schema: z.ZodObject, io: 'input' | 'output'): Tool['inputSchema'] {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return { ...jsonSchema, type: 'object' } as Tool['inputSchema'];
}

/**
 * What a model-actionable error result carries as structuredContent: the message, the server's
 * code (`not_found`, `forbidden`, ...) and whatever facts the tool adds (closest names, say).
 */
export const toolErrorJsonSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, code: { type: 'string' } },
  required: ['error'],
} as const;

/**
 * The output schema a tool advertises: its success shape, or the error shape. SDK clients validate
 * any structuredContent against it, error results included, so errors keep their data (the code,
 * the closest names) as structure instead of leaving it in the text.
 */
function advertisedOutputSchema(schema: z.ZodObject): Tool['outputSchema'] {
  return { type: 'object', anyOf: [jsonSchemaOf(schema, 'output'), toolErrorJsonSchema] } as Tool['outputSchema'];
}

/** Validators of advertised output schemas, compiled once per schema (servers are built per request). */
const outputValidators = new WeakMap<z.ZodObject, (value: unknown) => string | undefined>();

/**
 * Checks structured output against the JSON Schema the server advertises — the same check an SDK
 * client runs, so extra or mistyped fields fail here, on the server, with the tool named.
 * Returns undefined when valid, else what is wrong.
 */
function outputProblem(schema: z.ZodObject, value: unknown): string | undefined {
  let validate = outputValidators.get(schema);
  if (!validate) {
    const check = sharedValidator.getValidator(jsonSchemaOf(schema, 'output'));
    validate = (candidate) => {
      const result = check(candidate);
      return result.valid ? undefined : (result.errorMessage ?? 'invalid');
    };
    outputValidators.set(schema, validate);
  }
  return validate(value);
}

/**
 * The structured output as it goes over the wire: JSON (undefined fields gone) with null-valued
 * object fields dropped too. Backends write `null` for absent values (`lastTimestamp: null`,
 * `creationTimestamp: null`); in these results absent and null mean the same, and one spelling
 * (absent) keeps optional fields optional for every consumer's schema.
 */
function wireForm(structured: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(structured), (_key, value: unknown) => {
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
  }) as Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The checks the SDK `Server` applies to tools/call params, for the stateless path. */
function checkCallParams(params: Record<string, unknown>): {
  name: string;
  arguments?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
} {
  if (typeof params.name !== 'string')
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.name must be a string');
  if (params.arguments !== undefined && !isObject(params.arguments))
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params.arguments must be an object');
  if (params._meta !== undefined && !isObject(params._meta))
    throw new McpError(ErrorCode.InvalidParams, 'Invalid tools/call request: params._meta must be an object');
  return params as { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.') || '(arguments)';
      if (issue.code === 'unrecognized_keys')
        return (
          `unknown argument(s) ${issue.keys.map((key) => `'${key}'`).join(', ')}: this tool accepts only the ` +
          `arguments in its schema`
        );
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** resources/list and resources/read for the backend-health resource of a server with a probe. */
function backendHealthHandlers(
  probe: BackendProbe,
  logger: Logger,
): { list: () => ListResourcesResult; read: (params: Record<string, unknown>) => Promise<ReadResourceResult> } {
  const listed: ListResourcesResult = {
    resources: [
      {
        uri: BACKEND_HEALTH_URI,
        name: 'backend-health',
        title: `${probe.backend} reachability`,
        description:
          `Reading it calls the ${probe.backend} API once and says whether it answered (an error when it did ` +
          `not). For health checks, not for troubleshooting.`,
        mimeType: 'application/json',
      },
    ],
  };
  const read = async (params: Record<string, unknown>): Promise<ReadResourceResult> => {
    if (params.uri !== BACKEND_HEALTH_URI)
      throw new McpError(
        RESOURCE_NOT_FOUND,
        `Resource not found: ${typeof params.uri === 'string' ? params.uri : '(no uri)'}`,
      );
    const started = performance.now();
    try {
      const detail = await probe.check();
      const health: BackendHealth = {
        reachable: true,
        backend: probe.backend,
        detail,
        latencyMs: Math.round(performance.now() - started),
      };
      return { contents: [{ uri: BACKEND_HEALTH_URI, mimeType: 'application/json', text: JSON.stringify(health) }] };
    } catch (error) {
      const code = error instanceof McpServerError ? error.code : 'backend_unavailable';
      const message = redactText(errorMessage(error));
      logger.warn({ event: 'backend-health-fail', code, err: message }, 'backend health check failed');
      // Unreachable or refusing: the same retryable error a tool call gets during an outage.
      throw new McpError(ErrorCode.InternalError, `${probe.backend} backend check failed: ${message}`, {
        code,
        isRetryable: true,
      });
    }
  };
  return { list: () => listed, read };
}

/**
 * Builds an MCP server from a list of tool definitions (no switch): lists them with JSON schemas
 * and annotations, validates arguments strictly, runs each call in a span that continues the
 * caller's `traceparent` from `_meta`, and maps failures to the three exits — `isError` results
 * the model can act on, JSON-RPC errors for caller mistakes, and retryable JSON-RPC errors
 * (`data.isRetryable`) for backend outages.
 *
 * Uses the SDK's low-level `Server` rather than `McpServer` because `McpServer` turns every thrown
 * handler error into an `isError` result, which would hide outages from the caller's retry logic.
 */
export function createToolServer<Deps>(options: ToolServerOptions<Deps>): Server {
  const tools = offeredTools(options.tools, options.enableWrites);
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const writeNames = new Set(options.tools.filter((tool) => tool.isWrite).map((tool) => tool.name));
  const tracer = options.tracer ?? trace.getTracer('sre-bot-mcp');
  const capabilities: ServerCapabilities = {
    tools: { listChanged: false },
    ...(options.backendProbe ? { resources: {} } : {}),
  };
  const server = new Server(
    { name: options.name, version: options.version },
    { capabilities, instructions: options.instructions, jsonSchemaValidator: sharedValidator },
  );

  // Tool schemas never change while the server runs: convert them to JSON schema once, not per tools/list.
  const listed = {
    tools: tools.map((tool): Tool => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: jsonSchemaOf(tool.inputSchema, 'input'),
      ...(tool.outputSchema ? { outputSchema: advertisedOutputSchema(tool.outputSchema) } : {}),
      annotations: { title: tool.title, ...tool.annotations },
    })),
  };

  const callTool = async (
    params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
    signal: AbortSignal,
  ): Promise<CallToolResult> => {
    const name = params.name;
    const tool = byName.get(name);
    if (!tool) {
      const reason = writeNames.has(name)
        ? `tool '${name}' changes the cluster and writes are disabled on this server (start it with --enable-writes)`
        : `unknown tool '${name}'`;
      throw new McpError(ErrorCode.InvalidParams, reason);
    }
    const parsed = tool.inputSchema.safeParse(params.arguments ?? {});
    if (!parsed.success) {
      throw new McpError(ErrorCode.InvalidParams, `invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
    }
    const parentContext = contextFromTraceparent(params._meta?.traceparent);
    return tracer.startActiveSpan(
      `execute_tool ${name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': name,
          'mcp.method.name': 'tools/call',
          'mcp.server.name': options.name,
        },
      },
      parentContext,
      (span) =>
        withRedactionScope(scopeOf(span), async () => {
          const started = performance.now();
          const traceId = span.spanContext().traceId;
          const logger = options.logger.child({ tool: name, traceId });
          try {
            const answer = await tool.handler(parsed.data, { deps: options.deps, logger, signal });
            const output =
              tool.outputSchema && answer.structured && !answer.isError
                ? { ...answer, structured: wireForm(answer.structured) }
                : answer;
            if (tool.outputSchema && !output.isError) {
              const problem = output.structured
                ? outputProblem(tool.outputSchema, output.structured)
                : 'no structured output';
              if (problem) {
                // A server bug, not the caller's: say which tool and field; never hand clients an untrue result.
                logger.error(
                  { event: 'tool-output-invalid', problem },
                  'structured output does not match the outputSchema',
                );
                throw new McpServerError(
                  'output_invalid',
                  `structured output does not match the tool's outputSchema: ${problem}`,
                  { isRetryable: false },
                );
              }
            }
            span.setAttribute('mcp.tool.is_error', output.isError === true);
            logger.info(
              {
                event: 'tool-call-end',
                isError: output.isError === true,
                durationMs: Math.round(performance.now() - started),
                chars: output.text.length,
              },
              'tool call finished',
            );
            recordToolCall(
              options.name,
              name,
              output.isError ? 'tool_error' : 'ok',
              (performance.now() - started) / 1_000,
            );
            return toResult(output);
          } catch (error) {
            if (isModelActionable(error)) {
              span.setAttribute('mcp.tool.is_error', true);
              logger.info(
                { event: 'tool-call-end', isError: true, code: error.code },
                'tool call answered with an error the model can act on',
              );
              recordToolCall(options.name, name, 'tool_error', (performance.now() - started) / 1_000);
              return toResult({
                text: error.message,
                structured: { error: error.message, code: error.code },
                isError: true,
              });
            }
            span.recordException(error instanceof Error ? error : new Error(errorMessage(error)));
            span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
            if (error instanceof McpError) throw error;
            const isRetryable = error instanceof McpServerError && error.isRetryable;
            const code = error instanceof McpServerError ? error.code : 'internal';
            logger.warn(
              { event: 'tool-call-fail', code, isRetryable, err: redactText(errorMessage(error)) },
              'tool call failed',
            );
            recordToolCall(options.name, name, 'failed', (performance.now() - started) / 1_000);
            throw new McpError(ErrorCode.InternalError, `${name} failed: ${errorMessage(error)}`, {
              code,
              isRetryable,
              traceId,
            });
          } finally {
            span.end();
          }
        }),
    );
  };

  server.setRequestHandler(ListToolsRequestSchema, () => listed);
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(request.params, extra.signal));
  const handlers = new Map<string, StatelessMethodHandler>([
    ['tools/list', () => listed],
    ['tools/call', (params, signal) => callTool(checkCallParams(params), signal)],
  ]);
  if (options.backendProbe) {
    const health = backendHealthHandlers(options.backendProbe, options.logger);
    server.setRequestHandler(ListResourcesRequestSchema, health.list);
    server.setRequestHandler(ReadResourceRequestSchema, (request) => health.read(request.params));
    handlers.set('resources/list', health.list);
    handlers.set('resources/read', health.read);
  }
  statelessForms.set(server, {
    serverInfo: { name: options.name, version: options.version },
    capabilities,
    instructions: options.instructions,
    handlers,
  });
  return server;
}
