import type { WebClient } from '@slack/web-api';
import type { ToolGateway } from '../agent/ports.js';
import type { FixConfig } from '../fix/config.js';
import { FIX_QUEUE, startFixWorker, type FixJob } from '../fix/fix-jobs.js';
import { createFixService, type FixService, type FixSettings } from '../fix/fix-service.js';
import type { GitHostResolver } from '../fix/plan-fix.js';
import { repositoryFromUrl, type GitProvider } from '../git/git-provider.js';
import { createGithubProvider } from '../git/github-provider.js';
import { createGitlabProvider } from '../git/gitlab-provider.js';
import { McpToolGateway } from '../gateway-client/mcp-tool-gateway.js';
import { openQueue } from '../queue/open-queue.js';
import type { JobQueue, JobWorker } from '../queue/queue.js';
import { createSlackApproverPolicy, createSlackFixNotifier } from '../slack/fix-notifier.js';
import { createFixProposalsRepository } from '../store/fix-proposals-repository.js';
import type { Runtime } from './runtime.js';

/** The Git provider the fix variables name. */
export function createConfiguredGitProvider(config: FixConfig): GitProvider {
  return config.FIX_GIT_PROVIDER === 'github'
    ? createGithubProvider({ baseUrl: config.FIX_GIT_API_URL, token: config.FIX_GIT_TOKEN })
    : createGitlabProvider({ baseUrl: config.FIX_GIT_API_URL, token: config.FIX_GIT_TOKEN });
}

/** Every Argo CD repoURL maps to its repository path on the one Git host, if the allow-list has it. */
export function gitHostResolver(config: FixConfig, provider: GitProvider): GitHostResolver {
  const allowed = new Set(config.FIX_GIT_REPOSITORIES);
  return (repoURL) => {
    const repository = repositoryFromUrl(repoURL);
    if (allowed.size > 0 && !allowed.has(repository)) return undefined;
    return { provider, repository };
  };
}

/** The fix loop's settings from its variables. */
export function fixSettings(config: FixConfig): FixSettings {
  const workspace = config.FIX_SLACK_WORKSPACE_URL.replace(/\/+$/, '');
  return {
    defaultBranch: config.FIX_DEFAULT_BRANCH,
    approvalTtlMs: config.FIX_APPROVAL_TTL_MS,
    watch: {
      timeoutMs: config.FIX_WATCH_TIMEOUT_MS,
      intervalMs: config.FIX_WATCH_INTERVAL_MS,
      degradedReads: config.FIX_WATCH_DEGRADED_READS,
    },
    mergeabilityPolls: 10,
    mergeabilityPollMs: 1_000,
    labels: config.FIX_LABELS,
    isRequesterExcluded: !config.FIX_REQUESTER_MAY_APPROVE,
    threadLink: (place) => `${workspace}/archives/${place.channel}/p${place.thread.replace('.', '')}`,
  };
}

/** Opens the `fix` queue (BullMQ with REDIS_URL, in-process otherwise); one attempt per job. */
export function openFixQueue(runtime: Runtime): JobQueue<FixJob> {
  return openQueue<FixJob>(FIX_QUEUE, { redisUrl: runtime.core.REDIS_URL, prefix: runtime.core.QUEUE_PREFIX });
}

/** A running fix worker: the service (for tests and the demo), and close. */
export interface RunningFixRole {
  service: FixService;
  close(): Promise<void>;
}

/**
 * Wires the fix loop on a worker: the Git provider, the writer principal on the gateway, Slack
 * messages and approver groups, the proposals store; starts draining the `fix` queue and
 * re-enqueues the watches a dead worker left behind.
 */
export async function startFixRole(input: {
  runtime: Runtime;
  config: FixConfig;
  queue: JobQueue<FixJob>;
  client: WebClient;
  reader: ToolGateway;
  gatewayUrl: string;
}): Promise<RunningFixRole> {
  const { runtime, config, queue } = input;
  const provider = createConfiguredGitProvider(config);
  const writer = new McpToolGateway({ url: input.gatewayUrl, token: config.FIX_GATEWAY_WRITER_TOKEN });
  const service = createFixService({
    store: runtime.store,
    proposals: createFixProposalsRepository(runtime.store.db, () => new Date()),
    reader: input.reader,
    writer,
    gitHost: gitHostResolver(config, provider),
    notifier: createSlackFixNotifier(input.client),
    approvers: createSlackApproverPolicy(input.client, {
      defaultGroup: config.FIX_APPROVER_GROUP,
      ...(config.FIX_APPROVER_GROUPS_BY_CHANNEL ? { byChannel: config.FIX_APPROVER_GROUPS_BY_CHANNEL } : {}),
    }),
    settings: fixSettings(config),
    ...(runtime.model ? { model: runtime.model } : {}),
    logger: runtime.logger,
    enqueueWatch: async (proposalId, reason) => {
      await queue.enqueue({ kind: 'watch', proposalId }, { idempotencyKey: `watch:${proposalId}:${reason}` });
    },
  });
  const worker: JobWorker = startFixWorker(queue, service, { concurrency: config.FIX_WORKER_CONCURRENCY });
  const resumed = await service.resumeWatches();
  if (resumed > 0) runtime.logger.info({ event: 'fix-watch-resumed', count: resumed }, 'fix watches resumed');
  return {
    service,
    async close() {
      await worker.close();
      await writer.close();
    },
  };
}
