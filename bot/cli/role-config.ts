import { resolve } from 'node:path';
import { z } from 'zod';
import { agentConfigSchema } from '../config/agent-config.js';
import { coreConfigSchema, type CoreConfig } from '../config/core-config.js';
import { checkEnv, configError, type Env } from '../config/parse-env.js';
import { skillsConfigSchema } from '../skills/config.js';
import { loadChannelConfig, type ChannelDirectory } from '../slack/channel-config.js';
import { slackSettings, slackVariablesSchema, withSlackModeRules, type SlackConfig } from '../slack/config.js';
import { workerConfigSchema } from '../slack/worker-config.js';
import { checkFixConfig, isFixEnabled as isFixOn, type FixConfig } from '../fix/config.js';
import { checkPostmortemsConfig, type PostmortemsConfig } from '../rca/config.js';

/*
 * One config per role. Each role composes the zod slices it reads (core, agent, skills, Slack,
 * worker) into one object schema and parses it once at start, so a bad environment is reported
 * in one error that names every bad variable, before anything is opened or listens.
 */

/** Variables of the investigation runtime: `ask`, `eval`, `demo`, and the base of `slack` and `worker`. */
export const runtimeConfigSchema = z.object({
  ...coreConfigSchema.shape,
  ...agentConfigSchema.shape,
  ...skillsConfigSchema.shape,
});

/** The parsed runtime variables; it is a CoreConfig and an AgentConfig at once. */
export type RuntimeConfig = Readonly<z.infer<typeof runtimeConfigSchema>>;

const workerVariablesSchema = z.object({ ...runtimeConfigSchema.shape, ...workerConfigSchema.shape });

/** The parsed variables of the worker role (also embedded in `slack` when it runs the worker in-process). */
export type WorkerRoleConfig = Readonly<z.infer<typeof workerVariablesSchema>>;

type GatewayVariables = { GATEWAY_URL?: string | undefined; GATEWAY_TOKEN?: string | undefined };

/** The worker reaches every backend through the gateway, so both gateway variables are required. */
function withGatewayRules<S extends z.ZodType<GatewayVariables>>(schema: S): S {
  // `when` runs these even when other variables failed, so every problem is reported at once.
  return schema
    .refine((env) => Boolean(env.GATEWAY_URL), {
      path: ['GATEWAY_URL'],
      message:
        'is required: the worker reaches Argo CD, Kubernetes and Kyverno through the MCP gateway ' +
        '(e.g. http://127.0.0.1:8080/mcp from `sre-bot gateway --config deploy/gateway.yaml`)',
      when: () => true,
    })
    .refine((env) => Boolean(env.GATEWAY_TOKEN), {
      path: ['GATEWAY_TOKEN'],
      message: "is required: the bearer token of the bot's default caller in the gateway config",
      when: () => true,
    });
}

/** The worker role's schema: runtime and worker slices plus the gateway rules. */
export const workerRoleSchema = withGatewayRules(workerVariablesSchema);

const receiverSchema = withSlackModeRules(z.object({ ...runtimeConfigSchema.shape, ...slackVariablesSchema.shape }));
const receiverWithWorkerVariables = z.object({ ...workerVariablesSchema.shape, ...slackVariablesSchema.shape });
const receiverWithWorkerSchema = withGatewayRules(withSlackModeRules(receiverWithWorkerVariables));

/** Problems of the channels file and of the token variables its channels name. */
function channelProblems(
  file: string | undefined,
  env: Env,
  cwd: string,
  checkTokens: boolean,
): { channels?: ChannelDirectory; problems: string[] } {
  let channels: ChannelDirectory;
  try {
    channels = loadChannelConfig(file ? resolve(cwd, file) : undefined);
  } catch (error) {
    if (error instanceof Error && (error as { code?: unknown }).code === 'config_invalid') {
      return { problems: [`SRE_BOT_CHANNELS_FILE: ${error.message}`] };
    }
    throw error;
  }
  const problems: string[] = [];
  if (checkTokens) {
    for (const channel of channels.list()) {
      const tokenEnv = channel.gateway?.tokenEnv;
      if (tokenEnv && !env[tokenEnv]) {
        const principal = channel.gateway?.principal ?? '';
        const owner = `channel ${channel.id} (${channel.team})`;
        problems.push(`${tokenEnv} is required: ${owner} uses gateway principal ${principal}`);
      }
    }
  }
  return { channels, problems };
}

/** Parses the runtime variables of `ask`, `eval` and `demo` once; one error names every bad variable. */
export function loadRuntimeConfig(env: Env): RuntimeConfig {
  const checked = checkEnv(runtimeConfigSchema, env);
  if (!checked.isValid) throw configError('sre-bot', checked.problems);
  return Object.freeze(checked.data);
}

