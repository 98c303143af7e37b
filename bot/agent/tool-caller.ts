import { isRetryableError, errorMessage } from '../errors.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import { activeTraceparent, inSpan } from '../telemetry/tracing.js';
import type { ToolCallFailure, ToolCallRecorder, ToolCallResult, ToolDescriptor, ToolGateway } from './ports.js';
import { readToolResult, type ReadResult } from './tool-results/read-result.js';
import type { ReadTool } from './tool-results/result-schemas.js';
import { errorResult } from './tool-results/error-result.js';

/** A read tool's result: the raw result (text for the model) and the checked facts. */
export interface ReadCall<T extends ReadTool> {
  result: ToolCallResult;
  read: ReadResult<T>;
}

/**
 * A fanned-out call that no instance answered because none could be reached is an
 * infrastructure fault, not a verdict: mark it retryable.
 */
function unreachableFailure(result: ToolCallResult): ToolCallFailure | undefined {
  if (!result.isError || result.failure) return undefined;
  const parsed = errorResult.safeParse(result.structured ?? {});
  if (!parsed.success) return undefined;
  const { unreachable = [], results = [], notFound = [], candidates = [] } = parsed.data;
  const hasAnswer = results.length > 0 || notFound.length > 0 || candidates.length > 0;
  return unreachable.length > 0 && !hasAnswer ? { code: 'upstream_unavailable', isRetryable: true } : undefined;
}

/**
 * The pipeline's view of the gateway: knows the tool list, keeps only arguments a tool accepts,
 * audits every call (duration, outcome), checks the structured content of the tools it reads
 * facts from, and turns infrastructure failures into results with a `failure` (code and
 * retryability), so one dead upstream never sinks an investigation and the caller can still
 * tell when every upstream it needed was down.
 */
export class ToolCaller {
  private tools = new Map<string, ToolDescriptor>();
  callCount = 0;

  constructor(
    private readonly gateway: ToolGateway,
    private readonly recorder: ToolCallRecorder,
    private readonly options: { traceparent?: string; now: () => number; signal?: AbortSignal },
  ) {}

  /** Lists the gateway's tools once per investigation. */
  async load(): Promise<ToolDescriptor[]> {
    const tools = await this.gateway.listTools();
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
    return tools;
  }

  /** Whether the gateway offers `name` to this caller. */
  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** Instances a federated tool can target (the enum the gateway puts on `instance`). */
  instancesOf(name: string): string[] {
    const instance: unknown = this.propertiesOf(name)?.instance;
    if (!instance || typeof instance !== 'object' || !('enum' in instance) || !Array.isArray(instance.enum)) return [];
    return instance.enum.map(String);
  }

  private propertiesOf(name: string): Record<string, unknown> | undefined {
    const properties: unknown = this.tools.get(name)?.inputSchema.properties;
    return properties && typeof properties === 'object' ? { ...properties } : undefined;
  }

  /** Drops arguments the tool's schema does not declare (tools reject unknown arguments). */
  private accepted(name: string, args: Record<string, unknown>): Record<string, unknown> {
    const properties = this.propertiesOf(name);
    if (!properties) return args;
    return Object.fromEntries(Object.entries(args).filter(([key, value]) => key in properties && value !== undefined));
  }

  /** Calls a tool for its text (the model's loop). */
  call(name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    return this.inToolSpan(name, args, (filtered) => this.callAndRecord(name, filtered, () => undefined));
  }

  /**
   * Calls a tool the pipeline reads facts from and checks its structured content. Throws
   * ToolResultShapeError (recorded as a failed call) when the content does not fit.
   */
  read<T extends ReadTool>(name: T, args: Record<string, unknown>): Promise<ReadCall<T>> {
    return this.inToolSpan(name, args, async (filtered) => {
      let read: ReadResult<T> | undefined;
      const instance = typeof filtered.instance === 'string' ? filtered.instance : undefined;
      const result = await this.callAndRecord(name, filtered, (raw) => {
        read = readToolResult(name, raw, instance);
      });
      // A failed call (no result to check) reads as an error with nothing answered.
      return {
        result,
        read: read ?? { answers: [], unreachable: [], error: { message: result.text, candidates: [] } },
      };
    });
  }

  private inToolSpan<R>(
    name: string,
    args: Record<string, unknown>,
    run: (filtered: Record<string, unknown>) => Promise<R>,
  ): Promise<R> {
    const instance = typeof args.instance === 'string' ? args.instance : undefined;
    const attributes = {
      [Attr.mcpTool]: name,
      [Attr.genAiToolName]: name,
      ...(instance ? { [Attr.mcpInstance]: instance } : {}),
    };
    return inSpan(`${SpanName.toolCall} ${name}`, attributes, () => run(this.accepted(name, args)));
  }

  /** One audited call; `check` may throw to reject the result (the call is then recorded as failed). */
  private async callAndRecord(
    name: string,
    filtered: Record<string, unknown>,
    check: (result: ToolCallResult) => void,
  ): Promise<ToolCallResult> {
    const { signal } = this.options;
    // A cancelled investigation makes no further calls.
    signal?.throwIfAborted();
    const traceparent = activeTraceparent(this.options.traceparent);
    const started = this.options.now();
    this.callCount += 1;
    const audit = {
      server: 'gateway',
      ...(typeof filtered.instance === 'string' ? { instance: filtered.instance } : {}),
      tool: name,
      arguments: filtered,
    };
    let result: ToolCallResult;
    try {
      result = await this.gateway.callTool(name, filtered, {
        ...(traceparent ? { traceparent } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      await this.recorder.record({
        ...audit,
        outcome: 'failed',
        durationMs: this.options.now() - started,
        error: errorMessage(error),
      });
      // Cancelled mid-call: stop the investigation instead of handing the model an error to act on.
      signal?.throwIfAborted();
      const code =
        error && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
          ? error.code
          : 'internal';
      return {
        text: `${name} failed: ${errorMessage(error)}`,
        isError: true,
        failure: { code, isRetryable: isRetryableError(error) },
      };
    }
    const failure = result.failure ?? unreachableFailure(result);
    const withFailure = failure ? { ...result, failure } : result;
    try {
      check(withFailure);
    } catch (error) {
      await this.recorder.record({
        ...audit,
        outcome: 'failed',
        durationMs: this.options.now() - started,
        error: errorMessage(error),
      });
      throw error;
    }
    await this.recorder.record({
      ...audit,
      outcome: failure ? 'failed' : result.isError ? 'tool_error' : 'ok',
      durationMs: this.options.now() - started,
      ...(failure ? { error: result.text.slice(0, 500) } : {}),
      ...(result.structured !== undefined && !failure ? { structured: result.structured } : {}),
    });
    return withFailure;
  }
}
