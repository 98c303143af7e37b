import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Slack's replay window: a signed request more than five minutes off the clock is refused. */
export const REQUEST_WINDOW_SECONDS = 5 * 60;

/**
 * True when a request's `X-Slack-Request-Timestamp` is outside ±5 minutes of `nowMs`. Bolt
 * refuses only timestamps in the past, so a captured request with a future timestamp could be
 * replayed until that time; this closes the other side of the window.
 */
export function isOutsideRequestWindow(header: string | string[] | undefined, nowMs: number): boolean {
  if (header === undefined) return false;
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(seconds)) return true;
  return Math.abs(nowMs / 1_000 - seconds) > REQUEST_WINDOW_SECONDS;
}

/**
 * Puts the window check in front of the receiver's own request handler: requests with a
 * timestamp outside the window get 401 before Bolt sees them; everything else passes unchanged.
 */
export function rejectFutureTimestamps(server: Server, now: () => number): void {
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (isOutsideRequestWindow(request.headers['x-slack-request-timestamp'], now())) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('request timestamp outside the 5-minute window');
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
}
