import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolGateway } from '../agent/ports.js';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { createBullmqQueue } from '../queue/bullmq-queue.js';
import type { JobQueue } from '../queue/queue.js';
import { createFixProposalsRepository, type FixProposalsRepository } from '../store/fix-proposals-repository.js';
import { migrate } from '../store/migrate.js';
import { createPgliteDatabase } from '../store/pglite-database.js';
import { createStore, type Store } from '../store/store.js';
import { createLogger } from '../telemetry/logger.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { openBareRepository } from '../../evaluators/sandbox/git-host/bare-repository.js';
import { bundledScenario } from '../../test/support/pipeline.js';
import { FIX_QUEUE, startFixWorker, type FixJob } from './fix-jobs.js';
import { createFixService, type FixService } from './fix-service.js';
import type { FixNotifier, ThreadPlace } from './ports.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FILE = 'apps/checkout/overlays/prod-eu/kustomization.yaml';

/** Collects what the fix loop says in the thread. */
function threadLog(): FixNotifier & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    proposal: () => Promise.resolve(),
    say: (_place: ThreadPlace, text: string) => {
      said.push(text);
      return Promise.resolve();
    },
    whisper: () => Promise.resolve(),
    offerRca: (_place: ThreadPlace, investigationId: string) => {
      said.push(`offer RCA of ${investigationId}`);
      return Promise.resolve();
    },
  };
}

/** A gateway client that counts get_application calls, so the test knows a watch is under way. */
function counting(gateway: ToolGateway): ToolGateway & { reads: number } {
  const wrapped = {
    reads: 0,
    listTools: () => gateway.listTools(),
    callTool: (name: string, args: Record<string, unknown>) => {
      if (name === 'get_application') wrapped.reads += 1;
      return gateway.callTool(name, args);
    },
  };
  return wrapped;
}

describe('a worker killed mid-watch', () => {
  let estate: ScenarioEstate;
  let store: Store;
  let proposals: FixProposalsRepository;
  let gateway: McpToolGateway;
  let queue: JobQueue<FixJob>;
  const log = threadLog();

  beforeAll(async () => {
    estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
    const db = await createPgliteDatabase();
    await migrate(db);
    store = createStore(db);
    proposals = createFixProposalsRepository(db, () => new Date());
    gateway = new McpToolGateway({ url: estate.gateway.url, token: estate.gateway.token });
    queue = createBullmqQueue<FixJob>(FIX_QUEUE, {
      redisUrl: REDIS_URL,
      prefix: `watch-${randomBytes(4).toString('hex')}`,
    });
  }, 60_000);
  afterAll(async () => {
    await queue?.close();
    await gateway?.close();
    await store?.close();
    await estate?.close();
  });

  const serviceWith = (reader: ToolGateway): FixService =>
    createFixService({
      store,
      proposals,
      reader,
      writer: reader,
      gitHost: () => undefined,
      notifier: log,
      approvers: { isApprover: () => Promise.resolve(true), describe: () => 'on-call' },
      settings: {
        defaultBranch: 'main',
        approvalTtlMs: 60_000,
        watch: { timeoutMs: 60_000, intervalMs: 100, degradedReads: 1_000 },
        mergeabilityPolls: 1,
        mergeabilityPollMs: 1,
        labels: [],
        isRequesterExcluded: false,
        threadLink: () => '',
      },
      logger: createLogger({ level: 'silent' }),
      enqueueWatch: async (proposalId, reason) => {
        await queue.enqueue({ kind: 'watch', proposalId }, { idempotencyKey: `watch:${proposalId}:${reason}` });
      },
    });

  it('resumes on another worker and reports Healthy exactly once', async () => {
    // The fix commit exists but main does not point at it yet (the merge happens after the kill).
    const bare = openBareRepository(estate.sandbox.repo.path);
    const head = await estate.sandbox.repo.resolve('main');
    const files = await estate.sandbox.repo.snapshot(head);
    const fixed = (files.get(FILE) ?? '').replace('newTag: "1.8.3"', 'newTag: "1.8.2"');
    const tree = await bare.writeTree(head, [{ path: FILE, content: fixed }]);
    const merge = await bare.commitTree({ tree, parents: [head], message: 'fix', author: { name: 't', email: 't@x' } });

    const { proposal } = await proposals.create({
      id: 'p-1',
      channel: 'C1',
      thread: '1.0',
      requestedBy: 'U1',
      app: { instance: 'argocd-eu-1', name: 'checkout' },
      plan: { app: { instance: 'argocd-eu-1', name: 'checkout' }, repoURL: 'x', repository: 'x' },
    });
    await proposals.transition(proposal.id, ['planned'], 'watching', {
      mergeSha: merge,
      watchDeadline: new Date(Date.now() + 60_000),
    });

    const firstReader = counting(gateway);
    const first = startFixWorker(queue, serviceWith(firstReader));
    await queue.enqueue({ kind: 'watch', proposalId: proposal.id }, { idempotencyKey: `watch:${proposal.id}:synced` });
    for (let tries = 0; firstReader.reads < 2 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(firstReader.reads).toBeGreaterThanOrEqual(2);
    await first.close();
    expect((await proposals.get(proposal.id))?.status).toBe('watching');
    expect(log.said).toEqual([]);

    await bare.updateBranch('main', merge, head);
    const second = startFixWorker(queue, serviceWith(gateway));
    const resumed = serviceWith(gateway);
    expect(await resumed.resumeWatches()).toBe(1);
    for (let tries = 0; log.said.length === 0 && tries < 300; tries++) await new Promise((r) => setTimeout(r, 100));
    // A late duplicate (another resume, the first worker's retry) finds it done and says nothing.
    await resumed.resumeWatches();
    await resumed.watch(proposal.id);
    await second.close();
    expect((await proposals.get(proposal.id))?.status).toBe('healthy');
    expect(log.said).toHaveLength(1);
    expect(log.said[0]).toContain(`checkout is Healthy and Synced at ${merge.slice(0, 7)}`);
  }, 120_000);
});
