import { ResponseTooLargeError } from './upstream-http.js';

/** Line ends of the event-stream format: CRLF, LF or a lone CR. */
const LINE_END = /\r\n|\r|\n/;

/**
 * The `data` of each event of a `text/event-stream` body (WHATWG server-sent events): data lines
 * joined with newlines, dispatched at a blank line; comments, `event`, `id` and `retry` fields
 * are read and ignored (MCP sends JSON-RPC messages as plain `message` events). Fails with
 * ResponseTooLargeError once more than `maxBytes` have been read.
 */
export async function* eventData(stream: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string[] = [];
  let size = 0;
  /** One line of the stream; returns the event's data when the line ends an event. */
  const line = (text: string): string | undefined => {
    if (text === '') {
      const event = data.length > 0 ? data.join('\n') : undefined;
      data = [];
      return event;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    if ((colon === -1 ? text : text.slice(0, colon)) !== 'data') return undefined;
    const value = colon === -1 ? '' : text.slice(colon + 1);
    data.push(value.startsWith(' ') ? value.slice(1) : value);
    return undefined;
  };
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes)
      throw new ResponseTooLargeError(`event stream is over the gateway's limit of ${maxBytes} bytes`);
    pending += decoder.decode(chunk, { stream: true });
    for (let match = LINE_END.exec(pending); match; match = LINE_END.exec(pending)) {
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (match[0] === '\r' && match.index === pending.length - 1) break;
      const event = line(pending.slice(0, match.index));
      pending = pending.slice(match.index + match[0].length);
      if (event !== undefined) yield event;
    }
  }
  // A CR that ended the stream was a line end after all; an event without its closing blank line is dropped, as the
  // format says.
  if (pending.endsWith('\r')) {
    const event = line(pending.slice(0, -1));
    if (event !== undefined) yield event;
  }
}
