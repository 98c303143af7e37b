/**
 * A fake Slack Web API on 127.0.0.1:0 that the real `@slack/web-api` WebClient (and Bolt) talk
 * to via `slackApiUrl`. It checks the bearer token, keeps messages per channel and thread,
 * records every call, and can answer the next calls of a method with 429 + Retry-After or an
 * error. Shapes follow shared/specs/slack/web-api. See test/fakes/README.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatMethods } from './chat-methods.js';
import { decodeForRecord, MethodArgs, parseArguments, SlackApiError } from './method-args.js';
import type { MethodHandler } from './method-handler.js';
import { SlackState, type SlackMessage } from './slack-state.js';
import { workspaceMethods } from './workspace-methods.js';
import { FAKE_WORKSPACE, type SlackChannel, type SlackUser } from './workspace.js';

/** One Web API call as the fake saw it (the token itself is not kept). */
export interface RecordedSlackCall {
  index: number;
  method: string;
  /** Arguments with JSON-encoded form fields (blocks, view, metadata, prompts, chunks) decoded. */
  args: Record<string, unknown>;
  contentType: string | undefined;
  /** HTTP status sent: 200, 429 for an injected rate limit, or an injected error status. */
  status: number;
  /** The JSON body sent back. */
  response: Record<string, unknown>;
}

/** Options of {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** The bot token the app must present (default `xoxb-fake-bot-token`). */
  botToken?: string;
  /** More tokens to accept (same identity). */
  extraTokens?: string[];
  /** `X-OAuth-Scopes` response header. */
  scopes?: string[];
  /** Clock in epoch milliseconds, used for message timestamps (default `Date.now`). */
  now?: () => number;
  /** Users and conversations to add to the default fictional workspace. */
  users?: SlackUser[];
  channels?: SlackChannel[];
}

/** Fields of a human message to seed (the rest is filled in like a real user message). */
export interface SeedMessage {
  text: string;
  user?: string;
  ts?: string;
  thread_ts?: string;
  [field: string]: unknown;
}

/** A running fake Slack. */
export interface FakeSlack {
  /** Server root, e.g. `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Value for `slackApiUrl` / `SLACK_API_URL`: `url + '/api/'`. */
  readonly apiUrl: string;
  readonly botToken: string;
  /** Every call, in arrival order. */
  readonly calls: readonly RecordedSlackCall[];
  /** The calls of one method. */
  callsTo(method: string): RecordedSlackCall[];
  /** Resolves with the first call (past or future) of `method` that matches; rejects after `timeoutMs`. */
  waitForCall(
    method: string,
    options?: { where?: (call: RecordedSlackCall) => boolean; timeoutMs?: number },
  ): Promise<RecordedSlackCall>;
  /** Workspace state for seeding and inspection (messages, views, reactions, assistant threads…). */
  readonly state: SlackState;
  /** Messages of a thread (parent first) or, without `threadTs`, the whole channel in ts order. */
  messages(channel: string, threadTs?: string): SlackMessage[];
  /** Seeds a human message (e.g. the mention a test event refers to) so replies can find it. */
  addMessage(channel: string, message: SeedMessage): SlackMessage;
  addUser(user: SlackUser): void;
  addChannel(channel: SlackChannel): void;
  /**
   * A slash-command response URL served by this fake: POSTs to it are recorded as calls of the
   * pseudo-method `response_url` (args = the JSON body, plus `path`).
   */
  responseUrl(name?: string): string;
  /** The next `times` calls of `method` get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, options?: { times?: number; retryAfterSeconds?: number }): void;
  /** The next `times` calls of `method` fail: `{ok:false,error}` (HTTP 200) or, with `status`, that HTTP status. */
  failNext(method: string, error: string, options?: { times?: number; status?: number }): void;
  /** The next `times` calls of `method` are answered normally, but only after `delayMs`. */
  slowDown(method: string, delayMs: number, options?: { times?: number }): void;
  /** Drops the faults still queued for `method` (every method when omitted). */
  clearFaults(method?: string): void;
  close(): Promise<void>;
}

