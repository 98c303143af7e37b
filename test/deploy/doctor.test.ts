/**
 * `sre-bot doctor` against the sandbox estate (gateway and its MCP upstreams), the fake Slack and
 * Anthropic APIs, the fake GitHub over the sandbox's GitOps repository, an alert routes file, the
 * real PostgreSQL and Redis: every line green; with one dependency down or misconfigured, exactly
 * that line red with a one-sentence fix, and exit code 1. The other model providers are in
 * doctor-providers.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../bot/cli/commands/doctor.js';
import { commands } from '../../bot/cli/commands.js';
import { runCli } from '../../bot/cli/run-cli.js';
import { migrate } from '../../bot/store/migrate.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { startFakeGithub, type FakeGithub } from '../../evaluators/sandbox/git-host/fake-github.js';
import { FAKE_WORKSPACE, startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';
import { freePort } from '../support/probes.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let estate: ScenarioEstate;
let testDb: TestDatabase;
let slack: FakeSlack;
let anthropic: FakeAnthropic;
let github: FakeGithub;
let home: string;
let env: Record<string, string>;

/** An alert routes file in the test's directory. */
async function routesFile(name: string, channel: string): Promise<string> {
  const file = join(home, name);
  await writeFile(file, `routes:\n  - match: { team: shop }\n    channel: ${channel}\n`);
  return file;
}

async function doctor(overrides: Record<string, string | undefined> = {}): Promise<{ code: number; lines: string[] }> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // A check that passes returns when its dependency answers; the limit only bounds a loaded machine.
  const code = await runCli(['doctor', '--timeout-ms', '15000'], commands, {
    stdout,
    stderr: new PassThrough(),
    env: { ...env, ...overrides },
    cwd: repositoryRoot,
    stopSignal: new Promise(() => undefined),
  });
  return { code, lines: text.trim().split('\n') };
}

beforeAll(async () => {
  estate = await openScenarioEstate(await bundledScenario('missing-image-tag'));
  testDb = await createPostgresTestDatabase();
  await migrate(testDb.db);
  slack = await startFakeSlack();
  anthropic = await startFakeAnthropic();
  github = await startFakeGithub({ repositories: { 'platform/gitops': estate.sandbox.repo.path } });
  home = await mkdtemp(join(tmpdir(), 'sre-bot-doctor-'));
  env = {
    DATABASE_URL: testDb.url ?? '',
    REDIS_URL,
    GATEWAY_URL: estate.gateway.url,
    GATEWAY_TOKEN: estate.gateway.token,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: 'doctor-test',
    ANTHROPIC_BASE_URL: anthropic.url,
    FIX_GIT_PROVIDER: 'github',
    FIX_GIT_API_URL: github.url,
    FIX_GIT_TOKEN: github.token,
    FIX_GIT_REPOSITORIES: 'platform/gitops',
    FIX_DEFAULT_BRANCH: estate.sandbox.repo.branch,
    FIX_APPROVER_GROUP: 'S0ONCALL01',
    FIX_GATEWAY_WRITER_TOKEN: 'doctor-writer-token',
    // Postmortems pull requests on the same host, through the fix loop's FIX_GIT_* variables.
    RCA_POSTMORTEMS_REPOSITORY: 'platform/gitops',
    RCA_POSTMORTEMS_BRANCH: estate.sandbox.repo.branch,
    SRE_BOT_ALERT_ROUTES_FILE: await routesFile('routes.yaml', FAKE_WORKSPACE.channelId),
    SRE_BOT_ALERTMANAGER_TOKEN: 'doctor-alertmanager-token',
  };
}, 120_000);

afterAll(async () => {
  await github?.close();
  if (home) await rm(home, { recursive: true, force: true });
  await anthropic?.close();
  await slack?.close();
  await testDb?.drop();
  await estate?.close();
});

