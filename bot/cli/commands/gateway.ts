import { resolve } from 'node:path';
import { loadServerRoleConfig } from '../role-config.js';
import { startTelemetry } from '../start-telemetry.js';
import { parseFlags, parseIntegerFlag, UsageError, writeLine, type Command } from '../command.js';
import { BotError } from '../../errors.js';
import {
  createGateway,
  createGatewayLogger,
  GatewayError,
  loadGatewayConfig,
  type GatewayConfig,
} from '../../../mcp-servers/gateway/index.js';
import { listMcpTools } from '../../../mcp-servers/tool-names.js';
import { readVersion } from './version.js';
import { createStoreApprovalChecker } from '../../fix/approval-checker.js';
import { createApprovalsRepository } from '../../store/approvals-repository.js';
import { createPgDatabase } from '../../store/pg-database.js';

const USAGE = 'gateway --config FILE [--port N] [--host H] [--check]';

function loadConfig(path: string, env: Readonly<Record<string, string | undefined>>): GatewayConfig {
  try {
    return loadGatewayConfig(path, env);
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'config_invalid')
      throw new BotError('config_invalid', error.message, { cause: error });
    throw error;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function describeConfig(config: GatewayConfig): string {
  const kinds = new Map<string, number>();
  for (const upstream of config.upstreams) kinds.set(upstream.kind, (kinds.get(upstream.kind) ?? 0) + 1);
  const upstreams = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `${count(config.upstreams.length, 'upstream')} (${upstreams}), ${count(config.callers.length, 'caller')}`;
}

/**
 * `sre-bot gateway --config gateway.yaml`: the MCP gateway (one streamable-HTTP endpoint at /mcp
 * over every configured upstream, plus /healthz, /readyz, /metrics) until SIGINT/SIGTERM.
 * `--check` validates the config (tokens resolved) and exits.
 */
export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'Run the MCP gateway: one endpoint over every Argo CD, Kubernetes and Kyverno MCP server.',
  usage: USAGE,
  run: async (argv, io) => {
    const { values } = parseFlags(
      argv,
      { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, check: { type: 'boolean' } },
      USAGE,
    );
    if (!values.config) throw new UsageError('--config is required (see deploy/gateway.yaml for an example)', USAGE);
    const configPath = resolve(io.cwd, values.config);
    // One parse at start: the shared variables (telemetry) and the gateway file, reported together.
    const { core, own: config } = loadServerRoleConfig('gateway', io.env, () => loadConfig(configPath, io.env));
    if (values.check) {
      writeLine(io.stdout, `gateway config OK: ${describeConfig(config)}`);
      return 0;
    }
    const port = parseIntegerFlag(values.port, 'port', USAGE) ?? config.listen.port;
    // Traces over OTLP when configured; the gateway serves its own /metrics on its port.
    const telemetry = startTelemetry(core, 'gateway');
    const logger = createGatewayLogger({ level: io.env.LOG_LEVEL ?? 'info', destination: io.stderr });
    // Writes are approved from the approvals table the bot fills; without a database every write is refused.
    const approvalsDb = core.DATABASE_URL ? createPgDatabase(core.DATABASE_URL) : undefined;
    const gateway = createGateway(config, {
      logger,
      ...(approvalsDb
        ? { approvalChecker: createStoreApprovalChecker(createApprovalsRepository(approvalsDb, () => new Date())) }
        : {}),
      version: readVersion(),
      defaultMetrics: true,
      knownWriteTools: listMcpTools()
        .filter((tool) => tool.isWrite)
        .map((tool) => tool.name),
    });
    try {
      const { url } = await gateway.listen(port, values.host ?? config.listen.host);
      const status = gateway.status();
      const down = status.filter((item) => !item.healthy).map((item) => `${item.kind}/${item.instance}`);
      writeLine(
        io.stderr,
        `sre-bot gateway listening on ${url}: ${describeConfig(config)}; ` +
          `${count(status.length - down.length, 'upstream')} ` +
          `healthy${down.length > 0 ? `, not answering: ${down.join(', ')}` : ''}`,
      );
      await io.stopSignal;
    } finally {
      await gateway.close();
      await approvalsDb?.close();
      await telemetry.shutdown();
    }
    return 0;
  },
};
