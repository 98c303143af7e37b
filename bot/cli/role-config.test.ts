import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../errors.js';
import { loadRuntimeConfig, loadServerRoleConfig, loadSlackRoleConfig, loadWorkerRoleConfig } from './role-config.js';

/** The error a loader threw; fails the test when it did not throw. */
function errorOf(load: () => unknown): BotError {
  try {
    load();
  } catch (error) {
    if (error instanceof BotError) return error;
    throw error;
  }
  throw new Error('expected a config error, got a configuration');
}

const workerEnv = { SLACK_BOT_TOKEN: 'xoxb-1', GATEWAY_URL: 'http://127.0.0.1:8080/mcp', GATEWAY_TOKEN: 't' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sre-bot-role-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one config per role', () => {
  it('reports two bad variables of different slices in one error naming both', () => {
    const error = errorOf(() => loadRuntimeConfig({ METRICS_PORT: '99999', SRE_BOT_MAX_TURNS: 'ten' }));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(/^invalid sre-bot configuration: /);
    expect(error.message).toContain('METRICS_PORT must be a port number from 0 to 65535');
    expect(error.message).toContain('SRE_BOT_MAX_TURNS must be a whole number');
  });

  it('turns METRICS_PORT=99999 into a config error for every role, not a listen error', () => {
    const loaders: Array<() => unknown> = [
      () => loadRuntimeConfig({ METRICS_PORT: '99999' }),
      () => loadWorkerRoleConfig({ ...workerEnv, METRICS_PORT: '99999' }, dir),
      () =>
        loadSlackRoleConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', METRICS_PORT: '99999' }, dir, {
          withWorker: false,
        }),
      () => loadServerRoleConfig('gateway', { METRICS_PORT: '99999' }, () => ({})),
    ];
    for (const load of loaders) {
      const error = errorOf(load);
      expect(error.code).toBe('config_invalid');
      expect(error.message).toContain('METRICS_PORT must be a port number');
    }
    expect(loadRuntimeConfig({ METRICS_PORT: '9464' }).METRICS_PORT).toBe(9464);
  });

  it('checks the worker in one pass: its own, the runtime and the gateway variables together', () => {
    const error = errorOf(() => loadWorkerRoleConfig({ SLACK_BOT_TOKEN: 'xoxp-user', LOG_LEVEL: 'loud' }, dir));
    expect(error.message).toMatch(/^invalid worker configuration: /);
    const expected = [
      'SLACK_BOT_TOKEN must be a bot token',
      'LOG_LEVEL',
      'GATEWAY_URL is required',
      'GATEWAY_TOKEN is required',
    ];
    for (const variable of expected) {
      expect(error.message).toContain(variable);
    }
  });

  it('adds the channel token variables and REDIS_URL of a separate worker to the same error', () => {
    const file = join(dir, 'channels.yaml');
    writeFileSync(
      file,
      [
        'channels:',
        '  - id: C0PAYMENTS1',
        '    team: payments',
        '    gateway:',
        '      principal: payments',
        '      tokenEnv: GATEWAY_TOKEN_PAYMENTS',
        '',
      ].join('\n'),
    );
    const env = { ...workerEnv, SRE_BOT_CHANNELS_FILE: file, WORKER_CONCURRENCY: '0' };
    const error = errorOf(() => loadWorkerRoleConfig(env, dir, { requireRedis: true }));
    expect(error.message).toContain('WORKER_CONCURRENCY must be at least 1');
    expect(error.message).toContain('GATEWAY_TOKEN_PAYMENTS is required: channel C0PAYMENTS1 (payments)');
    expect(error.message).toContain('REDIS_URL is required for a separate worker');
    const ok = loadWorkerRoleConfig({ ...env, WORKER_CONCURRENCY: '2', GATEWAY_TOKEN_PAYMENTS: 'p' }, dir);
    expect(ok.config.WORKER_CONCURRENCY).toBe(2);
    expect(ok.channels.tokenEnvFor('payments')).toBe('GATEWAY_TOKEN_PAYMENTS');
    expect(Object.isFrozen(ok.config)).toBe(true);
  });

  it('checks the in-process worker with the receiver, and leaves it out with --no-worker or Redis', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_PORT: '70000' };
    const error = errorOf(() => loadSlackRoleConfig(env, dir, { withWorker: true }));
    expect(error.message).toMatch(/^invalid slack configuration: /);
    expect(error.message).toContain('SLACK_PORT must be a port number');
    expect(error.message).toContain('GATEWAY_URL is required');
    const receiver = loadSlackRoleConfig({ ...env, SLACK_PORT: '3001' }, dir, { withWorker: false });
    expect(receiver.slack).toMatchObject({ mode: 'http', SLACK_PORT: 3001 });
    expect(receiver.worker).toBeUndefined();
    const both = loadSlackRoleConfig({ ...env, ...workerEnv, SLACK_PORT: '3001' }, dir, { withWorker: true });
    expect(both.worker?.WORKER_CONCURRENCY).toBe(4);
  });

  it('leaves the fix loop off without FIX_GIT_PROVIDER and names every missing fix variable when it is on', () => {
    expect(loadWorkerRoleConfig(workerEnv, dir).fix).toBeUndefined();
    const env = { ...workerEnv, FIX_GIT_PROVIDER: 'gitlab', FIX_WATCH_INTERVAL_MS: '1' };
    const error = errorOf(() => loadWorkerRoleConfig(env, dir));
    expect(error.message).toMatch(/^invalid worker configuration: /);
    for (const variable of ['FIX_GIT_TOKEN is required', 'FIX_APPROVER_GROUP is required'])
      expect(error.message).toContain(variable);
    expect(error.message).toContain('FIX_GATEWAY_WRITER_TOKEN is required');
    expect(error.message).toContain('FIX_GIT_API_URL is required with FIX_GIT_PROVIDER=gitlab');
    expect(error.message).toContain('FIX_WATCH_INTERVAL_MS must be at least 10');
    const fixEnv = { FIX_GIT_TOKEN: 'ghs_x', FIX_APPROVER_GROUP: 'S0ONCALL', FIX_GATEWAY_WRITER_TOKEN: 'w' };
    const ok = loadWorkerRoleConfig({ ...workerEnv, ...fixEnv, FIX_GIT_PROVIDER: 'github' }, dir);
    expect(ok.fix).toMatchObject({
      FIX_GIT_API_URL: 'https://api.github.com',
      FIX_LABELS: ['sre-bot', 'fix'],
      FIX_REQUESTER_MAY_APPROVE: false,
    });
    // The receiver only learns that the loop is on; it holds no Git token.
    const receiverEnv = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', FIX_GIT_PROVIDER: 'github' };
    const receiver = loadSlackRoleConfig(receiverEnv, dir, { withWorker: false });
    expect(receiver).toMatchObject({ isFixEnabled: true });
    expect(receiver.fix).toBeUndefined();
    const inProcess = errorOf(() => loadSlackRoleConfig({ ...receiverEnv, ...workerEnv }, dir, { withWorker: true }));
    expect(inProcess.message).toContain('FIX_GIT_TOKEN is required');
  });

  it('switches postmortems pull requests on with RCA_POSTMORTEMS_REPOSITORY, with and without the worker', () => {
    const receiverEnv = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(loadSlackRoleConfig(receiverEnv, dir, { withWorker: false }).postmortems).toBeUndefined();
    const on = { ...receiverEnv, RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems', RCA_GIT_PROVIDER: 'github' };
    const error = errorOf(() => loadSlackRoleConfig({ ...on, SLACK_PORT: '70000' }, dir, { withWorker: false }));
    expect(error.message).toContain('SLACK_PORT must be a port number');
    expect(error.message).toContain('RCA_GIT_TOKEN is required (or set FIX_GIT_TOKEN)');
    const receiver = loadSlackRoleConfig({ ...on, RCA_GIT_TOKEN: 'ghs_pm' }, dir, { withWorker: false });
    expect(receiver.postmortems).toMatchObject({
      RCA_POSTMORTEMS_REPOSITORY: 'acme/postmortems',
      RCA_GIT_TOKEN: 'ghs_pm',
    });
    const inProcess = errorOf(() => loadSlackRoleConfig({ ...on, ...workerEnv }, dir, { withWorker: true }));
    expect(inProcess.message).toBe('invalid slack configuration: RCA_GIT_TOKEN is required (or set FIX_GIT_TOKEN)');
    const both = loadSlackRoleConfig({ ...on, ...workerEnv, FIX_GIT_TOKEN: 'ghs_fix' }, dir, { withWorker: true });
    expect(both.postmortems?.RCA_GIT_TOKEN).toBe('ghs_fix');
  });

  it("puts a server's own problems and the shared variables in one error", () => {
    const own = () => {
      throw new BotError('config_invalid', 'invalid gateway configuration: callers: declare at least one caller');
    };
    const error = errorOf(() => loadServerRoleConfig('gateway', { LOG_LEVEL: 'loud' }, own));
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('declare at least one caller');
  });
});