describe('sre-bot doctor', () => {
  it('prints one green line per dependency, one per gateway upstream, and exits 0', async () => {
    const { code, lines } = await doctor();
    expect(lines.filter((line) => !line.startsWith('✓'))).toEqual([]);
    expect(code).toBe(0);
    const names = lines.map((line) =>
      line
        .slice(2)
        .split(/\s{2,}|\s(?=\S+ )/)[0]
        ?.trim(),
    );
    expect(names).toEqual(
      expect.arrayContaining(['config', 'slack', 'gateway', 'model', 'postgresql', 'redis', 'git', 'alerts']),
    );
    expect(lines.filter((line) => line.startsWith('✓ model anthropic:'))).toHaveLength(2);
    expect(lines.find((line) => line.startsWith('✓ git provider'))).toMatch(
      /github: the token is accepted, platform\/gitops \S+ is at [0-9a-f]{7}$/,
    );
    expect(lines.find((line) => line.startsWith('✓ postmortems repository'))).toMatch(
      /github: platform\/gitops \S+ is at [0-9a-f]{7}; published RCAs open pull requests into postmortems\/$/,
    );
    expect(lines.filter((line) => line.startsWith('✓ upstream ')).length).toBeGreaterThanOrEqual(3);
    expect(slack.callsTo('auth.test').length).toBeGreaterThan(0);
  });

  it('turns only the Redis line red, with a fix, when Redis is down', async () => {
    const { code, lines } = await doctor({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(code).toBe(1);
    const red = lines.filter((line) => line.startsWith('✗'));
    expect(red).toHaveLength(1);
    expect(red[0]).toMatch(/^✗ redis +cannot connect to 127\.0\.0\.1:\d+.* — fix: Check REDIS_URL .*\.$/);
  });

  it('turns the Slack line red when the token is refused', async () => {
    const checks = await runDoctor({ ...env, SLACK_BOT_TOKEN: 'xoxb-revoked' }, { timeoutMs: 3_000 });
    expect(checks.filter((item) => item.status === 'fail').map((item) => item.name)).toEqual(['slack']);
    expect(checks.find((item) => item.name === 'slack')?.fix).toMatch(/SLACK_BOT_TOKEN/);
  });

  it('names the gateway token when the gateway refuses it', async () => {
    const checks = await runDoctor({ ...env, GATEWAY_TOKEN: 'not-the-bot-token' }, { timeoutMs: 3_000 });
    const gateway = checks.find((item) => item.name === 'gateway');
    expect(gateway).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Set GATEWAY_TOKEN/) });
    expect(checks.filter((item) => item.status === 'fail').map((item) => item.name)).toEqual(['gateway']);
  });

  it('turns the git line red when the token is refused, and names the repository when it is not there', async () => {
    const refused = await runDoctor({ ...env, FIX_GIT_TOKEN: 'ghs_revoked' }, { timeoutMs: 3_000 });
    // The postmortems repository falls back to the same token, so its line turns red with it.
    expect(refused.filter((item) => item.status === 'fail').map((item) => item.name)).toEqual([
      'git provider',
      'postmortems repository',
    ]);
    expect(refused.find((item) => item.name === 'git provider')?.fix).toMatch(/^Replace FIX_GIT_TOKEN/);
    expect(refused.find((item) => item.name === 'postmortems repository')?.fix).toMatch(
      /^Replace RCA_GIT_TOKEN \(or FIX_GIT_TOKEN/,
    );
    const own = await runDoctor({ ...env, RCA_GIT_TOKEN: 'ghs_revoked' }, { timeoutMs: 3_000 });
    expect(own.filter((item) => item.status === 'fail').map((item) => item.name)).toEqual(['postmortems repository']);
    const missing = await runDoctor({ ...env, FIX_GIT_REPOSITORIES: 'platform/nope' }, { timeoutMs: 3_000 });
    expect(missing.find((item) => item.name === 'git provider')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('platform/nope'),
      fix: expect.stringMatching(/^Check FIX_GIT_REPOSITORIES/),
    });
  });

  it('turns the alerts line red when a route names a channel the bot cannot post to', async () => {
    const file = await routesFile('bad-routes.yaml', 'C0NOSUCHCHAN');
    const checks = await runDoctor({ ...env, SRE_BOT_ALERT_ROUTES_FILE: file }, { timeoutMs: 3_000 });
    expect(checks.filter((item) => item.status === 'fail').map((item) => item.name)).toEqual(['alerts']);
    expect(checks.find((item) => item.name === 'alerts')).toMatchObject({
      detail: 'route channel C0NOSUCHCHAN does not exist for this bot',
      fix: expect.stringMatching(/^Correct SRE_BOT_ALERT_ROUTES_FILE/),
    });
  });

  it('says to migrate when PostgreSQL answers but the schema is behind', async () => {
    const empty = await createPostgresTestDatabase();
    try {
      const checks = await runDoctor({ ...env, DATABASE_URL: empty.url ?? '' }, { timeoutMs: 3_000 });
      const postgres = checks.find((item) => item.name === 'postgresql');
      expect(postgres).toMatchObject({
        status: 'fail',
        fix: 'Run `sre-bot db migrate` (the migrate Job) before the roles.',
      });
    } finally {
      await empty.drop();
    }
  });
});
