import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreApprovalChecker } from '../../fix/approval-checker.js';
import { migrate } from '../../store/migrate.js';
import { createStore } from '../../store/store.js';
import { ActionId } from '../../slack/answer-blocks.js';
import { FixActionId } from '../../slack/fix-actions.js';
import { startSandbox, type RunningSandbox } from '../../../evaluators/sandbox/start-sandbox.js';
import { startGatewayOverSandbox, type SandboxGateway } from '../../../evaluators/sandbox/with-gateway.js';
import { sha256Hex } from '../../../mcp-servers/gateway/index.js';
import { startFakeGithub, type FakeGithub } from '../../../evaluators/sandbox/git-host/fake-github.js';
import {
  appMentionEvent,
  blockActionsPayload,
  FAKE_WORKSPACE,
  sendSignedEvent,
  sendSignedInteraction,
  startFakeSlack,
  type FakeSlack,
} from '../../../test/fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../../test/support/databases.js';
import { bundledScenario } from '../../../test/support/pipeline.js';
import { commands } from '../commands.js';
import { runCli } from '../run-cli.js';

const SECRET = 'fix-cli-secret';
const ONCALL_GROUP = 'S0ONCALL';
const ONCALL = 'U0ONCALL1';

/**
 * `sre-bot slack` with FIX_* set runs the fix loop itself (in-process worker, no Redis): the
 * answer offers Propose fix, the press opens a pull request on the Git host the variables name,
 * and the on-call approval merges, syncs through the writer principal and reports Healthy.
 */
describe('sre-bot slack with the fix loop configured', () => {
  let sandbox: RunningSandbox;
  let gateway: SandboxGateway;
  let testDb: TestDatabase;
  let github: FakeGithub;
  let slack: FakeSlack;
  let home: string;
  const writerToken = randomBytes(16).toString('hex');

  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: await bundledScenario('missing-image-tag') });
    testDb = await createPostgresTestDatabase();
    await migrate(testDb.db);
    gateway = await startGatewayOverSandbox(sandbox, {
      healthCheckIntervalMs: 0,
      enableWrites: true,
      approvalChecker: createStoreApprovalChecker(createStore(testDb.db).approvals),
      extraCallers: [{ principal: 'sre-bot-fix', tokenSha256: sha256Hex(writerToken), writes: true }],
    });
    github = await startFakeGithub({ repositories: { 'platform/gitops': sandbox.repo.path } });
    slack = await startFakeSlack();
    slack.state.usergroups.set(ONCALL_GROUP, [ONCALL]);
    home = mkdtempSync(join(tmpdir(), 'sre-bot-fix-cli-'));
  }, 120_000);

  afterAll(async () => {
    await slack?.close();
    await github?.close();
    await gateway?.close();
    await sandbox?.close();
    await testDb?.drop();
    rmSync(home, { recursive: true, force: true });
  });

  it('offers Propose fix, opens the PR, and heals the app on approval', async () => {
    const stderr = new PassThrough();
    let log = '';
    stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    let stop = () => {};
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      SRE_BOT_HOME: home,
      DATABASE_URL: testDb.url ?? '',
      GATEWAY_URL: gateway.gateway.url,
      GATEWAY_TOKEN: gateway.gateway.token,
      LOG_LEVEL: process.env.FIX_CLI_LOG ?? 'silent',
      FIX_GIT_PROVIDER: 'github',
      FIX_GIT_API_URL: github.url,
      FIX_GIT_TOKEN: github.token,
      FIX_APPROVER_GROUP: ONCALL_GROUP,
      FIX_GATEWAY_WRITER_TOKEN: writerToken,
      FIX_WATCH_INTERVAL_MS: '200',
    };
    const io = { stdout: new PassThrough(), stderr, env, cwd: process.cwd(), stopSignal };
    const exit = runCli(['slack', '--port', '0', '--host', '127.0.0.1'], commands, io);
    let thread = '';
    const until = async <T>(read: () => T | undefined, what: string): Promise<T> => {
      for (let tries = 0; tries < 600; tries++) {
        const value = read();
        if (value) return value;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const said = slack.messages(FAKE_WORKSPACE.channelId, thread).map((message) => String(message['text']));
      const whispered = slack.state.ephemerals.map((message) => message.text ?? '');
      throw new Error(`timed out waiting for ${what}; thread: ${[...said, ...whispered].join(' | ')}; stderr: ${log}`);
    };
    try {
      const url = await until(() => /listening on (\S+\/slack\/events)/.exec(log)?.[1], 'the listener');
      expect(log).toContain('fix pull requests on');
      const payload = appMentionEvent({
        text: `<@${FAKE_WORKSPACE.botUserId}> why is checkout failing in prod-eu? the new release never came up`,
      });
      thread = String(payload.event['ts']);
      slack.addMessage(FAKE_WORKSPACE.channelId, { text: String(payload.event['text']), ts: thread });
      expect((await sendSignedEvent(url, payload, { signingSecret: SECRET })).status).toBe(200);
      const replies = () => slack.messages(FAKE_WORKSPACE.channelId, thread);
      const withAction = (id: string) => replies().find((m) => JSON.stringify(m['blocks'] ?? []).includes(`"${id}"`));
      const answer = await until(() => withAction(ActionId.proposeFix), 'the answer with Propose fix');
      const valueOf = (message: Record<string, unknown>, actionId: string): string => {
        const blocks = message['blocks'] as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
        const button = blocks.flatMap((block) => block.elements ?? []).find((item) => item.action_id === actionId);
        return button?.value ?? '';
      };
      const press = (actionId: string, value: string, message: Record<string, unknown>, user: string) =>
        sendSignedInteraction(
          url,
          blockActionsPayload({ actionId, value, user, message: { ts: String(message['ts']), thread_ts: thread } }),
          { signingSecret: SECRET },
        );
      await press(ActionId.proposeFix, valueOf(answer, ActionId.proposeFix), answer, 'U0DEVELOP');
      const proposal = await until(() => withAction(FixActionId.approve), 'the proposal');
      expect(github.pulls('platform/gitops')).toHaveLength(1);
      await press(FixActionId.approve, valueOf(proposal, FixActionId.approve), proposal, ONCALL);
      const healthy = await until(
        () => replies().find((message) => /is Healthy and Synced/.test(String(message['text']))),
        'Healthy in the thread',
      );
      expect(String(healthy['text'])).toContain((await sandbox.repo.resolve('main')).slice(0, 7));
    } finally {
      stop();
    }
    expect(await exit).toBe(0);
  }, 180_000);
});
