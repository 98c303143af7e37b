import { WebClient } from '@slack/web-api';
import { Redis } from 'ioredis';
import { loadAgentConfig } from '../../config/agent-config.js';
import { loadCoreConfig } from '../../config/core-config.js';
import { errorMessage } from '../../errors.js';
import { McpToolGateway } from '../../gateway-client/mcp-tool-gateway.js';
import type { ModelChainOptions } from '../../model/model-chain.js';
import { migrationStatus } from '../../store/migrate.js';
import { openDatabase } from '../../store/open-database.js';
import { loadWorkerConfig } from '../../slack/worker-config.js';
import { parseFlags, writeLine, type CliIo, type Command } from '../command.js';
import { alertsCheck } from '../doctor/alerts-check.js';
import { CheckFailed, check, withTimeout, type DoctorCheck } from '../doctor/doctor-check.js';
import { gitCheck } from '../doctor/git-check.js';
import { modelChecks } from '../doctor/model-check.js';
import { postmortemsCheck } from '../doctor/postmortems-check.js';

export type { DoctorCheck } from '../doctor/doctor-check.js';

const USAGE = 'doctor [--json] [--timeout-ms N]';

type Env = CliIo['env'];

function configCheck(env: Env): DoctorCheck {
  const problems: string[] = [];
  for (const load of [loadCoreConfig, loadAgentConfig, loadWorkerConfig]) {
    try {
      load(env);
    } catch (error) {
      problems.push(errorMessage(error));
    }
  }
  if (problems.length === 0) return { name: 'config', status: 'ok', detail: 'core, agent and worker settings parse' };
  return {
    name: 'config',
    status: 'fail',
    detail: problems.join('; '),
    fix: 'Set or correct the variables named above (README, "Configuration").',
  };
}

async function slackCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  const fix =
    'Copy the Bot User OAuth Token (OAuth & Permissions) into SLACK_BOT_TOKEN, reinstalling the app if it was revoked.';
  if (!env.SLACK_BOT_TOKEN) return { name: 'slack', status: 'fail', detail: 'SLACK_BOT_TOKEN is not set', fix };
  return check('slack', fix, async () => {
    const client = new WebClient(env.SLACK_BOT_TOKEN, {
      ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
      retryConfig: { retries: 0 },
    });
    const identity = await withTimeout('Slack auth.test', timeoutMs, client.auth.test(), fix);
    return `auth.test ok: bot ${identity.user_id ?? '?'} in team ${identity.team ?? identity.team_id ?? '?'}`;
  });
}

/** The gateway's Prometheus text: one `sre_bot_gateway_upstream_up{upstream="kind/instance"}` per upstream. */
function upstreamStates(metrics: string): Array<{ upstream: string; isUp: boolean }> {
  const states: Array<{ upstream: string; isUp: boolean }> = [];
  for (const line of metrics.split('\n')) {
    const match = /^sre_bot_gateway_upstream_up\{[^}]*upstream="([^"]+)"[^}]*\} (\S+)$/.exec(line);
    if (match?.[1]) states.push({ upstream: match[1], isUp: Number(match[2]) === 1 });
  }
  return states;
}

async function gatewayChecks(env: Env, timeoutMs: number): Promise<DoctorCheck[]> {
  const fix = 'Start the gateway (`sre-bot gateway --config FILE`) and point GATEWAY_URL at its /mcp endpoint.';
  const url = env.GATEWAY_URL;
  const token = env.GATEWAY_TOKEN;
  if (!url || !token)
    return [{ name: 'gateway', status: 'fail', detail: `${url ? 'GATEWAY_TOKEN' : 'GATEWAY_URL'} is not set`, fix }];
  const gateway = new McpToolGateway({ url, token, timeoutMs });
  try {
    const listed = await check('gateway', fix, async () => {
      const tools = await withTimeout('the gateway', timeoutMs, gateway.listTools(), fix);
      return `${url} answers tools/list with ${tools.length} tools`;
    });
    if (listed.status !== 'ok') {
      if (/401|bearer|unauthori[sz]ed/i.test(listed.detail))
        listed.fix =
          'Set GATEWAY_TOKEN to the token whose SHA-256 is the bot caller tokenSha256 in the gateway config.';
      return [listed];
    }
    const metricsUrl = new URL('/metrics', url);
    const text = await withTimeout(
      'the gateway /metrics',
      timeoutMs,
      fetch(metricsUrl).then((response) => response.text()),
      fix,
    ).catch(() => '');
    const upstreams = upstreamStates(text).map(({ upstream, isUp }): DoctorCheck =>
      isUp
        ? { name: `upstream ${upstream}`, status: 'ok', detail: 'the gateway health check reached it' }
        : {
            name: `upstream ${upstream}`,
            status: 'fail',
            detail: 'the gateway cannot reach it',
            fix: `Check the ${upstream} MCP server pod and its backend, then runbooks/gateway-upstream-down.md.`,
          },
    );
    return [listed, ...upstreams];
  } finally {
    await gateway.close();
  }
}

