import { randomUUID } from 'node:crypto';
import type { InvestigationOutcome } from '../agent/answer.js';
import { defaultInvestigationSettings, investigate, type InvestigationSettings } from '../agent/investigate.js';
import type { ModelClient, ProgressListener, SkillCatalog, ToolCallRecorder, ToolGateway } from '../agent/ports.js';
import type { ChannelDefaults } from '../agent/entities.js';
import type { AgentConfig } from '../config/agent-config.js';
import { errorMessage } from '../errors.js';
import type { InvestigationSource } from '../store/investigations-repository.js';
import type { Store } from '../store/store.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import type { BotMetrics } from '../telemetry/bot-metrics.js';
import { contextFromTraceparent, inSpan } from '../telemetry/tracing.js';
import { storeToolCallRecorder } from './store-recorder.js';

export interface InvestigationJob {
  id?: string;
  source: InvestigationSource;
  question: string;
  channel?: string;
  thread?: string;
  userId?: string;
  traceId?: string;
  traceparent?: string;
  defaults?: ChannelDefaults;
}

export interface Investigator {
  /** Runs one investigation end to end and records it (row, tool calls, answer, usage). */
  run(job: InvestigationJob, onProgress?: ProgressListener): Promise<{ id: string; outcome: InvestigationOutcome }>;
}

/** Pipeline settings from the agent configuration. */
export function investigationSettings(config: AgentConfig): InvestigationSettings {
  return {
    ...defaultInvestigationSettings,
    reason: {
      ...defaultInvestigationSettings.reason,
      limits: { ...defaultInvestigationSettings.reason.limits, maxTurns: config.SRE_BOT_MAX_TURNS, tokenBudget: config.SRE_BOT_TOKEN_BUDGET },
      useNativeToolSearch: config.SRE_BOT_NATIVE_TOOL_SEARCH,
      prices: config.SRE_BOT_MODEL_PRICES,
    },
  };
}

/**
 * Binds the pipeline to storage: the same code path for Slack jobs, `sre-bot ask`, the
 * evaluators and the demo.
 */
export function createInvestigator(deps: {
  store: Store;
  gateway: ToolGateway;
  catalog: SkillCatalog;
  model?: ModelClient;
  settings?: InvestigationSettings;
  now?: () => number;
  /** Prometheus counters of the role (outcomes, modes, tool calls, cost); absent in CLI runs. */
  metrics?: BotMetrics;
}): Investigator {
  const now = deps.now ?? (() => Date.now());
  return {
    run(job, onProgress) {
      const id = job.id ?? randomUUID();
      // One trace from the Slack event through the worker, the pipeline and the gateway.
      return inSpan(SpanName.investigation, { [Attr.investigationId]: id, ...(job.channel ? { [Attr.slackChannel]: job.channel } : {}) }, () => runInvestigation(id, job, onProgress), contextFromTraceparent(job.traceparent));
    },
  };

  async function runInvestigation(id: string, job: InvestigationJob, onProgress: Parameters<Investigator['run']>[1]): Promise<{ id: string; outcome: InvestigationOutcome }> {
    await deps.store.investigations.create({
      id,
      source: job.source,
      question: job.question,
      ...(job.channel ? { channel: job.channel } : {}),
      ...(job.thread ? { thread: job.thread } : {}),
      ...(job.userId ? { userId: job.userId } : {}),
      ...(job.traceId ? { traceId: job.traceId } : {}),
    });
    await deps.store.investigations.markRunning(id);
    const started = now();
    const seconds = () => (now() - started) / 1_000;
    const hadModel = deps.model !== undefined;
    try {
      const outcome = await investigate(
        { question: job.question, ...(job.defaults ? { defaults: job.defaults } : {}), ...(job.traceId ? { traceId: job.traceId } : {}), ...(job.traceparent ? { traceparent: job.traceparent } : {}) },
        {
          gateway: deps.gateway,
          catalog: deps.catalog,
          recorder: meteredRecorder(storeToolCallRecorder(deps.store, id, job.traceId), deps.metrics),
          clock: { now },
          ...(deps.model ? { model: deps.model } : {}),
          ...(onProgress ? { onProgress } : {}),
        },
        deps.settings ?? defaultInvestigationSettings,
      );
      if (outcome.kind === 'answer') {
        const { usage } = outcome.answer;
        await deps.store.investigations.finish(id, {
          status: 'answered',
          answer: outcome.answer,
          usage: { ...(usage.model ? { model: usage.model } : {}), inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedTokens: usage.cachedTokens, costUsd: usage.costUsd },
        });
        deps.metrics?.investigation({ outcome: 'answered', mode: outcome.answer.mode, seconds: seconds(), hadModel, ...(usage.model ? { model: usage.model } : {}), costUsd: usage.costUsd });
      } else {
        await deps.store.investigations.finish(id, { status: 'clarifying', answer: outcome, usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 } });
        deps.metrics?.investigation({ outcome: 'clarified', mode: 'none', seconds: seconds(), hadModel });
      }
      return { id, outcome };
    } catch (error) {
      deps.metrics?.investigation({ outcome: 'failed', mode: 'none', seconds: seconds(), hadModel });
      await deps.store.investigations.fail(id, errorMessage(error));
      throw error;
    }
  }
}

/** The audit recorder, also counting each call on the role's metrics. */
function meteredRecorder(recorder: ToolCallRecorder, metrics: BotMetrics | undefined): ToolCallRecorder {
  if (!metrics) return recorder;
  return {
    record(call) {
      metrics.toolCall({ tool: call.tool, ...(call.instance ? { instance: call.instance } : {}), outcome: call.outcome, seconds: call.durationMs / 1_000 });
      return recorder.record(call);
    },
  };
}
