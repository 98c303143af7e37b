import { randomBytes } from 'node:crypto';
import { WebClient } from '@slack/web-api';
import { FIX_QUEUE, startFixWorker, type FixJob } from '../../bot/fix/fix-jobs.js';
import { createFixService, type FixServiceDeps } from '../../bot/fix/fix-service.js';
import { repositoryFromUrl } from '../../bot/git/git-provider.js';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue } from '../../bot/queue/queue.js';
import { createSlackApproverPolicy, createSlackFixNotifier } from '../../bot/slack/fix-notifier.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { createFixProposalsRepository } from '../../bot/store/fix-proposals-repository.js';
import { sandboxFixSettings } from '../../evaluators/runner/sandbox-fix-loop.js';
import { startFakeGithub, type FakePullRequest } from '../../evaluators/sandbox/git-host/fake-github.js';
import type { SlackHarnessParts } from './slack-harness.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The repository the sandbox's Argo CD apps point at, as the fake GitHub serves it. */
export const GITOPS_REPOSITORY = 'platform/gitops';

/** Fix settings for tests: short polls and watches, the fictional workspace's thread links. */
export const TEST_FIX_SETTINGS: FixServiceDeps['settings'] = sandboxFixSettings({
  mergeabilityPolls: 10,
  threadLink: (place) => `https://shop.slack.com/archives/${place.channel}/p${place.thread.replace('.', '')}`,
});

/** The fix loop up to the proposal: a fake GitHub over the sandbox repo, the fix service, its queue and worker. */
export interface TestFixLoop {
  queue: JobQueue<FixJob>;
  /** Pull requests opened on the fake GitHub. */
  pulls(): FakePullRequest[];
  close(): Promise<void>;
}

/**
 * Starts the real fix service for a harness: it plans from the investigation record, opens the
 * pull request on a fake GitHub over the sandbox's bare repository, and posts the approval
 * request in Slack. Merging needs a writing gateway, which this loop does not have.
 */
export async function startTestFixLoop(parts: SlackHarnessParts): Promise<TestFixLoop> {
  const github = await startFakeGithub({ repositories: { [GITOPS_REPOSITORY]: parts.estate.sandbox.repo.path } });
  const provider = createGithubProvider({ baseUrl: github.url, token: github.token });
  const client = new WebClient(
    parts.slack.botToken,
    webClientOptions({ slackApiUrl: parts.slack.apiUrl, retries: 3, logger: parts.logger, minRetryTimeoutMs: 10 }),
  );
  const queue = createBullmqQueue<FixJob>(FIX_QUEUE, {
    redisUrl: REDIS_URL,
    prefix: `fix-${randomBytes(4).toString('hex')}`,
    backoffMs: 50,
  });
  const service = createFixService({
    store: parts.store,
    proposals: createFixProposalsRepository(parts.store.db, () => new Date()),
    reader: parts.gateway,
    writer: parts.gateway,
    gitHost: (url) => ({ provider, repository: repositoryFromUrl(url) }),
    notifier: createSlackFixNotifier(client),
    approvers: createSlackApproverPolicy(client, { defaultGroup: 'S0ONCALL' }),
    settings: TEST_FIX_SETTINGS,
    logger: parts.logger,
    enqueueWatch: async (proposalId, reason) => {
      await queue.enqueue({ kind: 'watch', proposalId }, { idempotencyKey: `watch:${proposalId}:${reason}` });
    },
  });
  const worker = startFixWorker(queue, service);
  return {
    queue,
    pulls: () => github.pulls(GITOPS_REPOSITORY),
    async close() {
      await worker.close();
      await queue.close();
      await github.close();
    },
  };
}