async function postgresCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  const fix = 'Check DATABASE_URL (host, credentials, database) and that PostgreSQL accepts connections from here.';
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl)
    return {
      name: 'postgresql',
      status: 'fail',
      detail: 'DATABASE_URL is not set (the roles would use an embedded database per pod)',
      fix,
    };
  return check('postgresql', fix, async () => {
    const db = await openDatabase({ databaseUrl, home: '', cwd: '' });
    try {
      const statuses = await withTimeout('PostgreSQL', timeoutMs, migrationStatus(db), fix);
      const pending = statuses.filter((status) => status.state !== 'applied');
      if (pending.length > 0)
        throw new CheckFailed(
          `${pending.length} migrations not applied (${pending.map((status) => status.name).join(', ')})`,
          'Run `sre-bot db migrate` (the migrate Job) before the roles.',
        );
      return `connected; ${statuses.length} migrations applied`;
    } finally {
      await db.close();
    }
  });
}

async function redisCheck(env: Env, timeoutMs: number): Promise<DoctorCheck> {
  const fix = 'Check REDIS_URL (host, port, password, rediss:// for TLS) and that Redis accepts connections from here.';
  const redisUrl = env.REDIS_URL;
  if (!redisUrl)
    return {
      name: 'redis',
      status: 'fail',
      detail: 'REDIS_URL is not set (slack and worker could not share a queue)',
      fix,
    };
  return check('redis', fix, async () => {
    const redis = new Redis(redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: timeoutMs,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      await withTimeout('Redis', timeoutMs, redis.connect(), fix).catch((error: unknown) => {
        throw new CheckFailed(`cannot connect to ${new URL(redisUrl).host}: ${errorMessage(error)}`, fix);
      });
      const pong = await withTimeout('Redis', timeoutMs, redis.ping(), fix);
      return `${new URL(redisUrl).host} answers ${pong}`;
    } finally {
      redis.disconnect();
    }
  });
}

/** What the report needs besides the environment. */
export interface DoctorOptions {
  timeoutMs?: number;
  /** Where relative files (the alert routes) resolve; the working directory by default. */
  cwd?: string;
  /** Model client wiring the environment cannot carry (tests pass a Vertex auth client). */
  model?: ModelChainOptions;
}

/** Runs every check in parallel; the report keeps a fixed order. */
export async function runDoctor(env: Env, options: DoctorOptions = {}): Promise<DoctorCheck[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const [slack, gateway, models, postgres, redis, git, postmortems, alerts] = await Promise.all([
    slackCheck(env, timeoutMs),
    gatewayChecks(env, timeoutMs),
    modelChecks(env, timeoutMs, options.model),
    postgresCheck(env, timeoutMs),
    redisCheck(env, timeoutMs),
    gitCheck(env, timeoutMs),
    postmortemsCheck(env, timeoutMs),
    alertsCheck(env, options.cwd ?? '.', timeoutMs),
  ]);
  return [configCheck(env), slack, ...gateway, ...models, postgres, redis, git, postmortems, alerts];
}

const MARK = { ok: '✓', fail: '✗', skip: '-' } as const;
const COLOR = { ok: '\u001b[32m', fail: '\u001b[31m', skip: '\u001b[33m' } as const;

/** One line per check: mark, name, detail, and the fix when it is not green. */
export function formatCheck(item: DoctorCheck, isColor: boolean): string {
  const line = `${MARK[item.status]} ${item.name.padEnd(30)} ${item.detail}${item.fix ? ` — fix: ${item.fix}` : ''}`;
  return isColor ? `${COLOR[item.status]}${line}\u001b[0m` : line;
}

/**
 * `sre-bot doctor`: checks the configuration and reaches every dependency a running bot needs
 * (Slack auth.test, the gateway and each of its upstreams, each configured model on its provider,
 * PostgreSQL, Redis, the Git host, the postmortems repository, the alert routes' channels), one line
 * each, red with a one-sentence fix when it fails. Exit 1 when any check fails.
 */
export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'Check the configuration and reach every dependency (Slack, gateway and upstreams, models, PostgreSQL, ' +
    'Redis, git, alerts).',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(argv, { json: { type: 'boolean' }, 'timeout-ms': { type: 'string' } }, USAGE);
    const timeoutMs = values['timeout-ms'] ? Number(values['timeout-ms']) : undefined;
    const checks = await runDoctor(io.env, { cwd: io.cwd, ...(timeoutMs && timeoutMs > 0 ? { timeoutMs } : {}) });
    if (values.json) writeLine(io.stdout, JSON.stringify(checks, null, 2));
    else {
      const isColor = (io.stdout as { isTTY?: boolean }).isTTY === true && !io.env.NO_COLOR;
      for (const item of checks) writeLine(io.stdout, formatCheck(item, isColor));
    }
    return checks.some((item) => item.status === 'fail') ? 1 : 0;
  },
};
