import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Where requests of one upstream go, parsed once from its URL. */
export interface HttpTarget {
  isHttps: boolean;
  hostname: string;
  port: number;
  path: string;
}

/** One request to an upstream MCP endpoint. */
export interface HttpCall {
  method: 'POST' | 'DELETE';
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** Aborts the request and the reading of its body. */
  signal: AbortSignal;
  /** Largest response body read; a larger one fails the request (ResponseTooLargeError). */
  maxBytes: number;
}

/** An upstream's answer: the whole body, or the open event stream of a `text/event-stream` response. */
export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set for event streams (body is then empty): read it to its end or destroy it. */
  events?: IncomingMessage;
}

/** Keep-alive requests to every upstream of one gateway. */
export interface UpstreamHttp {
  send: (target: HttpTarget, call: HttpCall) => Promise<HttpReply>;
  /** Destroys pooled connections (gateway shutdown); requests in flight fail. */
  close: () => void;
}

/** An upstream answered with more bytes than the gateway reads. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

/** Parses an upstream URL once, so each request skips URL handling. */
export function httpTarget(url: URL): HttpTarget {
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') throw new TypeError(`unsupported protocol ${url.protocol}`);
  return {
    isHttps,
    // node:http wants IPv6 literals without their brackets.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : isHttps ? 443 : 80,
    path: `${url.pathname}${url.search}`,
  };
}

/**
 * Requests over node:http(s) with keep-alive agents (LIFO, so a fan-out reuses the warmest
 * sockets): one write per request, JSON bodies buffered up to `maxBytes`, event streams handed
 * over open. Redirects are returned, never followed (credentials stay with the configured host).
 * Profiling showed the global fetch's stream machinery as a large share of the gateway's CPU per
 * proxied call; this path has none of it.
 */
export function createUpstreamHttp(): UpstreamHttp {
  const options = { keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
  const agents = { http: new HttpAgent(options), https: new HttpsAgent(options) };
  const send = (target: HttpTarget, call: HttpCall): Promise<HttpReply> =>
    new Promise<HttpReply>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...call.headers };
      if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
      const requestOptions: RequestOptions = {
        method: call.method,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        headers,
        agent: target.isHttps ? agents.https : agents.http,
        signal: call.signal,
      };
      const onResponse = (res: IncomingMessage): void => {
        const status = res.statusCode ?? 0;
        if ((res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          resolve({ status, headers: res.headers, body: Buffer.alloc(0), events: res });
          return;
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > call.maxBytes) {
          res.destroy();
          reject(
            new ResponseTooLargeError(`response of ${declared} bytes is over the gateway's limit of ${call.maxBytes}`),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > call.maxBytes) {
            res.destroy();
            reject(new ResponseTooLargeError(`response is over the gateway's limit of ${call.maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.once('error', reject);
        res.once('end', () =>
          resolve({
            status,
            headers: res.headers,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
          }),
        );
      };
      const req = target.isHttps ? httpsRequest(requestOptions, onResponse) : httpRequest(requestOptions, onResponse);
      req.once('error', reject);
      req.end(call.body);
    });
  return {
    send,
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
