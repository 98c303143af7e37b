import { setMaxListeners } from 'node:events';
import { ErrorCode, McpError, type CallToolRequest, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ApprovalChecker } from './approval.js';
import { SpanAttributes } from './attributes.js';
import { isNestedDeeperThan, type CallRateLimiter } from './call-limits.js';
import { redactValue } from '../../redaction/index.js';
import { redactArguments, type AuditEvent, type AuditOutcome, type AuditSink } from './audit.js';
import { APPROVAL_ARGUMENT, describeInstance, INSTANCE_ARGUMENT, type CallerTool } from './caller-view.js';
import { upstreamKey, type CallerConfig } from './config.js';
import { errorMessage, GatewayError } from './errors.js';
import { stripCodePrefix } from './error-messages.js';
import { askEvery, mergeAnswers, resolveAnswers, type FanOutOutcome } from './fan-out.js';
import type { Logger } from './logger.js';
import { tagWithInstance } from './output-schema.js';
import type { GatewayMetrics } from './metrics.js';
import type { SecretScrubber } from './secret-scrubber.js';
import { contextFromTraceparent, traceparentOf } from '../common/trace-context.js';
import type { Upstream } from './upstream.js';

/** What the router needs; all of it is fixed when the gateway starts. */
export interface CallRouterDeps {
  /** Keyed by upstreamKey(kind, instance). */
  upstreams: ReadonlyMap<string, Upstream>;
  approvalChecker: ApprovalChecker;
  auditSink: AuditSink;
  scrubber: SecretScrubber;
  tracer: Tracer;
  metrics: GatewayMetrics;
  logger: Logger;
  maxArgumentBytes: number;
  /** Deepest nesting of objects and arrays accepted in arguments. */
  maxArgumentDepth: number;
  maxFanOutConcurrency: number;
  /** Most instances one fan-out may call; more is refused with a hint to name the instance. */
  maxFanOutInstances: number;
  rateLimiter: CallRateLimiter;
}

type Params = CallToolRequest['params'];

/** A refusal the caller can act on (wrong instance, missing approval): an `isError` result. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly outcome: AuditOutcome,
  ) {
    super(message);
  }
}

function refusalResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], structuredContent: { error: message }, isError: true };
}

/**
 * A JSON-RPC error for the SDK server to send as is: a plain error carrying `code` and `data`
 * (an McpError would prefix its message with "MCP error <code>:" once more on the wire).
 */
function protocolError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, data });
}

function isValidTraceId(traceId: string): boolean {
  return !/^0+$/.test(traceId);
}

/**
 * Routes one tools/call of one caller. Exits, in order:
 * - JSON-RPC InvalidParams: arguments over the size limit, a tool the caller cannot see (same
 *   answer as a tool that does not exist, so existence is not revealed), blocked arguments, and
 *   argument errors the upstream reports;
 * - `isError` results: an instance the caller may not use, a write without a valid approval, a
 *   fan-out with nothing to report;
 * - JSON-RPC InternalError with `data.isRetryable`: the one upstream asked is down;
 * - otherwise the upstream's result (or the merged fan-out), with credentials scrubbed.
 * Every call, refused or not, yields one audit event, one span and one metric.
 */
export class CallRouter {
  constructor(private readonly deps: CallRouterDeps) {}

