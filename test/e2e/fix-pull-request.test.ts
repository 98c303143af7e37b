import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import { McpToolGateway } from '../../bot/gateway-client/mcp-tool-gateway.js';
import { createBullmqQueue } from '../../bot/queue/bullmq-queue.js';
import type { JobQueue, JobWorker } from '../../bot/queue/queue.js';
import { createInvestigator } from '../../bot/runtime/investigator.js';
import { skillCatalogPort } from '../../bot/runtime/skill-catalog-port.js';
import { createSkillCatalog } from '../../bot/skills/catalog.js';
import type { SkillCatalog } from '../../bot/skills/catalog-types.js';
import { createChannelDirectory } from '../../bot/slack/channel-config.js';
import { loadSlackConfig } from '../../bot/slack/config.js';
import { INVESTIGATION_QUEUE, type SlackInvestigationJob } from '../../bot/slack/investigation-job.js';
import { createInvestigationWorker } from '../../bot/slack/investigation-worker.js';
import { createSlackApp, type SlackService } from '../../bot/slack/slack-app.js';
import { webClientOptions } from '../../bot/slack/web-client-options.js';
import { createSlackApproverPolicy, createSlackFixNotifier } from '../../bot/slack/fix-notifier.js';
import { FixActionId } from '../../bot/slack/fix-actions.js';
import { createStoreApprovalChecker } from '../../bot/fix/approval-checker.js';
import { FIX_QUEUE, startFixWorker, type FixJob } from '../../bot/fix/fix-jobs.js';
import { createFixService } from '../../bot/fix/fix-service.js';
import { createGithubProvider } from '../../bot/git/github-provider.js';
import { createGitlabProvider } from '../../bot/git/gitlab-provider.js';
import { repositoryFromUrl, type GitProvider } from '../../bot/git/git-provider.js';
import { migrate } from '../../bot/store/migrate.js';
import { createFixProposalsRepository } from '../../bot/store/fix-proposals-repository.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createLogger } from '../../bot/telemetry/logger.js';
import { startSandbox, type RunningSandbox } from '../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../evaluators/sandbox/with-gateway.js';
import { sha256Hex } from '../../mcp-servers/gateway/index.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { startFakeGitlab, type FakeGitlab } from '../../evaluators/sandbox/git-host/fake-gitlab.js';
import {
  appMentionEvent,
  blockActionsPayload,
  createUser,
  FAKE_WORKSPACE,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_FIX_SETTINGS } from '../support/fix-loop.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'fix-e2e-signing-secret';
const ONCALL_GROUP = 'S0ONCALL';
const ONCALL = 'U0ONCALL1';
const DEVELOPER = 'U0DEVELOP';
const REPOSITORY = 'platform/gitops';
const logger = createLogger({ level: process.env.FIX_E2E_LOG ?? 'silent' });

/**
 * The whole fix loop through the production path: a signed mention into real Bolt, BullMQ on
 * Redis, the pipeline over the sandbox, "Propose fix" → a pull request on the fake Git host
 * (over the sandbox's real bare repository) → a non-approver refused → on-call approves →
 * merged → synced through the gateway with an approval record → watched → Healthy in the thread.
 */
