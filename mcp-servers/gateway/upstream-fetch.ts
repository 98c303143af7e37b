import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** The fetch the SDK's HTTP client transport is given for upstream calls, and its connection pool. */
export interface UpstreamFetch {
  fetch: (input: string | URL, init?: RequestInit) => Promise<Response>;
  /** Closes pooled connections (gateway shutdown). */
  close: () => void;
}

/** Statuses whose responses carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index] ?? '', raw[index + 1] ?? '');
  return headers;
}

/**
 * A fetch over node:http with keep-alive agents, for JSON-RPC POSTs to upstream MCP servers: one
 * write per request (headers and body together), a pooled connection, and the response body
 * buffered unless it is an event stream (which is handed over as a stream). Profiling showed
 * the global fetch's request/response stream machinery as a large share of the gateway's CPU per
 * proxied call. Redirects are returned, not followed (the SDK decides); `signal` aborts the request.
 */
export function createUpstreamFetch(): UpstreamFetch {
  const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
  const httpAgent = new HttpAgent(options);
  const httpsAgent = new HttpsAgent(options);
  const fetchUpstream = (input: string | URL, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = typeof input === 'string' ? new URL(input) : input;
      const isHttps = url.protocol === 'https:';
      if (!isHttps && url.protocol !== 'http:') return reject(new TypeError(`unsupported protocol ${url.protocol}`));
      const body = init.body;
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        return reject(new TypeError('upstream fetch sends string or byte bodies only'));
      }
      const method = init.method ?? 'GET';
      const send = isHttps ? httpsRequest : httpRequest;
      const req = send(url, { method, headers: headerRecord(init.headers), agent: isHttps ? httpsAgent : httpAgent, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
        const status = res.statusCode ?? 0;
        const head = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
        if (NULL_BODY.has(status) || method === 'HEAD') {
          res.resume();
          return resolve(new Response(null, head));
        }
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          return resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, head));
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => resolve(new Response(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), head)));
      });
      req.once('error', reject);
      req.end(body ?? undefined);
    });
  return {
    fetch: fetchUpstream,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
