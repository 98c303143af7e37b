import type OpenAI from 'openai';
import type { ModelContentBlock, ModelMessage, ModelRequest, ModelResponse } from '../agent/ports.js';

type ChatParams = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;

function textOf(blocks: readonly ModelContentBlock[]): string {
  return blocks
    .filter((block): block is Extract<ModelContentBlock, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

function assistantMessage(message: ModelMessage): ChatMessage {
  const calls = message.content.flatMap((block) =>
    block.type === 'tool_use'
      ? [
          {
            id: block.id,
            type: 'function' as const,
            function: { name: block.name, arguments: JSON.stringify(block.input) },
          },
        ]
      : [],
  );
  const text = textOf(message.content);
  return { role: 'assistant', content: text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
}

/** A user turn: tool results become `tool` messages (they must follow the assistant's calls), then any text. */
function userMessages(message: ModelMessage): ChatMessage[] {
  const results: ChatMessage[] = message.content.flatMap((block) =>
    block.type === 'tool_result'
      ? [
          {
            role: 'tool' as const,
            tool_call_id: block.toolUseId,
            content: block.isError ? `Error: ${block.content}` : block.content,
          },
        ]
      : [],
  );
  const text = textOf(message.content);
  return text ? [...results, { role: 'user', content: text }] : results;
}

/**
 * The request as a Chat Completions body. Deferred loading and Anthropic's tool search do not
 * exist there, so every tool is sent; server blocks from another provider are dropped. Prompt
 * caching is the server's (OpenAI, vLLM prefix caching): the stable prefix (system, tools) comes first.
 */
export function toChatParams(request: ModelRequest, model: string): ChatParams {
  const messages: ChatMessage[] = [{ role: 'system', content: request.system }];
  for (const message of request.messages)
    messages.push(...(message.role === 'assistant' ? [assistantMessage(message)] : userMessages(message)));
  return {
    model,
    max_tokens: request.maxTokens,
    messages,
    ...(request.tools.length > 0
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: {
              name: tool.name,
              description: tool.description,
              parameters: { type: 'object', ...tool.inputSchema },
            },
          })),
        }
      : {}),
    ...(request.forceTool ? { tool_choice: { type: 'function', function: { name: request.forceTool } } } : {}),
  };
}

/**
 * Tool arguments are JSON text the model wrote; unparseable text goes to the tool as data, so the
 * tool's validation error reaches the model.
 */
function parseArguments(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    return { invalidArguments: raw };
  }
}

const stopReasons: Record<string, string> = {
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  stop: 'end_turn',
  length: 'max_tokens',
};

/** A Chat Completions answer in the port's terms; cached prompt tokens count as cache reads. */
export function fromChatCompletion(
  completion: OpenAI.Chat.ChatCompletion,
  model: string,
): Omit<ModelResponse, 'failedModels'> {
  const choice = completion.choices[0];
  const content: ModelContentBlock[] = [];
  if (choice?.message.content) content.push({ type: 'text', text: choice.message.content });
  for (const call of choice?.message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.arguments),
    });
  }
  const cached = completion.usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    content,
    stopReason: stopReasons[choice?.finish_reason ?? 'stop'] ?? choice?.finish_reason ?? 'end_turn',
    model: completion.model || model,
    usage: {
      inputTokens: Math.max(0, (completion.usage?.prompt_tokens ?? 0) - cached),
      outputTokens: completion.usage?.completion_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    },
  };
}
