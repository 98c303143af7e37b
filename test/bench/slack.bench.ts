import { randomBytes } from 'node:crypto';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import { createMemoryQueue } from '../../bot/queue/memory-queue.js';
import type { EnqueueOptions, JobQueue } from '../../bot/queue/queue.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createSlackApp } from '../../bot/slack/slack-app.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore } from '../../bot/store/store.js';
import { createPgliteTestDatabase, createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import {
  appMentionEvent,
  FAKE_WORKSPACE,
  sendSignedEvent,
  startFakeSlack,
  type EventCallbackPayload,
} from '../fakes/slack/index.js';

/**
 * `npm run bench -- slack`: a burst of signed `app_mention` events at a fixed rate into the real
 * Bolt HTTP receiver, with a share of them redelivered the way Slack retries (same event_id,
 * X-Slack-Retry-Num). Reports ack latency (p50/p99/max) against Slack's 3 s budget, and checks
 * that every event became exactly one job: lost = 0, duplicated = 0. Runs the in-process queue
 * and, when Redis is reachable, BullMQ side by side, each with the durable intake (the question
 * stored in PostgreSQL before the ack; PGlite when no server is reachable) beside the enqueue-only
 * ack of before issue 18.
 * Options: --events N (2000), --rate N per second (200), --retry-share F (0.1), --queue memory|redis|both, --json.
 */

/** The streams (and environment) the runner writes to; `sre-bot bench` passes its CliIo. */
export interface BenchmarkIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env?: Readonly<Record<string, string | undefined>>;
}

/** One queue's measurements. */
export interface SlackBurstResult {
  queue: 'memory' | 'redis';
  /** `durable`: stored before the ack (issue 18); `enqueue-only`: the ack after enqueueing, as before. */
  intake: 'durable' | 'enqueue-only';
  /** Where durable questions were stored. */
  store: 'postgres' | 'pglite';
  events: number;
  retries: number;
  requests: number;
  non200: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  p99ShareOf3sBudget: number;
  sendSeconds: number;
  jobs: number;
  lost: number;
  duplicated: number;
}

const SECRET = 'bench-signing-secret';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));

/** A throwaway PostgreSQL database when the test server answers, else in-memory PGlite. */
async function benchDatabase(): Promise<{ database: TestDatabase; kind: 'postgres' | 'pglite' }> {
  try {
    return { database: await createPostgresTestDatabase(), kind: 'postgres' };
  } catch {
    return { database: await createPgliteTestDatabase(), kind: 'pglite' };
  }
}

async function burst(
  kind: 'memory' | 'redis',
  intake: SlackBurstResult['intake'],
  options: { events: number; rate: number; retryShare: number; redisUrl: string },
): Promise<SlackBurstResult> {
  const slack = await startFakeSlack();
  const { database, kind: storeKind } = await benchDatabase();
  const db = database.db;
  await migrate(db);
  // A warm pool, as in a running receiver: every connection open before the first event.
  await Promise.all(Array.from({ length: 10 }, () => db.query('SELECT 1')));
  const store = createStore(db);
  const inner =
    kind === 'memory'
      ? createMemoryQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE)
      : createBullmqQueue<SlackInvestigationJob>(INVESTIGATION_QUEUE, {
          redisUrl: options.redisUrl,
          prefix: `bench-slack-${randomBytes(4).toString('hex')}`,
        });
  // Counts what the real queue accepted per event (its idempotency keys refuse duplicates).
  const accepted = new Map<string, number>();
  const queue: JobQueue<SlackInvestigationJob> = {
    ...inner,
    async enqueue(data: SlackInvestigationJob, enqueueOptions?: EnqueueOptions) {
      const result = await inner.enqueue(data, enqueueOptions);
      if (!result.isDuplicate) accepted.set(data.eventId, (accepted.get(data.eventId) ?? 0) + 1);
      return result;
    },
  };
  const service = createSlackApp(
    loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
    {
      queue,
      store,
      channels: createChannelDirectory([]),
      skillNames: () => [],
      logger: createLogger({ level: 'silent' }),
      relayIntervalMs: 500,
      ...(intake === 'enqueue-only' ? { isEnqueueOnly: true } : {}),
    },
  );
  try {
    const url = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
    const payloads: EventCallbackPayload[] = [];
    const latencies: number[] = [];
    const pending: Array<Promise<void>> = [];
    let non200 = 0;
    let retries = 0;
    const send = (payload: EventCallbackPayload, retryNum?: number) => {
      const started = performance.now();
      pending.push(
        sendSignedEvent(url, payload, { signingSecret: SECRET, ...(retryNum ? { retryNum } : {}) }).then(
          (response) => {
            latencies.push(performance.now() - started);
            if (response.status !== 200) non200 += 1;
          },
          () => {
            non200 += 1;
          },
        ),
      );
    };
    const retryEvery = options.retryShare > 0 ? Math.max(1, Math.round(1 / options.retryShare)) : 0;
    const intervalMs = 1_000 / options.rate;
    const begin = performance.now();
    for (let index = 0; index < options.events; index += 1) {
      await sleep(begin + index * intervalMs - performance.now());
      const payload = appMentionEvent({ text: `<@${FAKE_WORKSPACE.botUserId}> why is service-${index} failing?` });
      payloads.push(payload);
      send(payload);
      if (retryEvery > 0 && index % retryEvery === retryEvery - 1) {
        // Slack redelivers an earlier event it thinks timed out.
        const earlier = payloads[Math.max(0, index - 5)];
        if (earlier) {
          send(earlier, 1);
          retries += 1;
        }
      }
    }
    const sendSeconds = (performance.now() - begin) / 1_000;
    await Promise.all(pending);
    // Durable intake hands questions to the queue after the ack: let the hand-offs and a relay pass finish.
    const settleBy = performance.now() + 30_000;
    while (intake === 'durable' && accepted.size < payloads.length && performance.now() < settleBy) await sleep(50);
    if (intake === 'durable') await service.relayOnce();
    const sorted = [...latencies].sort((a, b) => a - b);
    const jobs = [...accepted.values()].reduce((sum, count) => sum + count, 0);
    const lost = payloads.filter((payload) => !accepted.has(payload.event_id)).length;
    const p99 = percentile(sorted, 99);
    return {
      queue: kind,
      intake,
      store: storeKind,
      events: options.events,
      retries,
      requests: options.events + retries,
      non200,
      ackP50Ms: round(percentile(sorted, 50)),
      ackP99Ms: round(p99),
      ackMaxMs: round(sorted.at(-1) ?? 0),
      p99ShareOf3sBudget: round(p99 / 3_000, 4),
      sendSeconds: round(sendSeconds),
      jobs,
      lost,
      duplicated: jobs - accepted.size,
    };
  } finally {
    await service.stop();
    await queue.close();
    await database.drop();
    await slack.close();
  }
}

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}