  async call(
    caller: CallerConfig,
    view: ReadonlyMap<string, CallerTool>,
    params: Params,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const { deps } = this;
    const parent = contextFromTraceparent(params._meta?.traceparent, otelContext.active());
    const span = deps.tracer.startSpan(
      `tools/call ${params.name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [SpanAttributes.operationName]: 'execute_tool',
          [SpanAttributes.toolName]: params.name,
          [SpanAttributes.mcpMethod]: 'tools/call',
          [SpanAttributes.principal]: caller.principal,
        },
      },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    const started = performance.now();
    const args = params.arguments ?? {};
    const audit: AuditEvent = {
      time: new Date().toISOString(),
      principal: caller.principal,
      tool: params.name,
      instance: typeof args[INSTANCE_ARGUMENT] === 'string' ? args[INSTANCE_ARGUMENT] : null,
      instances: [],
      arguments: {},
      outcome: 'ok',
      durationMs: 0,
      traceId: isValidTraceId(span.spanContext().traceId) ? span.spanContext().traceId : null,
    };
    try {
      const wait = deps.rateLimiter.take(caller.principal);
      if (wait !== undefined)
        throw new Refusal(`${caller.principal} is over its call rate limit; try again in ${wait} s`, 'denied');
      // Before anything walks the arguments recursively (JSON.stringify, the audit copy).
      if (isNestedDeeperThan(args, deps.maxArgumentDepth)) {
        audit.arguments = { omitted: `nested deeper than ${deps.maxArgumentDepth}` };
        throw new McpError(
          ErrorCode.InvalidParams,
          `arguments of ${params.name} nest deeper than ${deps.maxArgumentDepth} levels; flatten them`,
        );
      }
      const size = Buffer.byteLength(JSON.stringify(args));
      audit.arguments =
        size > deps.maxArgumentBytes ? { omitted: `${size} bytes` } : redactArguments(args, deps.scrubber);
      if (size > deps.maxArgumentBytes) {
        throw new McpError(
          ErrorCode.InvalidParams,
          `arguments of ${params.name} are ${size} bytes; the gateway accepts at most ${deps.maxArgumentBytes}`,
        );
      }
      const tool = view.get(params.name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool '${params.name}'`);
      const result = await this.route(caller, tool, args, audit, span, spanContext, signal);
      audit.outcome = audit.unreachable?.length ? 'partial' : result.isError ? 'tool_error' : 'ok';
      span.setAttribute(SpanAttributes.isError, result.isError === true);
      // Our own servers redact their output; a third-party (`other`) upstream's result is redacted here.
      const scrubbed = deps.scrubber.value(result);
      return tool.entry.kind === 'other' ? redactValue(scrubbed) : scrubbed;
    } catch (error) {
      if (error instanceof Refusal) {
        audit.outcome = error.outcome;
        audit.reason = error.message;
        span.setAttribute(SpanAttributes.isError, true);
        return refusalResult(error.message);
      }
      if (error instanceof McpError) {
        audit.outcome = error.code === ErrorCode.InvalidParams ? 'rejected' : 'upstream_error';
        audit.reason = deps.scrubber.text(error.message);
        span.setStatus({ code: SpanStatusCode.ERROR, message: audit.reason });
        throw protocolError(error.code, deps.scrubber.text(stripCodePrefix(error.message)), error.data);
      }
      const gatewayError =
        error instanceof GatewayError ? error : new GatewayError('internal', errorMessage(error), { cause: error });
      const message = deps.scrubber.text(gatewayError.message);
      audit.outcome = 'upstream_error';
      audit.reason = message;
      span.recordException(new Error(message));
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      if (gatewayError.code === 'internal')
        deps.logger.error({ event: 'tool-call-fail', tool: params.name, err: message }, 'gateway failed a call');
      throw protocolError(ErrorCode.InternalError, message, {
        code: gatewayError.code,
        isRetryable: gatewayError.isRetryable,
        instance: audit.instance,
        traceId: audit.traceId,
      });
    } finally {
      audit.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      span.setAttribute(SpanAttributes.outcome, audit.outcome);
      span.end();
      deps.metrics.recordCall(params.name, audit.outcome);
      this.emitAudit(audit);
    }
  }

  private emitAudit(event: AuditEvent): void {
    try {
      const pending = this.deps.auditSink.record(event);
      if (pending)
        pending.catch((error: unknown) =>
          this.deps.logger.error({ event: 'audit-fail', err: errorMessage(error) }, 'audit sink failed'),
        );
    } catch (error) {
      this.deps.logger.error({ event: 'audit-fail', err: errorMessage(error) }, 'audit sink failed');
    }
  }

  private describer(kind: string): (instance: string) => string {
    return (instance) => {
      const upstream = this.deps.upstreams.get(upstreamKey(kind, instance));
      return upstream ? describeInstance(upstream.config) : instance;
    };
  }

  private async route(
    caller: CallerConfig,
    tool: CallerTool,
    args: Record<string, unknown>,
    audit: AuditEvent,
    span: Span,
    spanContext: ReturnType<typeof trace.setSpan>,
    signal: AbortSignal,
  ): Promise<CallToolResult> {
    const { entry } = tool;
    const forwarded: Record<string, unknown> = { ...args };
    const blocked = Object.keys(forwarded).filter((key) => entry.blockedArguments.has(key));
    if (blocked.length > 0) {
      throw new McpError(
        ErrorCode.InvalidParams,
        `argument(s) ${blocked.map((key) => `'${key}'`).join(', ')} of ${entry.name} are not accepted: the ` +
          `gateway decides which backend a call reaches`,
      );
    }
    let instance: string | undefined;
    if (entry.shape === 'federated') {
      const requested = forwarded[INSTANCE_ARGUMENT];
      delete forwarded[INSTANCE_ARGUMENT];
      if (requested !== undefined && typeof requested !== 'string')
        throw new McpError(ErrorCode.InvalidParams, `'instance' must be a string`);
      if (requested !== undefined && !tool.instances.includes(requested)) {
        throw new Refusal(
          `instance '${requested}' is not available to ${caller.principal} for ${entry.name}; use one of: ` +
            `${tool.instances.join(', ')}`,
          'denied',
        );
      }
      instance = requested ?? (tool.instances.length === 1 ? tool.instances[0] : undefined);
    } else {
      instance = entry.instances[0];
    }
    if (entry.isWrite) {
      const approvalId = forwarded[APPROVAL_ARGUMENT];
      delete forwarded[APPROVAL_ARGUMENT];
      if (!caller.writes) throw new Refusal(`${caller.principal} may not call write tools`, 'denied');
      if (instance === undefined)
        throw new Refusal(
          `${entry.name} changes live state: name the instance (one of ${tool.instances.join(', ')})`,
          'denied',
        );
      if (typeof approvalId !== 'string' || approvalId === '') {
        throw new Refusal(
          `${entry.name} changes live state and needs an approval: ask a person to approve this exact change, ` +
            `then call again with approval_id`,
          'denied',
        );
      }
      let approved: boolean;
      try {
        approved = await this.deps.approvalChecker(approvalId, {
          principal: caller.principal,
          instance,
          tool: entry.name,
          arguments: forwarded,
        });
      } catch (error) {
        throw new GatewayError('internal', `could not check approval ${approvalId}: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      if (!approved)
        throw new Refusal(
          `approval '${approvalId}' does not approve ${entry.name} on ${instance} with these arguments for ` +
            `${caller.principal}; request a new approval`,
          'denied',
        );
    }

    const callOne = (target: string): Promise<CallToolResult> => {
      const upstream = this.deps.upstreams.get(upstreamKey(entry.kind, target));
      if (!upstream) return Promise.reject(new GatewayError('internal', `no upstream named ${target}`));
      const child = this.deps.tracer.startSpan(
        `tools/call ${entry.upstreamName}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { [SpanAttributes.instance]: target, [SpanAttributes.toolName]: entry.upstreamName },
        },
        spanContext,
      );
      const traceparent = traceparentOf(trace.setSpan(spanContext, child));
      return upstream
        .callTool(entry.upstreamName, forwarded, {
          signal,
          isReadOnly: !entry.isWrite,
          ...(traceparent ? { traceparent } : {}),
        })
        .then(
          (result) => {
            child.setAttribute(SpanAttributes.isError, result.isError === true);
            return result;
          },
          (error: unknown) => {
            child.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
            throw error;
          },
        )
        .finally(() => child.end());
    };

    if (instance !== undefined) {
      audit.instances = [instance];
      span.setAttribute(SpanAttributes.instance, instance);
      return tagWithInstance(await callOne(instance), entry.shape === 'federated' ? instance : undefined);
    }
    if (entry.fanOut === 'none') {
      throw new Refusal(`${entry.name} needs "instance": one of ${tool.instances.join(', ')}`, 'denied');
    }
    if (tool.instances.length > this.deps.maxFanOutInstances) {
      throw new Refusal(
        `${entry.name} would fan out to ${tool.instances.length} instances (at most ` +
          `${this.deps.maxFanOutInstances}); ` +
          `name the instance`,
        'denied',
      );
    }
    audit.instances = [...tool.instances];
    // Every upstream call of the fan-out listens for the caller's cancellation on this one signal.
    setMaxListeners(tool.instances.length + 10, signal);
    span.setAttributes({
      [SpanAttributes.fanOutMode]: entry.fanOut,
      [SpanAttributes.fanOutInstances]: tool.instances.length,
    });
    const answers = await askEvery(tool.instances, this.deps.maxFanOutConcurrency, callOne);
    const outcome: FanOutOutcome =
      entry.fanOut === 'merge'
        ? mergeAnswers(entry.name, answers, this.describer(entry.kind))
        : resolveAnswers(entry.name, answers, this.describer(entry.kind));
    if (outcome.unreachable.length > 0) {
      audit.unreachable = outcome.unreachable;
      span.setAttribute(SpanAttributes.unreachable, outcome.unreachable.join(','));
    }
    return outcome.result;
  }
}
