/**
 * The checks the real Messages API makes before it runs a model, so a client bug fails against
 * the fake the way it would in production: credentials, `anthropic-version`, required fields,
 * and the tool_use / tool_result pairing (the recorded 400 in shared/specs/anthropic/errors).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AnthropicErrorType } from './script.js';

/** Why a request is refused: the error type (which fixes the status) and the message. */
export interface RequestProblem {
  type: AnthropicErrorType;
  message: string;
}

/** Checks `x-api-key` (or `Authorization: Bearer`) and `anthropic-version`. */
export function checkHeaders(
  headers: IncomingHttpHeaders,
  expectedApiKey: string | undefined,
): RequestProblem | undefined {
  const apiKey = headers['x-api-key'];
  const bearer = headers.authorization?.replace(/^Bearer\s+/i, '');
  const credential = typeof apiKey === 'string' ? apiKey : bearer;
  if (!credential) return { type: 'authentication_error', message: 'x-api-key header is required' };
  if (expectedApiKey !== undefined && credential !== expectedApiKey) {
    return { type: 'authentication_error', message: 'invalid x-api-key' };
  }
  if (!headers['anthropic-version'])
    return { type: 'invalid_request_error', message: 'anthropic-version: header is required' };
  return undefined;
}

interface Block {
  type?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
}

interface Turn {
  role: string;
  content: Block[];
}

function asBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text' }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** The API joins consecutive messages of the same role into one turn before it checks them. */
function mergeTurns(messages: unknown[]): Turn[] {
  const turns: Turn[] = [];
  for (const raw of messages) {
    const message = raw as { role?: unknown; content?: unknown };
    const role = typeof message.role === 'string' ? message.role : '';
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...asBlocks(message.content));
    else turns.push({ role, content: [...asBlocks(message.content)] });
  }
  return turns;
}

/** Every tool_result must answer a tool_use of the turn before; every tool_use must be answered next. */
function checkToolPairs(messages: unknown[]): RequestProblem | undefined {
  const turns = mergeTurns(messages);
  for (const [index, turn] of turns.entries()) {
    const previous = turns[index - 1];
    const offered = new Set(
      previous?.role === 'assistant'
        ? previous.content.filter((block) => block.type === 'tool_use').map((block) => block.id)
        : [],
    );
    for (const [blockIndex, block] of turn.content.entries()) {
      if (block.type !== 'tool_result') continue;
      if (turn.role !== 'user' || !offered.has(block.tool_use_id)) {
        return {
          type: 'invalid_request_error',
          message:
            `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ` +
            `${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` ` +
            `block in the previous message.`,
        };
      }
    }
    const next = turns[index + 1];
    if (turn.role !== 'assistant' || !next) continue;
    const answered = new Set(
      next.content.filter((block) => block.type === 'tool_result').map((block) => block.tool_use_id),
    );
    const missing = turn.content
      .filter((block) => block.type === 'tool_use' && !answered.has(block.id))
      .map((block) => String(block.id));
    if (missing.length > 0) {
      return {
        type: 'invalid_request_error',
        message:
          `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the ` +
          `next message.`,
      };
    }
  }
  return undefined;
}

/** Checks the body of `POST /v1/messages` (or `/count_tokens`, which takes no `max_tokens`). */
export function checkBody(
  body: Record<string, unknown>,
  options: { requireMaxTokens: boolean; validateToolPairs: boolean },
): RequestProblem | undefined {
  if (typeof body['model'] !== 'string' || body['model'] === '')
    return { type: 'invalid_request_error', message: 'model: Field required' };
  if (options.requireMaxTokens && typeof body['max_tokens'] !== 'number') {
    return { type: 'invalid_request_error', message: 'max_tokens: Field required' };
  }
  const messages = body['messages'];
  if (!Array.isArray(messages)) return { type: 'invalid_request_error', message: 'messages: Field required' };
  if (messages.length === 0)
    return { type: 'invalid_request_error', message: 'messages: at least one message is required' };
  return options.validateToolPairs ? checkToolPairs(messages) : undefined;
}
