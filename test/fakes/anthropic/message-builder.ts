/**
 * Builds Messages API response bodies from scripted steps, in the key order and with the fields
 * of the recorded responses in shared/specs/anthropic (`messages.response.*.json`).
 */
import { randomBytes } from 'node:crypto';
import type { AnthropicErrorType, ContentBlockSpec, MessageStep, StopReason } from './script.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random id in the API's style: prefix + base62 characters (`msg_01…`, `toolu_01…`, `req_011C…`). */
export function createApiId(prefix: string, length = 22): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += BASE62[byte % BASE62.length];
  return id;
}

/** A content block of a response, as the API returns it. */
export type ResponseContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; caller: { type: 'direct' } };

/** The `usage` object of a response. */
export interface ResponseUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: string;
  inference_geo: string;
}

/** A full non-streaming response body (`type: "message"`). */
export interface ResponseMessage {
  model: string;
  id: string;
  type: 'message';
  role: 'assistant';
  content: ResponseContentBlock[];
  stop_reason: StopReason;
  stop_sequence: string | null;
  usage: ResponseUsage;
}

/** Rough token estimate (4 characters a token) so unscripted usage numbers move with the prompt. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Estimated prompt size of a request body: system, messages and tools. */
export function estimatePromptTokens(body: Record<string, unknown>): number {
  return estimateTokens({ system: body['system'], messages: body['messages'], tools: body['tools'] });
}

function toResponseBlock(block: ContentBlockSpec): ResponseContentBlock {
  if (block.type === 'text') return { type: 'text', text: block.text };
  return {
    type: 'tool_use',
    id: block.id ?? createApiId('toolu_01'),
    name: block.name,
    input: block.input,
    caller: { type: 'direct' },
  };
}

/** Turns a scripted message step into the response body for a request. */
export function buildResponseMessage(step: MessageStep, body: Record<string, unknown>): ResponseMessage {
  const content = step.content.map(toResponseBlock);
  const hasToolUse = content.some((block) => block.type === 'tool_use');
  const usage = step.usage ?? {};
  const cacheCreation = usage.cache_creation_input_tokens ?? 0;
  const requestModel = typeof body['model'] === 'string' ? body['model'] : 'claude-unknown';
  return {
    model: step.responseModel ?? requestModel,
    id: step.id ?? createApiId('msg_01'),
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: step.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
    stop_sequence: step.stopSequence ?? null,
    usage: {
      input_tokens: usage.input_tokens ?? estimatePromptTokens(body),
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
      cache_creation: {
        ephemeral_5m_input_tokens:
          usage.ephemeral_5m_input_tokens ?? cacheCreation - (usage.ephemeral_1h_input_tokens ?? 0),
        ephemeral_1h_input_tokens: usage.ephemeral_1h_input_tokens ?? 0,
      },
      output_tokens: usage.output_tokens ?? estimateTokens(content),
      service_tier: usage.service_tier ?? 'standard',
      inference_geo: 'not_available',
    },
  };
}

/** The HTTP status the API uses for each error type. */
export const ERROR_STATUS: Readonly<Record<AnthropicErrorType, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** The error type the API reports for a status. */
export function errorTypeForStatus(status: number): AnthropicErrorType {
  const match = (Object.entries(ERROR_STATUS) as [AnthropicErrorType, number][]).find(([, code]) => code === status);
  if (match) return match[0];
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

const DEFAULT_ERROR_MESSAGES: Readonly<Record<AnthropicErrorType, string>> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error:
    'This request would exceed the rate limit for your organization of 50 requests per minute. For details, ' +
    'refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. ' +
    'Please reduce the prompt length or the maximum tokens requested, or try again later.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
  overloaded_error: 'Overloaded',
};

/** The default `error.message` for an error type. */
export function defaultErrorMessage(type: AnthropicErrorType): string {
  return DEFAULT_ERROR_MESSAGES[type];
}

/** The error body every non-2xx response carries: `{type:"error", error:{type,message}, request_id}`. */
export function buildErrorBody(type: AnthropicErrorType, message: string, requestId: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}
