/**
 * A fake OpenAI-compatible Chat Completions API (the shape vLLM, Ollama and LiteLLM serve) on
 * 127.0.0.1:0 that the real `openai` SDK talks to through `baseURL`. It plays a script of
 * turns (text or tool_calls) and faults, refuses tool messages that answer no call the way
 * OpenAI does, answers 404 for a model it does not serve, and records every request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted turn: a reply, or an HTTP error. `model` limits the step to requests for that model. */
export type OpenAiStep =
  | { kind: 'text'; text: string; model?: string; usage?: OpenAiUsage }
  | {
      kind: 'tool_calls';
      calls: Array<{ name: string; arguments: Record<string, unknown> | string }>;
      model?: string;
      usage?: OpenAiUsage;
    }
  | { kind: 'error'; status: number; model?: string; times?: number; retryAfterSeconds?: number };

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
}

/** Builders for script steps. */
export const openAiSteps = {
  text: (text: string, options: { model?: string; usage?: OpenAiUsage } = {}): OpenAiStep => ({
    kind: 'text',
    text,
    ...options,
  }),
  toolCall: (
    name: string,
    args: Record<string, unknown> | string,
    options: { model?: string; usage?: OpenAiUsage } = {},
  ): OpenAiStep => ({ kind: 'tool_calls', calls: [{ name, arguments: args }], ...options }),
  error: (
    status: number,
    options: { model?: string; times?: number; retryAfterSeconds?: number } = {},
  ): OpenAiStep => ({
    kind: 'error',
    status,
    ...options,
  }),
};

/** A request as the fake saw it (the key dropped). */
export interface RecordedChatRequest {
  path: string;
  model: string | undefined;
  body: Record<string, unknown> | null;
  status: number;
}

export interface FakeOpenAi {
  /** Base URL for the SDK (`new OpenAI({ baseURL: fake.url })`), ending in `/v1`. */
  readonly url: string;
  readonly requests: readonly RecordedChatRequest[];
  enqueue(...steps: OpenAiStep[]): void;
  setScript(steps: OpenAiStep[]): void;
  close(): Promise<void>;
}

interface ChatMessage {
  role?: string;
  tool_call_id?: string;
  tool_calls?: Array<{ id?: string }>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function errorBody(status: number, message: string, type: string) {
  return { object: 'error', message, type, param: null, code: status };
}

/** OpenAI's rule: a `tool` message must answer a call of the assistant message before the tool messages. */
function unpairedToolMessage(messages: readonly ChatMessage[]): string | undefined {
  let offered = new Set<string>();
  for (const message of messages) {
    if (message.role === 'assistant') offered = new Set((message.tool_calls ?? []).map((call) => call.id ?? ''));
    else if (message.role === 'tool') {
      if (!offered.has(message.tool_call_id ?? '')) return message.tool_call_id ?? '(none)';
    } else offered = new Set();
  }
  return undefined;
}

function completion(step: Extract<OpenAiStep, { kind: 'text' | 'tool_calls' }>, model: string) {
  const usage = step.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  const message =
    step.kind === 'text'
      ? { role: 'assistant', content: step.text }
      : {
          role: 'assistant',
          content: null,
          tool_calls: step.calls.map((call) => ({
            id: `call_${randomBytes(8).toString('hex')}`,
            type: 'function',
            function: {
              name: call.name,
              arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
            },
          })),
        };
  return {
    id: `chatcmpl-${randomBytes(8).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1_000),
    model,
    choices: [{ index: 0, message, finish_reason: step.kind === 'text' ? 'stop' : 'tool_calls' }],
    usage: {
      prompt_tokens: usage.prompt_tokens,
      completion_tokens: usage.completion_tokens,
      total_tokens: usage.prompt_tokens + usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
    },
  };
}

/** Starts the fake. `models` are the models it serves; `apiKey`, when set, is the only key accepted. */
export async function startFakeOpenAi(options: { models: readonly string[]; apiKey?: string }): Promise<FakeOpenAi> {
  let script: Array<OpenAiStep & { left: number }> = [];
  const requests: RecordedChatRequest[] = [];
  const take = (model: string) => {
    const index = script.findIndex((step) => step.model === undefined || step.model === model);
    const step = script[index];
    if (!step) return undefined;
    step.left -= 1;
    if (step.left <= 0) script.splice(index, 1);
    return step;
  };
  const answer = (request: IncomingMessage, text: string, response: ServerResponse) => {
    let body: Record<string, unknown> | null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = null;
    }
    const model = typeof body?.model === 'string' ? body.model : undefined;
    const record: RecordedChatRequest = { path: request.url ?? '', model, body, status: 200 };
    requests.push(record);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      sendJson(response, status, payload, headers);
    };
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`)
      return reply(401, {
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions' || !body || !model)
      return reply(404, errorBody(404, `no route for ${request.method} ${request.url}`, 'NotFoundError'));
    if (!options.models.includes(model))
      return reply(404, errorBody(404, `The model \`${model}\` does not exist.`, 'NotFoundError'));
    const unpaired = unpairedToolMessage((body.messages as ChatMessage[] | undefined) ?? []);
    if (unpaired !== undefined)
      return reply(
        400,
        errorBody(
          400,
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with " +
            `'tool_calls' (${unpaired}).`,
          'BadRequestError',
        ),
      );
    const step = take(model);
    if (!step) return reply(500, errorBody(500, 'the fake has no scripted turn left', 'InternalServerError'));
    if (step.kind === 'error')
      return reply(
        step.status,
        errorBody(step.status, `scripted ${step.status}`, 'APIError'),
        step.retryAfterSeconds !== undefined ? { 'retry-after': String(step.retryAfterSeconds) } : {},
      );
    return reply(200, completion(step, model));
  };
  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => answer(request, text, response),
      () => sendJson(response, 400, errorBody(400, 'unreadable body', 'BadRequestError')),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const withCount = (steps: OpenAiStep[]) =>
    steps.map((step) => ({ ...step, left: step.kind === 'error' ? (step.times ?? 1) : 1 }));
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => script.push(...withCount(steps)),
    setScript: (steps) => {
      script = withCount(steps);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