describe.each(['github', 'gitlab'] as const)('fix pull request end to end: %s', (host) => {
  let sandbox: RunningSandbox;
  let gateway: SandboxGateway;
  let testDb: TestDatabase;
  let store: Store;
  let disk: SkillCatalog;
  let slack: FakeSlack;
  let github: FakeGithub | undefined;
  let gitlab: FakeGitlab | undefined;
  let reader: McpToolGateway;
  let writer: McpToolGateway;
  const queues: Array<JobQueue<unknown>> = [];
  const workers: JobWorker[] = [];
  let service: SlackService;
  let eventsUrl: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: await bundledScenario('missing-image-tag') });
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    store = createStore(testDb.db);
    const writerToken = randomBytes(16).toString('hex');
    gateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      enableWrites: true,
      approvalChecker: createStoreApprovalChecker(store.approvals),
      extraCallers: [{ principal: 'sre-bot-fix', tokenSha256: sha256Hex(writerToken), writes: true }],
    });
    reader = new McpToolGateway({ url: gateway.gateway.url, token: gateway.gateway.token });
    writer = new McpToolGateway({ url: gateway.gateway.url, token: writerToken });
    let provider: GitProvider;
    if (host === 'github') {
      github = await startFakeGithub({ repositories: { [REPOSITORY]: sandbox.repo.path } });
      provider = createGithubProvider({ baseUrl: github.url, token: github.token });
    } else {
      gitlab = await startFakeGitlab({ repositories: { [REPOSITORY]: sandbox.repo.path } });
      provider = createGitlabProvider({ baseUrl: gitlab.url, token: gitlab.token });
    }
    disk = await createSkillCatalog({ roots: [join(repositoryRoot, 'skills')] });
    slack = await startFakeSlack();
    slack.state.usergroups.set(ONCALL_GROUP, [ONCALL, 'U0ONCALL2']);
    for (const [id, name] of [
      [ONCALL, 'oncall.one'],
      [DEVELOPER, 'dev.eloper'],
    ] as const)
      slack.addUser(createUser(id, name));
    const client = new WebClient(
      slack.botToken,
      webClientOptions({ slackApiUrl: slack.apiUrl, retries: 3, logger, minRetryTimeoutMs: 10 }),
    );
    const prefix = `fix-e2e-${randomBytes(4).toString('hex')}`;
    const queue = <T>(name: string) => {
      const created = createBullmqQueue<T>(name, { redisUrl: REDIS_URL, prefix, backoffMs: 50 });
      queues.push(created as JobQueue<unknown>);
      return created;
    };
    const investigationQueue = queue<SlackInvestigationJob>(INVESTIGATION_QUEUE);
    const fixQueue = queue<FixJob>(FIX_QUEUE);
    const fixService = createFixService({
      store,
      proposals: createFixProposalsRepository(testDb.db, () => new Date()),
      reader,
      writer,
      gitHost: (url) => ({ provider, repository: repositoryFromUrl(url) }),
      notifier: createSlackFixNotifier(client),
      approvers: createSlackApproverPolicy(client, { defaultGroup: ONCALL_GROUP }),
      settings: TEST_FIX_SETTINGS,
      logger,
      enqueueWatch: async (proposalId, reason) => {
        await fixQueue.enqueue({ kind: 'watch', proposalId }, { idempotencyKey: `watch:${proposalId}:${reason}` });
      },
    });
    service = createSlackApp(
      loadSlackConfig({ SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl }),
      {
        queue: investigationQueue,
        fixQueue,
        store,
        channels: createChannelDirectory([
          { id: FAKE_WORKSPACE.channelId, team: 'shop', respond: 'mentions', defaults: {} },
        ]),
        skillNames: () => disk.list().map((skill) => skill.name),
        logger,
      },
    );
    eventsUrl = (await service.start({ port: 0, host: '127.0.0.1' })).eventsUrl ?? '';
    const catalog = skillCatalogPort(disk);
    workers.push(
      createInvestigationWorker({
        client,
        store,
        investigator: createInvestigator({ store, gateway: reader, catalog }),
        logger,
        statusIntervalMs: 0,
        answerActions: { proposeFix: true, draftRca: false, feedback: true, correct: true },
      }).start(investigationQueue, { concurrency: 1 }),
      startFixWorker(fixQueue, fixService),
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    for (const worker of workers) await worker.close();
    for (const created of queues) await created.close();
    await reader?.close();
    await writer?.close();
    await github?.close();
    await gitlab?.close();
    await slack?.close();
    await disk?.close();
    await gateway?.close();
    await sandbox?.close();
    await testDb?.drop();
  });

  const botReplies = (thread: string) =>
    slack.messages(FAKE_WORKSPACE.channelId, thread).filter((message) => message['bot_id'] === FAKE_WORKSPACE.botId);

  async function until<T>(read: () => T | Promise<T>, what: string, tries = 600): Promise<NonNullable<T>> {
    for (let attempt = 0; attempt < tries; attempt++) {
      const value = await read();
      if (value) return value as NonNullable<T>;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const hasAction = (message: Record<string, unknown>, actionId: string) =>
    JSON.stringify(message['blocks'] ?? []).includes(`"action_id":"${actionId}"`);

  const press = (actionId: string, value: string, message: Record<string, unknown>, thread: string, user: string) =>
    sendSignedInteraction(
      eventsUrl,
      blockActionsPayload({ actionId, value, user, message: { ts: String(message['ts']), thread_ts: thread } }),
      { signingSecret: SECRET },
    );

  it('question → answer → Propose fix → PR → non-approver refused → on-call approves → merged → Healthy', async () => {
    const payload = appMentionEvent({
      user: DEVELOPER,
      text: `<@${FAKE_WORKSPACE.botUserId}> why is checkout failing in prod-eu? the new release never came up`,
    });
    const thread = String(payload.event['ts']);
    slack.addMessage(FAKE_WORKSPACE.channelId, { text: String(payload.event['text']), ts: thread, user: DEVELOPER });
    expect((await sendSignedEvent(eventsUrl, payload, { signingSecret: SECRET })).status).toBe(200);

    const answer = await until(
      () => botReplies(thread).find((message) => hasAction(message, ActionId.proposeFix)),
      'the answer with Propose fix',
    );
    const investigation = await store.investigations.findByThread(FAKE_WORKSPACE.channelId, thread);
    expect(investigation?.status).toBe('answered');
    expect((await press(ActionId.proposeFix, investigation?.id ?? '', answer, thread, DEVELOPER)).status).toBe(200);

    const proposal = await until(
      () => botReplies(thread).find((message) => hasAction(message, FixActionId.approve)),
      'the proposal message',
    );
    const proposalText = JSON.stringify(proposal['blocks']);
    expect(proposalText).toContain('apps/checkout/overlays/prod-eu/kustomization.yaml');
    expect(proposalText).toContain('- 1.8.3');
    expect(proposalText).toContain('+ 1.8.2');
    // Verified before anyone is asked: Argo CD rendered the branch, the cluster accepted a dry run.
    expect(proposalText).toContain('Rendered by Argo CD at');
    expect(proposalText).toContain('checkout:1.8.2');
    expect(proposalText).toContain('Server-side dry run on the cluster: accepted');
    const blocks = proposal['blocks'] as Array<{ type: string; elements?: Array<{ value?: string }> }>;
    const proposalId = String(blocks.find((block) => block.type === 'actions')?.elements?.[0]?.value);
    const pulls = host === 'github' ? (github?.pulls(REPOSITORY) ?? []) : (gitlab?.mergeRequests(REPOSITORY) ?? []);
    expect(pulls).toHaveLength(1);
    const body =
      'body' in (pulls[0] ?? {})
        ? (pulls[0] as { body: string }).body
        : ((pulls[0] as { description?: string })?.description ?? '');
    expect(body).toContain(`sre-bot-fix-proposal: ${proposalId}`);
    expect(body).toContain('## Rollback');
    const comments =
      'comments' in (pulls[0] ?? {})
        ? (pulls[0] as { comments: string[] }).comments
        : ((pulls[0] as { notes?: string[] })?.notes ?? []);
    expect(comments[0]).toContain('## Validation by sre-bot');
    expect(comments[0]).toContain('+        - image: registry.example.com/shop/checkout:1.8.2');
    const before = await sandbox.repo.resolve('main');

    // The person who asked is not on call: a private refusal, and nothing changes.
    expect((await press(FixActionId.approve, proposalId, proposal, thread, DEVELOPER)).status).toBe(200);
    const refusal = await until(
      () =>
        slack.state.ephemerals.find((message) => message.user === DEVELOPER && /Only on-call/.test(message.text ?? '')),
      'the refusal',
    );
    expect(refusal.text).toContain('nothing was changed');
    const pending = await store.approvals.oldestPendingSince();
    expect(pending).toBeDefined();
    expect(await sandbox.repo.resolve('main')).toBe(before);

    // On-call approves (twice: a double click is harmless).
    await press(FixActionId.approve, proposalId, proposal, thread, ONCALL);
    await press(FixActionId.approve, proposalId, proposal, thread, ONCALL);
    const healthy = await until(
      () => botReplies(thread).find((message) => /is Healthy and Synced/.test(String(message['text']))),
      'Healthy in the thread',
    );
    // Once Healthy, the thread offers to draft the RCA of this investigation.
    const offer = await until(
      () => botReplies(thread).find((message) => hasAction(message, 'draft_rca')),
      'the RCA offer',
    );
    expect(JSON.stringify(offer['blocks'])).toContain(`"value":"${investigation?.id ?? ''}"`);
    const mergeSha = await sandbox.repo.resolve('main');
    expect(mergeSha).not.toBe(before);
    expect(String(healthy['text'])).toContain(mergeSha.slice(0, 7));
    expect(botReplies(thread).filter((message) => /is Healthy and Synced/.test(String(message['text'])))).toHaveLength(
      1,
    );
    expect((await sandbox.repo.snapshot(mergeSha)).get('apps/checkout/overlays/prod-eu/kustomization.yaml')).toContain(
      'newTag: "1.8.2"',
    );

    const approvals = await testDb.db.query(`SELECT action, status, decided_by FROM approvals ORDER BY created_at`);
    expect(approvals.rows).toEqual([
      { action: 'merge_fix', status: 'used', decided_by: ONCALL },
      { action: 'sync_application', status: 'used', decided_by: ONCALL },
    ]);
    const prs = await store.pullRequests.listForInvestigation(investigation?.id ?? '');
    expect(prs).toMatchObject([{ kind: 'fix', provider: host, status: 'merged' }]);
    const app = await reader.callTool('get_application', { name: 'checkout', instance: 'argocd-eu-1' });
    expect(app.structured).toMatchObject({ health: 'Healthy', sync: 'Synced', fullRevision: mergeSha });
  }, 180_000);
});
