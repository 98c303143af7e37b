import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import pRetry from 'p-retry';
import type { Logger } from 'pino';
import type { ModelClient, ModelContentBlock, ModelMessage, ModelRequest, ModelResponse } from '../agent/ports.js';
import { BotError, errorMessage } from '../errors.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import { botTracer } from '../telemetry/tracing.js';

export interface AnthropicModelClientOptions {
  apiKey: string;
  /** Override for tests, proxies and gateways (ANTHROPIC_BASE_URL). */
  baseURL?: string;
  /** Primary first, then fallbacks. */
  models: readonly string[];
  /** Retries per model on retryable errors (429, 529, 5xx, connection) before falling back. */
  retriesPerModel: number;
  /** First retry delay; grows exponentially, and a server's retry-after wins when longer. */
  minRetryDelayMs: number;
  timeoutMs: number;
  logger?: Logger;
}

type ApiParams = Anthropic.MessageCreateParamsNonStreaming;
type ApiTool = NonNullable<ApiParams['tools']>[number];

/** Statuses worth retrying: rate limited, overloaded, server errors, timeouts. */
function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof Anthropic.APIError) || !error.headers) return undefined;
  const header = error.headers.get('retry-after');
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds * 1_000, 60_000) : undefined;
}

function toApiMessages(messages: readonly ModelMessage[]): Anthropic.MessageParam[] {
  return messages.map((message, index) => {
    const isLast = index === messages.length - 1;
    const blocks = message.content.map((block, blockIndex): Anthropic.ContentBlockParam => {
      // Incremental conversation caching: a breakpoint on the newest block.
      const cache =
        isLast && blockIndex === message.content.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {};
      switch (block.type) {
        case 'text':
          return { type: 'text', text: block.text, ...cache };
        case 'tool_use':
          return { type: 'tool_use', id: block.id, name: block.name, input: block.input, ...cache };
        case 'tool_result':
          return {
            type: 'tool_result',
            tool_use_id: block.toolUseId,
            content: block.content,
            ...(block.isError ? { is_error: true } : {}),
            ...cache,
          };
        case 'server':
          // Server-side tool blocks (native tool search) go back exactly as received.
          return block.raw as unknown as Anthropic.ContentBlockParam;
      }
    });
    return { role: message.role, content: blocks };
  });
}

function fromApiContent(content: readonly Anthropic.ContentBlock[]): ModelContentBlock[] {
  return content.map((block): ModelContentBlock => {
    if (block.type === 'text') return { type: 'text', text: block.text };
    if (block.type === 'tool_use')
      return {
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: (block.input ?? {}) as Record<string, unknown>,
      };
    return { type: 'server', raw: block as unknown as Record<string, unknown> };
  });
}

