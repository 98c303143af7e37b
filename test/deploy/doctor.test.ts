/**
 * `sre-bot doctor` against the sandbox estate (gateway and its MCP upstreams), the fake Slack and
 * Anthropic APIs, the real PostgreSQL and Redis: every line green; with one dependency down or
 * misconfigured, exactly that line red with a one-sentence fix, and exit code 1.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../bot/cli/commands/doctor.js';
import { commands } from '../../bot/cli/commands.js';
import { runCli } from '../../bot/cli/run-cli.js';
import { migrate } from '../../bot/store/migrate.js';
import { openScenarioEstate, type ScenarioEstate } from '../../evaluators/runner/scenario-estate.js';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/index.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack/index.js';
import { createPostgresTestDatabase, type TestDatabase } from '../support/databases.js';
import { bundledScenario, repositoryRoot } from '../support/pipeline.js';
import { freePort } from '../support/ports.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let estate: ScenarioEstate;
let testDb: TestDatabase;
let slack: FakeSlack;
let anthropic: FakeAnthropic;
let env: Record<string, string>;

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
  env = {
    DATABASE_URL: testDb.url ?? '',
    REDIS_URL,
    GATEWAY_URL: estate.gateway.url,
    GATEWAY_TOKEN: estate.gateway.token,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    ANTHROPIC_API_KEY: 'doctor-test',
    ANTHROPIC_BASE_URL: anthropic.url,
  };
}, 120_000);

afterAll(async () => {
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
    expect(names).toEqual(expect.arrayContaining(['config', 'slack', 'gateway', 'model', 'postgresql', 'redis']));
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
