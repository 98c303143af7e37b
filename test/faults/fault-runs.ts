import { failureSentence } from '../../bot/slack/investigation-worker.js';
import { anthropicSteps } from '../fakes/anthropic/index.js';
import { appMentionEvent, FAKE_WORKSPACE, sendSignedEvent } from '../fakes/slack/index.js';
import { MODEL_ANSWER, SIGNING_SECRET, type FaultCluster } from './fault-cluster.js';

/** One row of the fault table. */
export interface FaultRow {
  fault: string;
  sent: number;
  acked: number;
  answeredOnce: number;
  lost: number;
  duplicated: number;
  stuck: number;
  /** From the end of the fault to the last question settled, in seconds. */
  recoverSeconds: number;
}

/** A scripted fault: what to load, when to strike, how to heal. */
export interface Fault {
  name: string;
  questions: number;
  /** Runs the fault against the cluster while the questions are in flight; resolves when it is over. */
  strike(cluster: FaultCluster, asked: Promise<Asked[]>): Promise<void>;
  /** Puts back what the fault changed (after the questions settled). */
  heal?(cluster: FaultCluster): Promise<void>;
}

/** A question sent into the receiver: its thread and whether Slack got a 200 (after retries). */
export interface Asked {
  thread: string;
  isAcked: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Slack's redeliveries of an event that got no 200: at once, after 1 minute, after 5 minutes. */
const SLACK_RETRY_DELAYS_MS = [0, 60_000, 240_000];

async function ask(cluster: FaultCluster, index: number): Promise<Asked> {
  const text = `<@${FAKE_WORKSPACE.botUserId}> ${cluster.scenario.question} (#${index})`;
  const payload = appMentionEvent({ text });
  const thread = String(payload.event['ts']);
  cluster.slack.addMessage(FAKE_WORKSPACE.channelId, { text, ts: thread });
  const attempt = async (retryNum: number): Promise<boolean> => {
    const response = await sendSignedEvent(cluster.eventsUrl, payload, {
      signingSecret: SIGNING_SECRET,
      ...(retryNum > 0 ? { retryNum, retryReason: 'http_error' } : {}),
    }).catch(() => undefined);
    return response?.status === 200;
  };
  if (await attempt(0)) return { thread, isAcked: true };
  for (const [retry, delay] of SLACK_RETRY_DELAYS_MS.entries()) {
    await sleep(delay);
    if (await attempt(retry + 1)) return { thread, isAcked: true };
  }
  return { thread, isAcked: false };
}

/** What a thread holds now: answers (streamed or posted), failure sentences, status lines still showing progress. */
function threadState(cluster: FaultCluster, thread: string) {
  const bot = cluster.slack
    .messages(FAKE_WORKSPACE.channelId, thread)
    .filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId);
  const text = (message: (typeof bot)[number]) => String(message.text ?? '');
  return {
    answers: bot.filter(
      (message) => text(message).includes('Root cause') || text(message).startsWith(':grey_question:'),
    ).length,
    failures: bot.filter(
      (message) => text(message) === failureSentence(undefined) || text(message).startsWith('Sorry — I'),
    ).length,
    progress: bot.filter((message) => text(message).startsWith(':mag:')).length,
  };
}

async function openRows(cluster: FaultCluster): Promise<number> {
  const { rows } = await cluster.store.db
    .query(`SELECT count(*)::int AS open FROM investigations WHERE status IN ('queued', 'running')`)
    .catch(() => ({ rows: [{ open: -1 }] }));
  return Number(rows[0]?.open ?? -1);
}

/** Sends the questions, strikes, and waits (up to `settleMs` after the fault) until every thread has settled. */
export async function runFault(cluster: FaultCluster, fault: Fault, settleMs = 120_000): Promise<FaultRow> {
  const asked = Promise.all(Array.from({ length: fault.questions }, (_, index) => ask(cluster, index)));
  await fault.strike(cluster, asked);
  const healedAt = Date.now();
  const questions = await asked;
  const isSettled = (question: Asked) => {
    const state = threadState(cluster, question.thread);
    return state.answers + state.failures > 0 && state.progress === 0;
  };
  let lastSettledAt = healedAt;
  const deadline = healedAt + settleMs;
  while (Date.now() < deadline) {
    const pending = questions.filter((question) => question.isAcked && !isSettled(question));
    if (pending.length === 0 && (await openRows(cluster)) === 0) break;
    lastSettledAt = Date.now();
    await sleep(250);
  }
  await fault.heal?.(cluster);
  const acked = questions.filter((question) => question.isAcked);
  const states = acked.map((question) => threadState(cluster, question.thread));
  const open = await openRows(cluster);
  for (const [index, state] of states.entries())
    if (state.progress > 0 || state.answers !== 1)
      process.stderr.write(`  thread ${acked[index]?.thread ?? ''}: ${JSON.stringify(state)}\n`);
  if (open > 0) {
    const { rows } = await cluster.store.db.query(
      `SELECT id, status, error, enqueued_at, worker_heartbeat_at FROM investigations WHERE status IN ` +
        `('queued', 'running')`,
    );
    process.stderr.write(`  open rows: ${JSON.stringify(rows)}\n`);
  }
  return {
    fault: fault.name,
    sent: questions.length,
    acked: acked.length,
    answeredOnce: states.filter((state) => state.answers === 1).length,
    lost: states.filter((state) => state.answers === 0).length,
    duplicated: states.filter((state) => state.answers > 1).length,
    stuck: states.filter((state) => state.progress > 0).length + Math.max(open, 0),
    recoverSeconds: Math.round((lastSettledAt - healedAt) / 100) / 10,
  };
}

