import { randomUUID } from 'node:crypto';
import { createRedactionScope, redactText, redactValue, withRedactionScope } from '../../redaction/index.js';
import type { InvestigationOutcome } from '../agent/answer.js';
import { defaultInvestigationSettings, investigate, type InvestigationSettings } from '../agent/investigate.js';
import type { ModelClient, ProgressListener, SkillCatalog, ToolCallRecorder, ToolGateway } from '../agent/ports.js';
import type { ChannelDefaults } from '../agent/entities.js';
import type { AgentConfig } from '../config/agent-config.js';
import { errorMessage } from '../errors.js';
import type { Investigation, InvestigationSource, NewInvestigation } from '../store/investigations-repository.js';
import type { Store } from '../store/store.js';
import { Attr, SpanName } from '../telemetry/attributes.js';
import type { BotMetrics } from '../telemetry/bot-metrics.js';
import { contextFromTraceparent, inSpan } from '../telemetry/tracing.js';
import { gatewayObjectReader, recordSnapshot, withSkillVersions, type SourceReader } from './investigation-snapshot.js';
import { storeToolCallRecorder } from './store-recorder.js';
import type { Logger } from '../telemetry/logger.js';
import {
  loadConversationContext,
  recordConversationTurn,
  type ConversationRef,
} from '../conversation/conversation-record.js';

/**
 * One question to investigate, in the one shape every caller uses: `ask`, `eval` and `demo` build
 * it directly, and the Slack job on the queue extends it (see SlackInvestigationJob), so the
 * worker hands the job data to the pipeline as it is.
 */
export interface InvestigationJob {
  /** Fixed by the caller when attempts must share one row (queued jobs); generated otherwise. */
  investigationId?: string;
  source: InvestigationSource;
  question: string;
  channel?: string;
  thread?: string;
  /** The person who asked (a Slack user id for Slack questions). */
  user?: string;
  traceId?: string;
  traceparent?: string;
  defaults?: ChannelDefaults;
  /** The conversation (Slack thread or DM) the question belongs to; follow-ups read it, every outcome extends it. */
  conversation?: ConversationRef;
}

/** Runs investigations and records them; the investigation row is written by `open` only. */
export interface Investigator {
  /**
   * Creates the investigation row, once per id (a retried job gets its row back), so a caller can
   * record on it (Slack thread, status message) before the run.
   */
  open(job: InvestigationJob): Promise<Investigation>;
  /**
   * Runs one investigation end to end and records it (tool calls, answer, usage). Opens the row
   * first unless `opened` is the row `open` returned for this job. `options.signal` cancels the
   * run: it rejects with the signal's reason and the row is failed as cancelled.
   */
  run(
    job: InvestigationJob,
    onProgress?: ProgressListener,
    opened?: Investigation,
    options?: { signal?: AbortSignal },
  ): Promise<{ id: string; outcome: InvestigationOutcome }>;
}

/** The row a job opens: its fields under the store's names, with a fresh id when the job has none. */
export function newInvestigation(job: InvestigationJob): NewInvestigation {
  return {
    id: job.investigationId ?? randomUUID(),
    source: job.source,
    // A token pasted into the question is stored (and sent on) redacted.
    question: redactText(job.question),
    ...(job.channel ? { channel: job.channel } : {}),
    ...(job.thread ? { thread: job.thread } : {}),
    ...(job.user ? { userId: job.user } : {}),
    ...(job.traceId ? { traceId: job.traceId } : {}),
  };
}