function toApiParams(request: ModelRequest, model: string): ApiParams {
  const tools: ApiTool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.inputSchema } as Anthropic.Tool.InputSchema,
    ...(tool.deferLoading ? { defer_loading: true } : {}),
    // Cache breakpoint after the tool definitions: tools + system form the stable prefix.
    ...(index === request.tools.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}),
  }));
  if (request.useNativeToolSearch)
    tools.unshift({ type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' } as ApiTool);
  return {
    model,
    max_tokens: request.maxTokens,
    system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
    tools,
    messages: toApiMessages(request.messages),
    ...(request.forceTool ? { tool_choice: { type: 'tool', name: request.forceTool } } : {}),
  };
}

/**
 * One Messages API call in one OpenTelemetry GenAI client span (`chat <model>`), with the current
 * semantic conventions: gen_ai.provider.name, operation, request and response model, finish
 * reasons, token usage (cache reads and writes too) and error.type on failure. Never prompts or
 * completions. The SDK's own span is switched off where the client is built, so a call has
 * exactly one model span.
 */
function tracedCreate(
  client: Anthropic,
  params: ApiParams,
  signal: AbortSignal | undefined,
): Promise<Anthropic.Message> {
  const attributes = {
    [Attr.genAiProvider]: 'anthropic',
    [Attr.genAiOperation]: 'chat',
    [Attr.genAiRequestModel]: params.model,
    [Attr.genAiRequestMaxTokens]: params.max_tokens,
    [Attr.serverAddress]: new URL(client.baseURL).hostname,
  };
  return botTracer().startActiveSpan(
    `${SpanName.modelCall} ${params.model}`,
    { kind: SpanKind.CLIENT, attributes },
    async (span) => {
      try {
        const message = await client.messages.create(params, { signal });
        span.setAttributes({
          [Attr.genAiResponseModel]: message.model,
          [Attr.genAiResponseId]: message.id,
          [Attr.genAiFinishReasons]: [message.stop_reason ?? 'end_turn'],
          [Attr.genAiInputTokens]: message.usage.input_tokens,
          [Attr.genAiOutputTokens]: message.usage.output_tokens,
          [Attr.genAiCacheReadTokens]: message.usage.cache_read_input_tokens ?? 0,
          [Attr.genAiCacheCreationTokens]: message.usage.cache_creation_input_tokens ?? 0,
        });
        return message;
      } catch (error) {
        const status = error instanceof Anthropic.APIError ? error.status : undefined;
        span.setAttribute(
          Attr.errorType,
          status !== undefined ? String(status) : error instanceof Error ? error.name : 'error',
        );
        span.recordException(error instanceof Error ? error : new Error(String(error)));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * The Anthropic Messages API behind the ModelClient port: p-retry per model on retryable
 * errors (honouring retry-after), then the next model, then `model_unavailable` so the
 * pipeline degrades to triage. The SDK's own retries are off so this policy is the only one.
 */
export function createAnthropicModelClient(options: AnthropicModelClientOptions): ModelClient {
  // The SDK's own spans are off: tracedCreate emits the one GenAI span per call (without content).
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs,
    openTelemetry: { traces: { enabled: false } },
  });
  return {
    models: options.models,
    async create(request: ModelRequest): Promise<ModelResponse> {
      const failedModels: string[] = [];
      let lastError: unknown;
      for (const model of options.models) {
        try {
          const message = await pRetry(() => tracedCreate(client, toApiParams(request, model), request.signal), {
            retries: options.retriesPerModel,
            minTimeout: options.minRetryDelayMs,
            factor: 2,
            shouldRetry: ({ error }) =>
              error instanceof Anthropic.APIError
                ? isRetryableStatus(error.status)
                : error instanceof Anthropic.APIConnectionError,
            onFailedAttempt: async ({ error, attemptNumber }) => {
              options.logger?.warn(
                {
                  event: 'model-call-retry',
                  model,
                  attempt: attemptNumber,
                  status: (error as { status?: number }).status,
                },
                'model call failed',
              );
              const wait = retryAfterMs(error);
              if (wait !== undefined && wait > options.minRetryDelayMs)
                await new Promise((resolve) => setTimeout(resolve, wait));
            },
          });
          return {
            content: fromApiContent(message.content),
            stopReason: message.stop_reason ?? 'end_turn',
            model: message.model || model,
            usage: {
              inputTokens: message.usage.input_tokens,
              outputTokens: message.usage.output_tokens,
              cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
              cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
            },
            failedModels,
          };
        } catch (error) {
          const status = error instanceof Anthropic.APIError ? error.status : undefined;
          // A request the API rejects as invalid fails the same way on every model: stop here.
          if (status !== undefined && !isRetryableStatus(status)) {
            throw new BotError(
              'model_unavailable',
              `the model rejected the request (${status}): ${errorMessage(error)}`,
              { cause: error },
            );
          }
          lastError = error;
          failedModels.push(model);
          options.logger?.warn({ event: 'model-fallback', model, status }, 'model unavailable, trying the next one');
        }
      }
      throw new BotError(
        'model_unavailable',
        `every model failed (${failedModels.join(', ')}): ${errorMessage(lastError)}`,
        { cause: lastError, isRetryable: true },
      );
    },
  };
}
