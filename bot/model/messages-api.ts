import type Anthropic from '@anthropic-ai/sdk';
import type { ModelContentBlock, ModelMessage, ModelRequest, ModelResponse } from '../agent/ports.js';

/** The Messages API request body (Anthropic, Bedrock and Vertex take the same one). */
export type MessagesParams = Anthropic.MessageCreateParamsNonStreaming;
type ApiTool = NonNullable<MessagesParams['tools']>[number];

/** What a Messages API provider supports beyond the common body. */
export interface MessagesFeatures {
  /** Anthropic's server-side tool search (with deferred tools); only the first-party API has it. */
  hasNativeToolSearch: boolean;
}

const ephemeral = { type: 'ephemeral' as const };

function toApiBlock(block: ModelContentBlock, isCacheBreakpoint: boolean): Anthropic.ContentBlockParam {
  const cache = isCacheBreakpoint ? { cache_control: ephemeral } : {};
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
}

function toApiMessages(messages: readonly ModelMessage[]): Anthropic.MessageParam[] {
  return messages.map((message, index) => {
    const isLast = index === messages.length - 1;
    // Incremental conversation caching: a breakpoint on the newest block.
    const content = message.content.map((block, blockIndex) =>
      toApiBlock(block, isLast && blockIndex === message.content.length - 1),
    );
    return { role: message.role, content };
  });
}

/** The request as a Messages API body; cache breakpoints after the tools, the system prompt, the newest block. */
export function toMessagesParams(request: ModelRequest, model: string, features: MessagesFeatures): MessagesParams {
  const useToolSearch = features.hasNativeToolSearch && request.useNativeToolSearch === true;
  const tools: ApiTool[] = request.tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.inputSchema } as Anthropic.Tool.InputSchema,
    ...(useToolSearch && tool.deferLoading ? { defer_loading: true } : {}),
    // Cache breakpoint after the tool definitions: tools + system form the stable prefix.
    ...(index === request.tools.length - 1 ? { cache_control: ephemeral } : {}),
  }));
  if (useToolSearch)
    tools.unshift({ type: 'tool_search_tool_bm25_20251119', name: 'tool_search_tool_bm25' } as ApiTool);
  return {
    model,
    max_tokens: request.maxTokens,
    system: [{ type: 'text', text: request.system, cache_control: ephemeral }],
    tools,
    messages: toApiMessages(request.messages),
    ...(request.forceTool ? { tool_choice: { type: 'tool', name: request.forceTool } } : {}),
  };
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

/** A Messages API answer in the port's terms (without the fallback bookkeeping). */
export function fromMessage(message: Anthropic.Message, model: string): Omit<ModelResponse, 'failedModels'> {
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
  };
}
