/**
 * Publishing into a postmortems repository, switched on by configuration alone: the real
 * `sre-bot web` and `sre-bot slack` roles started from their variables, a fake GitHub over a
 * real bare repository, PostgreSQL. With RCA_POSTMORTEMS_REPOSITORY set, "Publish" (on the page,
 * or the Slack button) opens a pull request whose file is the RCA's markdown export; without it,
 * the same publish exports markdown only and no pull request is opened, even with FIX_GIT_* set.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRcaService, type RcaService } from '../../bot/rca/rca-service.js';
import { ActionId } from '../../bot/slack/answer-blocks.js';
import { RcaActionId } from '../../bot/slack/rca-blocks.js';
import { migrate } from '../../bot/store/migrate.js';
import { createStore, type Store } from '../../bot/store/store.js';
import { createGitRepo, type GitRepo } from '../../evaluators/sandbox/git/git-repo.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import {
  blockActionsPayload,
  FAKE_WORKSPACE,
  sendSignedInteraction,
  startFakeSlack,
  type FakeSlack,
} from '../fakes/slack/index.js';
import { startCliRole, type RunningRole } from '../support/cli-role.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { seedAnsweredInvestigation } from '../support/rca-fixtures.js';

const CHANNEL = FAKE_WORKSPACE.channelId;
const READER = { 'x-forwarded-user': 'U0ONCALL01', 'x-forwarded-groups': 'shop' };
const SIGNING_SECRET = 'rca-postmortems-secret';

let testDb: TestDatabase;
let store: Store;
let rcas: RcaService;
let github: FakeGithub;
let postmortems: GitRepo;
let slack: FakeSlack;
let home: string;
let baseEnv: Record<string, string>;
const roles: RunningRole[] = [];

/** Drafts the RCA of a seeded investigation and fills what only a person can, so it may be published. */
async function publishableRca(investigationId: string, service: string): Promise<string> {
  await seedAnsweredInvestigation(store, { id: investigationId, channel: CHANNEL, service });
  const { rca } = await rcas.draft(investigationId, { author: 'U0ASKER01' });
  await rcas.edit(
    rca.id,
    {
      severity: 'sev3',
      summary: `${service} could not start its new release for 25 minutes; the old pods kept serving.`,
      impact: `No failed requests; the ${service} rollout stalled.`,
      actionItems: [{ text: 'Check image tags in CI', owner: 'platform team', due: '2026-12-15', ticket: '' }],
      lessons: { wentWell: ['Fast answer.'], wentWrong: ['No alert.'], gotLucky: ['Quiet hour.'] },
      resolution: { resolvedAt: new Date().toISOString(), text: 'The tag was set back.' },
    },
    { editor: 'U0ONCALL01' },
  );
  return rca.id;
}

async function startWeb(extra: Record<string, string>): Promise<string> {
  const role = startCliRole(['web', '--port', '0', '--host', '127.0.0.1'], {
    ...baseEnv,
    SRE_BOT_WEB_URL: 'http://127.0.0.1:3100',
    SRE_BOT_WEB_SESSION_SECRET: 'p'.repeat(32),
    SRE_BOT_WEB_TRUSTED_HEADER: 'x-forwarded-user',
    ...extra,
  });
  roles.push(role);
  return role.waitFor('the web role to listen', () => /listening on (\S+)/.exec(role.output())?.[1]);
}

/** Signs in through the proxy header, reads the page's CSRF token and moves the RCA along. */
async function publishOnPage(url: string, id: string): Promise<void> {
  const page = await (await fetch(`${url}/rcas/${id}`, { headers: READER })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  for (const status of ['in_review', 'published']) {
    const moved = await fetch(`${url}/rcas/${id}/status`, {
      method: 'POST',
      headers: { ...READER, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, status }).toString(),
      redirect: 'manual',
    });
    expect(moved.status).toBe(303);
    const notice = new URL(moved.headers.get('location') ?? '', url).searchParams.get('notice');
    expect(notice).toBe(status === 'published' ? 'Published.' : 'Moved to in review.');
  }
}

/** The markdown files a pull request's head commit has under postmortems/. */
async function postmortemFiles(head: string): Promise<Map<string, string>> {
  const tree = await postmortems.snapshot(await postmortems.resolve(head));
  return new Map([...tree].filter(([path]) => path.startsWith('postmortems/')));
}

beforeAll(async () => {
  testDb = await createPostgresTestDatabase();
  await migrate(testDb.db);
  store = createStore(testDb.db);
  rcas = createRcaService({ store, teamOf: () => 'shop' });
  home = await mkdtemp(join(tmpdir(), 'rca-postmortems-e2e-'));
  postmortems = await createGitRepo(join(home, 'postmortems.git'), [
    { message: 'seed', author: 'Seed <s@example.com>', date: new Date(0), files: { 'README.md': '# Postmortems\n' } },
  ]);
  github = await startFakeGithub({ repositories: { 'acme/postmortems': postmortems.path } });
  slack = await startFakeSlack();
  const channelsFile = join(home, 'channels.yaml');
  await writeFile(channelsFile, `channels:\n  - id: ${CHANNEL}\n    team: shop\n    respond: mentions\n`);
  baseEnv = { DATABASE_URL: testDb.url ?? '', SRE_BOT_CHANNELS_FILE: channelsFile, LOG_LEVEL: 'warn' };
}, 60_000);

afterAll(async () => {
  for (const role of roles) await role.stop().catch(() => undefined);
  await slack?.close();
  await github?.close();
  await testDb?.drop();
  await rm(home, { recursive: true, force: true });
});

