/**
 * The script a fake Anthropic server plays: an ordered list of steps, each either a model
 * response or an injected fault, optionally keyed by the requested model and repeatable.
 */

/** A text block the scripted model answers with. */
export interface TextBlockSpec {
  type: 'text';
  text: string;
}

/** A tool call the scripted model makes; `id` is generated (`toolu_01…`) when omitted. */
export interface ToolUseBlockSpec {
  type: 'tool_use';
  id?: string;
  name: string;
  input: Record<string, unknown>;
}

/** One content block of a scripted response. */
export type ContentBlockSpec = TextBlockSpec | ToolUseBlockSpec;

/** Every `stop_reason` the Messages API documents. */
export type StopReason =
  'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** Error `type`s of the Messages API (`error.type` in the body). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** Usage numbers to report; anything omitted is estimated (input, output) or zero (cache). */
export interface UsageSpec {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  /** Breakdown of `cache_creation_input_tokens`; defaults to all of it in the 5-minute bucket. */
  ephemeral_5m_input_tokens?: number;
  ephemeral_1h_input_tokens?: number;
  service_tier?: string;
}

/** Fields every step shares: which model it answers, how often, and how late. */
export interface StepMatch {
  /** Only requests whose body `model` equals this take the step; other models skip past it. */
  model?: string;
  /** How many requests the step answers before it is used up (default 1; `Infinity` = always). */
  times?: number;
  /** Wait this long before sending the response headers (slow responses, client timeouts). */
  delayMs?: number;
}

/** A successful model turn, served as JSON or as an SSE stream depending on the request. */
export interface MessageStep extends StepMatch {
  kind: 'message';
  content: ContentBlockSpec[];
  /** Defaults to `tool_use` when the content holds a tool call, else `end_turn`. */
  stopReason?: StopReason;
  stopSequence?: string | null;
  usage?: UsageSpec;
  /** Message id; generated (`msg_01…`) when omitted. */
  id?: string;
  /** The `model` echoed in the response; defaults to the requested model. */
  responseModel?: string;
  /** Pause between SSE events when streaming, so progress can be observed. */
  eventDelayMs?: number;
}

/** An HTTP error response with the recorded error body and headers. */
export interface ErrorStep extends StepMatch {
  kind: 'error';
  status: number;
  /** Defaults from the status: 429 → rate_limit_error, 529 → overloaded_error, … */
  errorType?: AnthropicErrorType;
  message?: string;
  /** `retry-after` header in seconds (429 defaults to 0: the SDK then uses its own backoff). */
  retryAfterSeconds?: number;
  /** `retry-after-ms` header, which the SDK prefers; use a few ms to keep retry tests fast. */
  retryAfterMs?: number;
  /** `x-should-retry` header, which the SDK obeys before the status (default: retryable statuses). */
  shouldRetry?: boolean;
  /** Extra or overriding response headers. */
  headers?: Record<string, string>;
}

/** A stream that starts fine (HTTP 200) and then fails with an `event: error`. */
export interface StreamErrorStep extends StepMatch {
  kind: 'stream_error';
  /** Text streamed before the failure (default "Looking at the"). */
  partialText?: string;
  errorType?: AnthropicErrorType;
  message?: string;
}

/** The server drops the connection without answering (the SDK sees a connection error). */
export interface DisconnectStep extends StepMatch {
  kind: 'disconnect';
}

/** One scripted turn. */
export type Step = MessageStep | ErrorStep | StreamErrorStep | DisconnectStep;

interface ScriptEntry {
  step: Step;
  remaining: number;
}

/** The queue of steps; a request takes the first step whose `model` matches (or has none). */
export class Script {
  private entries: ScriptEntry[] = [];

  constructor(steps: readonly Step[] = []) {
    this.enqueue(...steps);
  }

  /** Appends steps to the end of the script. */
  enqueue(...steps: Step[]): void {
    for (const step of steps) {
      const remaining = step.times ?? 1;
      if (!(remaining > 0)) throw new RangeError(`fake-anthropic: step.times must be > 0, got ${String(step.times)}`);
      this.entries.push({ step, remaining });
    }
  }

  /** Drops what is left and plays these steps instead. */
  replace(steps: readonly Step[]): void {
    this.entries = [];
    this.enqueue(...steps);
  }

  /** Takes the step for a request naming `model`, or undefined when none is scripted. */
  take(model: string | undefined): Step | undefined {
    const index = this.entries.findIndex((entry) => entry.step.model === undefined || entry.step.model === model);
    const entry = this.entries[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    return entry.step;
  }

  /** Steps not used up yet (a step with `times: Infinity` never is). */
  get pending(): number {
    return this.entries.length;
  }
}

/** Shorthands for building steps in tests. */
export const anthropicSteps = {
  /** A text answer with `stop_reason: end_turn`. */
  text(text: string, options: Omit<MessageStep, 'kind' | 'content'> = {}): MessageStep {
    return { ...options, kind: 'message', content: [{ type: 'text', text }] };
  },
  /** A tool call (optionally preceded by text) with `stop_reason: tool_use`. */
  toolUse(
    name: string,
    input: Record<string, unknown>,
    options: Omit<MessageStep, 'kind' | 'content'> & { toolUseId?: string; text?: string } = {},
  ): MessageStep {
    const { toolUseId, text, ...rest } = options;
    const content: ContentBlockSpec[] = text === undefined ? [] : [{ type: 'text', text }];
    content.push({ type: 'tool_use', name, input, ...(toolUseId === undefined ? {} : { id: toolUseId }) });
    return { ...rest, kind: 'message', content };
  },
  /** Any content blocks. */
  message(content: ContentBlockSpec[], options: Omit<MessageStep, 'kind' | 'content'> = {}): MessageStep {
    return { ...options, kind: 'message', content };
  },
  /** 429 `rate_limit_error` with `retry-after` and exhausted `anthropic-ratelimit-*` headers. */
  rateLimited(options: Omit<ErrorStep, 'kind' | 'status'> = {}): ErrorStep {
    return { ...options, kind: 'error', status: 429 };
  },
  /** 529 `overloaded_error`. */
  overloaded(options: Omit<ErrorStep, 'kind' | 'status'> = {}): ErrorStep {
    return { ...options, kind: 'error', status: 529 };
  },
  /** 500 `api_error`. */
  serverError(options: Omit<ErrorStep, 'kind' | 'status'> = {}): ErrorStep {
    return { ...options, kind: 'error', status: 500 };
  },
  /** Any HTTP error. */
  error(status: number, options: Omit<ErrorStep, 'kind' | 'status'> = {}): ErrorStep {
    return { ...options, kind: 'error', status };
  },
  /** A stream that fails after its first text delta. */
  streamError(options: Omit<StreamErrorStep, 'kind'> = {}): StreamErrorStep {
    return { ...options, kind: 'stream_error' };
  },
  /** A dropped connection. */
  disconnect(options: Omit<DisconnectStep, 'kind'> = {}): DisconnectStep {
    return { ...options, kind: 'disconnect' };
  },
};