/** Pipeline settings from the agent configuration. */
export function investigationSettings(config: AgentConfig): InvestigationSettings {
  return {
    ...defaultInvestigationSettings,
    reason: {
      ...defaultInvestigationSettings.reason,
      limits: {
        ...defaultInvestigationSettings.reason.limits,
        maxTurns: config.SRE_BOT_MAX_TURNS,
        tokenBudget: config.SRE_BOT_TOKEN_BUDGET,
      },
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
  /** Reads the app's source files for the investigation snapshot (the correction loop's scenario). */
  readSources?: SourceReader;
  logger?: Logger;
}): Investigator {
  const now = deps.now ?? (() => Date.now());
  const open = (job: InvestigationJob): Promise<Investigation> =>
    deps.store.investigations.create(newInvestigation(job));
  return {
    open,
    async run(job, onProgress, opened, options = {}) {
      const row = opened ?? (await open(job));
      const attributes = {
        [Attr.investigationId]: row.id,
        ...(job.channel ? { [Attr.slackChannel]: job.channel } : {}),
      };
      // One trace from the Slack event through the worker, the pipeline and the gateway.
      const parent = contextFromTraceparent(job.traceparent);
      return inSpan(
        SpanName.investigation,
        attributes,
        // One redaction scope per run: a secret removed by its key anywhere in it (a tool result, the
        // question) is replaced wherever it turns up again bare (the model request, the answer, the store, logs).
        () =>
          withRedactionScope(createRedactionScope(), () => runInvestigation(row.id, job, onProgress, options.signal)),
        parent,
      );
    },
  };

  async function runInvestigation(
    id: string,
    job: InvestigationJob,
    onProgress: ProgressListener | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ id: string; outcome: InvestigationOutcome }> {
    await deps.store.investigations.markRunning(id);
    const started = now();
    const seconds = () => (now() - started) / 1_000;
    const hadModel = deps.model !== undefined;
    try {
      const conversation =
        job.conversation && job.channel
          ? await loadConversationContext(deps.store, job.channel, job.conversation)
          : undefined;
      // The answer out is redacted once here, so what is stored, posted to Slack and returned is the same clean copy.
      const outcome = redactValue(
        await investigate(
          {
            question: redactText(job.question),
            ...(conversation ? { conversation } : {}),
            ...(job.defaults ? { defaults: job.defaults } : {}),
            ...(job.traceId ? { traceId: job.traceId } : {}),
            ...(job.traceparent ? { traceparent: job.traceparent } : {}),
          },
          {
            gateway: deps.gateway,
            catalog: deps.catalog,
            recorder: meteredRecorder(storeToolCallRecorder(deps.store, id, job.traceId), deps.metrics),
            clock: { now },
            ...(deps.model ? { model: deps.model } : {}),
            ...(onProgress ? { onProgress } : {}),
            ...(signal ? { signal } : {}),
          },
          deps.settings ?? defaultInvestigationSettings,
        ),
      );
      await recordSnapshot({
        store: deps.store,
        investigationId: id,
        question: redactText(job.question),
        ...(deps.readSources ? { readSources: deps.readSources } : {}),
        readObject: gatewayObjectReader(deps.gateway),
        ...(deps.logger ? { logger: deps.logger } : {}),
      });
      if (outcome.kind === 'answer') {
        outcome.answer = await withSkillVersions(outcome.answer, deps.catalog);
        const { usage } = outcome.answer;
        await deps.store.investigations.finish(id, {
          status: 'answered',
          answer: outcome.answer,
          usage: {
            ...(usage.model ? { model: usage.model } : {}),
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            cachedTokens: usage.cachedTokens,
            costUsd: usage.costUsd,
          },
        });
        deps.metrics?.investigation({
          outcome: 'answered',
          mode: outcome.answer.mode,
          seconds: seconds(),
          hadModel,
          ...(usage.model ? { model: usage.model } : {}),
          costUsd: usage.costUsd,
        });
      } else {
        await deps.store.investigations.finish(id, {
          status: 'clarifying',
          answer: outcome,
          usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
        });
        deps.metrics?.investigation({ outcome: 'clarified', mode: 'none', seconds: seconds(), hadModel });
      }
      if (job.conversation && job.channel)
        await recordConversationTurn(
          deps.store,
          { channel: job.channel, ref: job.conversation, investigationId: id, question: redactText(job.question) },
          outcome,
        );
      return { id, outcome };
    } catch (error) {
      deps.metrics?.investigation({ outcome: 'failed', mode: 'none', seconds: seconds(), hadModel });
      const reason = signal?.aborted ? `cancelled by the caller: ${errorMessage(signal.reason)}` : errorMessage(error);
      await deps.store.investigations.fail(id, redactText(reason));
      throw error;
    }
  }
}

/** The audit recorder, also counting each call on the role's metrics. */
function meteredRecorder(recorder: ToolCallRecorder, metrics: BotMetrics | undefined): ToolCallRecorder {
  if (!metrics) return recorder;
  return {
    record(call) {
      metrics.toolCall({
        tool: call.tool,
        ...(call.instance ? { instance: call.instance } : {}),
        outcome: call.outcome,
        seconds: call.durationMs / 1_000,
      });
      return recorder.record(call);
    },
  };
}