type Fault =
  | { kind: 'ratelimited'; retryAfterSeconds: number }
  | { kind: 'error'; error: string; status: number }
  | { kind: 'slow'; delayMs: number };

const DEFAULT_SCOPES = [
  'app_mentions:read',
  'assistant:write',
  'channels:history',
  'channels:read',
  'chat:write',
  'commands',
  'groups:history',
  'im:history',
  'im:read',
  'reactions:write',
  'users:read',
];

const METHODS: Readonly<Record<string, MethodHandler>> = { ...chatMethods, ...workspaceMethods };

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-bot-token';
  const tokens = new Set([botToken, ...(options.extraTokens ?? [])]);
  const state = new SlackState(options.now ?? Date.now);
  for (const user of options.users ?? []) state.users.set(user.id, user);
  for (const channel of options.channels ?? []) state.channels.set(channel.id, channel);
  const calls: RecordedSlackCall[] = [];
  const faults = new Map<string, Fault[]>();
  const waiters = new Set<{ onCall: (call: RecordedSlackCall) => void; cancel: () => void }>();

  function reply(
    response: ServerResponse,
    status: number,
    body: Record<string, unknown>,
    extraHeaders: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-slack-req-id': randomBytes(16).toString('hex'),
      'x-oauth-scopes': (options.scopes ?? DEFAULT_SCOPES).join(','),
      'access-control-expose-headers': 'x-slack-req-id, retry-after',
      'content-length': String(Buffer.byteLength(text)),
      ...extraHeaders,
    });
    response.end(text);
  }

  function record(
    method: string,
    args: Record<string, unknown>,
    contentType: string | undefined,
    status: number,
    body: Record<string, unknown>,
  ): void {
    const call: RecordedSlackCall = {
      index: calls.length,
      method,
      args: decodeForRecord(args),
      contentType,
      status,
      response: body,
    };
    calls.push(call);
    for (const waiter of [...waiters]) waiter.onCall(call);
  }

  /** Answers one call: the status, body and extra headers to send. */
  function answer(
    method: string,
    args: Record<string, unknown>,
    authorization: string | undefined,
  ): [number, Record<string, unknown>, Record<string, string>] {
    const token =
      authorization?.replace(/^Bearer\s+/i, '') ?? (typeof args['token'] === 'string' ? args['token'] : undefined);
    if (!token) return [200, { ok: false, error: 'not_authed' }, {}];
    if (!tokens.has(token)) return [200, { ok: false, error: 'invalid_auth' }, {}];
    const fault = faults.get(method)?.shift();
    if (fault?.kind === 'ratelimited')
      return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) }];
    if (fault?.kind === 'error') return [fault.status, { ok: false, error: fault.error }, {}];
    const handler = METHODS[method];
    if (!handler) return [200, { ok: false, error: 'unknown_method', req_method: method }, {}];
    try {
      return [200, { ok: true, ...handler({ args: new MethodArgs(args), state }) }, {}];
    } catch (error) {
      if (error instanceof SlackApiError) return [200, { ok: false, error: error.code, ...error.extra }, {}];
      throw error;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake-slack');
    if (url.pathname.startsWith('/response/') && request.method === 'POST') {
      const args = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      const fault = faults.get('response_url')?.shift();
      const status = fault?.kind === 'error' ? fault.status : 200;
      const body = status === 200 ? { ok: true } : { ok: false, error: fault?.kind === 'error' ? fault.error : '' };
      record('response_url', { ...args, path: url.pathname }, request.headers['content-type'], status, body);
      reply(response, status, body);
      return;
    }
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const method = match?.[1];
    if (!method || (request.method !== 'POST' && request.method !== 'GET')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const contentType = request.headers['content-type'];
    const body = await readBody(request);
    let args: Record<string, unknown>;
    try {
      if (contentType?.startsWith('multipart/')) throw new SlackApiError('invalid_form_data');
      args = parseArguments(contentType, body, url.searchParams);
    } catch (error) {
      const code = error instanceof SlackApiError ? error.code : 'invalid_json';
      record(method, {}, contentType, 200, { ok: false, error: code });
      reply(response, 200, { ok: false, error: code });
      return;
    }
    const slow = faults.get(method)?.[0];
    if (slow?.kind === 'slow') {
      faults.get(method)?.shift();
      await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
    }
    const [status, payload, headers] = answer(method, args, request.headers.authorization);
    record(method, args, contentType, status, payload);
    reply(response, status, payload, headers);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('fake-slack: handler failed', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('fake-slack internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo; // listen() on a TCP port always yields AddressInfo.
  const url = `http://127.0.0.1:${port}`;

  function pushFaults(method: string, times: number, fault: Fault): void {
    const list = faults.get(method) ?? [];
    for (let index = 0; index < times; index += 1) list.push(fault);
    faults.set(method, list);
  }

  return {
    url,
    apiUrl: `${url}/api/`,
    botToken,
    calls,
    state,
    callsTo: (method) => calls.filter((call) => call.method === method),
    waitForCall: (method, waitOptions = {}) =>
      new Promise<RecordedSlackCall>((resolve, reject) => {
        const matches = (call: RecordedSlackCall): boolean =>
          call.method === method && (waitOptions.where?.(call) ?? true);
        const existing = calls.find(matches);
        if (existing) {
          resolve(existing);
          return;
        }
        const timeoutMs = waitOptions.timeoutMs ?? 30_000;
        const fail = (reason: string): void => {
          clearTimeout(timer);
          waiters.delete(waiter);
          const seen = calls.map((call) => call.method).join(', ') || 'none';
          reject(new Error(`fake-slack: no matching ${method} call ${reason} (calls seen: ${seen})`));
        };
        const waiter = {
          onCall: (call: RecordedSlackCall): void => {
            if (!matches(call)) return;
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(call);
          },
          cancel: () => fail('before the fake closed'),
        };
        const timer = setTimeout(() => fail(`within ${timeoutMs} ms`), timeoutMs);
        waiters.add(waiter);
      }),
    messages: (channel, threadTs) =>
      threadTs === undefined ? [...(state.messages.get(channel) ?? [])] : (state.thread(channel, threadTs) ?? []),
    addMessage: (channel, seed) => {
      const ts = seed.ts ?? state.nextTs();
      const { text, user, thread_ts: threadTs, ...rest } = seed;
      return state.addMessage(channel, {
        user: user ?? FAKE_WORKSPACE.humanUserId,
        type: 'message',
        ts,
        client_msg_id: randomBytes(16).toString('hex'),
        text,
        team: FAKE_WORKSPACE.teamId,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        ...rest,
      });
    },
    addUser: (user) => void state.users.set(user.id, user),
    addChannel: (channel) => void state.channels.set(channel.id, channel),
    responseUrl: (name = randomBytes(6).toString('hex')) => `${url}/response/${name}`,
    rateLimit: (method, limit = {}) =>
      pushFaults(method, limit.times ?? 1, { kind: 'ratelimited', retryAfterSeconds: limit.retryAfterSeconds ?? 1 }),
    failNext: (method, error, failure = {}) =>
      pushFaults(method, failure.times ?? 1, { kind: 'error', error, status: failure.status ?? 200 }),
    slowDown: (method, delayMs, slow = {}) => pushFaults(method, slow.times ?? 1, { kind: 'slow', delayMs }),
    clearFaults: (method) => {
      if (method === undefined) faults.clear();
      else faults.delete(method);
    },
    close: async () => {
      for (const waiter of [...waiters]) waiter.cancel();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
