import { WebClient } from '@slack/web-api';
import type { Answer, InvestigationOutcome } from '../../bot/agent/answer.js';
import type { ProgressListener } from '../../bot/agent/ports.js';
import { createMemoryQueue } from '../../bot/queue/memory-queue.js';
import type { JobQueue, QueueEvent, QueueSettings } from '../../bot/queue/queue.js';
import { newInvestigation, type InvestigationJob, type Investigator } from '../../bot/runtime/investigator.js';
import type { SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createInvestigationWorker, type InvestigationWorkerDeps } from '../../bot/slack/investigation-worker.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { migrate } from '../../bot/store/migrate.js';
import { createPgliteDatabase } from '../../bot/store/pglite-database.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import {
  FAKE_WORKSPACE,
  nextEventTs,
  startFakeSlack,
  type FakeSlack,
  type SlackMessage,
} from '../fakes/slack/index.js';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const silentLogger = createLogger({ level: 'silent' });

/** A finished answer about checkout; `mode` decides whether the worker streams it. */
export function sampleAnswer(question: string, mode: Answer['mode'] = 'model'): Answer {
  return {
    summary: 'checkout cannot sync because its destination namespace is missing.',
    rootCause: 'Argo CD app checkout targets namespace checkout-prod, which does not exist',
    evidence: [{ text: 'namespaces "checkout-prod" not found', source: 'argocd/argocd-eu-1/app/checkout' }],
    confidence: 'high',
    nextSteps: ['Create the namespace or enable CreateNamespace=true in the app sync options'],
    fix: { description: 'Add CreateNamespace=true to syncOptions in apps/checkout/values-prod.yaml' },
    mode,
    question,
    skills: ['argocd-sync-failed'],
    instances: ['argocd-eu-1'],
    notes: [],
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0, toolCalls: 4, turns: 0 },
    traceId: TRACE_ID,
    durationMs: 1200,
  };
}

export type Behaviour = (
  job: InvestigationJob,
  onProgress: ProgressListener,
  call: number,
) => Promise<InvestigationOutcome>;

/** What the worker tests share: a fake Slack, PGlite, a Web API client and job helpers. */
export interface WorkerHarness {
  slack: FakeSlack;
  store: Store;
  client: WebClient;
  /** An Investigator double that records its calls and finishes the row like the real one. */
  investigatorDouble(
    behaviour: Behaviour,
  ): Investigator & { calls: InvestigationJob[]; opens: string[]; runsOnOpenedRow: boolean[] };
  /** A job for a fresh thread (its top message seeded in the fake), with overrides. */
  jobData(overrides?: Partial<SlackInvestigationJob>): SlackInvestigationJob;
  /** Runs one job through a real in-process queue with the worker attached, until completion or dead letter. */
  runJob(
    data: SlackInvestigationJob,
    deps: Partial<InvestigationWorkerDeps> & Pick<InvestigationWorkerDeps, 'investigator'>,
    options?: { attempts?: number; expect?: 'completed' | 'dead-lettered'; queue?: Partial<QueueSettings> },
  ): Promise<void>;
  botMessages(channel: string, thread: string): SlackMessage[];
  callsSince(index: number, method: string): FakeSlack['calls'][number][];
  close(): Promise<void>;
}

function waitFor(
  queue: JobQueue<SlackInvestigationJob>,
  type: QueueEvent<SlackInvestigationJob>['type'],
): Promise<QueueEvent<SlackInvestigationJob>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event`)), 30_000);
    const stop = queue.subscribe((event) => {
      if (event.type !== type) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

/** Starts the harness; `close()` stops the fake and the database. */
export async function startWorkerHarness(): Promise<WorkerHarness> {
  const slack = await startFakeSlack();
  const db = await createPgliteDatabase();
  await migrate(db);
  const store = createStore(db);
  const client = new WebClient(
    slack.botToken,
    webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger: silentLogger, minRetryTimeoutMs: 10 }),
  );
  let sequence = 0;
  return {
    slack,
    store,
    client,
    investigatorDouble(behaviour) {
      const calls: InvestigationJob[] = [];
      const opens: string[] = [];
      const runsOnOpenedRow: boolean[] = [];
      return {
        calls,
        opens,
        runsOnOpenedRow,
        open: (job) => {
          opens.push(job.investigationId ?? 'missing');
          return store.investigations.create(newInvestigation(job));
        },
        async run(job, onProgress, opened) {
          calls.push(job);
          runsOnOpenedRow.push(opened?.id === job.investigationId);
          const id = (opened ?? (await store.investigations.create(newInvestigation(job)))).id;
          try {
            const outcome = await behaviour(job, onProgress ?? (() => undefined), calls.length);
            await store.investigations.finish(id, {
              status: outcome.kind === 'answer' ? 'answered' : 'clarifying',
              answer: outcome.kind === 'answer' ? outcome.answer : outcome,
              usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: 0 },
            });
            return { id, outcome };
          } catch (error) {
            await store.investigations.fail(id, String(error));
            throw error;
          }
        },
      };
    },
    jobData(overrides = {}) {
      sequence += 1;
      const thread = overrides.thread ?? nextEventTs();
      const channel = overrides.channel ?? FAKE_WORKSPACE.channelId;
      if (!('thread' in overrides) || overrides.thread)
        slack.addMessage(channel, {
          text: 'why is checkout failing in prod?',
          ts: thread,
          user: FAKE_WORKSPACE.humanUserId,
        });
      return {
        source: 'slack',
        investigationId: `inv-worker-${sequence}-${Date.now()}`,
        question: 'why is checkout failing in prod?',
        channel,
        thread,
        user: FAKE_WORKSPACE.humanUserId,
        team: FAKE_WORKSPACE.teamId,
        eventId: `Ev0TEST${sequence}`,
        traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
        trigger: 'mention',
        ...overrides,
      };
    },
    async runJob(data, deps, options = {}) {
      const queue = createMemoryQueue<SlackInvestigationJob>(`investigation-${sequence}`, {
        backoffMs: 5,
        ...options.queue,
      });
      const worker = createInvestigationWorker({ client, store, logger: silentLogger, statusIntervalMs: 0, ...deps });
      const running = worker.start(queue, { concurrency: 1 });
      const done = waitFor(queue, options.expect ?? 'completed');
      await queue.enqueue(data, { attempts: options.attempts ?? 1 });
      await done;
      await running.close();
      await queue.close();
    },
    botMessages: (channel, thread) =>
      slack.messages(channel, thread).filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId),
    callsSince: (index, method) => slack.callsTo(method).filter((call) => call.index >= index),
    async close() {
      await store.close();
      await slack.close();
    },
  };
}