/** Waits until `check` holds, polling durable state (rows, recorded Slack calls), never a throttled status. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the fault never found its moment to strike');
    await sleep(50);
  }
}

const rowsWhere = async (cluster: FaultCluster, where: string): Promise<number> => {
  const { rows } = await cluster.store.db.query(`SELECT count(*)::int AS n FROM investigations WHERE ${where}`);
  return Number(rows[0]?.n ?? 0);
};

const restartWorkers = async (cluster: FaultCluster) => {
  await cluster.killWorkers();
  await cluster.startWorkers(2);
};

/** Every fault of issue 18, in table order; `short` marks the ones the vitest short form runs. */
export const FAULTS: Array<Fault & { short?: boolean }> = [
  {
    name: 'Redis restart (no persistence)',
    questions: 6,
    short: true,
    async strike(cluster, asked) {
      await asked;
      await cluster.redis.restart(1_000);
    },
  },
  {
    name: 'PostgreSQL restart, 5 s down',
    questions: 6,
    short: true,
    async strike(cluster) {
      await until(async () => (await rowsWhere(cluster, `status = 'running'`)) > 0);
      await cluster.postgres.restart(5_000);
    },
  },
  {
    name: 'PostgreSQL restart, 60 s down',
    questions: 6,
    async strike(cluster) {
      await until(async () => (await rowsWhere(cluster, `status = 'running'`)) > 0);
      await cluster.postgres.restart(60_000);
    },
  },
  {
    name: 'worker SIGKILL mid-gather',
    questions: 4,
    short: true,
    async strike(cluster) {
      await until(
        async () =>
          (await rowsWhere(
            cluster,
            `status = 'running' AND EXISTS (SELECT 1 FROM tool_calls t WHERE t.investigation_id = investigations.id)`,
          )) > 0,
      );
      await restartWorkers(cluster);
    },
  },
  {
    name: 'worker SIGKILL mid-stream',
    questions: 3,
    async strike(cluster) {
      const start = cluster.slack.calls.length;
      cluster.slack.slowDown('chat.appendStream', 3_000, { times: 2 });
      await until(() => cluster.slack.callsTo('chat.startStream').some((call) => call.index >= start));
      await restartWorkers(cluster);
    },
    heal: (cluster) => Promise.resolve(cluster.slack.clearFaults('chat.appendStream')),
  },
  {
    name: 'Slack 429/500/503 storm',
    questions: 6,
    strike(cluster) {
      cluster.slack.rateLimit('chat.postMessage', { times: 6, retryAfterSeconds: 1 });
      cluster.slack.failNext('chat.update', 'internal_error', { times: 8, status: 500 });
      cluster.slack.failNext('chat.startStream', 'service_unavailable', { times: 4, status: 503 });
      return Promise.resolve();
    },
    heal: (cluster) => Promise.resolve(cluster.slack.clearFaults()),
  },
  {
    name: 'chat.update failing permanently',
    questions: 4,
    short: true,
    strike(cluster) {
      cluster.slack.failNext('chat.update', 'cant_update_message', { times: 100_000 });
      return Promise.resolve();
    },
    heal: (cluster) => Promise.resolve(cluster.slack.clearFaults('chat.update')),
  },
  {
    name: 'model 429/529 storm',
    questions: 4,
    strike(cluster) {
      cluster.model.setScript([
        anthropicSteps.rateLimited({ times: 12 }),
        anthropicSteps.overloaded({ times: 12 }),
        MODEL_ANSWER,
      ]);
      return Promise.resolve();
    },
    heal: (cluster) => Promise.resolve(cluster.model.setScript([MODEL_ANSWER])),
  },
  {
    name: 'one Argo CD instance down',
    questions: 4,
    async strike(cluster) {
      await cluster.stopWorkers();
      await cluster.startWorkers(2, 'argocd-down');
    },
    async heal(cluster) {
      await cluster.stopWorkers();
      await cluster.startWorkers(2);
    },
  },
];

/** The table as markdown (the README keeps a copy). */
export function faultTable(rows: FaultRow[]): string {
  const lines = [
    '| fault | sent | acked | answered once | lost | duplicated | stuck | time to recover |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.fault} | ${row.sent} | ${row.acked} | ${row.answeredOnce} | ${row.lost} | ${row.duplicated} | ` +
        `${row.stuck} | ${row.recoverSeconds} s |`,
    ),
  ];
  return lines.join('\n');
}
