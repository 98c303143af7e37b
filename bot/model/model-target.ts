import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { ModelRequest, ModelResponse } from '../agent/ports.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import { botTracer } from '../telemetry/tracing.js';
import { ModelCallError } from './provider-error.js';

/** The providers a model can be reached through. */
export const modelProviders = ['anthropic', 'bedrock', 'vertex', 'openai'] as const;
export type ModelProvider = (typeof modelProviders)[number];

/** `gen_ai.provider.name` values of the OpenTelemetry GenAI conventions. */
const semanticProviderName: Record<ModelProvider, string> = {
  anthropic: 'anthropic',
  bedrock: 'aws.bedrock',
  vertex: 'gcp.vertex_ai',
  openai: 'openai',
};

/** One model on one provider: a single attempt per `send`, failures thrown as ModelCallError. */
export interface ModelTarget {
  provider: ModelProvider;
  model: string;
  send(request: ModelRequest): Promise<Omit<ModelResponse, 'failedModels'>>;
}

/**
 * Runs one attempt in one GenAI client span (`chat <model>`): provider, request and response
 * model, finish reason, token usage (cache reads and writes too), error.type on failure. Never
 * prompts or completions.
 */
export function tracedAttempt(
  target: { provider: ModelProvider; model: string; serverAddress: string },
  request: ModelRequest,
  attempt: () => Promise<Omit<ModelResponse, 'failedModels'> & { responseId?: string }>,
): Promise<Omit<ModelResponse, 'failedModels'>> {
  const attributes = {
    [Attr.genAiProvider]: semanticProviderName[target.provider],
    [Attr.genAiOperation]: 'chat',
    [Attr.genAiRequestModel]: target.model,
    [Attr.genAiRequestMaxTokens]: request.maxTokens,
    [Attr.serverAddress]: target.serverAddress,
  };
  const name = `${SpanName.modelCall} ${target.model}`;
  return botTracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      const { responseId, ...response } = await attempt();
      span.setAttributes({
        [Attr.genAiResponseModel]: response.model,
        ...(responseId ? { [Attr.genAiResponseId]: responseId } : {}),
        [Attr.genAiFinishReasons]: [response.stopReason],
        [Attr.genAiInputTokens]: response.usage.inputTokens,
        [Attr.genAiOutputTokens]: response.usage.outputTokens,
        [Attr.genAiCacheReadTokens]: response.usage.cacheReadTokens,
        [Attr.genAiCacheCreationTokens]: response.usage.cacheWriteTokens,
      });
      return response;
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function markFailed(span: Span, error: unknown): void {
  const status = error instanceof ModelCallError ? error.status : undefined;
  span.setAttribute(
    Attr.errorType,
    status !== undefined ? String(status) : error instanceof Error ? error.name : 'error',
  );
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The host a client talks to, for `server.address`. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
