/**
 * Turns a response message into the SSE event sequence the Messages API streams, as recorded in
 * shared/specs/anthropic/stream: message_start, per block content_block_start → deltas →
 * content_block_stop (with a ping after the first start), message_delta with the cumulative
 * usage, message_stop. Replaying the events rebuilds exactly the non-streaming body.
 */
import type { AnthropicErrorType } from './script.js';
import type { ResponseMessage } from './message-builder.js';

/** One server-sent event: its `event:` name and the JSON of its `data:` line. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Frames one event the way the API does: `event:` line, `data:` line, blank line. */
export function formatSseEvent(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Splits text into pieces of about `size` characters, breaking after spaces when it can. */
export function splitIntoChunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const space = rest.lastIndexOf(' ', size);
    const cut = space > 0 ? space + 1 : size;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

const PING: SseEvent = { event: 'ping', data: { type: 'ping' } };

function messageStart(message: ResponseMessage): SseEvent {
  return {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    },
  };
}

function blockEvents(message: ResponseMessage): SseEvent[] {
  const events: SseEvent[] = [];
  message.content.forEach((block, index) => {
    const start = block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} };
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } });
    if (index === 0) events.push(PING);
    if (block.type === 'text') {
      for (const text of splitIntoChunks(block.text, 24)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
        });
      }
    } else {
      // The API's first input_json_delta is an empty string; the rest concatenate to the input.
      for (const partial of ['', ...splitIntoChunks(JSON.stringify(block.input), 12)]) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } },
        });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  return events;
}

/** The full event sequence of a successful streamed response. */
export function encodeMessageStream(message: ResponseMessage): SseEvent[] {
  const { usage } = message;
  return [
    messageStart(message),
    ...blockEvents(message),
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: usage.output_tokens,
        },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

/**
 * A stream that fails after it started (`assembled.midstream_error.sse.txt`): message_start, a
 * text block start, ping, one text delta, then `event: error`.
 */
export function encodeMidstreamError(
  message: ResponseMessage,
  partialText: string,
  errorType: AnthropicErrorType,
  errorMessage: string,
): SseEvent[] {
  return [
    messageStart(message),
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    PING,
    {
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: partialText } },
    },
    { event: 'error', data: { type: 'error', error: { type: errorType, message: errorMessage } } },
  ];
}