/**
 * Parses the worker role once: variables, the channels file and the gateway token of every
 * channel principal it names, all reported in one error. A separate worker process
 * (`requireRedis`) also needs REDIS_URL, the only way jobs reach it.
 */
export function loadWorkerRoleConfig(
  env: Env,
  cwd: string,
  options: { requireRedis?: boolean } = {},
): { config: WorkerRoleConfig; channels: ChannelDirectory; fix?: FixConfig } {
  const checked = checkEnv(workerRoleSchema, env);
  const channels = channelProblems(env.SRE_BOT_CHANNELS_FILE || undefined, env, cwd, true);
  const fix = checkFixConfig(env);
  const problems = [...(checked.isValid ? [] : checked.problems), ...channels.problems, ...fix.problems];
  if (options.requireRedis && !env.REDIS_URL) {
    problems.push(
      'REDIS_URL is required for a separate worker: it receives jobs from `sre-bot slack` through Redis ' +
        '(without Redis, `sre-bot slack` runs the worker in the same process)',
    );
  }
  if (!checked.isValid || !channels.channels || problems.length > 0) throw configError('worker', problems);
  return {
    config: Object.freeze(checked.data),
    channels: channels.channels,
    ...(fix.config ? { fix: fix.config } : {}),
  };
}

/** What the `slack` role runs on: the receiver's settings, and the worker's when it runs in-process. */
export interface SlackRoleConfig {
  runtime: RuntimeConfig;
  slack: SlackConfig;
  /** Present when the worker runs in this process (no REDIS_URL, no --no-worker). */
  worker?: WorkerRoleConfig;
  channels: ChannelDirectory;
  /** The fix loop's settings, when FIX_GIT_PROVIDER is set and the worker runs here. */
  fix?: FixConfig;
  /** FIX_GIT_PROVIDER is set: answers offer "Propose fix" and the receiver enqueues fix jobs. */
  isFixEnabled: boolean;
  /** RCA_POSTMORTEMS_REPOSITORY is set: publishing an RCA from Slack also opens a postmortems PR. */
  postmortems?: PostmortemsConfig;
}

/**
 * Parses the `slack` role once: receiver variables and, when the worker runs in the same process,
 * the worker's too, so every problem of either shows in one error.
 */
export function loadSlackRoleConfig(env: Env, cwd: string, options: { withWorker: boolean }): SlackRoleConfig {
  const channels = channelProblems(env.SRE_BOT_CHANNELS_FILE || undefined, env, cwd, options.withWorker);
  // The receiver only needs to know the loop is on; the worker (here or elsewhere) checks the rest.
  const fix: ReturnType<typeof checkFixConfig> = options.withWorker ? checkFixConfig(env) : { problems: [] };
  const isFixEnabled = isFixOn(env);
  const postmortems = checkPostmortemsConfig(env);
  const fail = (problems: readonly string[]): never => {
    throw configError('slack', [...problems, ...channels.problems, ...fix.problems, ...postmortems.problems]);
  };
  const published = postmortems.config ? { postmortems: postmortems.config } : {};
  if (options.withWorker) {
    const checked = checkEnv(receiverWithWorkerSchema, env);
    if (!checked.isValid) return fail(checked.problems);
    if (!channels.channels || channels.problems.length > 0 || fix.problems.length > 0) return fail([]);
    if (postmortems.problems.length > 0) return fail([]);
    const data = Object.freeze(checked.data);
    return {
      runtime: data,
      slack: slackSettings(data),
      worker: data,
      channels: channels.channels,
      isFixEnabled,
      ...(fix.config ? { fix: fix.config } : {}),
      ...published,
    };
  }
  const checked = checkEnv(receiverSchema, env);
  if (!checked.isValid) return fail(checked.problems);
  if (!channels.channels || channels.problems.length > 0 || postmortems.problems.length > 0) return fail([]);
  const data = Object.freeze(checked.data);
  return { runtime: data, slack: slackSettings(data), channels: channels.channels, isFixEnabled, ...published };
}

/**
 * Parses a server role (`gateway`, `mcp`) once: the shared core variables (telemetry) and the
 * server's own settings, whose loader reports its problems as a `config_invalid` error. Both
 * sets of problems land in one error.
 */
export function loadServerRoleConfig<T>(role: string, env: Env, loadOwn: () => T): { core: CoreConfig; own: T } {
  const core = checkEnv(coreConfigSchema, env);
  const problems = core.isValid ? [] : [...core.problems];
  let own: { value: T } | undefined;
  try {
    own = { value: loadOwn() };
  } catch (error) {
    if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'config_invalid') throw error;
    problems.push(error.message);
  }
  if (!core.isValid || !own || problems.length > 0) throw configError(role, problems);
  return { core: Object.freeze(core.data), own: own.value };
}
