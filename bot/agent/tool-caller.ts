import { errorMessage } from '../errors.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import { activeTraceparent, inSpan } from '../telemetry/tracing.js';
import type { ToolCallRecorder, ToolCallResult, ToolDescriptor, ToolGateway } from './ports.js';

/** Gateway tools fanned out over instances answer with one entry per instance. */
export interface InstanceResult {
  instance: string;
  data: Record<string, unknown>;
}

/**
 * Reads the per-instance results of a fanned-out call (`{results:[{instance, ...}], unreachable}`)
 * or wraps a single-instance answer.
 */
export function instanceResults(result: ToolCallResult, instance?: string): { results: InstanceResult[]; unreachable: string[] } {
  const structured = (result.structured ?? {}) as Record<string, unknown>;
  if (Array.isArray(structured.results)) {
    const results = (structured.results as Array<Record<string, unknown>>).map((entry) => {
      const data = (entry.structured && typeof entry.structured === 'object' ? entry.structured : entry) as Record<string, unknown>;
      return { instance: String(entry.instance ?? ''), data };
    });
    const unreachable = Array.isArray(structured.unreachable) ? (structured.unreachable as Array<Record<string, unknown>>).map((entry) => String(entry.instance ?? '')) : [];
    return { results, unreachable };
  }
  return { results: result.isError ? [] : [{ instance: instance ?? '', data: structured }], unreachable: [] };
}

/**
 * The pipeline's view of the gateway: knows the tool list, keeps only arguments a tool accepts,
 * audits every call (duration, outcome) and turns infrastructure failures into error results
 * so one dead upstream never sinks an investigation.
 */
export class ToolCaller {
  private tools = new Map<string, ToolDescriptor>();
  callCount = 0;

  constructor(
    private readonly gateway: ToolGateway,
    private readonly recorder: ToolCallRecorder,
    private readonly options: { traceparent?: string; now: () => number },
  ) {}

  async load(): Promise<ToolDescriptor[]> {
    const tools = await this.gateway.listTools();
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
    return tools;
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  /** Instances a federated tool can target (the enum the gateway puts on `instance`). */
  instancesOf(name: string): string[] {
    const properties = (this.tools.get(name)?.inputSchema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
    return (properties.instance?.enum ?? []).map(String);
  }

  /** Drops arguments the tool's schema does not declare (tools reject unknown arguments). */
  private accepted(name: string, args: Record<string, unknown>): Record<string, unknown> {
    const properties = this.tools.get(name)?.inputSchema.properties as Record<string, unknown> | undefined;
    if (!properties) return args;
    return Object.fromEntries(Object.entries(args).filter(([key, value]) => key in properties && value !== undefined));
  }

  call(name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    const instance = typeof args.instance === 'string' ? args.instance : undefined;
    return inSpan(`${SpanName.toolCall} ${name}`, { [Attr.mcpTool]: name, [Attr.genAiToolName]: name, ...(instance ? { [Attr.mcpInstance]: instance } : {}) }, () => this.callInSpan(name, args));
  }

  private async callInSpan(name: string, args: Record<string, unknown>): Promise<ToolCallResult> {
    const filtered = this.accepted(name, args);
    const traceparent = activeTraceparent(this.options.traceparent);
    const started = this.options.now();
    this.callCount += 1;
    try {
      const result = await this.gateway.callTool(name, filtered, traceparent ? { traceparent } : {});
      await this.recorder.record({
        server: 'gateway',
        ...(typeof filtered.instance === 'string' ? { instance: filtered.instance } : {}),
        tool: name,
        arguments: filtered,
        outcome: result.isError ? 'tool_error' : 'ok',
        durationMs: this.options.now() - started,
      });
      return result;
    } catch (error) {
      await this.recorder.record({
        server: 'gateway',
        ...(typeof filtered.instance === 'string' ? { instance: filtered.instance } : {}),
        tool: name,
        arguments: filtered,
        outcome: 'failed',
        durationMs: this.options.now() - started,
        error: errorMessage(error),
      });
      return { text: `${name} failed: ${errorMessage(error)}`, isError: true };
    }
  }
}