describe('sre-bot web: publish and the postmortems repository', () => {
  it('exports markdown only when RCA_POSTMORTEMS_REPOSITORY is unset, even with the fix loop variables', async () => {
    const id = await publishableRca('inv-web-off', 'cart');
    const url = await startWeb({
      FIX_GIT_PROVIDER: 'github',
      FIX_GIT_API_URL: github.url,
      FIX_GIT_TOKEN: github.token,
    });
    expect(roles.at(-1)?.output()).toContain('markdown export only');
    await publishOnPage(url, id);
    expect((await store.rcas.get(id))?.status).toBe('published');
    const markdown = await (await fetch(`${url}/rcas/${id}.md`, { headers: READER })).text();
    expect(markdown).toMatch(/^# .*cart/);
    expect(markdown).toContain('| published (v');
    expect(github.pulls('acme/postmortems')).toEqual([]);
    expect(await store.pullRequests.listForInvestigation('inv-web-off')).toEqual([]);
  });

  it('opens a pull request with the markdown file when it is set (provider and token from FIX_GIT_*)', async () => {
    const id = await publishableRca('inv-web-on', 'checkout');
    const url = await startWeb({
      RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems',
      FIX_GIT_PROVIDER: 'github',
      FIX_GIT_API_URL: github.url,
      FIX_GIT_TOKEN: github.token,
    });
    expect(roles.at(-1)?.output()).toContain('publishes to acme/postmortems');
    await publishOnPage(url, id);
    const [pull] = github.pulls('acme/postmortems');
    expect(pull).toMatchObject({ base: 'main', head: `sre-bot/rca-${id}` });
    const markdown = await (await fetch(`${url}/rcas/${id}.md`, { headers: READER })).text();
    const files = await postmortemFiles(pull?.head ?? '');
    expect([...files.keys()]).toEqual([`postmortems/2026-11-24-${id}.md`]);
    expect(files.get(`postmortems/2026-11-24-${id}.md`)).toBe(markdown);
    expect(await store.pullRequests.listForInvestigation('inv-web-on')).toMatchObject([
      { kind: 'rca', provider: 'github', repository: 'acme/postmortems', number: pull?.number },
    ]);
  });
});

describe('sre-bot slack: Publish in Slack opens the postmortems pull request', () => {
  it('drafts from the button, publishes from the RCA message, and the PR carries the markdown', async () => {
    const role = startCliRole(['slack', '--port', '0', '--host', '127.0.0.1', '--no-worker'], {
      ...baseEnv,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems',
      RCA_POSTMORTEMS_DIRECTORY: 'postmortems/',
      RCA_GIT_PROVIDER: 'github',
      RCA_GIT_API_URL: github.url,
      RCA_GIT_TOKEN: github.token,
    });
    roles.push(role);
    const eventsUrl = await role.waitFor(
      'the slack role to listen',
      () => /listening on (\S+\/slack\/events)/.exec(role.output())?.[1],
    );
    expect(role.output()).toContain('RCAs publish to acme/postmortems');
    await seedAnsweredInvestigation(store, { id: 'inv-slack', channel: CHANNEL, service: 'payments' });
    const interact = async (payload: Record<string, unknown>) =>
      (await sendSignedInteraction(eventsUrl, payload, { signingSecret: SIGNING_SECRET })).status;
    const onAnswer = { ts: '1795860601.000200', thread_ts: '1795860600.000100' };
    expect(
      await interact(blockActionsPayload({ actionId: ActionId.draftRca, value: 'inv-slack', message: onAnswer })),
    ).toBe(200);
    const posted = await slack.waitForCall('chat.postMessage', {
      where: (call) => String(call.args['text']).startsWith('RCA') && call.args['thread_ts'] === onAnswer.thread_ts,
      timeoutMs: 20_000,
    });
    const [rca] = await store.rcas.listForInvestigation('inv-slack');
    const id = rca?.id ?? '';
    // What only a person can fill (the page or the modal in the other suites), then Slack's buttons.
    await rcas.edit(
      id,
      {
        severity: 'sev3',
        impact: 'No failed payments; the rollout stalled.',
        actionItems: [{ text: 'Check image tags in CI', owner: 'platform team', due: '2026-12-15', ticket: '' }],
        lessons: { wentWell: ['Fast answer.'], wentWrong: ['No alert.'], gotLucky: ['Quiet hour.'] },
        resolution: { resolvedAt: new Date().toISOString(), text: 'The tag was set back.' },
      },
      { editor: 'U0ONCALL01' },
    );
    const onRca = { ts: String(posted.response['ts']), thread_ts: onAnswer.thread_ts };
    await interact(blockActionsPayload({ actionId: RcaActionId.review, value: id, message: onRca }));
    await interact(blockActionsPayload({ actionId: RcaActionId.publish, value: id, message: onRca }));
    const pull = await role.waitFor('the postmortems pull request', () =>
      github.pulls('acme/postmortems').find((candidate) => candidate.head === `sre-bot/rca-${id}`),
    );
    const published = await rcas.get(id);
    expect(published?.rca.status).toBe('published');
    const files = await postmortemFiles(pull.head);
    expect(files.get(`postmortems/2026-11-24-${id}.md`)).toBe(rcas.markdown(published ?? never()));
    expect(pull.title).toMatch(/^RCA: /);
  }, 120_000);
});

function never(): never {
  throw new Error('the RCA vanished');
}