async function isRedisReachable(redisUrl: string): Promise<boolean> {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function formatTable(results: SlackBurstResult[]): string {
  const header = [
    'queue',
    'intake',
    'events',
    'retries',
    'non-200',
    'ack p50 ms',
    'ack p99 ms',
    'ack max ms',
    'p99 / 3 s',
    'send s',
    'jobs',
    'lost',
    'duplicated',
  ];
  const rows = results.map((r) =>
    [
      r.queue,
      r.intake === 'durable' ? `durable (${r.store})` : r.intake,
      r.events,
      r.retries,
      r.non200,
      r.ackP50Ms,
      r.ackP99Ms,
      r.ackMaxMs,
      `${(r.p99ShareOf3sBudget * 100).toFixed(2)}%`,
      r.sendSeconds,
      r.jobs,
      r.lost,
      r.duplicated,
    ].map(String),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function flag(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** Runs the Slack burst benchmark; exit 1 when an event was lost or duplicated or not acked with 200. */
export async function runSlackBenchmark(io: BenchmarkIo, argv: string[] = []): Promise<number> {
  const events = Number(flag(argv, '--events') ?? 2_000);
  const rate = Number(flag(argv, '--rate') ?? 200);
  const retryShare = Number(flag(argv, '--retry-share') ?? 0.1);
  const queueChoice = flag(argv, '--queue') ?? 'both';
  if (
    !Number.isInteger(events) ||
    events < 1 ||
    !(rate > 0) ||
    !(retryShare >= 0 && retryShare <= 1) ||
    !['memory', 'redis', 'both'].includes(queueChoice)
  ) {
    io.stderr.write(
      'error: --events must be a positive whole number, --rate > 0, --retry-share between 0 and 1, --queue ' +
        'memory|redis|both\n',
    );
    return 2;
  }
  const redisUrl = io.env?.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const kinds: Array<'memory' | 'redis'> =
    queueChoice === 'both' ? ['memory', 'redis'] : [queueChoice as 'memory' | 'redis'];
  const results: SlackBurstResult[] = [];
  for (const kind of kinds) {
    if (kind === 'redis' && !(await isRedisReachable(redisUrl))) {
      if (queueChoice === 'redis') {
        io.stderr.write(`error: Redis at ${redisUrl} is not reachable (set REDIS_URL)\n`);
        return 1;
      }
      io.stderr.write(`note: Redis at ${redisUrl} is not reachable; BullMQ row skipped\n`);
      continue;
    }
    // Side by side in one run: today's durable ack, then the enqueue-only ack it replaced.
    for (const intake of ['durable', 'enqueue-only'] as const)
      results.push(await burst(kind, intake, { events, rate, retryShare, redisUrl }));
  }
  const isClean = results.every((result) => result.lost === 0 && result.duplicated === 0 && result.non200 === 0);
  if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ results, isClean })}\n`);
  else {
    io.stdout.write(
      `Slack burst: ${events} signed app_mention events at ${rate}/s into the Bolt HTTP receiver, ` +
        `${Math.round(retryShare * 100)}% redelivered with X-Slack-Retry-Num\n\n`,
    );
    io.stdout.write(`${formatTable(results)}\n\n`);
    io.stdout.write(
      `${isClean ? 'ok' : 'FAILED'}: every event acked with 200 and enqueued exactly once (lost 0, duplicated 0)\n` +
        'goal: durable ack p99 < 50 ms\n',
    );
  }
  return isClean ? 0 : 1;
}
