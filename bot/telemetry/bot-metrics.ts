import { Gauge, type Registry } from 'prom-client';
import { MetricName } from './attributes.js';
import { declareMetrics } from './declare-metrics.js';

/** How an investigation ended, as the metrics label it. */
export type InvestigationOutcomeLabel = 'answered' | 'clarified' | 'failed';

/** Who wrote the answer: the model, skill triage, or nobody (clarified, failed). */
export type InvestigationModeLabel = 'model' | 'triage' | 'none';

/**
 * What the investigation roles (worker, slack with an in-process worker) count for Prometheus.
 * Every method is cheap and never throws: metrics must not fail an investigation.
 */
export interface BotMetrics {
  investigation(result: {
    outcome: InvestigationOutcomeLabel;
    mode: InvestigationModeLabel;
    seconds: number;
    hadModel: boolean;
    model?: string;
    costUsd?: number | null;
  }): void;
  toolCall(call: { tool: string; instance?: string; outcome: 'ok' | 'tool_error' | 'failed'; seconds: number }): void;
  modelCall(call: {
    model: string;
    outcome: 'ok' | 'failed';
    seconds: number;
    usage?: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
  }): void;
  /** One model of the fallback chain failed and the next one was tried. */
  modelFallback(failedModel: string): void;
  slackApiError(method: string, error: string): void;
}

const SECONDS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/** Registers the sre-bot counters and histograms on a role's registry (once per registry). */
export function createBotMetrics(registry: Registry): BotMetrics {
  const {
    investigations,
    investigationSeconds,
    triageFallbacks,
    toolCalls,
    toolSeconds,
    modelCalls,
    modelSeconds,
    tokens,
    cost,
    modelFallbacks,
    slackErrors,
  } = declareMetrics(registry, {
    investigations: {
      kind: 'counter',
      name: MetricName.investigations,
      help: 'Investigations by outcome and answer mode.',
      labels: ['outcome', 'mode'],
    },
    investigationSeconds: {
      kind: 'histogram',
      name: MetricName.investigationDuration,
      help: 'Investigation duration, question to answer.',
      labels: ['mode'],
      buckets: SECONDS_BUCKETS,
    },
    triageFallbacks: {
      kind: 'counter',
      name: MetricName.triageFallbacks,
      help: 'Answers assembled by skill triage although a model was configured.',
    },
    toolCalls: {
      kind: 'counter',
      name: MetricName.toolCalls,
      help: 'Gateway tool calls of the pipeline by tool, instance and outcome.',
      labels: ['tool', 'instance', 'outcome'],
    },
    toolSeconds: {
      kind: 'histogram',
      name: MetricName.toolCallDuration,
      help: 'Gateway tool call duration as the pipeline sees it.',
      labels: ['tool'],
      buckets: SECONDS_BUCKETS,
    },
    modelCalls: {
      kind: 'counter',
      name: MetricName.modelCalls,
      help: 'Model API calls (retries and fallbacks inside) by model and outcome.',
      labels: ['model', 'outcome'],
    },
    modelSeconds: {
      kind: 'histogram',
      name: MetricName.modelCallDuration,
      help: 'Model API call duration.',
      labels: ['model'],
      buckets: SECONDS_BUCKETS,
    },
    tokens: {
      kind: 'counter',
      name: MetricName.modelTokens,
      help: 'Model tokens by model and type (input, output, cache_read, cache_write).',
      labels: ['model', 'type'],
    },
    cost: {
      kind: 'counter',
      name: MetricName.modelCost,
      help: 'Model cost in US dollars by model, from the configured prices.',
      labels: ['model'],
    },
    modelFallbacks: {
      kind: 'counter',
      name: MetricName.modelFallbacks,
      help: 'Model calls that failed over to the next configured model, by the model that failed.',
      labels: ['model'],
    },
    slackErrors: {
      kind: 'counter',
      name: MetricName.slackApiErrors,
      help: 'Failed Slack Web API calls by method and error.',
      labels: ['method', 'error'],
    },
  });
  return {
    investigation(result) {
      investigations.inc({ outcome: result.outcome, mode: result.mode });
      investigationSeconds.observe({ mode: result.mode }, result.seconds);
      if (result.hadModel && result.mode === 'triage') triageFallbacks.inc();
      if (result.model && typeof result.costUsd === 'number' && result.costUsd > 0)
        cost.inc({ model: result.model }, result.costUsd);
    },
    toolCall(call) {
      toolCalls.inc({ tool: call.tool, instance: call.instance ?? '', outcome: call.outcome });
      toolSeconds.observe({ tool: call.tool }, call.seconds);
    },
    modelCall(call) {
      modelCalls.inc({ model: call.model, outcome: call.outcome });
      modelSeconds.observe({ model: call.model }, call.seconds);
      if (!call.usage) return;
      tokens.inc({ model: call.model, type: 'input' }, call.usage.inputTokens);
      tokens.inc({ model: call.model, type: 'output' }, call.usage.outputTokens);
      tokens.inc({ model: call.model, type: 'cache_read' }, call.usage.cacheReadTokens);
      tokens.inc({ model: call.model, type: 'cache_write' }, call.usage.cacheWriteTokens);
    },
    modelFallback(failedModel) {
      modelFallbacks.inc({ model: failedModel });
    },
    slackApiError(method, error) {
      slackErrors.inc({ method, error });
    },
  };
}

/**
 * How long the oldest fix approval has waited for an on-call decision (0 when none waits), read
 * from the store at each scrape. A scrape whose read fails reports no sample rather than a stale one.
 */
export function registerApprovalMetrics(
  registry: Registry,
  oldestPendingSince: () => Promise<Date | undefined>,
  now: () => number = () => Date.now(),
): void {
  new Gauge({
    name: MetricName.approvalsPendingAge,
    help: 'Seconds the oldest pending fix approval has waited for a decision (0: none pending).',
    registers: [registry],
    async collect() {
      this.reset();
      const since = await oldestPendingSince().catch(() => null);
      if (since === null) return;
      this.set(since ? Math.max(0, (now() - since.getTime()) / 1_000) : 0);
    },
  });
}
